//! A command line clap rejects, as a miette report like every other CLI error: code IO008, clap's
//! message, the command line as the excerpt with the offending word labelled, and one help block
//! with clap's suggestion, the valid values and the usage line. Help and version requests are not
//! errors and keep clap's own output.

use std::ffi::OsString;
use std::ops::Range;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::report::CliError;
use crate::diagnostics::codes;

/// The report for a rejected command line; `args` is the whole command line, program name first.
pub fn report(error: &clap::Error, args: &[OsString]) -> CliError {
    let (line, words) = command_line(args);
    let mut report = CliError::new(codes::INVALID_USAGE, message(error));
    if let Some((range, label)) = offending_word(error, &line, &words) {
        report = report.with_excerpt("command line", &line, range, label);
    }
    report.with_help(help(error, args))
}

/// The command line as one line of text, and the byte range of each argument after the program.
fn command_line(args: &[OsString]) -> (String, Vec<(String, Range<usize>)>) {
    let mut line = String::from("archc");
    let mut words = Vec::new();
    for arg in args.iter().skip(1) {
        let word = arg.to_string_lossy().into_owned();
        line.push(' ');
        // Quote what a shell would have needed quoted, so the excerpt reads as typed.
        let quoted = word.is_empty() || word.contains(char::is_whitespace);
        if quoted {
            line.push('\'');
        }
        let start = line.len();
        line.push_str(&word);
        let end = line.len();
        if quoted {
            line.push('\'');
        }
        words.push((word, start..end));
    }
    (line, words)
}

/// clap's one-line message without its `error: ` prefix.
fn message(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let first = rendered.lines().find(|l| !l.trim().is_empty()).unwrap_or("the command line is not valid");
    first.trim().strip_prefix("error:").unwrap_or(first).trim().to_string()
}

/// The argument clap rejected and what to call it, when clap names one that was typed.
fn offending_word(error: &clap::Error, line: &str, words: &[(String, Range<usize>)]) -> Option<(Range<usize>, String)> {
    let context = |kind| match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    match error.kind() {
        ErrorKind::InvalidSubcommand => {
            let word = context(ContextKind::InvalidSubcommand)?;
            find(words, &word).map(|r| (r, "not a command of archc".to_string()))
        }
        ErrorKind::UnknownArgument => {
            let word = context(ContextKind::InvalidArg)?;
            find(words, &word).map(|r| (r, "not an option of this command".to_string()))
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let value = context(ContextKind::InvalidValue)?;
            let option = context(ContextKind::InvalidArg).unwrap_or_default();
            if value.is_empty() {
                // `--deny` at the end of the line: point at the option that wants a value.
                let flag = option.split_whitespace().next().unwrap_or_default();
                return find(words, flag).map(|r| (r, "needs a value".to_string()));
            }
            find(words, &value).map(|r| (r, format!("not a value {}", of_option(&option))))
        }
        ErrorKind::MissingRequiredArgument | ErrorKind::TooFewValues | ErrorKind::InvalidUtf8 => {
            // Nothing was typed to point at: point just past the end of the line.
            Some((line.len()..line.len(), "something is missing here".to_string()))
        }
        ErrorKind::ArgumentConflict => {
            let word = context(ContextKind::InvalidArg)?;
            let flag = word.split_whitespace().next().unwrap_or(&word).to_string();
            find(words, &flag).map(|r| (r, "cannot be combined with the other option".to_string()))
        }
        _ => None,
    }
}

fn of_option(option: &str) -> String {
    if option.is_empty() {
        "archc accepts here".to_string()
    } else {
        format!("of `{option}`")
    }
}

/// The byte range of `word` as typed: a whole argument, or the value of `--flag=word`.
fn find(words: &[(String, Range<usize>)], word: &str) -> Option<Range<usize>> {
    words.iter().find_map(|(typed, range)| {
        if typed == word {
            Some(range.clone())
        } else {
            let (_, value) = typed.split_once('=')?;
            (value == word).then(|| range.end - value.len()..range.end)
        }
    })
}

/// clap's suggestions, the valid values and the usage line, one per line.
fn help(error: &clap::Error, args: &[OsString]) -> String {
    let mut lines = Vec::new();
    for kind in [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg, ContextKind::SuggestedValue] {
        match error.get(kind) {
            Some(ContextValue::String(s)) => lines.push(format!("did you mean `{s}`?")),
            Some(ContextValue::Strings(s)) if !s.is_empty() => {
                let quoted: Vec<String> = s.iter().map(|s| format!("`{s}`")).collect();
                lines.push(format!("did you mean {}?", quoted.join(" or ")));
            }
            _ => {}
        }
    }
    if let Some(ContextValue::Strings(values)) = error.get(ContextKind::ValidValue) {
        if !values.is_empty() {
            lines.push(format!("possible values: {}", values.join(", ")));
        }
    }
    if let Some(ContextValue::StyledStrs(tips)) = error.get(ContextKind::Suggested) {
        lines.extend(tips.iter().map(|t| t.to_string().trim().to_string()).filter(|t| !t.is_empty()));
    }
    if let Some(ContextValue::StyledStr(usage)) = error.get(ContextKind::Usage) {
        let usage = usage.to_string();
        let usage = usage.trim();
        lines.push(format!("usage: {}", usage.strip_prefix("Usage:").unwrap_or(usage).trim()));
    }
    lines.push(format!("run `{}` for every option", help_command(args)));
    lines.join("\n")
}

/// `archc <command> --help` when the command was recognised, else `archc --help`.
fn help_command(args: &[OsString]) -> String {
    use clap::CommandFactory;
    let command = super::Cli::command();
    let known = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy())
        .find(|a| !a.starts_with('-'))
        .filter(|a| command.get_subcommands().any(|s| s.get_name() == a.as_ref()));
    match known {
        Some(sub) => format!("archc {sub} --help"),
        None => "archc --help".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn rejected(line: &[&str]) -> String {
        let args: Vec<OsString> = line.iter().map(OsString::from).collect();
        let error = match super::super::Cli::try_parse_from(&args) {
            Err(e) => e,
            Ok(_) => panic!("`{}` was accepted", line.join(" ")),
        };
        report(&error, &args).render(false)
    }

    #[test]
    fn an_unknown_option_is_labelled_in_the_command_line_with_the_usage() {
        let out = rejected(&["archc", "check", "--formt", "json", "."]);
        assert!(out.contains("IO008"), "{out}");
        assert!(out.contains("unexpected argument '--formt' found"), "{out}");
        assert!(out.contains("archc check --formt json ."), "{out}");
        assert!(out.contains("not an option of this command"), "{out}");
        assert!(out.contains("did you mean `--format`?"), "{out}");
        assert!(out.contains("usage: archc check"), "{out}");
        assert!(out.contains("archc check --help"), "{out}");
    }

    #[test]
    fn a_bad_value_lists_the_possible_values() {
        let out = rejected(&["archc", "check", "--format=yaml", "."]);
        assert!(out.contains("invalid value 'yaml'"), "{out}");
        assert!(out.contains("not a value of `--format"), "{out}");
        assert!(out.contains("possible values:") && out.contains("sarif"), "{out}");
    }

    #[test]
    fn an_option_without_its_value_is_pointed_at() {
        let out = rejected(&["archc", "check", "--deny"]);
        assert!(out.contains("a value is required for '--deny <DENY>'"), "{out}");
        assert!(out.contains("needs a value"), "{out}");
        assert!(out.contains("possible values: warnings"), "{out}");
    }

    #[test]
    fn a_mistyped_command_gets_a_suggestion() {
        let out = rejected(&["archc", "chek", "."]);
        assert!(out.contains("unrecognized subcommand 'chek'"), "{out}");
        assert!(out.contains("not a command of archc"), "{out}");
        assert!(out.contains("did you mean `check`?"), "{out}");
        assert!(out.contains("run `archc --help`"), "{out}");
    }

    #[test]
    fn words_with_spaces_are_quoted_and_still_found() {
        let (line, words) = command_line(&["archc", "check", "my dir", "--x=1"].map(OsString::from));
        assert_eq!(line, "archc check 'my dir' --x=1");
        assert_eq!(&line[words[1].1.clone()], "my dir");
        assert_eq!(find(&words, "1").map(|r| &line[r]), Some("1"));
    }
}

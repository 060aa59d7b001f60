//! Stable codes of the front end's diagnostics (syntax, literals, resolution, imports, IO).
//!
//! A code is never reused once shipped (SYN013 was retired before the first release). Checker rules (HYG, OWN, CPL, SEC, PERF, REL) live in the
//! rule registry; the resolver reports the two hygiene facts it owns, HYG001 and HYG002, with the
//! same codes so that configuration and suppression treat them alike.

use super::Severity;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code {
    pub id: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

const fn code(id: &'static str, name: &'static str, summary: &'static str) -> Code {
    Code { id, name, severity: Severity::Error, summary }
}

pub const UNEXPECTED_CHARACTER: Code =
    code("SYN001", "unexpected-character", "A character that cannot start any token.");
pub const UNTERMINATED_STRING: Code =
    code("SYN002", "unterminated-string", "A string literal without its closing quote.");
pub const INVALID_ESCAPE: Code = code("SYN003", "invalid-escape", "An unknown escape sequence inside a string.");
pub const UNEXPECTED_TOKEN: Code =
    code("SYN004", "unexpected-token", "The parser expected something else at this point.");
pub const UNCLOSED_DELIMITER: Code = code("SYN005", "unclosed-delimiter", "A `{`, `(` or `[` that is never closed.");
pub const NESTING_TOO_DEEP: Code = code("SYN006", "nesting-too-deep", "Blocks nested deeper than the language allows.");
pub const INVALID_LITERAL: Code = code(
    "SYN007",
    "invalid-literal",
    "A number, duration, rate, percentage, size or date that is malformed or out of range.",
);
pub const UNKNOWN_DECLARATION: Code =
    code("SYN008", "unknown-declaration", "A top-level word that is not a declaration keyword.");
pub const UNKNOWN_ATTRIBUTE: Code =
    code("SYN009", "unknown-attribute", "An attribute that the enclosing block does not define.");
pub const MISSING_VALUE: Code =
    code("SYN010", "missing-value", "An attribute or declaration without a required value.");
pub const WRONG_VALUE_TYPE: Code =
    code("SYN011", "wrong-value-type", "A value of the wrong type, such as a string where a duration is expected.");
pub const UNEXPECTED_VALUE: Code =
    code("SYN012", "unexpected-value", "Extra words after a complete attribute or statement.");
pub const UNEXPECTED_BODY: Code = code("SYN014", "unexpected-body", "A `{ ... }` block where none is allowed.");
pub const DUPLICATE_ATTRIBUTE: Code =
    code("SYN015", "duplicate-attribute", "An attribute given twice where only one value makes sense.");
pub const INVALID_UTF8: Code = code("SYN016", "invalid-utf8", "A file that is not valid UTF-8.");
pub const TOO_MANY_ERRORS: Code = code("SYN017", "too-many-errors", "Reporting stopped after many errors in one file.");

pub const DANGLING_REFERENCE: Code =
    code("HYG001", "dangling-reference", "A reference that resolves to no declared element.");
pub const DUPLICATE_ID: Code = code("HYG002", "duplicate-id", "Two declarations share one name.");

pub const WRONG_KIND_REFERENCE: Code =
    code("RES001", "wrong-kind-reference", "A reference to an element of a kind the attribute does not accept.");
pub const NOT_IMPORTED: Code =
    code("RES002", "reference-not-imported", "A standard-library declaration naming one of a std module it does not import (workspace files share one namespace).");
pub const IMPORT_NOT_FOUND: Code =
    code("RES003", "import-not-found", "An import naming a file or std module that does not exist.");
pub const IMPORT_CYCLE: Code = code(
    "RES004",
    "import-cycle",
    "Retired: files that import each other in a cycle were an error until workspace files shared one namespace.",
);
pub const IMPORT_OUTSIDE_WORKSPACE: Code =
    code("RES005", "import-outside-workspace", "An import whose path leaves the workspace root.");
pub const INTERFACE_PROVIDED_TWICE: Code = code(
    "RES008",
    "interface-provided-twice",
    "An interface exposed by a second element, or by another element than its `provider`.",
);
pub const SYSTEM_CONTRADICTS_NESTING: Code = code(
    "RES009",
    "system-contradicts-nesting",
    "A component nested in a system whose `system` attribute names another system.",
);

pub const UNREADABLE_PATH: Code = code("IO001", "unreadable-path", "A path that does not exist or cannot be read.");
pub const FILE_TOO_LARGE: Code =
    code("IO002", "file-too-large", "A file larger than the configured size limit; it is not read.");
pub const INVALID_CONFIG: Code = code("IO003", "invalid-config", "An `arch.toml` that cannot be parsed.");
pub const INVALID_IMPORT_INPUT: Code =
    code("IO004", "invalid-import-input", "A model given to `archc import` that is not valid in its format.");
/// A warning: the pattern is probably mistyped.
pub const INCLUDE_MATCHES_NOTHING: Code = Code {
    severity: Severity::Warning,
    ..code("RES007", "include-matches-nothing", "An `include` pattern in arch.toml that selects no .arch file.")
};
pub const UNWRITABLE_OUTPUT: Code =
    code("IO005", "unwritable-output", "Output that could not be written: standard output, a build or a file.");
pub const INVALID_ENVIRONMENT: Code =
    code("IO006", "invalid-environment", "An environment variable archc reads, set to an unusable value.");
pub const LLM_PROVIDER: Code = code(
    "IO007",
    "llm-provider",
    "The LLM provider of `archc fill` is not configured, cannot be reached or gave an unusable reply.",
);
pub const INVALID_USAGE: Code = code(
    "IO008",
    "invalid-usage",
    "A command line archc cannot run: an unknown command or flag, a bad value, a missing argument.",
);
/// A warning: the link is skipped and the rest of the workspace is read.
pub const LINK_LEAVES_WORKSPACE: Code = Code {
    severity: Severity::Warning,
    ..code("RES006", "link-leaves-workspace", "A symbolic link in the workspace that leads outside it; not followed.")
};
/// A custom `rule` declaration that cannot be checked as written.
pub const INVALID_CUSTOM_RULE: Code =
    code("RUL001", "invalid-custom-rule", "A custom `rule` that is incomplete or contradicts itself.");
/// A note: a selector that selects nothing is probably mistyped.
pub const CUSTOM_RULE_MATCHES_NOTHING: Code = Code {
    severity: Severity::Note,
    ..code(
        "RUL002",
        "custom-rule-matches-nothing",
        "A selector of a custom `rule` that selects no element of the workspace.",
    )
};

pub const UNKNOWN_ENDPOINT: Code = code(
    "RES010",
    "unknown-endpoint",
    "A `calls` that names no endpoint or operation of the interface the link goes through.",
);

/// Every front-end code, in code order.
pub const ALL: &[Code] = &[
    UNEXPECTED_CHARACTER,
    UNTERMINATED_STRING,
    INVALID_ESCAPE,
    UNEXPECTED_TOKEN,
    UNCLOSED_DELIMITER,
    NESTING_TOO_DEEP,
    INVALID_LITERAL,
    UNKNOWN_DECLARATION,
    UNKNOWN_ATTRIBUTE,
    MISSING_VALUE,
    WRONG_VALUE_TYPE,
    UNEXPECTED_VALUE,
    UNEXPECTED_BODY,
    DUPLICATE_ATTRIBUTE,
    INVALID_UTF8,
    TOO_MANY_ERRORS,
    DANGLING_REFERENCE,
    DUPLICATE_ID,
    WRONG_KIND_REFERENCE,
    NOT_IMPORTED,
    IMPORT_NOT_FOUND,
    IMPORT_CYCLE,
    IMPORT_OUTSIDE_WORKSPACE,
    LINK_LEAVES_WORKSPACE,
    INCLUDE_MATCHES_NOTHING,
    INTERFACE_PROVIDED_TWICE,
    SYSTEM_CONTRADICTS_NESTING,
    UNKNOWN_ENDPOINT,
    UNREADABLE_PATH,
    FILE_TOO_LARGE,
    INVALID_CONFIG,
    INVALID_IMPORT_INPUT,
    UNWRITABLE_OUTPUT,
    INVALID_ENVIRONMENT,
    LLM_PROVIDER,
    INVALID_USAGE,
    INVALID_CUSTOM_RULE,
    CUSTOM_RULE_MATCHES_NOTHING,
];

/// True for problems with the invocation or environment rather than with the model (exit code 2).
pub fn is_environment_error(code: Code) -> bool {
    code.id.starts_with("IO")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut ids: Vec<_> = ALL.iter().map(|c| c.id).collect();
        let mut names: Vec<_> = ALL.iter().map(|c| c.name).collect();
        ids.sort_unstable();
        names.sort_unstable();
        let (n_ids, n_names) = (ids.len(), names.len());
        ids.dedup();
        names.dedup();
        assert_eq!(ids.len(), n_ids, "duplicate code id");
        assert_eq!(names.len(), n_names, "duplicate code name");
        for c in ALL {
            assert!(c.id.len() >= 5 && c.id[c.id.len() - 3..].chars().all(|ch| ch.is_ascii_digit()), "{}", c.id);
            assert!(c.name.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-' || ch.is_ascii_digit()));
        }
    }
}

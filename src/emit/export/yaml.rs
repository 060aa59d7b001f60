//! A small YAML writer over [`Json`] values: block style, keys in order, every string
//! double-quoted (JSON escapes are valid YAML), multi-line strings as literal blocks.

use super::json::{quote, Json};

/// One YAML document body (without the `---` marker), ending with a newline.
pub fn document(value: &Json) -> String {
    let mut out = String::new();
    match value {
        Json::Obj(fields) if !fields.is_empty() => write_fields(&mut out, fields, 0),
        Json::Arr(items) if !items.is_empty() => write_items(&mut out, items, 0),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn key(k: &str) -> String {
    let plain = !k.is_empty()
        && k.chars().all(|c| c.is_ascii_alphanumeric() || "_-./".contains(c))
        && k.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    if plain {
        k.to_string()
    } else {
        quote(k)
    }
}

fn scalar(v: &Json) -> String {
    match v {
        Json::Null => "null".to_string(),
        Json::Bool(b) => b.to_string(),
        Json::Num(n) => n.clone(),
        Json::Str(s) => quote(s),
        Json::Arr(_) => "[]".to_string(),
        Json::Obj(_) => "{}".to_string(),
    }
}

fn is_block(v: &Json) -> bool {
    match v {
        Json::Arr(a) => !a.is_empty(),
        Json::Obj(o) => !o.is_empty(),
        _ => false,
    }
}

/// A string written as a literal block: several lines, no control characters but newlines, and
/// no line with leading spaces that would confuse the indentation indicator.
fn literal_block(s: &str) -> bool {
    s.contains('\n')
        && !s.chars().any(|c| c.is_control() && c != '\n')
        && !s.starts_with([' ', '\n'])
        && !s.lines().any(|l| l.ends_with(' '))
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn write_value_after_key(out: &mut String, v: &Json, depth: usize) {
    match v {
        Json::Obj(fields) if !fields.is_empty() => {
            out.push('\n');
            write_fields(out, fields, depth + 1);
        }
        Json::Arr(items) if !items.is_empty() => {
            out.push('\n');
            write_items(out, items, depth + 1);
        }
        Json::Str(s) if literal_block(s) => {
            let chomp = if s.ends_with('\n') { "" } else { "-" };
            out.push_str(&format!(" |{chomp}\n"));
            for line in s.trim_end_matches('\n').split('\n') {
                if !line.is_empty() {
                    indent(out, depth + 1);
                    out.push_str(line);
                }
                out.push('\n');
            }
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn write_fields(out: &mut String, fields: &[(String, Json)], depth: usize) {
    for (k, v) in fields {
        indent(out, depth);
        out.push_str(&key(k));
        out.push(':');
        write_value_after_key(out, v, depth);
    }
}

fn write_items(out: &mut String, items: &[Json], depth: usize) {
    for item in items {
        indent(out, depth);
        out.push('-');
        match item {
            Json::Obj(fields) if !fields.is_empty() => {
                // The first key goes on the dash line, the rest line up under it.
                let (k, v) = &fields[0];
                out.push(' ');
                out.push_str(&key(k));
                out.push(':');
                write_value_after_key(out, v, depth + 1);
                write_fields(out, &fields[1..], depth + 1);
            }
            Json::Arr(inner) if is_block(item) => {
                out.push('\n');
                write_items(out, inner, depth + 1);
            }
            other => {
                out.push(' ');
                out.push_str(&scalar(other));
                out.push('\n');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_block_yaml_with_quoted_strings_and_literal_blocks() {
        let v = Json::obj()
            .with("apiVersion", Json::str("backstage.io/v1alpha1"))
            .with(
                "metadata",
                Json::obj()
                    .with("name", Json::str("orders"))
                    .with("tags", Json::Arr(vec![Json::str("a"), Json::str("b")])),
            )
            .with("list", Json::Arr(vec![Json::obj().with("k", Json::int(1)).with("j", Json::Bool(false))]))
            .with("text", Json::str("line one\n  indented: yes\nlast"))
            .with("empty", Json::Arr(vec![]));
        assert_eq!(
            document(&v),
            "apiVersion: \"backstage.io/v1alpha1\"\nmetadata:\n  name: \"orders\"\n  tags:\n    - \"a\"\n    - \"b\"\nlist:\n  - k: 1\n    j: false\ntext: |-\n  line one\n    indented: yes\n  last\nempty: []\n"
        );
    }
}

//! YAML read into a `serde_json::Value`, so that YAML and JSON inputs are walked the same way.
//! saphyr is a pure-Rust YAML 1.2 parser without C code or serde coupling; keys become strings.

use saphyr::{LoadableYamlNode, Scalar, Yaml};
use serde_json::{Map, Number, Value};

/// An error with its 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub line: usize,
    pub message: String,
}

/// The first document of a YAML text (an empty text gives `null`).
pub fn parse(text: &str) -> Result<Value, YamlError> {
    let docs =
        Yaml::load_from_str(text).map_err(|e| YamlError { line: e.marker().line(), message: e.info().to_string() })?;
    match docs.first() {
        Some(doc) => to_json(doc, 0),
        None => Ok(Value::Null),
    }
}

/// Deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 128;

fn to_json(node: &Yaml, depth: usize) -> Result<Value, YamlError> {
    if depth > MAX_DEPTH {
        return Err(YamlError { line: 0, message: format!("nested deeper than {MAX_DEPTH} levels") });
    }
    Ok(match node {
        Yaml::Value(s) => scalar(s),
        Yaml::Representation(text, _, _) => Value::String(text.to_string()),
        Yaml::Sequence(items) => Value::Array(items.iter().map(|i| to_json(i, depth + 1)).collect::<Result<_, _>>()?),
        Yaml::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match to_json(k, depth + 1)? {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                out.insert(key, to_json(v, depth + 1)?);
            }
            Value::Object(out)
        }
        Yaml::Tagged(_, inner) => to_json(inner, depth + 1)?,
        Yaml::Alias(_) => {
            return Err(YamlError { line: 0, message: "YAML aliases (`*name`) are not supported".to_string() })
        }
        Yaml::BadValue => Value::Null,
    })
}

fn scalar(s: &Scalar) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Number((*i).into()),
        Scalar::FloatingPoint(f) => Number::from_f64(f.into_inner()).map_or(Value::Null, Value::Number),
        Scalar::String(t) => Value::String(t.to_string()),
    }
}

//! The model's texts: descriptions, technologies, field types, endpoint methods. A text is one
//! pointer, so that a value holding one takes sixteen bytes rather than twenty-four (a model of
//! 100,000 components holds three million values), and equal texts of one file share one copy
//! ([`Texts`]), as most of them repeat: a few technologies, field types and methods.

use std::borrow::Borrow;
use std::fmt;
use std::hash::BuildHasher;
use std::sync::Arc;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use smol_str::SmolStr;

/// A shared, immutable text that reads as a `str`. Cloning it copies a pointer.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(Arc<SmolStr>);

impl Text {
    pub fn new(text: impl Into<SmolStr>) -> Text {
        Text(Arc::new(text.into()))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        self.0.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text::new(text)
    }
}

impl From<SmolStr> for Text {
    fn from(text: SmolStr) -> Text {
        Text::new(text)
    }
}

impl From<Text> for String {
    fn from(text: Text) -> String {
        text.as_str().to_string()
    }
}

impl From<Text> for SmolStr {
    fn from(text: Text) -> SmolStr {
        (*text.0).clone()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<SmolStr> for Text {
    fn eq(&self, other: &SmolStr) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Text> for SmolStr {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

/// Prints as the string it is.
impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// The texts of one file met so far, each kept once: a table of the shared texts themselves,
/// hashed once per text met.
#[derive(Default)]
pub struct Texts(HashTable<Text>);

impl Texts {
    /// The file's copy of `text`, made on its first occurrence.
    pub fn get(&mut self, text: &SmolStr) -> Text {
        let hash = FxBuildHasher.hash_one(text.as_str());
        if let Some(shared) = self.0.find(hash, |t| t.as_str() == text.as_str()) {
            return shared.clone();
        }
        let shared = Text::new(text.clone());
        self.0.insert_unique(hash, shared.clone(), |t| FxBuildHasher.hash_one(t.as_str()));
        shared
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_reads_compares_and_prints_as_its_string() {
        let text = Text::from("Rust, axum");
        assert_eq!(&*text, "Rust, axum");
        assert_eq!(text, "Rust, axum");
        assert!("Rust, axum" == text);
        assert_eq!(text, SmolStr::new("Rust, axum"));
        assert_eq!(text.to_string(), "Rust, axum");
        assert_eq!(format!("{text:?}"), "\"Rust, axum\"");
        assert_eq!(String::from(text.clone()), "Rust, axum");
        assert_eq!(Text::from("a").cmp(&Text::from("b")), std::cmp::Ordering::Less, "orders as its string");
        assert_eq!(std::mem::size_of::<Text>(), 8);
        assert_eq!(std::mem::size_of::<Option<Text>>(), 8);
    }

    #[test]
    fn equal_texts_of_a_file_share_one_copy() {
        let mut texts = Texts::default();
        let long = SmolStr::new("Daily snapshots kept 30 days, restored monthly");
        let a = texts.get(&long);
        let b = texts.get(&SmolStr::new(long.as_str()));
        assert!(Arc::ptr_eq(&a.0, &b.0));
        let other = texts.get(&SmolStr::new("uuid"));
        assert_eq!(other, "uuid");
        assert!(!Arc::ptr_eq(&a.0, &other.0));
    }
}

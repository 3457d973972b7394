//! A JSON tree that borrows its strings and keys from the text it was read from, for readers
//! that look a document over field by field (a finding's details) rather than into one typed
//! view. `serde_json::Value` copies every string and key into its own allocation, and a large
//! security group has thousands of them.
//!
//! A `&Tree` is itself a serde `Deserializer`, so the lenient field types of [`crate::json`]
//! read from it as they read from text.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{self, Deserialize, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};

/// One JSON value; objects keep their members in document order.
#[derive(Debug, Clone, PartialEq)]
pub enum Tree<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(Cow<'a, str>),
    Array(Vec<Tree<'a>>),
    Object(Vec<(Cow<'a, str>, Tree<'a>)>),
}

impl<'a> Tree<'a> {
    /// Reads `text`, borrowing every string without escapes from it.
    pub fn parse(text: &'a str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The value of member `key`, when this is an object that has it (the last, if repeated,
    /// as serde_json reads an object).
    pub fn get(&self, key: &str) -> Option<&Tree<'a>> {
        match self {
            Tree::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Tree<'a>]> {
        match self {
            Tree::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Tree::Str(text) => Some(text),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Tree::Object(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Tree::Null)
    }
}

/// A string or key, borrowed when the text holds it without escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(text)))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text.to_string())))
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

impl<'de> Deserialize<'de> for Tree<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TreeVisitor;
        impl<'de> Visitor<'de> for TreeVisitor {
            type Value = Tree<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Tree<'de>, E> {
                Ok(Tree::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Tree<'de>, E> {
                Ok(Tree::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Tree<'de>, D::Error> {
                Tree::deserialize(d)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Tree<'de>, E> {
                Ok(Tree::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Tree<'de>, E> {
                Ok(Tree::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Tree<'de>, E> {
                Ok(Tree::Uint(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Tree<'de>, E> {
                Ok(Tree::Float(v))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Tree<'de>, E> {
                Ok(Tree::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Tree<'de>, E> {
                Ok(Tree::Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Tree<'de>, E> {
                Ok(Tree::Str(Cow::Owned(v)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree<'de>, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Tree::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree<'de>, A::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(Text(key)) = map.next_key()? {
                    members.push((key, map.next_value()?));
                }
                Ok(Tree::Object(members))
            }
        }
        deserializer.deserialize_any(TreeVisitor)
    }
}

impl<'de, 'a> IntoDeserializer<'de, serde_json::Error> for &'de Tree<'a> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de, 'a> Deserializer<'de> for &'de Tree<'a> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self {
            Tree::Null => visitor.visit_unit(),
            Tree::Bool(v) => visitor.visit_bool(*v),
            Tree::Int(v) => visitor.visit_i64(*v),
            Tree::Uint(v) => visitor.visit_u64(*v),
            Tree::Float(v) => visitor.visit_f64(*v),
            Tree::Str(text) => visitor.visit_borrowed_str(text),
            Tree::Array(items) => {
                let mut seq = SeqDeserializer::new(items.iter());
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Tree::Object(members) => {
                let mut map = MapDeserializer::new(members.iter().map(|(k, v)| (k.as_ref(), v)));
                let value = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(value)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self {
            Tree::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{Flag, Number, Text as LenientText};

    #[test]
    fn strings_without_escapes_are_borrowed() {
        let text = r#"{"a":"plain","b":"esc\"aped","c":[1,-2,2.5,true,null]}"#;
        let tree = Tree::parse(text).unwrap();
        assert!(matches!(
            tree.get("a"),
            Some(Tree::Str(Cow::Borrowed("plain")))
        ));
        assert!(matches!(tree.get("b"), Some(Tree::Str(Cow::Owned(s))) if s == "esc\"aped"));
        assert_eq!(
            tree.get("c").and_then(Tree::as_array).unwrap(),
            &[
                Tree::Uint(1),
                Tree::Int(-2),
                Tree::Float(2.5),
                Tree::Bool(true),
                Tree::Null
            ]
        );
        assert_eq!(tree.get("missing"), None);
        let repeated = Tree::parse(r#"{"k":1,"k":2}"#).unwrap();
        assert_eq!(repeated.get("k"), Some(&Tree::Uint(2)));
    }

    #[test]
    fn lenient_field_types_read_from_a_tree_as_from_text() {
        let tree = Tree::parse(r#"{"on":"True","port":"443","id":12,"v":{"x":[1]}}"#).unwrap();
        assert_eq!(
            Flag::deserialize(tree.get("on").unwrap()).unwrap(),
            Flag(true)
        );
        assert_eq!(
            Number::deserialize(tree.get("port").unwrap())
                .unwrap()
                .as_i64(),
            Some(443)
        );
        assert_eq!(
            LenientText::deserialize(tree.get("id").unwrap()).unwrap().0,
            "12"
        );
        let value = serde_json::Value::deserialize(&tree).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"on":"True","port":"443","id":12,"v":{"x":[1]}})
        );
    }
}

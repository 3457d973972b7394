//! Lenient JSON building blocks for the shapes AWS Config really sends.
//!
//! Every encoding quirk is handled here, once, so resource views can be declared as plain structs:
//! - [`Embedded`]: a value that may arrive as JSON or as a JSON *string* holding JSON, any number
//!   of levels deep (API flavour `configuration`, double-encoded S3 ACLs, `policyText`).
//! - [`Flag`]: booleans that may arrive as `true` or `"true"`/`"True"`.
//! - [`Number`]: numbers that may arrive as integers, floats (`22.0`) or numeric strings.
//! - [`Text`]: scalars that may arrive as a string or a number (`configurationStateId`).
//! - [`OneOrMany`]: IAM-style fields holding a single value or a list.
//! - [`Present`]: objects that may be replaced by `null`, `""`, `"None"` or `"null"`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, DeserializeOwned, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

mod position;
pub use position::error_path;

/// Where a value failed to parse and what was expected there. Shown as `path: message`, or
/// the message alone when the whole document is at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// JSON path of the offending value, e.g. `configuration.ipPermissions[0].fromPort`.
    pub path: String,
    /// What was found and what was expected.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for InputError {}

impl InputError {
    /// The message loses any value serde quotes ([`without_values`]).
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: without_values(&message.into()),
        }
    }

    /// The same error, seen from an enclosing value: `prefix` is prepended to the path.
    pub fn within(mut self, prefix: &str) -> Self {
        self.path = join_path(prefix, &self.path);
        self
    }
}

pub(crate) fn join_path(prefix: &str, path: &str) -> String {
    match (prefix.is_empty(), path.is_empty() || path == ".") {
        (true, _) => path.to_string(),
        (false, true) => prefix.to_string(),
        (false, false) if path.starts_with('[') => format!("{prefix}{path}"),
        (false, false) => format!("{prefix}.{path}"),
    }
}

/// Parses `text` as `T`, reporting the JSON path of the first value that does not fit.
///
/// The path is worked out from where serde_json stopped ([`error_path`]), so each view's
/// `Deserialize` exists once in the binary, for serde_json's own deserializer.
pub fn parse_str<T: DeserializeOwned>(text: &str) -> Result<T, InputError> {
    nested(|| {
        let mut de = serde_json::Deserializer::from_str(text);
        let value = T::deserialize(&mut de).map_err(|e| path_error(text, &e))?;
        de.end()
            .map_err(|e| InputError::new("", format!("not valid JSON: {e}")))?;
        Ok(value)
    })
}

/// How many JSON documents may be decoded one inside another (JSON held in a string of a
/// document held in a string…). Real data needs three at most (the fixtures, the shared corpus
/// and the example account all read with a bound of three), such as a bucket policy in
/// `policyText` in `BucketPolicy` in an item. serde_json bounds the nesting of one document
/// (128 levels), but each document in a string starts with the full allowance again, so without
/// this bound a few megabytes of strings in strings would exhaust the stack. Six documents of
/// 128 levels stay within a 2 MB thread stack.
pub const MAX_DOCUMENTS_IN_STRINGS: usize = 6;

thread_local! {
    static DOCUMENTS_OPEN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Runs `parse` as one more document inside the ones being decoded, or refuses when that
/// would be more than [`MAX_DOCUMENTS_IN_STRINGS`].
fn nested<T>(parse: impl FnOnce() -> Result<T, InputError>) -> Result<T, InputError> {
    struct Close;
    impl Drop for Close {
        fn drop(&mut self) {
            DOCUMENTS_OPEN.with(|open| open.set(open.get() - 1));
        }
    }
    let open = DOCUMENTS_OPEN.with(|open| {
        open.set(open.get() + 1);
        open.get()
    });
    let _close = Close;
    if open > MAX_DOCUMENTS_IN_STRINGS {
        return Err(InputError::new(
            "",
            format!(
                "JSON encoded in strings more than {MAX_DOCUMENTS_IN_STRINGS} levels deep: not AWS Config data"
            ),
        ));
    }
    parse()
}

/// Parses a raw JSON value that may itself be a JSON string holding the document.
pub fn parse_embedded<T: DeserializeOwned>(
    raw: &serde_json::value::RawValue,
) -> Result<T, InputError> {
    parse_str::<Embedded<T>>(raw.get()).map(|e| e.0)
}

/// Like [`parse_embedded`], where `null`, `"null"` and `""` (at any level of string encoding)
/// mean absent.
pub fn parse_embedded_option<T: DeserializeOwned>(
    raw: &serde_json::value::RawValue,
) -> Result<Option<T>, InputError> {
    let mut text = std::borrow::Cow::Borrowed(raw.get().trim());
    loop {
        if text.is_empty() || text == "null" {
            return Ok(None);
        }
        if !text.starts_with('"') {
            return parse_str::<Embedded<T>>(&text).map(|e| Some(e.0));
        }
        let inner: String = parse_str(&text)?;
        let inner = inner.trim();
        if !(inner.starts_with(['{', '[', '"']) || inner.is_empty() || inner == "null") {
            // A plain string value: let the target type judge it.
            return parse_str::<Embedded<T>>(&text).map(|e| Some(e.0));
        }
        text = std::borrow::Cow::Owned(inner.to_string());
    }
}

fn path_error(text: &str, e: &serde_json::Error) -> InputError {
    let path = error_path(text, e);
    let message = strip_position(&e.to_string());
    let message = match e.classify() {
        serde_json::error::Category::Syntax => format!("not valid JSON: {message}"),
        serde_json::error::Category::Eof => format!("truncated JSON: {message}"),
        serde_json::error::Category::Io | serde_json::error::Category::Data => message,
    };
    // A failure inside an embedded document already carries its own path.
    if let Some(rest) = message.strip_prefix(EMBEDDED_MARK) {
        if let Some((inner_path, inner_message)) = rest.split_once(EMBEDDED_SEP) {
            return InputError::new(join_path(&path, inner_path), inner_message);
        }
    }
    InputError::new(path, message)
}

/// serde quotes the string it could not use (`invalid type: string "…", expected u16`,
/// `unknown variant `…``): a value of the item, which can be a credential in a field that
/// expects something else, and errors go to logs and to Lambda. The path says where the value
/// is; the message says only that it was a string (`invalid type: a string, expected u16`).
pub fn without_values(message: &str) -> String {
    let mut kept = String::with_capacity(message.len());
    let mut rest = message;
    loop {
        let next = [
            ("string \"", '"', "a string"),
            ("variant `", '`', "variant"),
        ]
        .into_iter()
        .filter_map(|(open, close, says)| Some((rest.find(open)?, open, close, says)))
        .min_by_key(|(at, ..)| *at);
        let Some((at, open, close, says)) = next else {
            kept.push_str(rest);
            return kept;
        };
        let quoted = &rest[at + open.len()..];
        // serde escapes the string as Rust's `Debug` does: `\"` does not close it.
        let mut escaped = false;
        let end = quoted.char_indices().find_map(|(i, c)| {
            let closes = c == close && !escaped;
            escaped = c == '\\' && !escaped;
            closes.then_some(i)
        });
        let Some(end) = end else {
            kept.push_str(rest);
            return kept;
        };
        kept.push_str(&rest[..at]);
        kept.push_str(says);
        rest = &quoted[end + close.len_utf8()..];
    }
}

/// serde_json appends " at line L column C"; the path says more, and positions inside
/// decoded strings would mislead.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => message[..i].to_string(),
        _ => message.to_string(),
    }
}

const EMBEDDED_MARK: &str = "\u{1}embedded:";
const EMBEDDED_SEP: &str = "\u{1}";

/// A value that may arrive as JSON or as a JSON string holding JSON, any number of levels deep.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Embedded<T>(pub T);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Embedded<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(EmbeddedVisitor(PhantomData))
    }
}

struct EmbeddedVisitor<T>(PhantomData<T>);

impl<'de, T: DeserializeOwned> Visitor<'de> for EmbeddedVisitor<T> {
    type Value = Embedded<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value or a string holding JSON")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        let trimmed = text.trim();
        if !(trimmed.starts_with('{')
            || trimmed.starts_with('[')
            || trimmed.starts_with('"')
            || trimmed == "null")
        {
            // Not JSON: let the target type decide whether a plain string is acceptable.
            return T::deserialize(text.into_deserializer()).map(Embedded);
        }
        parse_str::<Embedded<T>>(trimmed).map_err(|inner| {
            E::custom(format_args!(
                "{EMBEDDED_MARK}{}{EMBEDDED_SEP}{} (in a JSON document encoded as a string)",
                inner.path, inner.message
            ))
        })
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
        self.visit_str(&text)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Embedded)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        T::deserialize(SeqAccessDeserializer::new(seq)).map(Embedded)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        T::deserialize(().into_deserializer()).map(Embedded)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        T::deserialize(v.into_deserializer()).map(Embedded)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::deserialize(v.into_deserializer()).map(Embedded)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::deserialize(v.into_deserializer()).map(Embedded)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        T::deserialize(v.into_deserializer()).map(Embedded)
    }
}

/// What an [`Object`] holds, for error messages: "expected {EXPECTED}".
pub(crate) trait Expected {
    const EXPECTED: &'static str;
}

/// A JSON object read into the struct `T`, and nothing else. serde's derived structs also read
/// a list as their fields in order, which no AWS document means and which would report a
/// baffling position; and their error messages name the Rust type. This refuses every other
/// kind of value, saying what was expected (`T::EXPECTED`).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Object<T>(pub T);

impl<'de, T: Deserialize<'de> + Expected> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Expected> Visitor<'de> for ObjectVisitor<T> {
            type Value = Object<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(T::EXPECTED)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(Object)
            }
        }
        deserializer.deserialize_any(ObjectVisitor(PhantomData))
    }
}

/// A boolean that may arrive as `true`, `"true"`, `"True"` or `"TRUE"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flag(pub bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FlagVisitor;
        impl Visitor<'_> for FlagVisitor {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a boolean (true/false, or the strings \"true\"/\"false\")")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Flag, E> {
                match v.trim() {
                    s if s.eq_ignore_ascii_case("true") => Ok(Flag(true)),
                    s if s.eq_ignore_ascii_case("false") => Ok(Flag(false)),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
        }
        deserializer.deserialize_any(FlagVisitor)
    }
}

/// A number that may arrive as an integer, a float (`22.0`) or a numeric string.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Number(pub f64);

impl Number {
    /// The value as an integer, when it is one.
    pub fn as_i64(self) -> Option<i64> {
        let v = self.0;
        (v.fract() == 0.0 && v >= i64::MIN as f64 && v <= i64::MAX as f64).then_some(v as i64)
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumberVisitor;
        impl Visitor<'_> for NumberVisitor {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
                Ok(Number(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Number, E> {
                v.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .map(Number)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        deserializer.deserialize_any(NumberVisitor)
    }
}

/// A scalar kept as text, whether it arrived as a string, a number or a boolean.
#[derive(Debug, Clone, PartialEq, Eq, Default, PartialOrd, Ord, Hash)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

/// A field holding either one value or a list of them (IAM `Action`, `Resource`, `Principal`…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value or a list of values")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(OneOrMany(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(|v| OneOrMany(vec![v]))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(|v| OneOrMany(vec![v]))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(|v| OneOrMany(vec![v]))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(|v| OneOrMany(vec![v]))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(|v| OneOrMany(vec![v]))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(|v| OneOrMany(vec![v]))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(OneOrMany(Vec::new()))
            }
        }
        deserializer.deserialize_any(ListVisitor(PhantomData))
    }
}

/// An object that test fixtures and older captures sometimes replace with `null`, `""`,
/// `"None"` (a Python `repr`) or `"null"`: all of them mean "absent".
#[derive(Debug, Clone, PartialEq)]
pub struct Present<T>(pub Option<T>);

impl<T> Default for Present<T> {
    fn default() -> Self {
        Self(None)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Present<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PresentVisitor<T>(PhantomData<T>);
        impl<'de, T: DeserializeOwned> Visitor<'de> for PresentVisitor<T> {
            type Value = Present<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object or a list, or null")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(|v| Present(Some(v)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                T::deserialize(SeqAccessDeserializer::new(seq)).map(|v| Present(Some(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                match v.trim() {
                    "" | "None" | "null" => Ok(Present(None)),
                    _ => EmbeddedVisitor::<T>(PhantomData)
                        .visit_str(v)
                        .map(|e| Present(Some(e.0))),
                }
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Present(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Present(None))
            }
        }
        deserializer.deserialize_any(PresentVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_never_quote_the_value_that_did_not_fit() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Shape {
            port: u16,
            enabled: Option<Flag>,
            mode: Option<Mode>,
        }
        #[derive(Debug, Deserialize)]
        enum Mode {
            On,
        }
        let message = |json: &str| parse_str::<Shape>(json).unwrap_err().to_string();
        assert_eq!(
            message(r#"{"port": "hunter2-\"quoted\""}"#),
            "port: invalid type: a string, expected u16"
        );
        let flag = message(r#"{"port": 1, "enabled": "AKIAIOSFODNN7EXAMPLE"}"#);
        assert!(
            flag.starts_with("enabled: invalid value: a string, expected"),
            "{flag}"
        );
        assert_eq!(
            message(r#"{"port": 1, "mode": "hunter2"}"#),
            "mode: unknown variant, expected `On`"
        );
        assert_eq!(without_values("no value here"), "no value here");
        assert_eq!(
            without_values(r#"string "unterminated"#),
            r#"string "unterminated"#
        );
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Acl {
        owner: String,
    }

    #[test]
    fn embedded_accepts_object_string_and_double_encoded_string() {
        let object: Embedded<Acl> = parse_str(r#"{"owner":"a"}"#).unwrap();
        let once: Embedded<Acl> = parse_str(r#""{\"owner\":\"a\"}""#).unwrap();
        let twice: Embedded<Acl> = parse_str(r#""\"{\\\"owner\\\":\\\"a\\\"}\"""#).unwrap();
        assert_eq!(object.0.owner, "a");
        assert_eq!(once, object);
        assert_eq!(twice, object);
    }

    #[test]
    fn embedded_null_string_is_none() {
        let v: Embedded<Option<Acl>> = parse_str(r#""null""#).unwrap();
        assert_eq!(v.0, None);
        let v: Embedded<Option<Acl>> = parse_str("null").unwrap();
        assert_eq!(v.0, None);
    }

    #[test]
    fn embedded_error_names_the_path_inside_the_string() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            policy: Embedded<Inner>,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Inner {
            version: Flag,
        }
        let err = parse_str::<Outer>(r#"{"policy":"{\"version\":\"maybe\"}"}"#).unwrap_err();
        assert_eq!(err.path, "policy.version");
        assert!(err.message.contains("boolean"), "{err}");
        assert!(err.message.contains("encoded as a string"), "{err}");
        // A whole document encoded as a string: no stray separators in the path.
        let err = parse_str::<Embedded<Inner>>(r#""{\"version\":\"maybe\"}""#).unwrap_err();
        assert_eq!(err.within("invokingEvent").path, "invokingEvent.version");
    }

    #[test]
    fn flags_numbers_and_text_are_lenient() {
        assert_eq!(parse_str::<Flag>("\"True\"").unwrap(), Flag(true));
        assert_eq!(parse_str::<Flag>("false").unwrap(), Flag(false));
        assert!(parse_str::<Flag>("\"yes\"").is_err());
        assert_eq!(parse_str::<Number>("22.0").unwrap().as_i64(), Some(22));
        assert_eq!(parse_str::<Number>("\"443\"").unwrap().as_i64(), Some(443));
        assert_eq!(parse_str::<Number>("22.5").unwrap().as_i64(), None);
        assert_eq!(
            parse_str::<Text>("1518359700150").unwrap().0,
            "1518359700150"
        );
    }

    #[test]
    fn one_or_many_and_present() {
        assert_eq!(
            parse_str::<OneOrMany<String>>("\"s3:*\"").unwrap().0,
            vec!["s3:*"]
        );
        assert_eq!(
            parse_str::<OneOrMany<String>>("[\"a\",\"b\"]")
                .unwrap()
                .0
                .len(),
            2
        );
        assert_eq!(parse_str::<Present<Acl>>("\"None\"").unwrap().0, None);
        assert_eq!(
            parse_str::<Present<Acl>>(r#"{"owner":"x"}"#).unwrap().0,
            Some(Acl { owner: "x".into() })
        );
    }

    impl Expected for Acl {
        const EXPECTED: &'static str = "an ACL (a JSON object)";
    }

    #[test]
    fn objects_refuse_lists_and_say_what_they_expected() {
        assert_eq!(
            parse_str::<Object<Acl>>(r#"{"owner":"a"}"#)
                .unwrap()
                .0
                .owner,
            "a"
        );
        // A derived struct alone would take the list as its fields in order.
        assert!(parse_str::<Acl>(r#"["a"]"#).is_ok());
        let err = parse_str::<Object<Acl>>(r#"["a"]"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid type: sequence, expected an ACL (a JSON object)"
        );
        let err = parse_str::<Vec<Object<Acl>>>(r#"[{"owner":"a"},7]"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "[1]: invalid type: integer `7`, expected an ACL (a JSON object)"
        );
    }

    #[test]
    fn documents_in_strings_nest_only_so_deep() {
        // `levels` string encodings around an ACL: one document each, and the outer one.
        let encoded = |levels: usize| {
            let mut text = r#"{"owner":"a"}"#.to_string();
            for _ in 0..levels {
                text = serde_json::to_string(&text).unwrap();
            }
            text
        };
        let deepest = MAX_DOCUMENTS_IN_STRINGS - 1;
        assert_eq!(
            parse_str::<Embedded<Acl>>(&encoded(deepest))
                .unwrap()
                .0
                .owner,
            "a"
        );
        let err = parse_str::<Embedded<Acl>>(&encoded(deepest + 1)).unwrap_err();
        assert!(
            err.message
                .starts_with("JSON encoded in strings more than 6 levels deep"),
            "{err}"
        );
        // Refusing leaves nothing open: the next document parses.
        assert!(parse_str::<Embedded<Acl>>(&encoded(deepest)).is_ok());
    }

    #[test]
    fn syntax_errors_say_the_json_is_broken() {
        let err = parse_str::<Acl>(r#"{"owner":"a""#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "truncated JSON: EOF while parsing an object"
        );
        let err = parse_str::<Acl>(r#"{"owner":"a",}"#).unwrap_err();
        assert_eq!(err.to_string(), "not valid JSON: trailing comma");
        let err = parse_str::<Acl>(r#"{"owner":"a"} x"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "not valid JSON: trailing characters at line 1 column 15"
        );
    }

    #[test]
    fn error_paths_are_reported() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Rule {
            #[serde(rename = "fromPort")]
            from_port: Number,
        }
        let err = parse_str::<Vec<Rule>>(r#"[{"fromPort":1},{"fromPort":"x"}]"#).unwrap_err();
        assert_eq!(err.path, "[1].fromPort");
        assert!(err.message.contains("expected a number"), "{err}");
    }

    #[test]
    fn error_paths_come_from_where_serde_json_stopped() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Doc {
            a: Option<Vec<Object<Entry>>>,
            b: Option<Flag>,
            c: Option<Object<Entry>>,
            d: Option<std::collections::BTreeMap<String, Number>>,
            e: Option<Embedded<Entry>>,
            h: Option<crate::timestamp::Timestamp>,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Entry {
            owner: String,
            n: Option<u8>,
        }
        impl Expected for Entry {
            const EXPECTED: &'static str = "an entry";
        }
        for (json, path, message) in [
            // Values of the wrong type or shape, at every depth.
            (r#"{"a":[{"owner":"x"},{"owner":5}]}"#, "a[1].owner", "invalid type: integer `5`, expected a string"),
            (r#"{"a":[{"owner":"x"},{"owner":"y","n":[1]}]}"#, "a[1].n", "invalid type: sequence, expected u8"),
            (r#"{"a":[{"owner":"x"},[]]}"#, "a[1]", "invalid type: sequence, expected an entry"),
            (r#"{"a":{}}"#, "a", "invalid type: map, expected a sequence"),
            (r#"{"b":"maybe"}"#, "b", "invalid value: a string, expected a boolean (true/false, or the strings \"true\"/\"false\")"),
            (r#"{"c":[1]}"#, "c", "invalid type: sequence, expected an entry"),
            // A container's own failures: named at the container, not at its last entry.
            (r#"{"a":[{"owner":"x"},{"n":1}]}"#, "a[1]", "missing field `owner`"),
            (r#"{"c":{"n":2}}"#, "c", "missing field `owner`"),
            (r#"{"a":[{"owner":"x"},{"owner":"y","owner":"z"}]}"#, "a[1]", "duplicate field `owner`"),
            // A type's own check after serde_json read the value, last in its object or not.
            (r#"{"h":""}"#, "h", "expected a timestamp, found an empty value"),
            (r#"{"h":"", "b":true}"#, "h", "expected a timestamp, found an empty value"),
            // Keys as decoded, escapes and all.
            (r#"{"d":{"a\"b":"x"}}"#, "d.a\"b", "invalid value: a string, expected a number"),
            (r#"{"d":{"\u00e9\ud83d\ude00":[]}}"#, "d.\u{e9}\u{1f600}", "invalid type: sequence, expected a number"),
            (r#"{"d":{"k":"1","l":"z"}, "b": true}"#, "d.l", "invalid value: a string, expected a number"),
            // Inside a document held in a string.
            (r#"{"e":"{\"owner\":5}"}"#, "e.owner", "invalid type: integer `5`, expected a string (in a JSON document encoded as a string)"),
            // Lines and multi-byte characters before the fault.
            ("{\n  \"x\": \"\u{e9}\",\n  \"a\": [\n    {\"owner\": 5}\n  ]\n}", "a[0].owner", "invalid type: integer `5`, expected a string"),
            // Text that is not JSON: the top-level field where it breaks.
            (r#"{"a":[{"owner":"x",}]}"#, "a", "not valid JSON: trailing comma"),
            (r#"{"a":[{"owner":"x\q"}]}"#, "a", "not valid JSON: invalid escape"),
            (r#"{"a":[{"owner":"x"}],}"#, "", "not valid JSON: trailing comma"),
            (r#"{"b":tru}"#, "b", "not valid JSON: expected ident"),
            (r#"{"b":1.}"#, "b", "not valid JSON: invalid number"),
            (r#"{"b":true "a":[]}"#, "", "not valid JSON: expected `,` or `}`"),
            ("{\"x\":\"\u{e9}\" \u{e9}}", "", "not valid JSON: expected `,` or `}`"),
            (r#"{"b" 1}"#, "", "not valid JSON: expected `:`"),
            (r#"{"a":[{"owner":"é"#, "a", "truncated JSON: EOF while parsing a string"),
            (r#"{"a":"#, "a", "truncated JSON: EOF while parsing a value"),
            (r#"{"a""#, "", "truncated JSON: EOF while parsing an object"),
            (r#"{"b":true"#, "", "truncated JSON: EOF while parsing an object"),
            ("", "", "truncated JSON: EOF while parsing a value"),
        ] {
            let error = parse_str::<Doc>(json).unwrap_err();
            assert_eq!(
                (error.path.as_str(), error.message.as_str()),
                (path, message),
                "{json}"
            );
        }
        // In lists: the element, or the list when the text breaks between elements.
        let list = |json: &str| parse_str::<Vec<Vec<u8>>>(json).unwrap_err().path;
        assert_eq!(list("[[1],[2,\"x\"]]"), "[1][1]");
        assert_eq!(list("[[1],{}]"), "[1]");
        assert_eq!(list("[[1],,[2]]"), "[1]");
        assert_eq!(list("[[1],]"), "");
        assert_eq!(list("[[1] [2]]"), "");
        assert_eq!(list("[[1,2"), "[0]");
        assert_eq!(list("["), "");
    }

    #[test]
    fn error_paths_never_panic_on_broken_text() {
        let text =
            "{\"a\\\"\u{e9}\": [1, {\"b\": \"\u{1f600}\\u00e9\"}, [true, null]], \"c\": \"x\"}";
        let mut cuts: Vec<String> = text
            .char_indices()
            .map(|(i, _)| text[..i].to_string())
            .collect();
        for (i, _) in text.char_indices() {
            for insert in [",", "]", "}", "\"", ":", "\\", "x", "\u{e9}"] {
                cuts.push(format!("{}{insert}{}", &text[..i], &text[i..]));
            }
        }
        for broken in cuts {
            let _ = parse_str::<std::collections::BTreeMap<String, Vec<Number>>>(&broken);
            let _ = parse_str::<Vec<Flag>>(&broken);
        }
    }
}

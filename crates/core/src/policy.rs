//! IAM policy documents (identity, bucket, key, function and trust policies) and the questions
//! controls ask of them.
//!
//! Documents arrive as objects, JSON strings, URL-encoded JSON strings (RFC 3986, how IAM and
//! Config deliver them) or a one-element array around the object; `Statement`, `Action`,
//! `Resource` and each `Principal` entry may be one value or a list. All of that is decoded here.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::json::{parse_str, Expected, Object, OneOrMany, Text};

/// A parsed policy document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PolicyDocument {
    pub version: Option<String>,
    pub statements: Vec<Statement>,
}

/// Allow or Deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// One policy statement, with single-or-list fields already normalised to lists.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Option<Effect>,
    pub principal: Option<Principal>,
    pub not_principal: Option<Principal>,
    /// `Action` patterns; empty when the statement uses `NotAction`.
    pub actions: Vec<String>,
    /// `NotAction` patterns: the statement covers every action *except* these.
    pub not_actions: Option<Vec<String>>,
    pub resources: Vec<String>,
    pub not_resources: Option<Vec<String>>,
    pub conditions: Vec<Condition>,
}

/// `Principal`/`NotPrincipal`: `"*"` or a map of kind (`AWS`, `Service`, `Federated`,
/// `CanonicalUser`) to one or more values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Principal {
    pub entries: Vec<(String, String)>,
}

/// One condition clause: `"StringEquals": {"aws:SourceVpce": ["vpce-1"]}` gives one `Condition`
/// per key.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

impl PolicyDocument {
    /// Parses a document in any of the encodings AWS uses.
    pub fn parse(text: &str) -> Result<Self, crate::json::InputError> {
        parse_str::<PolicyDocument>(text)
    }

    /// Statements with their display label, for annotations.
    pub fn labelled(&self) -> impl Iterator<Item = (String, &Statement)> {
        self.statements
            .iter()
            .enumerate()
            .map(|(i, s)| (s.label(i), s))
    }
}

impl Statement {
    pub fn is_allow(&self) -> bool {
        self.effect == Some(Effect::Allow)
    }

    /// `Sid "PublicRead"` or `statement #2` (1-based) when there is no Sid.
    pub fn label(&self, index: usize) -> String {
        match self.sid.as_deref().filter(|s| !s.is_empty()) {
            Some(sid) => format!("statement Sid {sid:?}"),
            None => format!("statement #{}", index + 1),
        }
    }

    /// Whether the statement covers `action` (a concrete action such as `s3:GetObject`).
    pub fn covers_action(&self, action: &str) -> bool {
        match &self.not_actions {
            Some(excluded) => !excluded.iter().any(|p| wildcard_match(p, action)),
            None => self.actions.iter().any(|p| wildcard_match(p, action)),
        }
    }

    /// Whether the statement covers every action whose name starts with `prefix` (`"s3:"`):
    /// an `Action` pattern such as `*`, `s3:*` or `s3*`, or a `NotAction` none of whose patterns
    /// could match such an action. `s3:Get*` covers only some of them.
    pub fn covers_every_action_with_prefix(&self, prefix: &str) -> bool {
        match &self.not_actions {
            Some(excluded) => !excluded.iter().any(|p| may_match_with_prefix(p, prefix)),
            // A pattern ending in `*` that matches the bare prefix matches every extension of it.
            None => self
                .actions
                .iter()
                .any(|p| p.ends_with('*') && wildcard_match(p, prefix)),
        }
    }

    /// The first of `actions` the statement covers.
    pub fn first_covered<'a>(&self, actions: &[&'a str]) -> Option<&'a str> {
        actions.iter().copied().find(|a| self.covers_action(a))
    }

    /// Whether the statement applies to every resource (`Resource: "*"`, or `NotResource`).
    pub fn covers_all_resources(&self) -> bool {
        self.not_resources.is_some() || self.resources.iter().any(|r| r == "*")
    }

    /// Whether anyone at all is a principal: `"*"`, `{"AWS": "*"}`, or an Allow with `NotPrincipal`.
    pub fn principal_is_anyone(&self) -> bool {
        self.principal.as_ref().is_some_and(Principal::is_anyone)
            || (self.not_principal.is_some() && self.principal.is_none())
    }

    /// The condition on one of `keys` (case-insensitive) that pins an Allow to fixed values:
    /// such a condition keeps a wildcard principal from being public. Negated operators,
    /// `…IfExists`, `Null`, values with wildcards or policy variables, and very broad source IP
    /// ranges do not restrict.
    pub fn restricting_condition(&self, keys: &[&str]) -> Option<&Condition> {
        self.conditions
            .iter()
            .find(|c| keys.iter().any(|k| c.key.eq_ignore_ascii_case(k)) && c.pins_fixed_values())
    }

    /// For a Deny statement that applies to everyone: the condition that makes it deny every
    /// request not from a fixed set of values of one of `keys`. Conditions are ANDed, so every
    /// condition of the statement must be of that kind, or the Deny leaves gaps.
    pub fn deny_unless_condition(&self, keys: &[&str]) -> Option<&Condition> {
        if self.effect != Some(Effect::Deny) || !self.principal_is_anyone() {
            return None;
        }
        let restricting = |c: &Condition| {
            keys.iter().any(|k| c.key.eq_ignore_ascii_case(k)) && c.denies_all_but_fixed_values()
        };
        if self.conditions.iter().all(restricting) {
            self.conditions.first()
        } else {
            None
        }
    }
}

impl Condition {
    /// Whether the clause only lets through requests whose key has one of a fixed set of values
    /// (for an Allow statement). `…IfExists` lets requests without the key through, and
    /// `ForAllValues:` lets requests with an empty key through, so neither pins anything.
    pub fn pins_fixed_values(&self) -> bool {
        self.requires_match()
            && self.has_fixed_values(self.operator.to_ascii_lowercase().ends_with("ipaddress"))
    }

    /// Whether an Allow with this clause only lets through requests whose key matches one of
    /// the clause's values (`StringEquals`, `StringLike`, `ArnEquals`, `ArnLike`, `IpAddress`,
    /// also under `ForAnyValue:`), wildcards allowed. `…IfExists` and `ForAllValues:` let
    /// requests without the key through, so they require nothing.
    pub fn requires_match(&self) -> bool {
        self.positive_operator().is_some_and(|op| {
            matches!(
                op.as_str(),
                "stringequals"
                    | "stringequalsignorecase"
                    | "stringlike"
                    | "arnequals"
                    | "arnlike"
                    | "ipaddress"
            )
        })
    }

    /// Whether the clause is a positive string or ARN match (`StringEquals`, `StringLike`,
    /// `ArnLike`…, not `…IfExists` or `ForAllValues:`) whose values are all `accepted`: for keys
    /// where a value with a wildcard can still pin something (an account inside an ARN, an
    /// organization at the start of an org path, a repository in an OIDC subject).
    pub fn pins_values(&self, accepted: impl Fn(&str) -> bool) -> bool {
        self.positive_operator().is_some_and(|op| {
            matches!(
                op.as_str(),
                "stringequals" | "stringequalsignorecase" | "stringlike" | "arnequals" | "arnlike"
            )
        }) && !self.values.is_empty()
            && self.values.iter().all(|v| accepted(v))
    }

    /// The operator, lower-cased and without `ForAnyValue:`; `None` for the variants that let
    /// requests without the key through (`…IfExists`) or with an empty key (`ForAllValues:`).
    fn positive_operator(&self) -> Option<String> {
        let op = self.operator.to_ascii_lowercase();
        let op = op.strip_prefix("foranyvalue:").unwrap_or(&op);
        if op.starts_with("forallvalues:") || op.ends_with("ifexists") {
            return None;
        }
        Some(op.to_string())
    }

    /// Whether a Deny statement with this clause denies every request whose key is *not* one
    /// of a fixed set of values ("deny unless from my VPC endpoint"). Missing keys are denied
    /// too under every variant, so `IfExists` and set operators do not weaken it.
    pub fn denies_all_but_fixed_values(&self) -> bool {
        let op = self.operator.to_ascii_lowercase();
        let op = op
            .strip_prefix("foranyvalue:")
            .or_else(|| op.strip_prefix("forallvalues:"))
            .unwrap_or(&op);
        let op = op.strip_suffix("ifexists").unwrap_or(op);
        matches!(
            op,
            "stringnotequals"
                | "stringnotequalsignorecase"
                | "stringnotlike"
                | "arnnotequals"
                | "arnnotlike"
                | "notipaddress"
        ) && self.has_fixed_values(op == "notipaddress")
    }

    /// Values without wildcards or policy variables; IP ranges no broader than an IPv4 /8 or an
    /// IPv6 /32 (broader ones count as public, as S3 judges them).
    fn has_fixed_values(&self, ip: bool) -> bool {
        !self.values.is_empty()
            && self.values.iter().all(|v| {
                if ip {
                    return match v.parse::<crate::net::Cidr>() {
                        Ok(crate::net::Cidr::V4 { prefix, .. }) => prefix >= 8,
                        Ok(crate::net::Cidr::V6 { prefix, .. }) => prefix >= 32,
                        Err(_) => false,
                    };
                }
                !v.contains('*') && !v.contains('?') && !v.contains("${")
            })
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.operator,
            self.key,
            self.values.join("|")
        )
    }
}

impl Principal {
    pub fn is_anyone(&self) -> bool {
        self.entries
            .iter()
            .any(|(kind, value)| value == "*" && (kind == "*" || kind.eq_ignore_ascii_case("AWS")))
    }

    /// Values of one kind (`AWS`, `Service`, `Federated`, `CanonicalUser`).
    pub fn values<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.entries
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(kind))
            .map(|(_, v)| v.as_str())
    }
}

/// The account a principal value names: a bare 12-digit id or the account field of an ARN.
pub fn principal_account(value: &str) -> Option<&str> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(value);
    }
    let mut parts = value.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let account = parts.nth(3)?;
    (!account.is_empty()).then_some(account)
}

/// Whether `pattern` could match some text starting with `prefix` (case-insensitive). Judged
/// from the pattern's literal start, so it may answer yes for a pattern that matches nothing.
pub fn may_match_with_prefix(pattern: &str, prefix: &str) -> bool {
    let literal = pattern
        .split(['*', '?'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let prefix = prefix.to_ascii_lowercase();
    literal.starts_with(&prefix) || prefix.starts_with(&literal)
}

/// IAM wildcard matching: `*` any run, `?` one character, case-insensitive.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if pi < p.len() && (p[pi] == b'?' || p[pi].eq_ignore_ascii_case(&t[ti])) {
            pi += 1;
            ti += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

// ---- decoding ---------------------------------------------------------------------------------

#[derive(Deserialize)]
struct RawDocument {
    #[serde(rename = "Version", default)]
    version: Option<Text>,
    #[serde(rename = "Statement", default)]
    statement: OneOrMany<Object<RawStatement>>,
}

impl Expected for RawStatement {
    const EXPECTED: &'static str = "a policy statement (a JSON object)";
}

#[derive(Deserialize)]
struct RawStatement {
    #[serde(rename = "Sid", default)]
    sid: Option<Text>,
    #[serde(rename = "Effect", default)]
    effect: Option<EffectValue>,
    #[serde(rename = "Principal", default)]
    principal: Option<Principal>,
    #[serde(rename = "NotPrincipal", default)]
    not_principal: Option<Principal>,
    #[serde(rename = "Action", default)]
    action: Option<OneOrMany<String>>,
    #[serde(rename = "NotAction", default)]
    not_action: Option<OneOrMany<String>>,
    #[serde(rename = "Resource", default)]
    resource: Option<OneOrMany<String>>,
    #[serde(rename = "NotResource", default)]
    not_resource: Option<OneOrMany<String>>,
    #[serde(rename = "Condition", default)]
    condition: Option<BTreeMap<String, BTreeMap<String, OneOrMany<Text>>>>,
}

struct EffectValue(Effect);

impl<'de> Deserialize<'de> for EffectValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        match text.trim() {
            t if t.eq_ignore_ascii_case("allow") => Ok(EffectValue(Effect::Allow)),
            t if t.eq_ignore_ascii_case("deny") => Ok(EffectValue(Effect::Deny)),
            _ => Err(de::Error::invalid_value(
                de::Unexpected::Str(&text),
                &"\"Allow\" or \"Deny\"",
            )),
        }
    }
}

impl From<RawStatement> for Statement {
    fn from(raw: RawStatement) -> Self {
        let conditions = raw
            .condition
            .unwrap_or_default()
            .into_iter()
            .flat_map(|(operator, clauses)| {
                clauses.into_iter().map(move |(key, values)| Condition {
                    operator: operator.clone(),
                    key,
                    values: values.0.into_iter().map(|t| t.0).collect(),
                })
            })
            .collect();
        Statement {
            sid: raw.sid.map(|t| t.0),
            effect: raw.effect.map(|e| e.0),
            principal: raw.principal,
            not_principal: raw.not_principal,
            actions: raw.action.map(|a| a.0).unwrap_or_default(),
            not_actions: raw.not_action.map(|a| a.0),
            resources: raw.resource.map(|r| r.0).unwrap_or_default(),
            not_resources: raw.not_resource.map(|r| r.0),
            conditions,
        }
    }
}

impl From<RawDocument> for PolicyDocument {
    fn from(raw: RawDocument) -> Self {
        PolicyDocument {
            version: raw.version.map(|v| v.0),
            statements: raw
                .statement
                .0
                .into_iter()
                .map(|s| Statement::from(s.0))
                .collect(),
        }
    }
}

impl<'de> Deserialize<'de> for PolicyDocument {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DocumentVisitor)
    }
}

struct DocumentVisitor;

impl<'de> Visitor<'de> for DocumentVisitor {
    type Value = PolicyDocument;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a policy document (object, JSON string or URL-encoded JSON string)")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<PolicyDocument, A::Error> {
        RawDocument::deserialize(de::value::MapAccessDeserializer::new(map))
            .map(PolicyDocument::from)
    }

    /// A one-element array around the document (seen in published sample items); several
    /// elements are read as one document holding all their statements.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PolicyDocument, A::Error> {
        let mut merged = PolicyDocument::default();
        while let Some(doc) = seq.next_element::<PolicyDocument>()? {
            merged.version = merged.version.or(doc.version);
            merged.statements.extend(doc.statements);
        }
        Ok(merged)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<PolicyDocument, E> {
        decode_document_text(text).map_err(E::custom)
    }

    fn visit_unit<E: de::Error>(self) -> Result<PolicyDocument, E> {
        Ok(PolicyDocument::default())
    }
}

/// The JSON text of a policy document that may be URL-encoded, as IAM returns documents.
pub(crate) fn document_json(text: &str) -> Result<std::borrow::Cow<'_, str>, String> {
    let trimmed = text.trim();
    if trimmed.starts_with('%') || (!trimmed.starts_with(['{', '[', '"']) && trimmed.contains('%'))
    {
        percent_encoding::percent_decode_str(trimmed)
            .decode_utf8()
            .map_err(|_| "URL-encoded policy document does not decode to UTF-8".to_string())
    } else {
        Ok(trimmed.into())
    }
}

fn decode_document_text(text: &str) -> Result<PolicyDocument, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed == "null" {
        return Ok(PolicyDocument::default());
    }
    let json = document_json(trimmed)?;
    parse_str::<PolicyDocument>(&json).map_err(|e| {
        if e.path.is_empty() {
            format!("policy document: {}", e.message)
        } else {
            format!("policy document {}: {}", e.path, e.message)
        }
    })
}

impl<'de> Deserialize<'de> for Principal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PrincipalVisitor;
        impl<'de> Visitor<'de> for PrincipalVisitor {
            type Value = Principal;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"*\" or a map of principal kinds to values")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Principal, E> {
                let kind = if v.trim() == "*" { "*" } else { "AWS" };
                Ok(Principal {
                    entries: vec![(kind.to_string(), v.trim().to_string())],
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Principal, A::Error> {
                let mut entries = Vec::new();
                while let Some(kind) = map.next_key::<String>()? {
                    let values: OneOrMany<String> = map.next_value()?;
                    entries.extend(values.0.into_iter().map(|v| (kind.clone(), v)));
                }
                Ok(Principal { entries })
            }
        }
        deserializer.deserialize_any(PrincipalVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const URL_ENCODED: &str = "%7B%0A%20%20%22Version%22%3A%20%222012-10-17%22%2C%0A%20%20%22Statement%22%3A%20%5B%7B%22Action%22%3A%20%22%2A%22%2C%22Effect%22%3A%20%22Allow%22%2C%22Resource%22%3A%20%22%2A%22%7D%5D%7D";

    #[test]
    fn decodes_every_encoding() {
        let object = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
        let string = serde_json::to_string(object).unwrap();
        let url = serde_json::to_string(URL_ENCODED).unwrap();
        let array = format!("[{object}]");
        for text in [object, string.as_str(), url.as_str(), array.as_str()] {
            let doc = PolicyDocument::parse(text).unwrap();
            assert_eq!(doc.statements.len(), 1, "{text}");
            let s = &doc.statements[0];
            assert!(s.is_allow() && s.covers_action("iam:PassRole") && s.covers_all_resources());
        }
    }

    #[test]
    fn principals_and_public_conditions() {
        let doc = PolicyDocument::parse(
            r#"{"Statement":[
                {"Sid":"Open","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},
                {"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"s3:GetObject","Resource":"*",
                 "Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b"}}},
                {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"*",
                 "Condition":{"StringLike":{"aws:SourceVpc":"vpc-*"}}},
                {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":"*"}
            ]}"#,
        )
        .unwrap();
        let keys = ["aws:SourceVpce", "aws:SourceVpc"];
        let s = &doc.statements;
        assert!(s[0].principal_is_anyone() && s[0].restricting_condition(&keys).is_none());
        assert_eq!(s[0].label(0), "statement Sid \"Open\"");
        assert!(s[1].principal_is_anyone() && s[1].restricting_condition(&keys).is_some());
        assert!(s[2].principal_is_anyone() && s[2].restricting_condition(&keys).is_none());
        assert!(!s[3].principal_is_anyone());
        assert_eq!(s[3].label(3), "statement #4");
        let p = s[3].principal.as_ref().unwrap();
        assert_eq!(
            p.values("AWS")
                .filter_map(principal_account)
                .collect::<Vec<_>>(),
            ["111122223333"]
        );
    }

    #[test]
    fn pinned_values_need_a_positive_operator() {
        let doc = PolicyDocument::parse(
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{
                "ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/ci-*"},
                "StringLikeIfExists":{"aws:SourceArn":"arn:aws:iam::111122223333:role/x"},
                "ForAllValues:StringLike":{"aws:PrincipalOrgPaths":"o-abc/*"},
                "StringNotLike":{"aws:userid":"AROA*"}}}}"#,
        )
        .unwrap();
        let pinned: Vec<&str> = doc.statements[0]
            .conditions
            .iter()
            .filter(|c| c.pins_values(|v| v.starts_with("arn:aws:iam::111122223333:")))
            .map(|c| c.key.as_str())
            .collect();
        assert_eq!(pinned, ["aws:PrincipalArn"]);
        assert!(!doc.statements[0].conditions[0].pins_fixed_values());
    }

    #[test]
    fn not_action_covers_everything_else() {
        let doc = PolicyDocument::parse(
            r#"{"Statement":{"Effect":"Allow","NotAction":["iam:*"],"Resource":"*"}}"#,
        )
        .unwrap();
        let s = &doc.statements[0];
        assert!(s.covers_action("s3:GetObject"));
        assert!(!s.covers_action("iam:CreateUser"));
    }

    #[test]
    fn bad_documents_are_errors() {
        let err = PolicyDocument::parse(r#"{"Statement":[{"Effect":"Maybe"}]}"#).unwrap_err();
        assert!(err.message.contains("Allow"), "{err}");
        let err = PolicyDocument::parse("\"%7B%22Statement%22%3A\"").unwrap_err();
        assert!(err.message.contains("policy document"), "{err}");
        let err = PolicyDocument::parse("\"%7Bnot json\"").unwrap_err();
        assert!(err.message.contains("not valid JSON"), "{err}");
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("s3:Get*", "s3:GetObject"));
        assert!(wildcard_match("S3:GETOBJECT", "s3:GetObject"));
        assert!(wildcard_match("*", "kms:Decrypt"));
        assert!(wildcard_match("kms:*", "kms:Decrypt"));
        assert!(wildcard_match("kms:Re*From", "kms:ReEncryptFrom"));
        assert!(wildcard_match("s3:?etObject", "s3:GetObject"));
        assert!(!wildcard_match("s3:Put*", "s3:GetObject"));
        assert!(!wildcard_match("kms:Decrypt", "kms:DecryptX"));
    }

    #[test]
    fn account_of_principals() {
        assert_eq!(principal_account("123456789012"), Some("123456789012"));
        assert_eq!(
            principal_account("arn:aws:iam::123456789012:role/x"),
            Some("123456789012")
        );
        assert_eq!(
            principal_account("arn:aws:iam::123456789012:root"),
            Some("123456789012")
        );
        assert_eq!(principal_account("*"), None);
        assert_eq!(principal_account("arn:aws:s3:::bucket"), None);
    }

    #[test]
    fn every_action_of_a_service() {
        let doc = PolicyDocument::parse(
            r#"{"Statement":[
                {"Effect":"Deny","Action":"s3:*"},
                {"Effect":"Deny","Action":["s3:GetObject","*"]},
                {"Effect":"Deny","Action":"s3:Get*"},
                {"Effect":"Deny","NotAction":"iam:*"},
                {"Effect":"Deny","NotAction":["s3:PutObject"]},
                {"Effect":"Deny","NotAction":"*"}
            ]}"#,
        )
        .unwrap();
        let covers: Vec<bool> = doc
            .statements
            .iter()
            .map(|s| s.covers_every_action_with_prefix("s3:"))
            .collect();
        assert_eq!(covers, [true, true, false, true, false, false]);
        assert!(may_match_with_prefix("S3:Put*", "s3:"));
        assert!(may_match_with_prefix("s*", "s3:"));
        assert!(!may_match_with_prefix("sqs:*", "s3:"));
    }

    proptest! {
        #[test]
        fn covering_every_action_covers_each(pattern in "[a-z0-9:*?]{0,8}", action in "[a-zA-Z]{0,12}") {
            let statement = Statement { actions: vec![pattern.clone()], ..Statement::default() };
            if statement.covers_every_action_with_prefix("s3:") {
                let action = format!("s3:{action}");
                prop_assert!(statement.covers_action(&action), "{} {}", pattern, action);
            }
        }

        #[test]
        fn not_action_without_overlap_covers_each(pattern in "[a-z0-9:*?]{0,8}", action in "[a-zA-Z]{0,12}") {
            let statement = Statement { not_actions: Some(vec![pattern.clone()]), ..Statement::default() };
            if statement.covers_every_action_with_prefix("s3:") {
                let action = format!("s3:{action}");
                prop_assert!(statement.covers_action(&action), "{} {}", pattern, action);
            }
        }

        #[test]
        fn star_matches_everything(text in "[a-zA-Z0-9:*?]{0,30}") {
            prop_assert!(wildcard_match("*", &text));
        }

        #[test]
        fn literal_pattern_matches_itself(text in "[a-zA-Z0-9:]{0,30}") {
            prop_assert!(wildcard_match(&text, &text));
            prop_assert!(wildcard_match(&text.to_uppercase(), &text));
        }

        #[test]
        fn prefix_star_matches_extensions(prefix in "[a-z0-9:]{0,10}", rest in "[a-zA-Z0-9]{0,10}") {
            let pattern = format!("{prefix}*");
            let text = format!("{prefix}{rest}");
            prop_assert!(wildcard_match(&pattern, &text));
        }

        #[test]
        fn policy_parse_never_panics(s in ".{0,200}") {
            let _ = PolicyDocument::parse(&s);
            let quoted = serde_json::to_string(&s).unwrap();
            let _ = PolicyDocument::parse(&quoted);
        }
    }
}

//! Credentials written into name/value settings: container environment variables today,
//! function environment variables tomorrow. The detector says which variable looks like it
//! holds a secret and why; it never repeats the value (every reason is fixed text), so its
//! findings can go into annotations, logs and findings as they are.
//!
//! A variable is flagged, first reason wins:
//! 1. by a **listed name** the caller supplies (ECS.8 passes the managed rule's
//!    `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `ECS_ENGINE_AUTH_DATA`), matched
//!    case-insensitively and whatever the value;
//! 2. by a **value with a known shape**: an AWS access key id (`AKIA`/`ASIA` + 16 upper-case
//!    letters or digits), a 40-character AWS secret access key next to such an id (in any
//!    variable of the same set), a PEM `PRIVATE KEY` block, a JSON Web Token, a GitHub, Slack or
//!    Stripe token, a connection string with a password in it (`scheme://user:pass@host`,
//!    `Password=…;`);
//! 3. by a **sensitive name** (`password`, `passwd`, `pwd`, `secret`, `token`, `api_key`,
//!    `private_key`, `credential`, `passphrase`…, also inside camelCase) holding a literal. Names
//!    ending in a word that makes them a pointer or a setting (`…_ARN`, `…_URL`, `…_PARAMETER`,
//!    `…_PATH`, `…_NAME`, `…_ID`, `…_LENGTH`, `…_TTL`…) are not flagged by name, and neither are
//!    values that are references or settings: ARNs (`arn:aws:secretsmanager:…`,
//!    `arn:aws:ssm:…`), `{{resolve:…}}`, `ssm:`/`secretsmanager:` references, `${…}`
//!    placeholders, URLs without credentials, absolute paths, booleans and short numbers;
//! 4. by a **high-entropy value**: one token of at least [`MIN_ENTROPY_LENGTH`] base64/base64url
//!    characters with letters and digits, at least [`MIN_ENTROPY_BITS`] bits of Shannon entropy
//!    per character, and broken into fragments no longer than [`MAX_FRAGMENT_LENGTH`] on average
//!    (random keys switch between upper case, lower case and digits every couple of characters;
//!    identifiers such as `OrdersServiceV2Config1234` are made of words). Hex-only strings
//!    (hashes, commit ids, UUIDs) are left to the name rules, and so are names ending in a
//!    pointer or setting word.
//!
//! Findings copy some text from items as it is (tags, a role's trust policy, a key's
//! description): [`withhold_tags`], [`withhold_in_json`] and [`withhold_text`] put a fixed
//! placeholder in place of any value there that this detector, with every rule, flags.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde_json::Value;

/// Shortest value the entropy rule looks at.
pub const MIN_ENTROPY_LENGTH: usize = 20;
/// Bits per character a value needs to count as high-entropy. Random base62 strings of 20
/// characters have more than 3.65 bits in 99% of cases; repeated or padded text has less.
pub const MIN_ENTROPY_BITS: f64 = 3.5;
/// Longest average fragment (run of one case, or of digits; a capitalised word counts as one)
/// a high-entropy value may have. Random base62 strings average under 2; words average over 3.
pub const MAX_FRAGMENT_LENGTH: f64 = 3.0;

/// Why a variable looks like it holds a credential. The text is fixed: it can never carry any
/// part of the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The name is on the caller's list of credential names.
    ListedName,
    /// The name says what it holds (`password`, `token`…) and the value is a literal.
    SensitiveName(&'static str),
    AwsAccessKeyId,
    /// A 40-character secret next to an access key id.
    AwsSecretAccessKey,
    PrivateKey,
    JsonWebToken,
    /// A token of a known vendor format, e.g. `GitHub token`.
    VendorToken(&'static str),
    ConnectionStringPassword,
    HighEntropy,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::ListedName => f.write_str("listed credential name"),
            Reason::SensitiveName(word) => write!(f, "name says {word}, value is a literal"),
            Reason::AwsAccessKeyId => f.write_str("value is an AWS access key id"),
            Reason::AwsSecretAccessKey => {
                f.write_str("value is shaped like an AWS secret access key")
            }
            Reason::PrivateKey => f.write_str("value holds a private key"),
            Reason::JsonWebToken => f.write_str("value is a JSON Web Token"),
            Reason::VendorToken(kind) => write!(f, "value is a {kind}"),
            Reason::ConnectionStringPassword => {
                f.write_str("value is a connection string with a password")
            }
            Reason::HighEntropy => f.write_str("value is a high-entropy string"),
        }
    }
}

/// One variable that looks like it holds a credential: its name and why, never its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub variable: String,
    pub reason: Reason,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.variable, self.reason)
    }
}

/// Finds credentials among name/value pairs.
///
/// By default only what is certain fails: listed names, and values in a credential's own
/// format (access keys, private keys, JSON Web Tokens, vendor tokens, connection strings with a
/// password). [`Detector::with_heuristics`] adds literal values of variables named like secrets
/// and high-entropy values, which find more and can mistake settings or identifiers for
/// credentials.
#[derive(Debug, Clone, Default)]
pub struct Detector {
    listed: Vec<String>,
    heuristics: bool,
}

impl Detector {
    /// A detector that also flags every variable named in `listed_names` (case-insensitive).
    pub fn new<I, S>(listed_names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Detector {
            listed: listed_names
                .into_iter()
                .map(|n| n.as_ref().trim().to_string())
                .filter(|n| !n.is_empty())
                .collect(),
            heuristics: false,
        }
    }

    /// Also flag literal values of variables named like secrets, and high-entropy values.
    pub fn with_heuristics(mut self, on: bool) -> Self {
        self.heuristics = on;
        self
    }

    /// The variables of one set (one container, one function) that look like credentials, in
    /// their order. Variables of a set are judged together: a secret access key is recognised
    /// next to an access key id held by another variable.
    pub fn scan<N: AsRef<str>, V: AsRef<str>>(&self, variables: &[(N, V)]) -> Vec<Finding> {
        self.scan_pairs(variables.iter().map(|(n, v)| (n.as_ref(), v.as_ref())))
    }

    /// [`Detector::scan`] over (name, value) pairs.
    fn scan_pairs<'a>(
        &self,
        variables: impl Iterator<Item = (&'a str, &'a str)> + Clone,
    ) -> Vec<Finding> {
        let key_id_nearby = variables
            .clone()
            .any(|(_, value)| contains_access_key_id(value));
        variables
            .filter_map(|(name, value)| {
                self.reason(name, value, key_id_nearby)
                    .map(|reason| Finding {
                        variable: name.to_string(),
                        reason,
                    })
            })
            .collect()
    }

    fn reason(&self, name: &str, value: &str, key_id_nearby: bool) -> Option<Reason> {
        if self
            .listed
            .iter()
            .any(|l| l.eq_ignore_ascii_case(name.trim()))
        {
            return Some(Reason::ListedName);
        }
        if let Some(reason) = value_reason(value, key_id_nearby) {
            return Some(reason);
        }
        if !self.heuristics || is_kms_ciphertext(value) {
            return None;
        }
        // Neither rule below can apply to a short value under a name that mentions no
        // credential: most tags, judged without cutting their names into words.
        if value.trim().len() < MIN_ENTROPY_LENGTH && !mentions_a_credential(name) {
            return None;
        }
        let tokens = name_tokens(name);
        if names_a_pointer_or_setting(tokens.clone()) {
            return None;
        }
        if let Some(word) = sensitive_word(tokens) {
            if is_literal(value) {
                return Some(Reason::SensitiveName(word));
            }
        }
        is_high_entropy(value).then_some(Reason::HighEntropy)
    }
}

// ---- withholding ------------------------------------------------------------------------------

/// What findings carry in place of a value that looks like a credential.
pub fn withheld(reason: Reason) -> String {
    format!("(withheld: {reason})")
}

/// The detector for values copied into findings: every rule, since a value wrongly withheld
/// costs a detail while a credential copied costs the credential.
fn copying() -> Detector {
    Detector::default().with_heuristics(true)
}

/// Tags as findings carry them: a value that looks like a credential (judged under its key,
/// with the other tags of the resource) is [`withheld`]; keys are names and are kept.
///
/// Every control judging an item writes a record and a finding with the same tags, so the last
/// tags judged (per thread) are remembered with their answer, shared: the detector runs once per
/// item and the answer is not copied.
pub fn withhold_tags(tags: &Arc<BTreeMap<String, String>>) -> Arc<BTreeMap<String, String>> {
    /// The answer, and what it replaced: enough to recognise the same tags again without a
    /// copy of them.
    struct Judged {
        kept: Arc<BTreeMap<String, String>>,
        withheld: Vec<(String, String)>,
    }
    impl Judged {
        fn answers(&self, tags: &Arc<BTreeMap<String, String>>) -> bool {
            Arc::ptr_eq(tags, &self.kept)
                || tags.len() == self.kept.len()
                    && tags
                        .iter()
                        .zip(self.kept.iter())
                        .all(|((key, value), (kept_key, kept))| {
                            key == kept_key
                                && (value == kept
                                    || self.withheld.iter().any(|(k, v)| k == key && v == value))
                        })
        }
    }
    thread_local! {
        static LAST: std::cell::RefCell<Option<Judged>> = const { std::cell::RefCell::new(None) };
    }
    if tags.is_empty() {
        return Arc::default();
    }
    if let Some(kept) = LAST.with_borrow(|last| {
        last.as_ref()
            .filter(|judged| judged.answers(tags))
            .map(|judged| Arc::clone(&judged.kept))
    }) {
        return kept;
    }
    let findings = copying().scan_pairs(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    // Nothing withheld, the usual case: the tags themselves, shared.
    let mut kept = Arc::clone(tags);
    let mut replaced = Vec::new();
    for finding in findings {
        let original =
            Arc::make_mut(&mut kept).insert(finding.variable.clone(), withheld(finding.reason));
        replaced.extend(original.map(|value| (finding.variable, value)));
    }
    LAST.set(Some(Judged {
        kept: Arc::clone(&kept),
        withheld: replaced,
    }));
    kept
}

/// For `skip_serializing_if`: tags as findings and records carry them.
pub(crate) fn no_tags(tags: &Arc<BTreeMap<String, String>>) -> bool {
    tags.is_empty()
}

/// Replaces every string of a JSON document (a policy's condition values, say) that looks
/// like a credential by [`withheld`]; object keys are kept. Strings are judged by their value
/// alone, together (a secret access key is recognised next to its key id anywhere in the
/// document), and every string under a key named in `listed` (case-insensitive, e.g.
/// `sts:ExternalId`) is withheld whatever it is. Returns each string withheld with what
/// replaced it.
pub fn withhold_in_json(document: &mut Value, listed: &[&str]) -> Vec<(String, String)> {
    fn strings<'a>(value: &'a mut Value, key: &str, found: &mut Vec<(String, &'a mut String)>) {
        match value {
            Value::String(text) => found.push((key.to_string(), text)),
            Value::Array(list) => list.iter_mut().for_each(|v| strings(v, key, found)),
            Value::Object(map) => map.iter_mut().for_each(|(k, v)| strings(v, k, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    strings(document, "", &mut found);
    // Named by position: a number is neither a pointer word nor a sensitive one.
    let pairs: Vec<(String, String)> = found
        .iter()
        .enumerate()
        .map(|(i, (_, text))| (i.to_string(), text.to_string()))
        .collect();
    let mut reasons: Vec<Option<Reason>> = vec![None; found.len()];
    for finding in copying().scan(&pairs) {
        if let Ok(i) = finding.variable.parse::<usize>() {
            reasons[i] = Some(finding.reason);
        }
    }
    let mut replaced = Vec::new();
    for ((key, text), reason) in found.iter_mut().zip(reasons) {
        let listed = listed.iter().any(|l| l.eq_ignore_ascii_case(key));
        if let Some(reason) = reason.or(listed.then_some(Reason::ListedName)) {
            let placeholder = withheld(reason);
            replaced.push((std::mem::replace(*text, placeholder.clone()), placeholder));
        }
    }
    replaced
}

/// A free-text field copied into findings (a description), [`withheld`] when it looks like a
/// credential or holds one.
pub fn withhold_text(text: String) -> String {
    let mut value = Value::String(text);
    withhold_in_json(&mut value, &[]);
    match value {
        Value::String(text) => text,
        other => other.to_string(),
    }
}

// ---- names ------------------------------------------------------------------------------------

/// The words of a variable name, as slices of it (compared regardless of case): `dbPassword`
/// → `db`, `Password`; `APIKey` → `API`, `Key`; `DB_PASSWORD_ARN` → `DB`, `PASSWORD`, `ARN`.
/// Borrowed, not copied: every tag of every finding is judged.
fn name_tokens(name: &str) -> impl Iterator<Item = &str> + Clone {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .flat_map(camel_case_words)
}

/// `part` (ASCII letters and digits) cut where a capital starts a word.
fn camel_case_words(part: &str) -> impl Iterator<Item = &str> + Clone {
    let bytes = part.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let mut end = start + 1;
        while let Some(&c) = bytes.get(end) {
            let previous = bytes[end - 1];
            let next = bytes.get(end + 1);
            let starts_word = c.is_ascii_uppercase()
                && (previous.is_ascii_lowercase()
                    || previous.is_ascii_digit()
                    || (previous.is_ascii_uppercase() && next.is_some_and(u8::is_ascii_lowercase)));
            if starts_word {
                break;
            }
            end += 1;
        }
        let word = &part[start..end];
        start = end;
        Some(word)
    })
}

/// Whether `name` holds, regardless of case, a stem of every word [`sensitive_word`] knows.
fn mentions_a_credential(name: &str) -> bool {
    ["pass", "pwd", "secret", "token", "key", "cred"]
        .iter()
        .any(|stem| contains_ignoring_case(name, stem))
}

/// Whether `needle` (lower case) occurs in `haystack`, regardless of case.
fn contains_ignoring_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Last words that make a name a pointer to a secret, or a setting about one, rather than the
/// secret itself (`DB_PASSWORD_ARN`, `TOKEN_URL`, `PASSWORD_MIN_LENGTH`).
const POINTER_OR_SETTING_WORDS: &[&str] = &[
    "account",
    "algorithm",
    "alg",
    "arn",
    "arns",
    "audience",
    "backend",
    "bucket",
    "build",
    "cert",
    "certificate",
    "checksum",
    "commit",
    "count",
    "days",
    "digest",
    "dir",
    "directory",
    "disabled",
    "duration",
    "enable",
    "enabled",
    "endpoint",
    "etag",
    "expiration",
    "expires",
    "expiry",
    "field",
    "file",
    "filename",
    "fingerprint",
    "format",
    "hash",
    "header",
    "host",
    "hostname",
    "hours",
    "id",
    "ids",
    "issuer",
    "label",
    "len",
    "length",
    "lifetime",
    "location",
    "max",
    "maximum",
    "min",
    "minimum",
    "minutes",
    "mode",
    "name",
    "names",
    "param",
    "parameter",
    "parameters",
    "path",
    "pattern",
    "policy",
    "port",
    "prefix",
    "provider",
    "ref",
    "reference",
    "regex",
    "region",
    "required",
    "revision",
    "rotation",
    "scope",
    "scopes",
    "seconds",
    "sha",
    "size",
    "source",
    "store",
    "strength",
    "suffix",
    "table",
    "thumbprint",
    "timeout",
    "ttl",
    "type",
    "uri",
    "url",
    "urls",
    "user",
    "username",
    "version",
];

fn names_a_pointer_or_setting<'a>(tokens: impl Iterator<Item = &'a str>) -> bool {
    tokens.last().is_some_and(|last| {
        POINTER_OR_SETTING_WORDS
            .iter()
            .any(|word| word.eq_ignore_ascii_case(last))
    })
}

/// What a name says it holds, if it names a credential.
fn sensitive_word<'a>(tokens: impl Iterator<Item = &'a str>) -> Option<&'static str> {
    let mut tokens = tokens.peekable();
    while let Some(token) = tokens.next() {
        let is = |words: &[&str]| words.iter().any(|w| w.eq_ignore_ascii_case(token));
        let word = if is(&["password", "passwd", "pwd", "pass"]) {
            Some("password")
        } else if is(&["passphrase"]) {
            Some("passphrase")
        } else if is(&["secret", "secrets", "clientsecret", "secretkey"]) {
            Some("secret")
        } else if is(&["token", "tokens"]) {
            Some("token")
        } else if is(&["apikey", "apikeys"]) {
            Some("API key")
        } else if is(&["credential", "credentials", "creds"]) {
            Some("credential")
        } else if is(&["privatekey"]) {
            Some("private key")
        } else if contains_ignoring_case(token, "password")
            || contains_ignoring_case(token, "passwd")
        {
            Some("password")
        } else {
            None
        };
        if word.is_some() {
            return word;
        }
        if tokens
            .peek()
            .is_some_and(|next| next.eq_ignore_ascii_case("key"))
        {
            if is(&["api"]) {
                return Some("API key");
            }
            if is(&["private"]) {
                return Some("private key");
            }
            if is(&["signing", "encryption", "master", "auth"]) {
                return Some("key");
            }
        }
    }
    None
}

// ---- values -----------------------------------------------------------------------------------

/// A reason found in the value alone (or with an access key id elsewhere in the set).
fn value_reason(value: &str, key_id_nearby: bool) -> Option<Reason> {
    if has_private_key(value) {
        Some(Reason::PrivateKey)
    } else if contains_access_key_id(value) {
        Some(Reason::AwsAccessKeyId)
    } else if key_id_nearby && has_secret_access_key_shape(value) {
        Some(Reason::AwsSecretAccessKey)
    } else if let Some(kind) = vendor_token(value) {
        Some(Reason::VendorToken(kind))
    } else if has_json_web_token(value) {
        Some(Reason::JsonWebToken)
    } else if has_connection_password(value) {
        Some(Reason::ConnectionStringPassword)
    } else {
        None
    }
}

/// Maximal runs of characters satisfying `keep`.
fn runs(value: &str, keep: impl Fn(char) -> bool) -> impl Iterator<Item = &str> {
    value
        .split(move |c: char| !keep(c))
        .filter(|r| !r.is_empty())
}

fn contains_access_key_id(value: &str) -> bool {
    // Each check first asks for what its shape cannot do without (a length, a character), so
    // the everyday value is let through in one short look: every tag of every finding comes by.
    value.len() >= 20
        && runs(value, |c| c.is_ascii_alphanumeric()).any(|run| {
            run.len() == 20
                && (run.starts_with("AKIA") || run.starts_with("ASIA"))
                && run
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
}

fn has_secret_access_key_shape(value: &str) -> bool {
    value.len() >= 40
        && runs(value, |c| c.is_ascii_alphanumeric() || c == '/' || c == '+').any(|run| {
            run.len() == 40
                && run.bytes().any(|b| b.is_ascii_lowercase())
                && run.bytes().any(|b| b.is_ascii_uppercase())
                && run
                    .bytes()
                    .any(|b| b.is_ascii_digit() || b == b'/' || b == b'+')
        })
}

fn has_private_key(value: &str) -> bool {
    // `-----BEGIN `, `PRIVATE KEY` and `-----` at least.
    value.len() >= 27
        && value.match_indices("-----BEGIN ").any(|(i, marker)| {
            let rest = &value[i + marker.len()..];
            rest.find("-----")
                .is_some_and(|end| rest[..end].contains("PRIVATE KEY"))
        })
}

fn has_json_web_token(value: &str) -> bool {
    // Two parts of ten characters or more, dot-separated, each starting `eyJ`.
    if value.len() < 22 || !value.as_bytes().contains(&b'.') || !value.contains("eyJ") {
        return false;
    }
    let base64url = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    runs(value, |c| {
        c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
    })
    .any(|run| {
        let mut parts = run.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        [header, payload]
            .iter()
            .all(|p| p.starts_with("eyJ") && p.len() >= 10)
            && [header, payload, signature].iter().all(|p| base64url(p))
    })
}

fn vendor_token(value: &str) -> Option<&'static str> {
    const SLACK_WEBHOOK: &str = "hooks.slack.com/services/T";
    if value.len() >= SLACK_WEBHOOK.len() && value.contains(SLACK_WEBHOOK) {
        return Some("Slack webhook URL");
    }
    // Every prefix below holds one of these.
    if !value.bytes().any(|b| b == b'_' || b == b'-') {
        return None;
    }
    let tail_len = |run: &str, prefix: &str| -> Option<usize> {
        run.strip_prefix(prefix).map(|rest| {
            rest.bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
                .count()
        })
    };
    for run in runs(value, |c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        for prefix in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] {
            if tail_len(run, prefix).is_some_and(|n| n >= 36) {
                return Some("GitHub token");
            }
        }
        if tail_len(run, "github_pat_").is_some_and(|n| n >= 22) {
            return Some("GitHub token");
        }
        for prefix in [
            "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-", "xapp-",
        ] {
            if tail_len(run, prefix).is_some_and(|n| n >= 10) {
                return Some("Slack token");
            }
        }
        for prefix in ["sk_live_", "rk_live_", "sk_test_", "rk_test_"] {
            if tail_len(run, prefix).is_some_and(|n| n >= 16) {
                return Some("Stripe secret key");
            }
        }
        if tail_len(run, "whsec_").is_some_and(|n| n >= 24) {
            return Some("Stripe webhook secret");
        }
    }
    None
}

/// A placeholder filled in elsewhere (`${DB_PASSWORD}`, `{{resolve:…}}`, `<password>`,
/// `****`), not a secret.
fn is_placeholder(text: &str) -> bool {
    let t = text.trim();
    t.is_empty()
        || t.starts_with("${")
        || t.starts_with("$(")
        || t.starts_with("{{")
        || t.starts_with('<')
        || t.starts_with('%')
        || t.bytes().all(|b| b == b'*' || b == b'x' || b == b'X')
}

/// The password of a URL's user info, when the value is a URL with one.
fn url_password(value: &str) -> Option<&str> {
    if !value.as_bytes().contains(&b':') {
        return None;
    }
    let (_, rest) = value.trim().split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    (!is_placeholder(password)).then_some(password)
}

fn has_connection_password(value: &str) -> bool {
    if url_password(value).is_some() {
        return true;
    }
    if !value.contains('=') {
        return false;
    }
    // Keys matched regardless of case, in place: every tag value comes through here.
    let bytes = value.as_bytes();
    ["password=", "pwd=", "passwd="].iter().any(|key| {
        (0..bytes.len().saturating_sub(key.len() - 1))
            .filter(|&i| bytes[i..i + key.len()].eq_ignore_ascii_case(key.as_bytes()))
            .any(|i| {
                let starts_key =
                    i == 0 || matches!(bytes[i - 1], b';' | b'?' | b'&' | b',' | b' ' | b'\t');
                // The key is ASCII: `i + key.len()` is a character boundary.
                let secret = value[i + key.len()..]
                    .split([';', '&', ' ', '\t'])
                    .next()
                    .unwrap_or("");
                starts_key && !is_placeholder(secret)
            })
    })
}

/// Whether a value is an AWS KMS ciphertext blob in base64 (what Lambda's encryption helpers
/// and `aws kms encrypt` produce): the protected form of a secret, decrypted by code holding
/// `kms:Decrypt`, so neither a literal nor random text to flag.
fn is_kms_ciphertext(value: &str) -> bool {
    let v = value.trim();
    (v.starts_with("AQICAH") || v.starts_with("AQECAH"))
        && v.len() >= 100
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

/// Whether a value could be a secret written in clear: not empty, not a reference to a secret
/// store, not a placeholder, not a URL without credentials, not a path, not a boolean or a
/// short number.
fn is_literal(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    let reference = ["arn:", "ssm:", "secretsmanager:", "vault:"]
        .iter()
        .any(|p| lower.starts_with(p));
    let url_without_credentials = v.contains("://") && url_password(v).is_none();
    let path = v.starts_with('/')
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'_' | b'-'));
    let setting = matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "none" | "null" | "enabled" | "disabled"
    );
    let short_number = v.len() <= 6 && v.bytes().all(|b| b.is_ascii_digit());
    !(is_placeholder(v) || reference || url_without_credentials || path || setting || short_number)
}

/// Shannon entropy of the characters of `text`, in bits per character.
pub fn shannon_entropy(text: &str) -> f64 {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return 0.0;
    }
    let mut counts: Vec<(char, usize)> = Vec::new();
    for c in &chars {
        match counts.iter_mut().find(|(k, _)| k == c) {
            Some((_, n)) => *n += 1,
            None => counts.push((*c, 1)),
        }
    }
    let total = chars.len() as f64;
    counts
        .iter()
        .map(|&(_, n)| {
            let p = n as f64 / total;
            -p * p.log2()
        })
        .sum()
}

/// Average length of the letter/digit fragments of `text`: runs of digits, of lower case, of
/// upper case, a capital followed by lower case counting as one word.
fn average_fragment_length(text: &str) -> f64 {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Upper,
        Lower,
        Digit,
        Other,
    }
    let class = |c: char| match c {
        'A'..='Z' => Class::Upper,
        'a'..='z' => Class::Lower,
        '0'..='9' => Class::Digit,
        _ => Class::Other,
    };
    let mut runs: Vec<(Class, usize)> = Vec::new();
    for c in text.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some((last, n)) if *last == k => *n += 1,
            _ => runs.push((k, 1)),
        }
    }
    let mut fragments = 0usize;
    let mut chars = 0usize;
    let mut i = 0;
    while let Some(&(k, n)) = runs.get(i) {
        match k {
            Class::Other => {}
            Class::Upper
                if runs
                    .get(i + 1)
                    .is_some_and(|(next, _)| *next == Class::Lower) =>
            {
                // `ABCdef` is `AB` + `Cdef`: the last capital starts the word.
                fragments += if n > 1 { 2 } else { 1 };
                chars += n + runs.get(i + 1).map_or(0, |(_, m)| *m);
                i += 1;
            }
            _ => {
                fragments += 1;
                chars += n;
            }
        }
        i += 1;
    }
    if fragments == 0 {
        return 0.0;
    }
    chars as f64 / fragments as f64
}

fn is_high_entropy(value: &str) -> bool {
    let v = value.trim();
    if v.len() < MIN_ENTROPY_LENGTH {
        return false;
    }
    let base64ish = v
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-'));
    let hex_only = v.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    base64ish
        && !hex_only
        && v.bytes().any(|b| b.is_ascii_digit())
        && v.bytes().any(|b| b.is_ascii_alphabetic())
        && shannon_entropy(v) >= MIN_ENTROPY_BITS
        && average_fragment_length(v) <= MAX_FRAGMENT_LENGTH
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn tags_that_look_like_credentials_are_withheld_by_value() {
        let tags: BTreeMap<String, String> = [
            ("team", "payments"),
            (
                "aws:cloudformation:stack-id",
                "arn:aws:cloudformation:eu-west-1:111122223333:stack/app/1b2c",
            ),
            ("deploy-key", "AKIAIOSFODNN7EXAMPLE"),
            ("db_password", "hunter2-but-longer"),
            ("build_id", "7Qx9Vb2Wm4Zr8Ty3Hu6Jk0Nc5"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let kept = withhold_tags(&Arc::new(tags.clone()));
        assert_eq!(kept["team"], "payments");
        assert_eq!(
            kept["aws:cloudformation:stack-id"],
            tags["aws:cloudformation:stack-id"]
        );
        assert_eq!(
            kept["deploy-key"],
            "(withheld: value is an AWS access key id)"
        );
        assert_eq!(
            kept["db_password"],
            "(withheld: name says password, value is a literal)"
        );
        assert_eq!(kept["build_id"], tags["build_id"], "named as an identifier");
    }

    #[test]
    fn credentials_in_a_document_are_withheld_wherever_they_are() {
        let mut trust = json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "Partner", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {
                "sts:ExternalId": "q8Z3vK1mX7pR2tW9yB4nC6dF0gH5jL8s",
                "aws:UserAgent": ["ghp_R3aLlYn0tAr3alT0k3nJustF0rT3st1ng0001", "curl/8.5"]
            }}
        }]});
        let before = trust.clone();
        assert_eq!(withhold_in_json(&mut trust, &[]).len(), 2);
        let condition = &trust["Statement"][0]["Condition"]["StringEquals"];
        assert_eq!(
            condition["sts:ExternalId"],
            "(withheld: value is a high-entropy string)"
        );
        assert_eq!(
            condition["aws:UserAgent"][0],
            "(withheld: value is a GitHub token)"
        );
        assert_eq!(condition["aws:UserAgent"][1], "curl/8.5");
        trust["Statement"][0]["Condition"] = before["Statement"][0]["Condition"].clone();
        assert_eq!(trust, before, "everything else is kept");
        let mut plain = json!({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]});
        assert!(withhold_in_json(&mut plain, &["sts:ExternalId"]).is_empty());
        let mut partner =
            json!({"Condition": {"StringEquals": {"sts:externalid": ["partner-7781", "x"]}}});
        assert_eq!(withhold_in_json(&mut partner, &["sts:ExternalId"]).len(), 2);
        assert_eq!(
            partner["Condition"]["StringEquals"]["sts:externalid"],
            json!([
                "(withheld: listed credential name)",
                "(withheld: listed credential name)"
            ])
        );
    }

    #[test]
    fn free_text_is_withheld_whole() {
        assert_eq!(withhold_text("orders key".into()), "orders key");
        assert_eq!(
            withhold_text("postgres://app:s3cret-Pass@db:5432/app".into()),
            "(withheld: value is a connection string with a password)"
        );
    }

    fn reasons(vars: &[(&str, &str)]) -> Vec<(String, Reason)> {
        Detector::new([
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "ECS_ENGINE_AUTH_DATA",
        ])
        .with_heuristics(true)
        .scan(vars)
        .into_iter()
        .map(|f| (f.variable, f.reason))
        .collect()
    }

    fn reason(name: &str, value: &str) -> Option<Reason> {
        reasons(&[(name, value)]).pop().map(|(_, r)| r)
    }

    #[test]
    fn without_heuristics_only_certain_credentials_fail() {
        let strict = Detector::new(["AWS_SECRET_ACCESS_KEY"]);
        let settings = [
            ("PASSWORD_COMPLEXITY", "high"),
            ("CSRF_TOKEN_COOKIE", "XSRF-TOKEN"),
            ("TOKEN_ISSUER_DOMAIN", "auth.acme.example"),
            ("PASSWORD_HASHER", "argon2id"),
            ("COGNITO_CLIENT_ID", "4j8h2k5l7m9n1p3q5r7s9t1v3x"),
            (
                "FEATURE_FLAGS",
                "eyJkYXJrTW9kZSI6dHJ1ZSwibmV3Q2hlY2tvdXQiOmZhbHNlfQ==",
            ),
        ];
        assert!(
            strict.scan(&settings).is_empty(),
            "{:?}",
            strict.scan(&settings)
        );
        let certain = [
            ("AWS_SECRET_ACCESS_KEY", "anything"),
            ("DEPLOY_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
            (
                "TLS_KEY",
                "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
            ),
        ];
        assert_eq!(strict.scan(&certain).len(), 3);
    }

    /// A deterministic stream of pseudo-random characters (xorshift), for statistics.
    fn random_strings(alphabet: &[u8], len: usize, count: usize) -> Vec<String> {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15 ^ len as u64;
        (0..count)
            .map(|_| {
                (0..len)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        alphabet[(state % alphabet.len() as u64) as usize] as char
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn every_sensitive_word_holds_a_stem_the_quick_check_looks_for() {
        for word in [
            "password",
            "passwd",
            "pwd",
            "pass",
            "passphrase",
            "secret",
            "secrets",
            "clientsecret",
            "secretkey",
            "token",
            "tokens",
            "apikey",
            "apikeys",
            "credential",
            "credentials",
            "creds",
            "privatekey",
            "myPasswordHash",
            "api_key",
            "SIGNING_KEY",
        ] {
            assert!(mentions_a_credential(word), "{word}");
            assert!(sensitive_word(name_tokens(word)).is_some(), "{word}");
        }
        assert!(!mentions_a_credential("cost-centre-12"));
    }

    #[test]
    fn the_last_tags_judged_are_answered_again_and_only_they() {
        let tags = |key_id: &str| -> Arc<BTreeMap<String, String>> {
            Arc::new(
                [("team", "sre"), ("deployer", key_id)]
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            )
        };
        let first = withhold_tags(&tags("AKIAIOSFODNN7EXAMPLE"));
        assert!(first["deployer"].starts_with("(withheld: "));
        assert!(Arc::ptr_eq(
            &first,
            &withhold_tags(&tags("AKIAIOSFODNN7EXAMPLE"))
        ));
        // Another key id: judged again, with the same answer.
        let other = withhold_tags(&tags("AKIAI44QH8DHBEXAMPLE"));
        assert!(!Arc::ptr_eq(&first, &other));
        assert_eq!(first, other);
        // A value that is no credential under the same keys is not taken for the last one.
        let plain_tags = tags("ci-pipeline");
        let plain = withhold_tags(&plain_tags);
        assert_eq!(plain["deployer"], "ci-pipeline");
        // Nothing withheld: the tags themselves, not a copy.
        assert!(Arc::ptr_eq(&plain, &plain_tags));
        assert_eq!(*withhold_tags(&tags("ci-pipeline")), *plain);
    }

    #[test]
    fn listed_names_match_whatever_the_value() {
        assert_eq!(
            reason("aws_secret_access_key", ""),
            Some(Reason::ListedName)
        );
        assert_eq!(
            reason("ECS_ENGINE_AUTH_DATA", "{{resolve:ssm:/x}}"),
            Some(Reason::ListedName)
        );
        assert_eq!(
            Detector::default().scan(&[("AWS_ACCESS_KEY_ID", "")]),
            vec![]
        );
    }

    #[test]
    fn sensitive_names_with_literal_values() {
        for (name, word) in [
            ("DB_PASSWORD", "password"),
            ("dbPassword", "password"),
            ("MYSQLPASSWORD", "password"),
            ("REDIS_PASS", "password"),
            ("JWT_SECRET", "secret"),
            ("OAUTH_CLIENT_SECRET", "secret"),
            ("GITHUB_TOKEN", "token"),
            ("STRIPE_API_KEY", "API key"),
            ("ApiKey", "API key"),
            ("SSH_PRIVATE_KEY", "private key"),
            ("SERVICE_CREDENTIALS", "credential"),
            ("GPG_PASSPHRASE", "passphrase"),
            ("SIGNING_KEY", "key"),
        ] {
            assert_eq!(
                reason(name, "hunter2-but-longer"),
                Some(Reason::SensitiveName(word)),
                "{name}"
            );
        }
    }

    #[test]
    fn pointers_settings_and_references_are_not_secrets() {
        for (name, value) in [
            (
                "DB_PASSWORD_SECRET_ARN",
                "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf",
            ),
            ("DB_PASSWORD_PARAMETER", "/acme/prod/db/password"),
            ("OAUTH_TOKEN_URL", "https://auth.acme.example/oauth2/token"),
            ("PASSWORD_MIN_LENGTH", "12"),
            ("SESSION_TOKEN_TTL", "3600"),
            ("JWT_SECRET_NAME", "prod/jwt-signing"),
            ("API_KEY_HEADER", "X-Api-Key"),
            (
                "DB_PASSWORD",
                "arn:aws:ssm:eu-west-1:111122223333:parameter/acme/db",
            ),
            (
                "DB_PASSWORD",
                "{{resolve:secretsmanager:acme/db:SecretString:password}}",
            ),
            ("DB_PASSWORD", "${DB_PASSWORD}"),
            ("DB_PASSWORD", ""),
            ("REQUIRE_TOKEN", "true"),
            ("TOKENIZER_MODEL", "bert-base-uncased"),
            ("BYPASS_CACHE", "yes"),
            ("LOG_LEVEL", "INFO"),
            ("BUILD_SHA", "9fceb02d0ae598e95dc970b74767f19372d61af8"),
            ("TENANT_ID", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
            ("SERVICE_NAME", "acme-orders-service-production"),
            ("DATABASE_URL", "postgres://db.acme.internal:5432/orders"),
            ("USER_POOL_CLIENT_ID", "1h57kf5cpq17m0eml12EXAMPLE"),
        ] {
            assert_eq!(reason(name, value), None, "{name}={value}");
        }
    }

    /// Lambda's encryption helpers leave a KMS ciphertext blob in the variable: the fix, not
    /// a finding, under a sensitive name or not.
    #[test]
    fn kms_ciphertext_blobs_are_protected_values() {
        let blob = "AQICAHhK9pZ4wqN0xYtR7f3vLm2cB8sD1eJ6uA5gH0iK3lM9nOAFp6Q7r8S9t0U1v2W3x4Y5z6A7b8C9d0E1f2G3h4I5j6K7l8M9n0O1p2Q3r4S5t6U7v8W9x0Y1z2A3b4C5d6E7f8G9h0I1j2K3l4M5n6O7p8Q9r0==";
        for name in ["DB_PASSWORD", "PAYLOAD"] {
            assert_eq!(reason(name, blob), None, "{name}");
        }
        // The same text without the header is still random text under a secret's name.
        assert!(reason("DB_PASSWORD", &blob[6..]).is_some());
    }

    #[test]
    fn values_with_known_shapes() {
        let pem =
            "-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA7V\\n-----END RSA PRIVATE KEY-----";
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        for (name, value, expected) in [
            ("CONFIG", "AKIAIOSFODNN7EXAMPLE", Reason::AwsAccessKeyId),
            ("TLS_KEY", pem, Reason::PrivateKey),
            ("AUTHORIZATION", jwt, Reason::JsonWebToken),
            (
                "CI_AUTH",
                "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
                Reason::VendorToken("GitHub token"),
            ),
            (
                "NOTIFY",
                "xoxb-123456789012-1234567890123-AbCdEfGhIjKl",
                Reason::VendorToken("Slack token"),
            ),
            (
                "NOTIFY_HOOK",
                "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
                Reason::VendorToken("Slack webhook URL"),
            ),
            (
                "PAYMENTS",
                "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
                Reason::VendorToken("Stripe secret key"),
            ),
            (
                "DATABASE_URL",
                "postgres://orders:S3cr3t!@db.acme.internal:5432/orders",
                Reason::ConnectionStringPassword,
            ),
            (
                "SQL",
                "Server=db.acme.internal;Database=orders;User Id=app;Password=S3cr3t!;",
                Reason::ConnectionStringPassword,
            ),
            (
                "JDBC",
                "jdbc:mysql://db.acme.internal/orders?user=app&password=S3cr3t",
                Reason::ConnectionStringPassword,
            ),
        ] {
            assert_eq!(reason(name, value), Some(expected), "{name}");
        }
        // A placeholder password is not one.
        assert_eq!(
            reason("DATABASE_URL", "postgres://orders:${DB_PASSWORD}@db/orders"),
            None
        );
        assert_eq!(reason("SQL", "Server=db;Password=;"), None);
    }

    #[test]
    fn secret_access_key_is_recognised_next_to_a_key_id() {
        let found = reasons(&[
            ("KEY", "AKIAIOSFODNN7EXAMPLE"),
            ("VALUE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ]);
        assert_eq!(found[1], ("VALUE".to_string(), Reason::AwsSecretAccessKey));
        // Alone, a random secret key is still caught as a high-entropy string.
        assert_eq!(
            reason("VALUE", "7tRz0Kp4VwXb9QmN2sLd8Hf3Jc6Ya1Ue5Gi0Ro7T"),
            Some(Reason::HighEntropy)
        );
    }

    #[test]
    fn entropy_threshold_separates_random_keys_from_words() {
        let base62 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for len in [20, 24, 32, 40, 64] {
            let samples = random_strings(base62, len, 500);
            let caught = samples.iter().filter(|s| is_high_entropy(s)).count();
            assert!(
                caught * 100 >= 95 * samples.len(),
                "len {len}: {caught}/500"
            );
        }
        for natural in [
            "ThisIsMyServiceName2024",
            "OrdersServiceV2Config1234",
            "acme-orders-service-production",
            "production-eu-west-1-cluster",
            "my_application_name_v2",
            "orders-api-blue-green-deployment-20260301",
            "com_acme_orders_OrderService",
            "kafka-broker-1-kafka-broker-2",
            "aaaaaaaaaaaaaaaaaaaa1",
            "0123456789abcdefghij",
            "9fceb02d0ae598e95dc970b74767f19372d61af8",
            "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        ] {
            assert!(!is_high_entropy(natural), "{natural}");
        }
        assert!(shannon_entropy("aaaa") < 0.001);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn name_tokens_split_case_and_separators() {
        let tokens = |name| name_tokens(name).collect::<Vec<_>>();
        assert_eq!(tokens("APIKey"), ["API", "Key"]);
        assert_eq!(tokens("dbPassword2"), ["db", "Password2"]);
        assert_eq!(tokens("DB_PASSWORD-ARN"), ["DB", "PASSWORD", "ARN"]);
        assert_eq!(tokens("ÄpiKey x"), ["pi", "Key", "x"]);
    }

    proptest! {
        #[test]
        fn findings_never_repeat_the_value(
            name in "[A-Z][A-Z_]{2,20}",
            value in "[!-~]{12,80}",
        ) {
            for finding in Detector::new([name.as_str()]).scan(&[(name.as_str(), value.as_str())]) {
                let text = finding.to_string().replacen(&name, "", 1);
                prop_assert!(!text.contains(&value), "{text}");
            }
        }

        #[test]
        fn scanning_never_panics(name in "\\PC{0,30}", value in "\\PC{0,200}") {
            let _ = Detector::new(["X"]).scan(&[(name, value)]);
        }
    }
}

//! What a control concludes about one resource.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::json::InputError;

/// The three values AWS Config accepts from a custom rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Compliance {
    Compliant,
    NonCompliant,
    NotApplicable,
}

impl Compliance {
    pub fn as_str(self) -> &'static str {
        match self {
            Compliance::Compliant => "COMPLIANT",
            Compliance::NonCompliant => "NON_COMPLIANT",
            Compliance::NotApplicable => "NOT_APPLICABLE",
        }
    }

    /// The folder name verdict fixtures live in.
    pub fn folder(self) -> &'static str {
        match self {
            Compliance::Compliant => "compliant",
            Compliance::NonCompliant => "non_compliant",
            Compliance::NotApplicable => "not_applicable",
        }
    }
}

impl fmt::Display for Compliance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The longest annotation AWS Config stores.
pub const MAX_ANNOTATION_BYTES: usize = 256;

/// Marks text cut to fit.
const ELLIPSIS: &str = "…";

/// A verdict and the reason for it, naming the deciding setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub compliance: Compliance,
    pub annotation: String,
}

/// A control's result: a verdict, or the input it could not read.
pub type Outcome = Result<Verdict, InputError>;

impl Verdict {
    pub fn new(compliance: Compliance, reason: impl Into<String>) -> Self {
        Verdict {
            compliance,
            annotation: truncate_annotation(reason.into()),
        }
    }

    pub fn compliant(reason: impl Into<String>) -> Self {
        Self::new(Compliance::Compliant, reason)
    }

    pub fn non_compliant(reason: impl Into<String>) -> Self {
        Self::new(Compliance::NonCompliant, reason)
    }

    pub fn not_applicable(reason: impl Into<String>) -> Self {
        Self::new(Compliance::NotApplicable, reason)
    }

    /// NON_COMPLIANT naming every offence that fits (and how many did not), or COMPLIANT with
    /// `all_clear` when there are none.
    pub fn from_offences(offences: Vec<String>, all_clear: impl Into<String>) -> Self {
        if offences.is_empty() {
            return Self::compliant(all_clear);
        }
        Self::non_compliant(join_offences(&offences))
    }

    /// Appends a remark (`reason [remark]`), shortening the reason rather than losing the
    /// remark when both do not fit.
    pub fn with_remark(mut self, remark: &str) -> Self {
        let suffix = format!(" [{remark}]");
        if self.annotation.len() + suffix.len() > MAX_ANNOTATION_BYTES {
            let room = MAX_ANNOTATION_BYTES.saturating_sub(suffix.len());
            let mut cut = room
                .saturating_sub(ELLIPSIS.len())
                .min(self.annotation.len());
            while !self.annotation.is_char_boundary(cut) {
                cut -= 1;
            }
            self.annotation.truncate(cut);
            self.annotation.push_str(ELLIPSIS);
        }
        self.annotation = truncate_annotation(format!("{}{suffix}", self.annotation));
        self
    }
}

/// `a; b; c (+4 more)`, as many offences as fit in an annotation.
pub fn join_offences(offences: &[String]) -> String {
    let mut text = String::new();
    for (i, offence) in offences.iter().enumerate() {
        let rest = offences.len() - i - 1;
        let suffix = if rest > 0 {
            format!(" (+{rest} more)")
        } else {
            String::new()
        };
        let candidate = if text.is_empty() {
            offence.clone()
        } else {
            format!("{text}; {offence}")
        };
        if candidate.len() + suffix.len() > MAX_ANNOTATION_BYTES && !text.is_empty() {
            return format!("{text} (+{} more)", offences.len() - i);
        }
        text = candidate;
    }
    text
}

/// Cuts `text` to at most [`MAX_ANNOTATION_BYTES`] bytes on a character boundary, marking the cut
/// with `…`. Empty text becomes `-` (Config rejects empty annotations).
pub fn truncate_annotation(mut text: String) -> String {
    if text.trim().is_empty() {
        return "-".to_string();
    }
    if text.len() <= MAX_ANNOTATION_BYTES {
        return text;
    }
    let mut cut = MAX_ANNOTATION_BYTES - ELLIPSIS.len();
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text.truncate(cut);
    text.push_str(ELLIPSIS);
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn offences_are_joined_and_counted() {
        let v = Verdict::from_offences(vec!["a".into(), "b".into()], "fine");
        assert_eq!(v.compliance, Compliance::NonCompliant);
        assert_eq!(v.annotation, "a; b");
        let many: Vec<String> = (0..100)
            .map(|i| format!("ingress tcp/{i} open to 0.0.0.0/0"))
            .collect();
        let v = Verdict::from_offences(many, "fine");
        assert!(
            v.annotation.len() <= MAX_ANNOTATION_BYTES,
            "{}",
            v.annotation
        );
        assert!(v.annotation.ends_with("more)"), "{}", v.annotation);
        assert_eq!(
            Verdict::from_offences(vec![], "fine").compliance,
            Compliance::Compliant
        );
    }

    #[test]
    fn remarks_survive_long_reasons() {
        let v = Verdict::non_compliant("é".repeat(200))
            .with_remark("exemption by tag ourside:exempt expired 2026-01-31");
        assert!(
            v.annotation.len() <= MAX_ANNOTATION_BYTES,
            "{}",
            v.annotation.len()
        );
        assert!(
            v.annotation
                .ends_with("[exemption by tag ourside:exempt expired 2026-01-31]"),
            "{}",
            v.annotation
        );
        let short = Verdict::compliant("fine").with_remark("note");
        assert_eq!(short.annotation, "fine [note]");
    }

    proptest! {
        #[test]
        fn annotations_fit_on_a_char_boundary(text in "\\PC{0,400}") {
            let cut = truncate_annotation(text.clone());
            prop_assert!(cut.len() <= MAX_ANNOTATION_BYTES);
            prop_assert!(!cut.is_empty());
            if text.len() <= MAX_ANNOTATION_BYTES && !text.trim().is_empty() {
                prop_assert_eq!(cut, text);
            }
        }

        #[test]
        fn joined_offences_fit(offences in proptest::collection::vec("\\PC{1,120}", 0..20)) {
            let v = Verdict::from_offences(offences, "ok");
            prop_assert!(v.annotation.len() <= MAX_ANNOTATION_BYTES);
        }
    }
}

//! Exemptions by resource tag.
//!
//! A resource opts out of named controls with one tag (key configurable, default
//! `ourside:exempt`). Its value lists control ids, separated by commas, spaces, `+` or `/`
//! (tag values on some services allow only `+ - = . _ : / @` besides letters and digits), and may
//! carry `;until=YYYY-MM-DD` and `;reason=…`. Because `;` is not allowed everywhere, the same two
//! fields can also be given as their own tags, `<key>:until` and `<key>:reason`.
//!
//! An exemption whose date has passed no longer applies; the verdict then says it expired.
//! An unreadable date voids the whole exemption (fail safe) and the verdict says why.

use std::collections::BTreeMap;

use crate::timestamp::Timestamp;

/// The tag key used when none is configured.
pub const DEFAULT_TAG_KEY: &str = "ourside:exempt";

/// An exemption read from a resource's tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exemption {
    pub tag_key: String,
    pub controls: Vec<String>,
    /// The first instant the exemption no longer applies.
    pub expires: Option<Timestamp>,
    /// The date as written, for messages.
    pub until_text: Option<String>,
    pub reason: Option<String>,
}

/// How an exemption bears on one control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExemptionStatus {
    /// No exemption names this control.
    None,
    /// The control is waived for this resource; the text explains it for the annotation.
    Active(String),
    /// The control is evaluated as usual; the text is a remark for the annotation.
    Lapsed(String),
}

impl Exemption {
    /// Reads the exemption from `tags`. `Err` explains an exemption that cannot be honoured.
    pub fn from_tags(
        tags: &BTreeMap<String, String>,
        tag_key: &str,
    ) -> Result<Option<Self>, String> {
        let Some(value) = find_tag(tags, tag_key) else {
            return Ok(None);
        };
        let mut parts = value.split(';');
        let controls: Vec<String> = parts
            .next()
            .unwrap_or_default()
            .split([',', ' ', '+', '/'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let mut until = find_tag(tags, &format!("{tag_key}:until")).map(str::to_string);
        let mut reason = find_tag(tags, &format!("{tag_key}:reason")).map(str::to_string);
        for field in parts {
            match field.split_once('=') {
                Some((k, v))
                    if k.trim().eq_ignore_ascii_case("until")
                        || k.trim().eq_ignore_ascii_case("expires") =>
                {
                    until = Some(v.trim().to_string())
                }
                Some((k, v)) if k.trim().eq_ignore_ascii_case("reason") => {
                    reason = Some(v.trim().to_string())
                }
                _ => {
                    return Err(format!(
                    "tag {tag_key}: cannot read {field:?} (expected until=YYYY-MM-DD or reason=…)"
                ))
                }
            }
        }
        let expires = match until.as_deref() {
            None => None,
            Some(text) => Some(parse_until(text).ok_or_else(|| {
                format!("tag {tag_key}: until date {text:?} is not a date (expected YYYY-MM-DD)")
            })?),
        };
        Ok(Some(Exemption {
            tag_key: tag_key.to_string(),
            controls,
            expires,
            until_text: until,
            reason: reason.filter(|r| !r.is_empty()),
        }))
    }

    pub fn names(&self, control_id: &str) -> bool {
        self.controls
            .iter()
            .any(|c| c.eq_ignore_ascii_case(control_id))
    }

    /// What the exemption means for `control_id` at `now`.
    pub fn status(&self, control_id: &str, now: Timestamp) -> ExemptionStatus {
        if !self.names(control_id) {
            return ExemptionStatus::None;
        }
        let until = self.until_text.as_deref().unwrap_or_default();
        match self.expires {
            Some(expires) if now >= expires => ExemptionStatus::Lapsed(format!(
                "exemption by tag {} expired {until}",
                self.tag_key
            )),
            _ => {
                let mut text = format!("exempted by tag {}", self.tag_key);
                if self.expires.is_some() {
                    text.push_str(&format!(" until {until}"));
                }
                if let Some(reason) = &self.reason {
                    text.push_str(&format!(": {reason}"));
                }
                ExemptionStatus::Active(text)
            }
        }
    }
}

/// Tag keys are case-sensitive in AWS, but a key differing only in case is surely meant.
fn find_tag<'a>(tags: &'a BTreeMap<String, String>, key: &str) -> Option<&'a str> {
    tags.get(key)
        .or_else(|| {
            tags.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)
        })
        .map(String::as_str)
}

/// A date means "through the end of that day, UTC"; a full timestamp is exact.
fn parse_until(text: &str) -> Option<Timestamp> {
    let t = Timestamp::parse(text)?;
    if text.trim().len() == 10 {
        Some(Timestamp(t.0 + time::Duration::days(1)))
    } else {
        Some(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    #[test]
    fn ids_in_every_separator() {
        for value in [
            "S3.8,S3.9",
            "S3.8 S3.9",
            "S3.8+S3.9",
            "S3.8/S3.9",
            " s3.8 , S3.9 ",
        ] {
            let e = Exemption::from_tags(&tags(&[("ourside:exempt", value)]), DEFAULT_TAG_KEY)
                .unwrap()
                .unwrap();
            assert!(
                e.names("S3.8") && e.names("S3.9") && !e.names("S3.2"),
                "{value}"
            );
        }
    }

    #[test]
    fn inline_and_separate_fields() {
        let now = at("2026-06-01T00:00:00Z");
        let inline = tags(&[(
            "ourside:exempt",
            "S3.9;until=2026-12-31;reason=website bucket",
        )]);
        let separate = tags(&[
            ("ourside:exempt", "S3.9"),
            ("ourside:exempt:until", "2026-12-31"),
            ("ourside:exempt:reason", "website bucket"),
        ]);
        for t in [inline, separate] {
            let e = Exemption::from_tags(&t, DEFAULT_TAG_KEY).unwrap().unwrap();
            assert_eq!(
                e.status("S3.9", now),
                ExemptionStatus::Active(
                    "exempted by tag ourside:exempt until 2026-12-31: website bucket".into()
                )
            );
            assert_eq!(e.status("S3.2", now), ExemptionStatus::None);
        }
    }

    #[test]
    fn expiry_is_end_of_day_and_lapses() {
        let e = Exemption::from_tags(
            &tags(&[("ourside:exempt", "S3.9;until=2026-12-31")]),
            DEFAULT_TAG_KEY,
        )
        .unwrap()
        .unwrap();
        assert!(matches!(
            e.status("S3.9", at("2026-12-31T23:59:59Z")),
            ExemptionStatus::Active(_)
        ));
        assert_eq!(
            e.status("S3.9", at("2027-01-01T00:00:00Z")),
            ExemptionStatus::Lapsed("exemption by tag ourside:exempt expired 2026-12-31".into())
        );
    }

    #[test]
    fn unreadable_exemptions_are_refused() {
        let err = Exemption::from_tags(
            &tags(&[("ourside:exempt", "S3.9;until=someday")]),
            DEFAULT_TAG_KEY,
        )
        .unwrap_err();
        assert!(err.contains("someday"), "{err}");
        let err = Exemption::from_tags(
            &tags(&[("ourside:exempt", "S3.9;because")]),
            DEFAULT_TAG_KEY,
        )
        .unwrap_err();
        assert!(err.contains("because"), "{err}");
        assert_eq!(Exemption::from_tags(&tags(&[]), DEFAULT_TAG_KEY), Ok(None));
    }

    #[test]
    fn custom_tag_key() {
        let e = Exemption::from_tags(&tags(&[("sec:waive", "EC2.19")]), "sec:waive")
            .unwrap()
            .unwrap();
        assert!(matches!(
            e.status("EC2.19", Timestamp::now()),
            ExemptionStatus::Active(_)
        ));
    }
}

//! Bucket-policy Deny statements that refuse requests lacking something (TLS for S3.5, an
//! encryption header for S3.4): whether one binds every principal, reaches every action and
//! object it must, and has no condition that narrows it.
//!
//! Judged strictly, so that a statement passing here leaves no gap: `NotPrincipal` (everyone
//! *except* someone) and `NotResource` are not accepted, and a `Resource` pattern must match
//! `arn:<partition>:s3:::<bucket>` (or `…/<every key>`) in full, as `"*"`, the bucket ARN and
//! `arn:…:s3:::<bucket>/*` do.

use crate::policy::{wildcard_match, Condition, Effect, PolicyDocument, Principal, Statement};

/// What a Deny statement must reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Every S3 action on the bucket and on every object (S3.5).
    EveryRequest,
    /// `s3:PutObject` on every object (S3.4).
    EveryUpload,
}

/// What one statement does about the requests a control wants refused.
pub enum Judgement {
    /// Refuses every one of them.
    Denies,
    /// Is about them (it conditions on the key) but falls short, for the reason given.
    Falls(String),
    /// Does not condition on the key.
    Unrelated,
}

/// The label of the first statement that `judge` finds denies, or else why each statement
/// about the key falls short (`statement Sid "X" <reason>`).
pub fn find_denial(
    policy: &PolicyDocument,
    judge: impl Fn(&Statement) -> Judgement,
) -> Result<String, Vec<String>> {
    let mut near_misses = Vec::new();
    for (label, statement) in policy.labelled() {
        match judge(statement) {
            Judgement::Denies => return Ok(label),
            Judgement::Falls(reason) => near_misses.push(format!("{label} {reason}")),
            Judgement::Unrelated => {}
        }
    }
    Err(near_misses)
}

/// Judges one statement meant to deny, for everyone, every request in `reach` that the
/// condition key `key` shows to be unwanted. Every condition must be `accepted` (conditions
/// are ANDed, so any other narrows the Deny); `expected` describes an accepted one.
pub fn judge(
    statement: &Statement,
    bucket: &str,
    reach: Reach,
    key: &str,
    accepted: fn(&Condition) -> bool,
    expected: &str,
) -> Judgement {
    let on_key = |c: &Condition| c.key.eq_ignore_ascii_case(key);
    if !statement.conditions.iter().any(on_key) {
        return Judgement::Unrelated;
    }
    if statement.is_allow() {
        return Judgement::Falls(format!(
            "is an Allow on {key}, which refuses nothing: a Deny is needed"
        ));
    }
    if let Some(gap) = gap(statement, bucket, reach) {
        return Judgement::Falls(gap);
    }
    match statement.conditions.iter().find(|c| !accepted(c)) {
        None => Judgement::Denies,
        Some(c) if on_key(c) => Judgement::Falls(format!("has {c}, expected {expected}")),
        Some(c) => Judgement::Falls(format!("also requires {c}, so the Deny has gaps")),
    }
}

/// Why a statement is not a Deny that binds everyone and reaches `reach`, if it is not.
fn gap(statement: &Statement, bucket: &str, reach: Reach) -> Option<String> {
    if statement.effect != Some(Effect::Deny) {
        return Some("is not a Deny".to_string());
    }
    if statement.not_principal.is_some() {
        return Some("uses NotPrincipal, so some principals are not denied".to_string());
    }
    if !statement
        .principal
        .as_ref()
        .is_some_and(Principal::is_anyone)
    {
        return Some("does not apply to Principal \"*\"".to_string());
    }
    let actions_covered = match reach {
        Reach::EveryRequest => statement.covers_every_action_with_prefix("s3:"),
        Reach::EveryUpload => statement.covers_action("s3:PutObject"),
    };
    if !actions_covered {
        let wanted = match reach {
            Reach::EveryRequest => "s3:*",
            Reach::EveryUpload => "s3:PutObject",
        };
        return Some(match statement.actions.first() {
            Some(first) => format!("covers {first}, not {wanted}"),
            None => format!("does not cover {wanted}"),
        });
    }
    if statement.not_resources.is_some() {
        return Some("uses NotResource".to_string());
    }
    if reach == Reach::EveryRequest && !covers_bucket(statement, bucket) {
        return Some(format!("does not cover arn:aws:s3:::{bucket}"));
    }
    if !covers_every_object(statement, bucket) {
        return Some(format!("does not cover arn:aws:s3:::{bucket}/*"));
    }
    None
}

/// Whether a `Resource` entry covers the bucket ARN itself.
fn covers_bucket(statement: &Statement, bucket: &str) -> bool {
    statement
        .resources
        .iter()
        .filter_map(|r| s3_resource(r))
        .any(|r| wildcard_match(r, bucket))
}

/// Whether a `Resource` entry covers every object key of the bucket.
fn covers_every_object(statement: &Statement, bucket: &str) -> bool {
    let prefix = format!("{bucket}/");
    // A pattern ending in `*` that matches the bare prefix matches every key after it.
    statement
        .resources
        .iter()
        .filter_map(|r| s3_resource(r))
        .any(|r| r.ends_with('*') && wildcard_match(r, &prefix))
}

/// The part after `arn:<partition>:s3:::` of a resource pattern that can name S3 resources
/// (`"*"` for `"*"`).
fn s3_resource(pattern: &str) -> Option<&str> {
    let pattern = pattern.trim();
    if pattern == "*" {
        return Some(pattern);
    }
    let mut parts = pattern.splitn(6, ':');
    let arn = parts.next()?;
    let _partition = parts.next()?;
    let (service, region, account) = (parts.next()?, parts.next()?, parts.next()?);
    let rest = parts.next()?;
    (arn.eq_ignore_ascii_case("arn")
        && wildcard_match(service, "s3")
        && wildcard_match(region, "")
        && wildcard_match(account, ""))
    .then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::PolicyDocument;

    fn statement(resource: &str) -> Statement {
        let text = format!(
            r#"{{"Statement":{{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":{resource}}}}}"#
        );
        PolicyDocument::parse(&text).unwrap().statements.remove(0)
    }

    #[test]
    fn resources_must_reach_bucket_and_every_key() {
        let bucket = "acme-data";
        for (resource, bucket_ok, objects_ok) in [
            (r#""*""#, true, true),
            (
                r#"["arn:aws:s3:::acme-data","arn:aws:s3:::acme-data/*"]"#,
                true,
                true,
            ),
            (r#""arn:aws-cn:s3:::acme-data*""#, true, true),
            (r#""arn:aws:s3:::acme-data""#, true, false),
            (r#""arn:aws:s3:::acme-data/uploads/*""#, false, false),
            (r#""arn:aws:s3:::acme-data/?""#, false, false),
            (r#""arn:aws:s3:::other/*""#, false, false),
            (r#""arn:aws:sqs:::acme-data/*""#, false, false),
        ] {
            let s = statement(resource);
            assert_eq!(covers_bucket(&s, bucket), bucket_ok, "{resource}");
            assert_eq!(covers_every_object(&s, bucket), objects_ok, "{resource}");
        }
    }

    #[test]
    fn gaps_are_named() {
        let full = statement(r#"["arn:aws:s3:::b","arn:aws:s3:::b/*"]"#);
        assert_eq!(gap(&full, "b", Reach::EveryRequest), None);
        let objects_only = statement(r#""arn:aws:s3:::b/*""#);
        assert_eq!(gap(&objects_only, "b", Reach::EveryUpload), None);
        assert_eq!(
            gap(&objects_only, "b", Reach::EveryRequest).as_deref(),
            Some("does not cover arn:aws:s3:::b")
        );
    }
}

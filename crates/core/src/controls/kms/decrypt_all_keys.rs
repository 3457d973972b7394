//! "Allows decryption on all KMS keys", shared by KMS.1 (customer managed policies) and KMS.2
//! (inline policies).
//!
//! Security Hub runs both rules with `blockedActionsPatterns: kms:ReEncryptFrom, kms:Decrypt`
//! and judges only the `Resource` element: conditions are ignored. An action pattern counts
//! when it covers either action (`kms:*`, `*`, `kms:Re*`, or a `NotAction` that leaves them
//! in). A resource counts as "all keys" when it is not a fixed value (AWS: "an IAM policy must
//! grant access only to fixed values … that don't contain a wildcard or … variables") and could
//! match a key ARN: `"*"`, `arn:aws:kms:*:111122223333:key/*`, `…:key/${aws:PrincipalTag/k}`.
//! Alias ARNs do not grant use of keys and do not count. `NotResource` grants every resource
//! but the listed ones and counts, unless it excludes `"*"`.

use crate::controls::iam::customer_policy::quoted;
use crate::policy::{wildcard_match, Statement};

/// The actions Security Hub blocks on all keys.
pub(super) const DECRYPT_ACTIONS: &[&str] = &["kms:Decrypt", "kms:ReEncryptFrom"];

/// `allows kms:Decrypt, kms:ReEncryptFrom on all KMS keys (Resource "*")`, when it does.
pub(super) fn decrypt_on_all_keys(statement: &Statement) -> Option<String> {
    if !statement.is_allow() {
        return None;
    }
    let actions: Vec<&str> = DECRYPT_ACTIONS
        .iter()
        .copied()
        .filter(|a| statement.covers_action(a))
        .collect();
    if actions.is_empty() {
        return None;
    }
    let scope = match &statement.not_resources {
        Some(excluded) if excluded.iter().any(|r| r.trim() == "*") => return None,
        Some(excluded) => format!("NotResource {}", quoted(excluded)),
        None => {
            let open = statement.resources.iter().find(|r| open_key_pattern(r))?;
            format!("Resource {open:?}")
        }
    };
    Some(format!(
        "allows {} on all KMS keys ({scope})",
        actions.join(", ")
    ))
}

/// A typical key ARN, to ask whether a pattern's service and resource parts can match keys.
const SAMPLE_KEY_ARN: [&str; 6] = [
    "arn",
    "aws",
    "kms",
    "us-east-1",
    "111122223333",
    "key/1234abcd-12ab-34cd-56ef-1234567890ab",
];

/// Whether a `Resource` entry is not a fixed value and could match KMS key ARNs.
pub(super) fn open_key_pattern(resource: &str) -> bool {
    let pattern = without_variables(resource.trim());
    if !pattern.contains(['*', '?']) {
        return false;
    }
    // Build a key ARN the pattern would match if its service and resource parts allow keys:
    // partition, region and account take the pattern's own values when it states them.
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    let complete = |i: usize| i + 1 < parts.len() || (i == 5 && parts.len() == 6);
    let sample: Vec<String> = SAMPLE_KEY_ARN
        .iter()
        .enumerate()
        .map(|(i, default)| match parts.get(i) {
            Some(part) if complete(i) && matches!(i, 1 | 3 | 4) => instance(part),
            Some(part) if complete(i) && i == 5 && is_key_resource(&instance(part)) => {
                instance(part)
            }
            _ => default.to_string(),
        })
        .collect();
    wildcard_match(&pattern, &sample.join(":"))
}

fn is_key_resource(resource: &str) -> bool {
    resource
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("key/"))
}

/// A text the glob matches: `*` removed, `?` as one character.
fn instance(glob: &str) -> String {
    glob.replace('*', "").replace('?', "x")
}

/// Policy variables (`${aws:username}`) are only known at request time: as wildcards.
fn without_variables(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                out.push('*');
                rest = &rest[start + end + 1..];
            }
            None => {
                out.push('*');
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::PolicyDocument;
    use proptest::prelude::*;

    #[test]
    fn which_resources_mean_all_keys() {
        for open in [
            "*",
            "arn:aws:kms:*",
            "arn:aws:kms:*:111122223333:key/*",
            "arn:aws:kms:eu-west-1:111122223333:key/*",
            "arn:aws:kms:eu-*:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws-cn:kms:cn-north-1:111122223333:*",
            "arn:aws:kms:eu-west-1:111122223333:key/${aws:PrincipalTag/key-id}",
            "arn:*:*:*:*:*",
        ] {
            assert!(open_key_pattern(open), "{open}");
        }
        for closed in [
            "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:eu-west-1:111122223333:alias/*",
            "arn:aws:s3:::acme-data/*",
            "arn:aws:dynamodb:*:111122223333:table/*",
        ] {
            assert!(!open_key_pattern(closed), "{closed}");
        }
    }

    #[test]
    fn actions_and_resources_combine() {
        let doc = PolicyDocument::parse(
            r#"{"Statement":[
                {"Effect":"Allow","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.eu-west-1.amazonaws.com"}}},
                {"Effect":"Allow","Action":["kms:Encrypt","kms:GenerateDataKey*"],"Resource":"*"},
                {"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::secret/*"},
                {"Effect":"Allow","Action":"kms:Decrypt","Resource":["arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"]},
                {"Effect":"Deny","Action":"kms:Decrypt","Resource":"*"}
            ]}"#,
        )
        .unwrap();
        let found: Vec<Option<String>> = doc.statements.iter().map(decrypt_on_all_keys).collect();
        assert_eq!(
            found[0].as_deref(),
            Some("allows kms:Decrypt, kms:ReEncryptFrom on all KMS keys (Resource \"*\")")
        );
        assert_eq!(found[1], None);
        assert!(found[2].as_deref().unwrap().contains("NotResource"));
        assert_eq!(found[3], None);
        assert_eq!(found[4], None);
    }

    proptest! {
        #[test]
        fn fixed_values_are_never_open(text in "[a-zA-Z0-9:/._-]{0,60}") {
            prop_assert!(!open_key_pattern(&text));
        }

        #[test]
        fn open_key_pattern_never_panics(text in ".{0,80}") {
            let _ = open_key_pattern(&text);
        }
    }
}

use crate::controls::prelude::*;
use crate::json::InputError;
use crate::policy::{principal_account, Statement};

/// The actions Security Hub fixes for `s3-bucket-blacklisted-actions-prohibited`: whoever holds
/// one of them can take over the bucket's access control or encryption.
const BLOCKED_ACTIONS: &[&str] = &[
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
    "s3:PutEncryptionConfiguration",
    "s3:PutObjectAcl",
];

crate::control! {
    /// ## What it checks
    /// Whether the bucket policy lets principals of other AWS accounts run any of
    /// `s3:DeleteBucketPolicy`, `s3:PutBucketAcl`, `s3:PutBucketPolicy`,
    /// `s3:PutEncryptionConfiguration` or `s3:PutObjectAcl`. An Allow statement offends when it
    /// covers one of them (wildcards such as `s3:Put*`, `s3:*`, `*` and `NotAction` count) and its
    /// principal is anyone (`"*"`, `{"AWS": "*"}`, or `NotPrincipal`) or an AWS principal whose
    /// account (a 12-digit id, or the account field of its ARN) differs from the bucket's.
    /// As the managed rule `s3-bucket-blacklisted-actions-prohibited` documents, only the
    /// `Principal` is judged and conditions are ignored, so a grant to `"*"` pinned to an
    /// organisation still offends. Service principals (`logging.s3.amazonaws.com`…) are not
    /// accounts and do not count; nor do AWS principal values that name no account, such as the
    /// unique ids IAM leaves in a policy when the principal it named is deleted (they no longer
    /// grant anything). A bucket without a policy passes.
    ///
    /// ## Why it matters
    /// Resource policies are the customer's side of the model. Another account that may rewrite
    /// the bucket policy, ACLs or encryption can grant itself everything and lock the owner out.
    ///
    /// ## How to fix
    /// Remove the listed actions from statements that name other accounts (or `"*"`), or narrow
    /// the statement's principal to roles of the bucket's own account; let other accounts write
    /// with `s3:PutObject` and the `bucket-owner-full-control` ACL or, better, Object Ownership
    /// "bucket owner enforced".
    CONTROL = Control {
        id: "S3.6",
        title: "S3 general purpose bucket policies should restrict access to other AWS accounts",
        resource_types: &[ResourceType::S3Bucket],
        trigger: Trigger::Change,
        severity: Severity::High,
        owner: Owner::Platform,
        area: SrmArea::IdentityAndAccess,
        mappings: Mappings {
            security_hub: Some("S3.6"),
            cis: &[],
            nist: &["CA-9(1)", "CM-2"],
        },
        remediation: Remediation {
            text: "Edit the bucket policy so that no other account (and not \"*\") is allowed s3:DeleteBucketPolicy, s3:PutBucketAcl, s3:PutBucketPolicy, s3:PutEncryptionConfiguration or s3:PutObjectAcl.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-6",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::S3Bucket(bucket) = resource else {
        return Ok(Verdict::not_applicable("not an S3 bucket"));
    };
    let Some(policy) = section(&bucket.policy)? else {
        return Ok(Verdict::compliant("no bucket policy"));
    };
    let mut offences = Vec::new();
    for (label, statement) in policy.labelled() {
        if !statement.is_allow() {
            continue;
        }
        let actions: Vec<&str> = BLOCKED_ACTIONS
            .iter()
            .copied()
            .filter(|a| statement.covers_action(a))
            .collect();
        if actions.is_empty() {
            continue;
        }
        let outsiders = outsiders(statement, bucket.account_id.as_deref())?;
        if !outsiders.is_empty() {
            offences.push(format!(
                "policy {label} allows {} to {}",
                actions.join(", "),
                outsiders.join(", ")
            ));
        }
    }
    Ok(Verdict::from_offences(
        offences,
        "no policy statement allows another account s3:DeleteBucketPolicy, s3:PutBucketAcl, s3:PutBucketPolicy, s3:PutEncryptionConfiguration or s3:PutObjectAcl",
    ))
}

/// The statement's principals outside `owner`'s account, as annotations name them.
fn outsiders(statement: &Statement, owner: Option<&str>) -> Result<Vec<String>, InputError> {
    if statement.principal_is_anyone() {
        return Ok(vec![if statement.principal.is_some() {
            "everyone (Principal \"*\")".to_string()
        } else {
            "everyone but its NotPrincipal".to_string()
        }]);
    }
    let Some(principal) = &statement.principal else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for value in principal.values("AWS") {
        let Some(account) = principal_account(value).filter(|a| is_account_id(a)) else {
            continue;
        };
        let owner = owner.ok_or_else(|| {
            InputError::new(
                "accountId",
                "the item names no account, so the bucket owner cannot be told from other accounts",
            )
        })?;
        if account != owner {
            found.push(if value == account {
                format!("account {account}")
            } else {
                value.to_string()
            });
        }
    }
    Ok(found)
}

fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::ConfigurationItem;
    use crate::timestamp::Timestamp;

    fn judge(account: &str, principal: &str) -> Outcome {
        let policy = format!(
            r#"{{"Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"s3:PutBucketAcl","Resource":"arn:aws:s3:::b"}}]}}"#
        );
        let text = format!(
            r#"{{"resourceType":"AWS::S3::Bucket","resourceId":"b",{account}"configuration":{{"name":"b"}},
                "supplementaryConfiguration":{{"BucketPolicy":{{"policyText":{}}}}}}}"#,
            serde_json::to_string(&policy).unwrap()
        );
        let item = ConfigurationItem::parse(&text).unwrap();
        let context = Context {
            now: Timestamp::parse("2026-06-01T00:00:00Z").unwrap(),
            account: None,
            enrichment: &crate::facts::NO_ENRICHMENT,
        };
        evaluate(
            &Resource::from_item(&item).unwrap(),
            &Params::default(),
            &context,
        )
    }

    #[test]
    fn an_account_principal_needs_the_owner_account() {
        let err = judge("", r#"{"AWS":"arn:aws:iam::444455556666:root"}"#).unwrap_err();
        assert_eq!(err.path, "accountId");
        // Without account principals the owner does not matter.
        let verdict = judge("", r#"{"Service":"logging.s3.amazonaws.com"}"#).unwrap();
        assert_eq!(verdict.compliance, crate::Compliance::Compliant);
        let verdict = judge(
            r#""accountId":"111122223333","#,
            r#"{"AWS":"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL"}"#,
        )
        .unwrap();
        assert_eq!(verdict.compliance, crate::Compliance::Compliant);
    }
}

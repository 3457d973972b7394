use super::deny_scope::{self, Judgement, Reach};
use crate::controls::prelude::*;
use crate::policy::{Condition, Statement};

const SECURE_TRANSPORT: &str = "aws:SecureTransport";

crate::control! {
    /// ## What it checks
    /// Whether the bucket policy refuses every request not made over TLS: a statement with
    /// `Effect` `Deny`, `Principal` `"*"` (or `{"AWS": "*"}`), `Action` `s3:*` or `*`, `Resource`
    /// covering both the bucket ARN and `<bucket ARN>/*` (or `"*"`), and as its only condition
    /// `Bool` (or `BoolIfExists`) `aws:SecureTransport` = `false` (string or JSON boolean, any
    /// case). This is the statement AWS documents for `s3-bucket-ssl-requests-only` and checks in
    /// its proactive control CT.S3.PR.8. A bucket without a policy fails.
    ///
    /// Read strictly: an Allow conditioned on `aws:SecureTransport` = `true` does not refuse
    /// anything (another statement or an IAM policy may still allow HTTP); a Deny that names
    /// only some actions, only the bucket or only the objects, uses `NotPrincipal` or
    /// `NotResource`, or adds further conditions (ANDed, so it denies less) leaves gaps. A Deny on
    /// `NumericLessThan` `s3:TlsVersion` alone does not pass either: the managed rule looks for
    /// `aws:SecureTransport`, and plain HTTP requests carry no TLS version to compare.
    ///
    /// ## Why it matters
    /// Protecting data in transit is the customer's side of the model: S3 still answers plain
    /// HTTP unless the bucket policy refuses it, exposing data and credentials-signed requests to
    /// anyone on the path.
    ///
    /// ## How to fix
    /// Add this statement to the bucket policy: `{"Sid": "DenyInsecureTransport", "Effect":
    /// "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::BUCKET",
    /// "arn:aws:s3:::BUCKET/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}`.
    CONTROL = Control {
        id: "S3.5",
        title: "S3 general purpose buckets should require requests to use SSL",
        resource_types: &[ResourceType::S3Bucket],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::ServiceConfiguration,
        mappings: Mappings {
            security_hub: Some("S3.5"),
            cis: &[Cis::v1_4("2.1.2"), Cis::v3("2.1.1")],
            nist: &["AC-17(2)", "AC-4", "IA-5(1)", "SC-12(3)", "SC-13", "SC-23", "SC-23(3)", "SC-7(4)", "SC-8", "SC-8(1)", "SC-8(2)", "SI-7(6)"],
        },
        remediation: Remediation {
            text: "Add a bucket-policy statement that denies s3:* on the bucket and its objects to Principal \"*\" when aws:SecureTransport is false.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-5",
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
        return Ok(Verdict::non_compliant(
            "no bucket policy, so requests over plain HTTP are not denied",
        ));
    };
    match deny_scope::find_denial(policy, |s| judge(s, &bucket.name)) {
        Ok(label) => Ok(Verdict::compliant(format!(
            "policy {label} denies s3:* to \"*\" when aws:SecureTransport is false"
        ))),
        Err(near_misses) => {
            let mut offences = vec![
                "no policy statement denies s3:* to \"*\" when aws:SecureTransport is false"
                    .to_string(),
            ];
            offences.extend(near_misses);
            Ok(Verdict::from_offences(offences, ""))
        }
    }
}

fn judge(statement: &Statement, bucket: &str) -> Judgement {
    let judgement = deny_scope::judge(
        statement,
        bucket,
        Reach::EveryRequest,
        SECURE_TRANSPORT,
        denies_plain_http,
        "Bool aws:SecureTransport false",
    );
    let tls_version = || {
        statement
            .conditions
            .iter()
            .any(|c| c.key.eq_ignore_ascii_case("s3:TlsVersion"))
    };
    match judgement {
        Judgement::Unrelated if tls_version() => Judgement::Falls(
            "conditions on s3:TlsVersion, which plain HTTP requests do not carry".to_string(),
        ),
        other => other,
    }
}

/// `Bool`/`BoolIfExists` `aws:SecureTransport` `false`.
fn denies_plain_http(condition: &Condition) -> bool {
    let op = condition.operator.to_ascii_lowercase();
    (op == "bool" || op == "boolifexists")
        && condition.key.eq_ignore_ascii_case(SECURE_TRANSPORT)
        && !condition.values.is_empty()
        && condition
            .values
            .iter()
            .all(|v| v.trim().eq_ignore_ascii_case("false"))
}

use super::deny_scope::{self, Judgement, Reach};
use crate::controls::prelude::*;
use crate::policy::{wildcard_match, Condition, Statement};
use crate::resource::s3::EncryptionDefault;

/// The `sseAlgorithm` values S3 accepts for default encryption and in the
/// `x-amz-server-side-encryption` header.
const ALGORITHMS: &[&str] = &["AES256", "aws:kms", "aws:kms:dsse"];

/// The request header a bucket policy can require on uploads.
const SSE_KEY: &str = "s3:x-amz-server-side-encryption";

crate::control! {
    /// ## What it checks
    /// Whether the bucket encrypts new objects by default: a rule of
    /// `ServerSideEncryptionConfiguration` whose `applyServerSideEncryptionByDefault.sseAlgorithm`
    /// is `AES256` (SSE-S3), `aws:kms` (SSE-KMS) or `aws:kms:dsse` (DSSE-KMS). As the managed rule
    /// `s3-bucket-server-side-encryption-enabled` allows, a bucket without default encryption
    /// also passes when its policy denies every upload that does not ask for encryption: a Deny
    /// statement for Principal `"*"` covering `s3:PutObject` on every object of the bucket, whose
    /// conditions are all on `s3:x-amz-server-side-encryption` and all hold when the header is
    /// missing (`Null` = `true`, or `StringNotEquals`/`StringNotLike` against `AES256`,
    /// `aws:kms`, `aws:kms:dsse`). A Deny with other conditions too (ANDed) leaves gaps and does
    /// not count. A missing `ServerSideEncryptionConfiguration` means default encryption is not
    /// configured: NON_COMPLIANT.
    ///
    /// Security Hub has since retired S3.4: since January 2023 S3 encrypts every new object with
    /// SSE-S3 unless told otherwise, and recent configuration items carry that `AES256` rule. The
    /// control stays in this catalog because older buckets' items and other recorders still show
    /// buckets without it, and because it documents which algorithm protects the data.
    ///
    /// ## Why it matters
    /// Choosing encryption at rest for your data is the customer's side of the model. A bucket
    /// without a default relies on every writer asking for encryption.
    ///
    /// ## How to fix
    /// Set default encryption on the bucket (`aws s3api put-bucket-encryption`), with SSE-S3 or,
    /// where you need control over the key and its access log, SSE-KMS with a customer managed key.
    CONTROL = Control {
        id: "S3.4",
        title: "S3 buckets should have server-side encryption enabled",
        resource_types: &[ResourceType::S3Bucket],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::ServiceConfiguration,
        mappings: Mappings {
            security_hub: Some("S3.4"),
            cis: &[Cis::v1_4("2.1.1")],
            nist: &["AU-9", "AU-9(2)", "AU-9(7)", "CA-9(1)", "CM-3(6)", "SC-13", "SC-28", "SC-28(1)", "SC-7(10)", "SI-7(6)"],
        },
        remediation: Remediation {
            text: "Configure default encryption on the bucket with SSE-S3 (AES256) or SSE-KMS (aws:kms).",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-4",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::S3Bucket(bucket) = resource else {
        return Ok(Verdict::not_applicable("not an S3 bucket"));
    };
    let encryption = section(&bucket.encryption)?.as_ref();
    let rules = encryption.map(|e| e.rules.as_slice()).unwrap_or_default();
    let defaults: Vec<&EncryptionDefault> = rules
        .iter()
        .filter_map(|r| r.apply_server_side_encryption_by_default.as_ref())
        .collect();
    if let Some((algorithm, key)) = defaults.iter().find_map(|d| known_algorithm(d)) {
        return Ok(Verdict::compliant(match key {
            Some(key) => {
                format!("default encryption sseAlgorithm {algorithm} with kmsMasterKeyID {key}")
            }
            None => format!("default encryption sseAlgorithm {algorithm}"),
        }));
    }
    let near_misses = match section(&bucket.policy)? {
        Some(policy) => match deny_scope::find_denial(policy, |s| judge(s, &bucket.name)) {
            Ok(label) => {
                let reason = format!("policy {label} denies s3:PutObject without {SSE_KEY}");
                return Ok(Verdict::compliant(format!(
                    "no default encryption, but {reason}"
                )));
            }
            Err(near_misses) => near_misses,
        },
        None => Vec::new(),
    };
    let missing = match (encryption, defaults.first()) {
        (None, _) => "no ServerSideEncryptionConfiguration: default encryption is not configured"
            .to_string(),
        (Some(_), Some(d)) => format!(
            "ServerSideEncryptionConfiguration sseAlgorithm is {}, expected AES256, aws:kms or aws:kms:dsse",
            d.sse_algorithm
                .as_deref()
                .map_or("missing".to_string(), |a| format!("{a:?}"))
        ),
        (Some(_), None) => {
            "ServerSideEncryptionConfiguration has no rule with applyServerSideEncryptionByDefault"
                .to_string()
        }
    };
    let mut offences = vec![format!(
        "{missing}; no bucket-policy statement denies unencrypted s3:PutObject"
    )];
    offences.extend(near_misses);
    Ok(Verdict::from_offences(offences, ""))
}

/// The algorithm (in AWS's spelling) and KMS key of a default that names a known algorithm.
fn known_algorithm(default: &EncryptionDefault) -> Option<(&'static str, Option<&str>)> {
    let algorithm = default.sse_algorithm.as_deref()?.trim();
    let known = ALGORITHMS
        .iter()
        .find(|a| a.eq_ignore_ascii_case(algorithm))?;
    let key = default
        .kms_master_key_id
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty() && known.starts_with("aws:kms"));
    Some((known, key))
}

/// Whether the statement denies, for everyone, `s3:PutObject` on every object whenever the
/// encryption header is missing.
fn judge(statement: &Statement, bucket: &str) -> Judgement {
    deny_scope::judge(
        statement,
        bucket,
        Reach::EveryUpload,
        SSE_KEY,
        holds_without_header,
        "Null true or StringNotEquals AES256|aws:kms|aws:kms:dsse",
    )
}

/// Whether the clause is on the encryption header and holds for a request without it.
fn holds_without_header(condition: &Condition) -> bool {
    if !condition.key.eq_ignore_ascii_case(SSE_KEY) || condition.values.is_empty() {
        return false;
    }
    let op = condition.operator.to_ascii_lowercase();
    if op == "null" {
        return condition
            .values
            .iter()
            .all(|v| v.trim().eq_ignore_ascii_case("true"));
    }
    // Negated string operators hold when the key is missing, with or without `IfExists`.
    match op.strip_suffix("ifexists").unwrap_or(&op) {
        "stringnotequals" | "stringnotequalsignorecase" => condition
            .values
            .iter()
            .all(|v| ALGORITHMS.iter().any(|a| a.eq_ignore_ascii_case(v.trim()))),
        "stringnotlike" => condition
            .values
            .iter()
            .all(|v| ALGORITHMS.iter().any(|a| wildcard_match(v.trim(), a))),
        _ => false,
    }
}

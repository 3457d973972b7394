use crate::controls::prelude::*;
use crate::resource::kms::Key;

crate::control! {
    /// ## What it checks
    /// Whether automatic rotation is on for a customer managed, symmetric encryption key
    /// (`supplementaryConfiguration.KeyRotationStatus`, a boolean or the string `"true"`).
    /// Keys rotation cannot apply to are NOT_APPLICABLE, naming why: AWS managed keys
    /// (`keyManager` `AWS`, rotated by AWS), asymmetric and HMAC keys (`keySpec` other than
    /// `SYMMETRIC_DEFAULT`, `keyUsage` other than `ENCRYPT_DECRYPT`), imported key material
    /// (`origin` `EXTERNAL`), keys in custom key stores (`origin` `AWS_CLOUDHSM` or
    /// `EXTERNAL_KEY_STORE`, or a `customKeyStoreId`), and keys that are not `Enabled`
    /// (disabled, pending deletion or import). An in-scope key whose item has no
    /// `KeyRotationStatus` is NON_COMPLIANT: Config records it for customer keys it can read,
    /// and the AWS rule likewise fails keys it cannot describe; rotation that cannot be shown
    /// is not assumed. The AWS rule runs periodically; the item carries the status, so this
    /// control runs on change.
    ///
    /// ## Why it matters
    /// Key management policy is the customer's side of the model. Rotation limits how much
    /// data one key version protects and how long a leaked or cryptanalysed version stays
    /// useful; CIS requires it for symmetric customer managed keys.
    ///
    /// ## How to fix
    /// Enable automatic rotation on the key (`EnableKeyRotation`, optionally with
    /// `RotationPeriodInDays` from 90 to 2560). For a multi-Region replica, enable it on the
    /// primary key; replicas follow it.
    CONTROL = Control {
        id: "KMS.4",
        title: "AWS KMS key rotation should be enabled",
        resource_types: &[ResourceType::KmsKey],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::KeyManagement,
        mappings: Mappings {
            security_hub: Some("KMS.4"),
            cis: &[Cis::v1_2("2.8"), Cis::v1_4("3.8"), Cis::v3("3.6")],
            nist: &["SC-12", "SC-12(2)", "SC-28(3)"],
        },
        remediation: Remediation {
            text: "Enable automatic key rotation (EnableKeyRotation) on each symmetric customer managed key; for multi-Region keys, on the primary key.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-4",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::KmsKey(key) = resource else {
        return Ok(Verdict::not_applicable(format!(
            "not a {}",
            ResourceType::KmsKey
        )));
    };
    if let Some(reason) = out_of_scope(key) {
        return Ok(Verdict::not_applicable(reason));
    }
    let replica = key
        .multi_region_key_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("REPLICA"));
    Ok(match section(&key.rotation_enabled)? {
        Some(true) => Verdict::compliant("KeyRotationStatus true: automatic rotation is enabled"),
        Some(false) if replica => Verdict::non_compliant(
            "KeyRotationStatus false on a multi-Region replica: enable automatic rotation on its primary key",
        ),
        Some(false) => Verdict::non_compliant(
            "KeyRotationStatus false: automatic rotation is off for this symmetric customer managed key",
        ),
        None => Verdict::non_compliant(
            "KeyRotationStatus not recorded for this symmetric customer managed key: rotation cannot be shown to be enabled (Config needs kms:GetKeyRotationStatus)",
        ),
    })
}

/// Why rotation does not apply to the key, if it does not.
fn out_of_scope(key: &Key) -> Option<String> {
    let origin_is = |names: &[&str]| {
        key.origin
            .as_deref()
            .is_some_and(|o| names.iter().any(|n| o.eq_ignore_ascii_case(n)))
    };
    if key.is_aws_managed() {
        return Some(
            "AWS managed key: AWS rotates it every year and rotation cannot be configured".into(),
        );
    }
    match (&key.key_state, key.enabled) {
        (Some(state), _) if !state.eq_ignore_ascii_case("Enabled") => {
            return Some(format!(
                "keyState {state}: rotation is judged on enabled keys"
            ));
        }
        (None, Some(false)) => {
            return Some("key is disabled: rotation is judged on enabled keys".into())
        }
        _ => {}
    }
    if let Some(spec) = key
        .key_spec
        .as_deref()
        .filter(|s| !s.eq_ignore_ascii_case("SYMMETRIC_DEFAULT"))
    {
        let kind = if spec.to_ascii_uppercase().starts_with("HMAC") {
            "HMAC"
        } else {
            "asymmetric"
        };
        return Some(format!(
            "keySpec {spec}: automatic rotation is not supported for {kind} keys"
        ));
    }
    if let Some(usage) = key
        .key_usage
        .as_deref()
        .filter(|u| !u.eq_ignore_ascii_case("ENCRYPT_DECRYPT"))
    {
        return Some(format!(
            "keyUsage {usage}: automatic rotation applies to symmetric encryption keys only"
        ));
    }
    if origin_is(&["EXTERNAL"]) {
        return Some(
            "origin EXTERNAL (imported key material): automatic rotation is not supported".into(),
        );
    }
    if let Some(origin) = key
        .origin
        .as_deref()
        .filter(|_| origin_is(&["AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"]))
    {
        return Some(format!(
            "origin {origin} (custom key store): automatic rotation is not supported"
        ));
    }
    if let Some(store) = &key.custom_key_store_id {
        return Some(format!(
            "key in custom key store {store}: automatic rotation is not supported"
        ));
    }
    None
}

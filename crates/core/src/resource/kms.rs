//! `AWS::KMS::Key`.
//!
//! The key's state, manager, origin and spec are in `configuration` (camelCase in Config items,
//! PascalCase in `DescribeKey`-shaped samples; `creationDate`/`deletionDate` as RFC 3339 strings
//! or epoch milliseconds). Automatic rotation is in `supplementaryConfiguration.KeyRotationStatus`:
//! a boolean in notifications, the string `"false"` in API output, and absent for AWS managed keys
//! (and whenever Config could not read it).

use serde::Deserialize;

use crate::item::ConfigurationItem;
use crate::json::{Flag, InputError, Number, Present, Text};
use crate::timestamp::{MaybeTimestamp, Timestamp};

use super::Section;

/// A KMS key.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub key_id: String,
    /// `Enabled`, `Disabled`, `PendingDeletion`, `PendingReplicaDeletion`, `PendingImport`,
    /// `Unavailable`, `Creating`, `Updating`; `None` when the item does not say.
    pub key_state: Option<String>,
    /// `enabled`, when recorded.
    pub enabled: Option<bool>,
    /// When a key pending deletion will be deleted.
    pub deletion_date: Option<Timestamp>,
    pub pending_deletion_window_days: Option<i64>,
    /// `CUSTOMER` or `AWS`.
    pub key_manager: Option<String>,
    /// `AWS_KMS`, `EXTERNAL` (imported key material), `AWS_CLOUDHSM` or `EXTERNAL_KEY_STORE`.
    pub origin: Option<String>,
    /// `keySpec`, else the older `customerMasterKeySpec` (`SYMMETRIC_DEFAULT`, `RSA_2048`,
    /// `HMAC_256`…).
    pub key_spec: Option<String>,
    /// `ENCRYPT_DECRYPT`, `SIGN_VERIFY`, `GENERATE_VERIFY_MAC`, `KEY_AGREEMENT`.
    pub key_usage: Option<String>,
    pub custom_key_store_id: Option<String>,
    /// `PRIMARY` or `REPLICA` for multi-Region keys.
    pub multi_region_key_type: Option<String>,
    /// `supplementaryConfiguration.KeyRotationStatus`; `Ok(None)` when not recorded.
    pub rotation_enabled: Section<Option<bool>>,
}

impl Key {
    /// Whether AWS (not the customer) manages the key.
    pub fn is_aws_managed(&self) -> bool {
        self.key_manager
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case("AWS"))
    }

    /// Whether the key is scheduled for deletion (a multi-Region primary waiting for its
    /// replicas to go counts too).
    pub fn pending_deletion(&self) -> bool {
        match self.key_state.as_deref() {
            Some(state) => {
                state.eq_ignore_ascii_case("PendingDeletion")
                    || state.eq_ignore_ascii_case("PendingReplicaDeletion")
            }
            None => self.deletion_date.is_some(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawKey {
    #[serde(alias = "KeyId")]
    key_id: Option<Text>,
    #[serde(alias = "KeyState")]
    key_state: Option<Text>,
    #[serde(alias = "Enabled")]
    enabled: Option<Flag>,
    #[serde(alias = "DeletionDate")]
    deletion_date: MaybeTimestamp,
    #[serde(alias = "PendingDeletionWindowInDays")]
    pending_deletion_window_in_days: Option<Number>,
    #[serde(alias = "KeyManager")]
    key_manager: Option<Text>,
    #[serde(alias = "Origin")]
    origin: Option<Text>,
    #[serde(alias = "KeySpec")]
    key_spec: Option<Text>,
    #[serde(alias = "CustomerMasterKeySpec")]
    customer_master_key_spec: Option<Text>,
    #[serde(alias = "KeyUsage")]
    key_usage: Option<Text>,
    #[serde(alias = "CustomKeyStoreId")]
    custom_key_store_id: Option<Text>,
    #[serde(alias = "MultiRegionConfiguration")]
    multi_region_configuration: Present<RawMultiRegion>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawMultiRegion {
    #[serde(alias = "MultiRegionKeyType")]
    multi_region_key_type: Option<Text>,
}

/// Empty strings say nothing.
fn text(value: Option<Text>) -> Option<String> {
    value
        .map(|t| t.0.trim().to_string())
        .filter(|t| !t.is_empty())
}

impl Key {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawKey = item.configuration()?;
        let rotation_enabled = item
            .supplementary::<Flag>("KeyRotationStatus")
            .map(|f| f.map(|f| f.0));
        Ok(Key {
            key_id: text(raw.key_id).unwrap_or_else(|| item.display_id().to_string()),
            key_state: text(raw.key_state),
            enabled: raw.enabled.map(|f| f.0),
            deletion_date: raw.deletion_date.0,
            pending_deletion_window_days: raw
                .pending_deletion_window_in_days
                .and_then(Number::as_i64),
            key_manager: text(raw.key_manager),
            origin: text(raw.origin),
            key_spec: text(raw.key_spec).or(text(raw.customer_master_key_spec)),
            key_usage: text(raw.key_usage),
            custom_key_store_id: text(raw.custom_key_store_id),
            multi_region_key_type: raw
                .multi_region_configuration
                .0
                .and_then(|m| text(m.multi_region_key_type)),
            rotation_enabled,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> Key {
        Key::from_item(&ConfigurationItem::parse(text).unwrap()).unwrap()
    }

    #[test]
    fn api_flavour_with_string_rotation_status() {
        let k = key(r#"{"resourceType":"AWS::KMS::Key","resourceId":"k1",
                "configuration":"{\"keyId\":\"k1\",\"keyState\":\"Enabled\",\"keyManager\":\"CUSTOMER\",\"customerMasterKeySpec\":\"SYMMETRIC_DEFAULT\",\"creationDate\":1621024924302}",
                "supplementaryConfiguration":{"KeyRotationStatus":"false","Policy":"{}"}}"#);
        assert_eq!(k.key_state.as_deref(), Some("Enabled"));
        assert_eq!(k.key_spec.as_deref(), Some("SYMMETRIC_DEFAULT"));
        assert_eq!(k.rotation_enabled, Ok(Some(false)));
        assert!(!k.is_aws_managed() && !k.pending_deletion());
    }

    #[test]
    fn pascal_case_pending_deletion_with_epoch_date() {
        let k = key(r#"{"resourceType":"AWS::KMS::Key","resourceId":"k2",
                "configuration":{"KeyId":"k2","KeyState":"PendingDeletion","DeletionDate":1781222400000,
                    "PendingDeletionWindowInDays":7.0,"KeyManager":"CUSTOMER","MultiRegionConfiguration":null},
                "supplementaryConfiguration":{"KeyRotationStatus":true}}"#);
        assert!(k.pending_deletion());
        assert_eq!(
            k.deletion_date.map(|d| d.date_string()).as_deref(),
            Some("2026-06-12")
        );
        assert_eq!(k.pending_deletion_window_days, Some(7));
        assert_eq!(k.rotation_enabled, Ok(Some(true)));
    }

    #[test]
    fn missing_rotation_status_and_bad_rotation_status() {
        let k = key(
            r#"{"resourceType":"AWS::KMS::Key","resourceId":"k3","configuration":{"keyManager":"AWS"}}"#,
        );
        assert_eq!(k.rotation_enabled, Ok(None));
        assert!(k.is_aws_managed());
        let k = key(
            r#"{"resourceType":"AWS::KMS::Key","resourceId":"k4","configuration":{},
                "supplementaryConfiguration":{"KeyRotationStatus":"maybe"}}"#,
        );
        let err = k.rotation_enabled.unwrap_err();
        assert_eq!(err.path, "supplementaryConfiguration.KeyRotationStatus");
    }
}

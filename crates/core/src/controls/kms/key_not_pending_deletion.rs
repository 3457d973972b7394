use crate::controls::prelude::*;
use crate::json::InputError;

crate::control! {
    /// ## What it checks
    /// Whether the KMS key is scheduled for deletion: `keyState` `PendingDeletion`, or
    /// `PendingReplicaDeletion` (a multi-Region primary key waiting for its replicas to be
    /// deleted, after which it is deleted too). The annotation gives the `deletionDate` and
    /// how many days are left at evaluation time. When the item has no `keyState`, a
    /// `deletionDate` (which KMS reports only for keys pending deletion) decides; with neither,
    /// the item cannot answer and is reported as unreadable.
    ///
    /// ## Why it matters
    /// Keys are the customer's responsibility. Deleting a key is irreversible, and every piece
    /// of data encrypted under it (volumes, snapshots, objects, secrets, backups) becomes
    /// unrecoverable. The waiting period (7 to 30 days) is the only chance to notice a mistake
    /// or a malicious deletion.
    ///
    /// ## How to fix
    /// If the deletion was not intended, cancel it during the waiting period (`CancelKeyDeletion`)
    /// and re-enable the key. If it was, re-encrypt the data that still needs the key under
    /// another key first, and exempt the key with a tag giving the reason.
    CONTROL = Control {
        id: "KMS.3",
        title: "AWS KMS keys should not be deleted unintentionally",
        resource_types: &[ResourceType::KmsKey],
        trigger: Trigger::Change,
        severity: Severity::Critical,
        owner: Owner::Platform,
        area: SrmArea::KeyManagement,
        mappings: Mappings {
            security_hub: Some("KMS.3"),
            cis: &[],
            nist: &["SC-12", "SC-12(2)"],
        },
        remediation: Remediation {
            text: "If the deletion is unintended, cancel it with CancelKeyDeletion during the waiting period and re-enable the key.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-3",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, context: &Context) -> Outcome {
    let Resource::KmsKey(key) = resource else {
        return Ok(Verdict::not_applicable(format!(
            "not a {}",
            ResourceType::KmsKey
        )));
    };
    if !key.pending_deletion() {
        let Some(state) = &key.key_state else {
            return Err(InputError::new(
                "configuration.keyState",
                "missing, and no deletionDate: cannot tell whether the key is scheduled for deletion",
            ));
        };
        return Ok(Verdict::compliant(format!(
            "keyState {state}: not scheduled for deletion"
        )));
    }
    let state = key.key_state.as_deref().unwrap_or("(not recorded)");
    let window = key
        .pending_deletion_window_days
        .map(|d| format!("waiting period {d} days"));
    let when = match key.deletion_date {
        Some(date) => {
            let days = context.now.days_until(date);
            let left = if days >= 0 {
                format!("{days} days left to cancel")
            } else {
                format!("{} days overdue", -days)
            };
            let details = [Some(left), window]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>();
            format!(
                "is scheduled for deletion on {} ({})",
                date.date_string(),
                details.join("; ")
            )
        }
        // KMS sets deletionDate only for PendingDeletion: a primary key waits for its replicas.
        None if state.eq_ignore_ascii_case("PendingReplicaDeletion") => format!(
            "will be deleted once its replica keys are{}",
            window.map(|w| format!(" ({w})")).unwrap_or_default()
        ),
        None => "is scheduled for deletion (no deletionDate recorded)".to_string(),
    };
    Ok(Verdict::non_compliant(format!(
        "keyState {state}: key {} {when}",
        key.key_id
    )))
}

//! The publisher: takes finding records from the findings queue and imports them into Security
//! Hub, at most 100 per `BatchImportFindings` call.
//!
//! Records for the same finding in one batch collapse (the newest state wins); what Security Hub
//! already holds is read first so CreatedAt and FirstObservedAt survive the update and a late,
//! older record never overwrites a newer finding. The answer is a partial batch response naming
//! exactly the messages whose findings did not land: SQS redelivers them and, after the redrive
//! limit, keeps them in the dead-letter queue. Nothing is acknowledged that was not imported.

use std::collections::{BTreeMap, BTreeSet};

use ourside_aws::deliver::deliver_each;
use ourside_aws::ports::{FindingImport, FindingsHub};
use ourside_core::asff::Producer;
use ourside_core::import::{
    self, collapse, reconcile, Existing, Fate, Message, Pending, MAX_IDS_PER_LOOKUP,
};
pub use ourside_lambda::sqs::BatchResponse;
use ourside_lambda::sqs::SqsEvent;
pub use ourside_lambda::{Failure, Run};

/// The IAM actions the function takes (the queue's receive/delete are the event source
/// mapping's, granted to the same role).
pub const PERMISSIONS: &[&str] = ourside_core::deploy::Function::Publisher.base_permissions();

const IMPORT: &str = "securityhub:BatchImportFindings";

/// What one batch came to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Published {
    /// Findings imported (created or updated).
    pub imported: usize,
    /// Findings left alone because Security Hub already shows a newer state.
    pub superseded: usize,
    /// Archive records for findings Security Hub never had.
    pub nothing_to_archive: usize,
    /// `BatchImportFindings` calls made, retries included.
    pub calls: usize,
    pub response: BatchResponse,
}

/// Handles one SQS batch: `event` is the Lambda event, as JSON text; `region` is where findings
/// about global resources (IAM) are filed: the function's own region.
pub async fn handle<H: FindingsHub>(
    event: &str,
    hub: &H,
    region: &str,
    run: Run,
) -> Result<Published, Failure> {
    let event = SqsEvent::parse(event)?;
    let messages: Vec<Message> = event
        .records
        .into_iter()
        .map(|m| Message {
            id: m.message_id,
            body: m.body,
        })
        .collect();
    let producer = Producer {
        default_region: Some(region),
        now: run.now,
    };
    let collapsed = collapse(&messages, &producer);
    let mut failed: Vec<String> = Vec::new();
    for unusable in &collapsed.unusable {
        tracing::error!(
            message_id = unusable.message.as_str(),
            reason = unusable.reason.as_str(),
            "cannot become a finding; left to the dead-letter queue"
        );
        failed.push(unusable.message.clone());
    }

    let mut published = Published::default();
    let ids = collapsed.ids();
    let mut known: BTreeMap<String, Existing> = BTreeMap::new();
    let mut unread: BTreeSet<&str> = BTreeSet::new();
    for chunk in ids.chunks(MAX_IDS_PER_LOOKUP) {
        match hub.existing(chunk).await {
            Ok(found) => known.extend(found.into_iter().map(|e| (e.id.clone(), e))),
            Err(e) => {
                // Without the stored CreatedAt an import would reset it: these wait for redelivery.
                tracing::warn!(error = %e, findings = chunk.len(), "could not read stored findings");
                unread.extend(chunk.iter().map(String::as_str));
            }
        }
    }

    let mut to_import: Vec<Pending> = Vec::new();
    for mut pending in collapsed.pending {
        if unread.contains(&pending.finding.id.as_str()) {
            failed.extend(pending.messages);
            continue;
        }
        let stored = known.get(&pending.finding.id);
        match reconcile(&mut pending, stored) {
            Fate::Import => to_import.push(pending),
            Fate::Superseded => {
                tracing::info!(
                    finding = pending.finding.id.as_str(),
                    "Security Hub already shows a newer state; this one is not imported"
                );
                published.superseded += 1;
            }
            Fate::NothingToArchive => published.nothing_to_archive += 1,
        }
    }

    let refs: Vec<&Pending> = to_import.iter().collect();
    let batches: Vec<Vec<FindingImport>> = import::import_batches(&refs)
        .into_iter()
        .map(|batch| {
            batch
                .into_iter()
                .map(|i| FindingImport {
                    id: to_import[i].finding.id.clone(),
                    json: to_import[i].json.clone(),
                })
                .collect()
        })
        .collect();
    let outcome = deliver_each(batches, run.retry, IMPORT, |batch| async move {
        hub.import(&batch).await
    })
    .await;
    if let Some(error) = outcome.error(IMPORT) {
        tracing::error!(
            error = %error,
            findings = outcome.undelivered.len(),
            "findings not imported; their messages will be redelivered"
        );
    }
    let messages_of: BTreeMap<&str, &[String]> = to_import
        .iter()
        .map(|p| (p.finding.id.as_str(), p.messages.as_slice()))
        .collect();
    for lost in &outcome.undelivered {
        if let Some(messages) = messages_of.get(lost.id.as_str()) {
            failed.extend(messages.iter().cloned());
        }
    }
    published.imported = outcome.delivered.items;
    published.calls = outcome.delivered.calls;
    published.response = BatchResponse::failing(&failed);
    tracing::info!(
        messages = messages.len(),
        imported = published.imported,
        superseded = published.superseded,
        nothing_to_archive = published.nothing_to_archive,
        failed = published.response.batch_item_failures.len(),
        calls = published.calls,
        "batch published"
    );
    Ok(published)
}

//! From finding records to Security Hub imports: one finding per id in a batch (newest wins),
//! what Security Hub already holds carried over (CreatedAt, FirstObservedAt), nothing older ever
//! overwriting something newer, and requests within `BatchImportFindings`' limits.
//!
//! Security Hub replaces a finding's fields with whatever the provider sends, so keeping
//! CreatedAt and FirstObservedAt across updates means reading them first (`GetFindings` by Id)
//! and sending them back unchanged.

use std::collections::BTreeMap;

use crate::asff::{self, Finding, Producer, EVALUATED_AT_FIELD};
use crate::record::FindingRecord;
use crate::timestamp::Timestamp;

/// `BatchImportFindings` takes at most 100 findings per call.
pub const MAX_FINDINGS_PER_IMPORT: usize = 100;
/// Security Hub refuses a finding over 240 KB.
pub const MAX_FINDING_BYTES: usize = 240 * 1024;
/// The request body limit of `BatchImportFindings`.
pub const MAX_IMPORT_BYTES: usize = 6 * 1024 * 1024;
/// `GetFindings` takes at most 20 values per filter field.
pub const MAX_IDS_PER_LOOKUP: usize = 20;

/// One queue message: its id (what a partial batch failure names) and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: String,
    pub body: String,
}

/// A finding to import, with the messages whose fate follows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub finding: Finding,
    /// The serialised finding; what goes into the request.
    pub json: String,
    pub observed_at: Timestamp,
    pub evaluated_at: Timestamp,
    /// Every message that carried a record for this finding, the newest and the superseded.
    pub messages: Vec<String>,
}

impl Pending {
    /// Which state is newer: the one observed later, then the one evaluated later.
    fn age(&self) -> (Timestamp, Timestamp) {
        (self.observed_at, self.evaluated_at)
    }
}

/// A message that can never become a finding, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unusable {
    pub message: String,
    pub reason: String,
}

/// A batch of messages, collapsed to one finding per id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Collapsed {
    /// In the order each finding id first appeared.
    pub pending: Vec<Pending>,
    pub unusable: Vec<Unusable>,
}

impl Collapsed {
    /// The distinct finding ids, for looking up what Security Hub already holds.
    pub fn ids(&self) -> Vec<String> {
        self.pending.iter().map(|p| p.finding.id.clone()).collect()
    }
}

/// Builds the finding of every message and keeps, per finding id, the newest state. A message
/// that is not a record, or whose record cannot be a finding, is unusable, with the reason.
pub fn collapse(messages: &[Message], producer: &Producer) -> Collapsed {
    let mut collapsed = Collapsed::default();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for message in messages {
        let pending = match pending(message, producer) {
            Ok(p) => p,
            Err(reason) => {
                collapsed.unusable.push(Unusable {
                    message: message.id.clone(),
                    reason,
                });
                continue;
            }
        };
        match index.get(&pending.finding.id) {
            Some(&i) => {
                let kept = &mut collapsed.pending[i];
                let mut messages = std::mem::take(&mut kept.messages);
                messages.extend(pending.messages.iter().cloned());
                if pending.age() > kept.age() {
                    *kept = pending;
                }
                kept.messages = messages;
            }
            None => {
                index.insert(pending.finding.id.clone(), collapsed.pending.len());
                collapsed.pending.push(pending);
            }
        }
    }
    collapsed
}

fn pending(message: &Message, producer: &Producer) -> Result<Pending, String> {
    let record: FindingRecord = serde_json::from_str(&message.body)
        .map_err(|e| format!("the body is not a finding record: {e}"))?;
    let (control, subject, verdict) = record.parts()?;
    let mut finding = asff::finding(control, &subject, &verdict, producer).map_err(|e| {
        format!(
            "record for {} {}: {e}",
            record.control_id, record.resource_id
        )
    })?;
    if record.archive {
        finding.record_state = "ARCHIVED";
    }
    finding.product_fields.insert(
        EVALUATED_AT_FIELD.to_string(),
        record.evaluated_at.to_rfc3339(),
    );
    let json = serialise(&finding)?;
    Ok(Pending {
        finding,
        json,
        observed_at: record.observed_at,
        evaluated_at: record.evaluated_at,
        messages: vec![message.id.clone()],
    })
}

fn serialise(finding: &Finding) -> Result<String, String> {
    let json = serde_json::to_string(finding).map_err(|e| e.to_string())?;
    if json.len() > MAX_FINDING_BYTES {
        return Err(format!(
            "the finding {} is {} bytes, over Security Hub's {MAX_FINDING_BYTES}-byte limit",
            finding.id,
            json.len()
        ));
    }
    Ok(json)
}

/// What Security Hub holds for a finding id, as `GetFindings` returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    pub id: String,
    pub created_at: String,
    pub first_observed_at: Option<String>,
    pub last_observed_at: Option<String>,
    pub updated_at: String,
    /// [`EVALUATED_AT_FIELD`] among its product fields.
    pub evaluated_at: Option<String>,
}

/// What to do with a pending finding once Security Hub's copy is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    Import,
    /// Security Hub already shows a newer state (a message delivered late or again).
    Superseded,
    /// An archive for a finding Security Hub never had: nothing to archive.
    NothingToArchive,
}

/// Carries Security Hub's CreatedAt and FirstObservedAt over to the update, makes UpdatedAt
/// newer than the stored one, and says whether the update should go at all.
pub fn reconcile(pending: &mut Pending, existing: Option<&Existing>) -> Fate {
    let Some(existing) = existing else {
        return if pending.finding.record_state == "ARCHIVED" {
            Fate::NothingToArchive
        } else {
            Fate::Import
        };
    };
    let stored_observed = existing
        .last_observed_at
        .as_deref()
        .and_then(Timestamp::parse);
    let stored_evaluated = existing.evaluated_at.as_deref().and_then(Timestamp::parse);
    if let (Some(observed), Some(evaluated)) = (stored_observed, stored_evaluated) {
        if (observed, evaluated) > pending.age() {
            return Fate::Superseded;
        }
    }
    let finding = &mut pending.finding;
    finding.created_at = existing.created_at.clone();
    if let Some(first) = &existing.first_observed_at {
        finding.first_observed_at = Some(first.clone());
    }
    if let Some(stored) = Timestamp::parse(&existing.updated_at) {
        let now = Timestamp::parse(&finding.updated_at).unwrap_or(stored);
        if now <= stored {
            // Security Hub ignores an update that is not newer than what it holds.
            finding.updated_at = Timestamp(stored.0 + time::Duration::milliseconds(1)).to_rfc3339();
        }
    }
    if let Ok(json) = serde_json::to_string(finding) {
        pending.json = json;
    }
    Fate::Import
}

/// Groups findings into `BatchImportFindings` requests: at most 100 each and within the
/// request size limit. Returns indexes into `pending`.
pub fn import_batches(pending: &[&Pending]) -> Vec<Vec<usize>> {
    // `{"Findings":[` + `]}` and a comma per finding.
    const ENVELOPE: usize = 16;
    let mut batches: Vec<Vec<usize>> = Vec::new();
    let mut size = ENVELOPE;
    for (i, p) in pending.iter().enumerate() {
        let full = batches.last().is_none_or(|b| {
            b.len() == MAX_FINDINGS_PER_IMPORT || size + p.json.len() + 1 > MAX_IMPORT_BYTES
        });
        if full {
            batches.push(Vec::new());
            size = ENVELOPE;
        }
        size += p.json.len() + 1;
        if let Some(batch) = batches.last_mut() {
            batch.push(i);
        }
    }
    batches
}

/// The request body of one `BatchImportFindings` call: the findings exactly as serialised.
pub fn import_body<'a>(findings: impl IntoIterator<Item = &'a str>) -> String {
    let mut body = String::from("{\"Findings\":[");
    for (i, json) in findings.into_iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(json);
    }
    body.push_str("]}");
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asff::Subject;
    use crate::record::Origin;
    use crate::registry;
    use crate::resource::ResourceType;
    use crate::verdict::Verdict;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn record(bucket: &str, verdict: Verdict, observed: &str) -> FindingRecord {
        let subject = Subject {
            resource_type: ResourceType::S3Bucket,
            resource_id: bucket.into(),
            arn: Some(format!("arn:aws:s3:::{bucket}")),
            account_id: Some("111122223333".into()),
            region: Some("eu-west-1".into()),
            capture_time: None,
            tags: Default::default(),
            details: None,
        };
        FindingRecord::new(
            registry::find("S3.2").unwrap(),
            &subject,
            &verdict,
            at(observed),
            at(observed),
            Origin::Change,
        )
    }

    fn message(id: &str, record: &FindingRecord) -> Message {
        Message {
            id: id.into(),
            body: serde_json::to_string(record).unwrap(),
        }
    }

    fn producer() -> Producer<'static> {
        Producer {
            default_region: Some("eu-west-1"),
            now: at("2026-06-01T00:00:00Z"),
        }
    }

    #[test]
    fn the_newest_record_per_finding_wins_and_every_message_follows_it() {
        let newer = record("logs", Verdict::compliant("fixed"), "2026-05-02T00:00:00Z");
        let older = record(
            "logs",
            Verdict::non_compliant("public"),
            "2026-05-01T00:00:00Z",
        );
        let other = record(
            "data",
            Verdict::non_compliant("public"),
            "2026-05-01T00:00:00Z",
        );
        let collapsed = collapse(
            &[
                message("m1", &newer),
                message("m2", &other),
                message("m3", &older),
                Message {
                    id: "m4".into(),
                    body: "{\"version\":1}".into(),
                },
            ],
            &producer(),
        );
        assert_eq!(collapsed.pending.len(), 2);
        let logs = &collapsed.pending[0];
        assert_eq!(logs.finding.compliance.status, "PASSED");
        assert_eq!(logs.messages, vec!["m1", "m3"]);
        assert_eq!(collapsed.pending[1].messages, vec!["m2"]);
        assert_eq!(collapsed.unusable.len(), 1);
        assert_eq!(collapsed.unusable[0].message, "m4");
        assert!(
            collapsed.unusable[0]
                .reason
                .contains("not a finding record"),
            "{:?}",
            collapsed.unusable
        );
        assert_eq!(
            logs.finding.product_fields[EVALUATED_AT_FIELD],
            "2026-05-02T00:00:00.000Z"
        );
    }

    #[test]
    fn updates_keep_created_and_first_observed_and_move_updated_forward() {
        let r = record(
            "logs",
            Verdict::non_compliant("public"),
            "2026-05-02T00:00:00Z",
        );
        let mut p = collapse(&[message("m1", &r)], &producer())
            .pending
            .remove(0);
        let existing = Existing {
            id: p.finding.id.clone(),
            created_at: "2026-01-01T00:00:00.000Z".into(),
            first_observed_at: Some("2026-01-01T00:00:00.000Z".into()),
            last_observed_at: Some("2026-04-01T00:00:00.000Z".into()),
            updated_at: "2026-06-01T00:00:00.000Z".into(),
            evaluated_at: Some("2026-04-01T00:00:00.000Z".into()),
        };
        assert_eq!(reconcile(&mut p, Some(&existing)), Fate::Import);
        assert_eq!(p.finding.created_at, "2026-01-01T00:00:00.000Z");
        assert_eq!(
            p.finding.first_observed_at.as_deref(),
            Some("2026-01-01T00:00:00.000Z")
        );
        assert_eq!(
            p.finding.last_observed_at.as_deref(),
            Some("2026-05-02T00:00:00.000Z")
        );
        assert_eq!(p.finding.updated_at, "2026-06-01T00:00:00.001Z");
        assert!(p
            .json
            .contains("\"CreatedAt\":\"2026-01-01T00:00:00.000Z\""));
    }

    #[test]
    fn a_late_older_record_never_overwrites_a_newer_finding() {
        let r = record(
            "logs",
            Verdict::non_compliant("public"),
            "2026-05-01T00:00:00Z",
        );
        let mut p = collapse(&[message("m1", &r)], &producer())
            .pending
            .remove(0);
        let existing = Existing {
            id: p.finding.id.clone(),
            created_at: "2026-01-01T00:00:00.000Z".into(),
            first_observed_at: None,
            last_observed_at: Some("2026-05-03T00:00:00.000Z".into()),
            updated_at: "2026-05-03T00:00:00.000Z".into(),
            evaluated_at: Some("2026-05-03T00:00:00.000Z".into()),
        };
        assert_eq!(reconcile(&mut p, Some(&existing)), Fate::Superseded);
    }

    #[test]
    fn archiving_what_was_never_imported_is_nothing_to_do() {
        let r = record(
            "gone",
            Verdict::not_applicable("deleted"),
            "2026-05-01T00:00:00Z",
        )
        .archived(true);
        let mut p = collapse(&[message("m1", &r)], &producer())
            .pending
            .remove(0);
        assert_eq!(p.finding.record_state, "ARCHIVED");
        assert_eq!(reconcile(&mut p, None), Fate::NothingToArchive);
        let fresh = record(
            "new",
            Verdict::non_compliant("public"),
            "2026-05-01T00:00:00Z",
        );
        let mut p = collapse(&[message("m2", &fresh)], &producer())
            .pending
            .remove(0);
        assert_eq!(reconcile(&mut p, None), Fate::Import);
    }

    #[test]
    fn batches_hold_at_most_100_findings_and_6_mb() {
        let r = record(
            "logs",
            Verdict::non_compliant("public"),
            "2026-05-01T00:00:00Z",
        );
        let one = collapse(&[message("m", &r)], &producer()).pending.remove(0);
        let many: Vec<Pending> = (0..250).map(|_| one.clone()).collect();
        let refs: Vec<&Pending> = many.iter().collect();
        let sizes: Vec<usize> = import_batches(&refs).iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![100, 100, 50]);
        let mut big = one.clone();
        big.json = "x".repeat(200 * 1024);
        let bigs: Vec<Pending> = (0..70).map(|_| big.clone()).collect();
        let refs: Vec<&Pending> = bigs.iter().collect();
        let batches = import_batches(&refs);
        assert!(
            batches.len() == 3,
            "{:?}",
            batches.iter().map(Vec::len).collect::<Vec<_>>()
        );
        for batch in &batches {
            let body = import_body(batch.iter().map(|i| bigs[*i].json.as_str()));
            assert!(body.len() <= MAX_IMPORT_BYTES);
        }
        let body = import_body(["{\"a\":1}", "{\"b\":2}"]);
        assert_eq!(body, "{\"Findings\":[{\"a\":1},{\"b\":2}]}");
    }
}

//! On-call alerts from AWS Config's compliance-change events (EventBridge
//! "Config Rules Compliance Change", delivered through the alert queue in batches).
//!
//! Config computes the transitions itself (`oldEvaluationResult` → `newEvaluationResult`), so an
//! alert goes out exactly when a resource *becomes* non-compliant, with no state of our own.
//! Within a batch, events for the same rule and resource collapse into their net transition: a
//! resource opened and deleted within the batching window pages nobody. When more alerts than
//! the threshold are due at once (a deploy, a backfill), one digest replaces them.
//!
//! Each event also has an [`event_key`]: what makes two deliveries the same event, for the
//! alerter's idempotency ledger. It is the evaluation result the event announces (account,
//! region, rule, resource, new compliance and the time Config recorded that result), not the
//! queue message: an SQS duplicate, an EventBridge retry and a message replayed from the
//! dead-letter queue all carry the same result, so they share the key. An alert is
//! idempotent through its events' keys, one ledger entry per event, so a digest and a single
//! alert covering the same event are the same event to the ledger however a redelivery
//! splits or merges batches.

use std::collections::BTreeMap;
use std::fmt::Write;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::asff::{finding_id, partition, Subject};
use crate::control::{Control, Severity};
use crate::resource::ResourceType;
use crate::rule::control_of_rule;
use crate::timestamp::Timestamp;

/// SNS subjects: at most 100 characters, ASCII, one line.
pub const MAX_SUBJECT: usize = 100;
/// How many items a digest lists in full.
pub const DIGEST_WORST_ITEMS: usize = 20;

/// What a deployment wants to be told.
#[derive(Debug, Clone)]
pub struct AlertPolicy {
    /// Rules whose name starts with this are ours (see [`crate::rule::rule_name`]).
    pub rule_prefix: String,
    /// Below this, no alert.
    pub min_severity: Severity,
    /// Also tell when a non-compliant resource becomes compliant.
    pub recovery_notices: bool,
    /// More alerts than this in one batch become one digest.
    pub digest_threshold: usize,
}

/// One queue message carrying an EventBridge event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventMessage {
    pub id: String,
    pub body: String,
}

/// The EventBridge envelope.
#[derive(Debug, Deserialize)]
struct Envelope {
    /// EventBridge's event id: the same for every delivery of one event.
    #[serde(default)]
    id: Option<String>,
    #[serde(rename = "detail-type")]
    detail_type: String,
    detail: ComplianceChange,
}

/// The event's `detail`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComplianceChange {
    pub config_rule_name: String,
    pub resource_type: String,
    pub resource_id: String,
    pub aws_account_id: String,
    pub aws_region: String,
    #[serde(default)]
    pub new_evaluation_result: Option<EvaluationResult>,
    #[serde(default)]
    pub old_evaluation_result: Option<EvaluationResult>,
    #[serde(default)]
    pub notification_creation_time: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvaluationResult {
    pub compliance_type: String,
    #[serde(default)]
    pub annotation: Option<String>,
    #[serde(default)]
    pub result_recorded_time: Option<String>,
}

const DETAIL_TYPE: &str = "Config Rules Compliance Change";

/// The state change an alert tells of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Transition {
    /// Into NON_COMPLIANT, from anything else or from no earlier result.
    BecameNonCompliant,
    /// NON_COMPLIANT → COMPLIANT.
    Recovered,
}

impl Transition {
    /// The `transition` message attribute.
    pub fn attribute(self) -> &'static str {
        match self {
            Transition::BecameNonCompliant => "BECAME_NON_COMPLIANT",
            Transition::Recovered => "RECOVERED",
        }
    }
}

/// The `transition` attribute of a digest.
pub const DIGEST_TRANSITION: &str = "DIGEST";

/// One resource's net change in the batch, for one of our controls.
#[derive(Debug, Clone)]
pub struct Change {
    pub control: &'static Control,
    pub transition: Transition,
    pub rule_name: String,
    pub resource_type: String,
    pub resource_id: String,
    pub account: String,
    pub region: String,
    pub previous: Option<String>,
    pub annotation: String,
    pub recorded_at: Option<Timestamp>,
    /// The messages whose fate follows this change's alert.
    pub messages: Vec<String>,
}

/// A message attribute value for SNS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attribute {
    String(String),
    /// `String.Array`: a filter policy matches when any element does.
    Array(Vec<String>),
}

/// One SNS message, ready to publish.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub subject: String,
    /// The plain-text body for people (email, chat).
    pub text: String,
    /// The JSON body for programs (sqs, lambda, https).
    pub document: serde_json::Value,
    pub attributes: BTreeMap<&'static str, Attribute>,
    /// The messages acknowledged when this alert is published.
    pub messages: Vec<String>,
}

impl Alert {
    /// The `Message` for `MessageStructure=json`: text for people, JSON for programs.
    pub fn structured_message(&self) -> String {
        let document = self.document.to_string();
        json!({
            "default": self.text,
            "email": self.text,
            "email-json": document,
            "sqs": document,
            "lambda": document,
            "http": document,
            "https": document,
            "sms": self.subject,
        })
        .to_string()
    }
}

/// What a batch of events comes to.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub alerts: Vec<Alert>,
    /// Messages that need nothing sent: other rules, unchanged states, below the minimum
    /// severity, recoveries when notices are off, resources deleted.
    pub quiet: Vec<String>,
    /// Messages that are not compliance-change events, and why.
    pub unusable: Vec<(String, String)>,
    /// The [`event_key`] of every usable message, by message id.
    pub keys: BTreeMap<String, String>,
}

/// What makes two deliveries the same event: a digest (SHA-256, hex) of the evaluation result
/// it announces: account, region, rule, resource type and id, the new compliance and the time
/// Config recorded it (`resultRecordedTime`, else `notificationCreationTime`, else EventBridge's
/// event id). Two results of one rule for one resource are recorded at different times, so
/// distinct transitions never share a key; every copy of one event does.
pub fn event_key(change: &ComplianceChange, event_id: Option<&str>) -> String {
    let result = change.new_evaluation_result.as_ref();
    let recorded = result
        .and_then(|r| r.result_recorded_time.as_deref())
        .or(change.notification_creation_time.as_deref())
        .or(event_id)
        .unwrap_or_default();
    let mut hasher = Sha256::new();
    for part in [
        "ourside-alert-event-v1",
        &change.aws_account_id,
        &change.aws_region,
        &change.config_rule_name,
        &change.resource_type,
        &change.resource_id,
        result.map_or("", |r| r.compliance_type.as_str()),
        recorded,
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads a batch of events and decides what to send.
pub fn plan(messages: &[EventMessage], policy: &AlertPolicy) -> Plan {
    let mut plan = Plan::default();
    // Per (rule, resource type, resource id): the events in arrival order.
    let mut groups: BTreeMap<(String, String, String), Vec<(String, ComplianceChange)>> =
        BTreeMap::new();
    for message in messages {
        match read_event(&message.body) {
            Ok((change, key)) => {
                plan.keys.insert(message.id.clone(), key);
                groups
                    .entry((
                        change.config_rule_name.clone(),
                        change.resource_type.clone(),
                        change.resource_id.clone(),
                    ))
                    .or_default()
                    .push((message.id.clone(), change));
            }
            Err(reason) => plan.unusable.push((message.id.clone(), reason)),
        }
    }
    let mut changes = Vec::new();
    for (_, mut events) in groups {
        let ids: Vec<String> = events.iter().map(|(id, _)| id.clone()).collect();
        match net_change(&mut events, policy) {
            Some(mut change) => {
                change.messages = ids;
                changes.push(change);
            }
            None => plan.quiet.extend(ids),
        }
    }
    if changes.len() > policy.digest_threshold {
        plan.alerts.push(digest(&changes));
    } else {
        plan.alerts.extend(changes.iter().map(alert));
    }
    plan
}

/// The event's change and its [`event_key`].
fn read_event(body: &str) -> Result<(ComplianceChange, String), String> {
    let envelope: Envelope = serde_json::from_str(body)
        .map_err(|e| format!("not an EventBridge compliance-change event: {e}"))?;
    if envelope.detail_type != DETAIL_TYPE {
        return Err(format!(
            "detail-type is {:?}, expected {DETAIL_TYPE:?}",
            envelope.detail_type
        ));
    }
    let key = event_key(&envelope.detail, envelope.id.as_deref());
    Ok((envelope.detail, key))
}

fn recorded(change: &ComplianceChange) -> Option<Timestamp> {
    change
        .new_evaluation_result
        .as_ref()
        .and_then(|r| r.result_recorded_time.as_deref())
        .or(change.notification_creation_time.as_deref())
        .and_then(Timestamp::parse)
}

/// The net transition of one resource's events, if it calls for an alert.
fn net_change(events: &mut [(String, ComplianceChange)], policy: &AlertPolicy) -> Option<Change> {
    events.sort_by_key(|(_, c)| recorded(c));
    let (_, first) = events.first()?;
    let (_, last) = events.last()?;
    let control = control_of_rule(&policy.rule_prefix, &last.config_rule_name)?;
    if control.severity < policy.min_severity {
        return None;
    }
    let previous = first
        .old_evaluation_result
        .as_ref()
        .map(|r| r.compliance_type.clone());
    let current = last.new_evaluation_result.as_ref()?;
    let was_failing = previous.as_deref() == Some("NON_COMPLIANT");
    let transition = match current.compliance_type.as_str() {
        "NON_COMPLIANT" if !was_failing => Transition::BecameNonCompliant,
        "COMPLIANT" if was_failing && policy.recovery_notices => Transition::Recovered,
        // Unchanged, deleted or out of scope (NOT_APPLICABLE), or a recovery nobody asked for.
        _ => return None,
    };
    Some(Change {
        control,
        transition,
        rule_name: last.config_rule_name.clone(),
        resource_type: last.resource_type.clone(),
        resource_id: last.resource_id.clone(),
        account: last.aws_account_id.clone(),
        region: last.aws_region.clone(),
        previous,
        annotation: current.annotation.clone().unwrap_or_default(),
        recorded_at: recorded(last),
        messages: Vec::new(),
    })
}

/// Keeps printable ASCII on one line, at most `max` characters.
pub fn subject_line(text: &str, max: usize) -> String {
    let mut line: String = text
        .chars()
        .map(|c| match c {
            ' '..='~' => c,
            '\t' | '\n' | '\r' => ' ',
            _ => '?',
        })
        .collect();
    if line.len() > max {
        line.truncate(max - 3);
        line.push_str("...");
    }
    line
}

/// The console's domain for a region's partition.
fn console(region: &str) -> String {
    let domain = match partition(region) {
        "aws-cn" => "console.amazonaws.cn",
        "aws-us-gov" => "console.amazonaws-us-gov.com",
        _ => "console.aws.amazon.com",
    };
    format!("https://{region}.{domain}")
}

/// What a URL component must encode: everything but RFC 3986's unreserved characters.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn encode(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// The resource's page in the AWS Config console.
pub fn resource_link(region: &str, resource_type: &str, resource_id: &str) -> String {
    format!(
        "{}/config/home?region={region}#/resources/details?resourceId={}&resourceType={}",
        console(region),
        encode(resource_id),
        encode(resource_type)
    )
}

/// The Security Hub console's findings list filtered by `filters` (field, exact value).
pub fn findings_link(region: &str, filters: &[(&str, &str)]) -> String {
    // The console reads `Field=\operator\:EQUALS\:value` with the operand encoded twice.
    let search: Vec<String> = filters
        .iter()
        .map(|(field, value)| {
            let operand = format!("\\operator\\:EQUALS\\:{value}");
            format!("{field}%3D{}", encode(&encode(&operand)))
        })
        .collect();
    format!(
        "{}/securityhub/home?region={region}#/findings?search={}",
        console(region),
        search.join("%26")
    )
}

/// The id of the Security Hub finding the change updated.
fn change_finding_id(change: &Change) -> String {
    let subject = Subject {
        resource_type: ResourceType::from_config_name(&change.resource_type),
        resource_id: change.resource_id.clone(),
        arn: None,
        account_id: Some(change.account.clone()),
        region: Some(change.region.clone()),
        capture_time: None,
        tags: Default::default(),
        details: None,
    };
    finding_id(&change.account, &change.region, change.control.id, &subject)
}

fn alert(change: &Change) -> Alert {
    let control = change.control;
    let where_ = format!("{}/{}", change.account, change.region);
    let subject = match change.transition {
        Transition::BecameNonCompliant => format!(
            "[ourside] {} {} non-compliant: {} in {where_}",
            control.severity, control.id, change.resource_id
        ),
        Transition::Recovered => format!(
            "[ourside] Recovered {}: {} in {where_}",
            control.id, change.resource_id
        ),
    };
    let finding = change_finding_id(change);
    let resource_link = resource_link(&change.region, &change.resource_type, &change.resource_id);
    let finding_link = findings_link(&change.region, &[("Id", &finding)]);
    let previous = change.previous.as_deref().unwrap_or("not evaluated");
    let what = match change.transition {
        Transition::BecameNonCompliant => {
            format!("became NON_COMPLIANT (was {previous})")
        }
        Transition::Recovered => "recovered: NON_COMPLIANT -> COMPLIANT".to_string(),
    };
    let when = change
        .recorded_at
        .map(|t| format!(" at {t}"))
        .unwrap_or_default();
    let mut text = String::new();
    let _ = writeln!(text, "{} {}", control.id, control.title);
    let _ = writeln!(text, "{} {what}{when}.", change.resource_type);
    let _ = writeln!(text);
    let _ = writeln!(
        text,
        "Resource:  {} {}",
        change.resource_type, change.resource_id
    );
    let _ = writeln!(text, "Account:   {}", change.account);
    let _ = writeln!(text, "Region:    {}", change.region);
    let _ = writeln!(text, "Severity:  {}", control.severity);
    let _ = writeln!(text, "Owner:     {} ({})", control.owner, control.area);
    let _ = writeln!(text, "Why:       {}", change.annotation);
    let _ = writeln!(text);
    let _ = writeln!(text, "How to fix:");
    let _ = writeln!(text, "{}", control.remediation.text);
    let _ = writeln!(text, "{}", control.remediation.url);
    let _ = writeln!(text);
    let _ = writeln!(text, "Resource in AWS Config: {resource_link}");
    let _ = writeln!(text, "Finding in Security Hub: {finding_link}");
    let _ = writeln!(text, "Config rule: {}", change.rule_name);
    let document = json!({
        "version": 1,
        "kind": "alert",
        "transition": change.transition.attribute(),
        "control": {
            "id": control.id,
            "title": control.title,
            "severity": control.severity.label(),
            "owner": control.owner.name(),
            "srmArea": control.area.name(),
        },
        "resource": {
            "type": change.resource_type,
            "id": change.resource_id,
            "account": change.account,
            "region": change.region,
        },
        "previous": change.previous,
        "current": match change.transition {
            Transition::BecameNonCompliant => "NON_COMPLIANT",
            Transition::Recovered => "COMPLIANT",
        },
        "annotation": change.annotation,
        "recordedAt": change.recorded_at,
        "remediation": {"text": control.remediation.text, "url": control.remediation.url},
        "configRule": change.rule_name,
        "findingId": finding,
        "links": {"resource": resource_link, "finding": finding_link},
    });
    let attributes = BTreeMap::from([
        (
            "severity",
            Attribute::String(control.severity.label().into()),
        ),
        ("control", Attribute::String(control.id.into())),
        ("owner", Attribute::String(control.owner.name().into())),
        ("account", Attribute::String(change.account.clone())),
        ("region", Attribute::String(change.region.clone())),
        (
            "transition",
            Attribute::String(change.transition.attribute().into()),
        ),
    ]);
    Alert {
        subject: subject_line(&subject, MAX_SUBJECT),
        text,
        document,
        attributes,
        messages: change.messages.clone(),
    }
}

/// Counts in descending order, ties by name.
fn ranked(counts: BTreeMap<String, usize>) -> Vec<(String, usize)> {
    let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked
}

fn distinct(values: impl Iterator<Item = String>) -> Vec<String> {
    let mut values: Vec<String> = values.collect();
    values.sort();
    values.dedup();
    values
}

fn digest(changes: &[Change]) -> Alert {
    let failing: Vec<&Change> = changes
        .iter()
        .filter(|c| c.transition == Transition::BecameNonCompliant)
        .collect();
    let recovered = changes.len() - failing.len();
    let count = |key: fn(&Change) -> String| {
        let mut counts = BTreeMap::new();
        for change in &failing {
            *counts.entry(key(change)).or_insert(0) += 1;
        }
        ranked(counts)
    };
    let by_control = count(|c| format!("{} {}", c.control.id, c.control.title));
    let by_owner = count(|c| c.control.owner.name().to_string());
    let mut by_severity: Vec<(Severity, usize)> = Severity::ALL
        .iter()
        .rev()
        .map(|s| {
            (
                *s,
                failing.iter().filter(|c| c.control.severity == *s).count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    by_severity.sort_by_key(|(severity, _)| std::cmp::Reverse(*severity));
    let mut worst = failing.clone();
    worst.sort_by(|a, b| {
        b.control
            .severity
            .cmp(&a.control.severity)
            .then_with(|| a.control.id.cmp(b.control.id))
            .then_with(|| a.resource_id.cmp(&b.resource_id))
    });
    worst.truncate(DIGEST_WORST_ITEMS);

    let accounts = distinct(changes.iter().map(|c| c.account.clone()));
    let regions = distinct(changes.iter().map(|c| c.region.clone()));
    let where_ = if accounts.len() == 1 && regions.len() == 1 {
        format!("{}/{}", accounts[0], regions[0])
    } else {
        format!("{} accounts, {} regions", accounts.len(), regions.len())
    };
    let region = regions.first().cloned().unwrap_or_default();
    let hub_link = findings_link(
        &region,
        &[
            ("ProductName", "ourside"),
            ("ComplianceStatus", "FAILED"),
            ("RecordState", "ACTIVE"),
        ],
    );
    let severities: Vec<String> = by_severity
        .iter()
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let subject = if failing.is_empty() {
        format!("[ourside] {recovered} resources recovered in {where_}")
    } else {
        format!(
            "[ourside] {} resources became non-compliant in {where_} ({})",
            failing.len(),
            severities.join(", ")
        )
    };

    let mut text = String::new();
    let _ = writeln!(
        text,
        "{} resources became non-compliant{} in {where_}.",
        failing.len(),
        if recovered > 0 {
            format!(" and {recovered} recovered")
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        text,
        "One digest instead of {} alerts: more changed at once than the alert threshold.",
        changes.len()
    );
    let _ = writeln!(text);
    let _ = writeln!(text, "By severity:");
    for (severity, n) in &by_severity {
        let _ = writeln!(text, "  {severity:<13} {n}");
    }
    let _ = writeln!(text, "By control:");
    for (control, n) in &by_control {
        let _ = writeln!(text, "  {n:>5}  {control}");
    }
    let _ = writeln!(text, "By owner:");
    for (owner, n) in &by_owner {
        let _ = writeln!(text, "  {n:>5}  {owner}");
    }
    let _ = writeln!(text);
    let _ = writeln!(text, "Worst {} of {}:", worst.len(), failing.len());
    for change in &worst {
        let _ = writeln!(
            text,
            "  {} {} {} {}: {}",
            change.control.severity,
            change.control.id,
            change.resource_type,
            change.resource_id,
            change.annotation
        );
    }
    let _ = writeln!(text);
    let _ = writeln!(text, "All failed findings in Security Hub: {hub_link}");

    let document = json!({
        "version": 1,
        "kind": "digest",
        "transition": DIGEST_TRANSITION,
        "becameNonCompliant": failing.len(),
        "recovered": recovered,
        "bySeverity": by_severity.iter().map(|(s, n)| (s.label().to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
        "byControl": failing.iter().fold(BTreeMap::<&str, usize>::new(), |mut m, c| { *m.entry(c.control.id).or_default() += 1; m }),
        "byOwner": by_owner.iter().map(|(o, n)| (o.clone(), json!(n))).collect::<serde_json::Map<_, _>>(),
        "worst": worst.iter().map(|c| json!({
            "control": c.control.id,
            "severity": c.control.severity.label(),
            "resourceType": c.resource_type,
            "resourceId": c.resource_id,
            "account": c.account,
            "region": c.region,
            "annotation": c.annotation,
        })).collect::<Vec<_>>(),
        "links": {"securityHub": hub_link},
    });
    let attribute = |values: Vec<String>| {
        if values.len() == 1 {
            Attribute::String(values[0].clone())
        } else {
            Attribute::Array(values)
        }
    };
    let attributes = BTreeMap::from([
        (
            "severity",
            attribute(distinct(
                changes
                    .iter()
                    .map(|c| c.control.severity.label().to_string()),
            )),
        ),
        (
            "control",
            attribute(distinct(changes.iter().map(|c| c.control.id.to_string()))),
        ),
        (
            "owner",
            attribute(distinct(
                changes.iter().map(|c| c.control.owner.name().to_string()),
            )),
        ),
        ("account", attribute(accounts)),
        ("region", attribute(regions)),
        ("transition", Attribute::String(DIGEST_TRANSITION.into())),
    ]);
    Alert {
        subject: subject_line(&subject, MAX_SUBJECT),
        text,
        document,
        attributes,
        messages: changes.iter().flat_map(|c| c.messages.clone()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> AlertPolicy {
        AlertPolicy {
            rule_prefix: "ourside-".into(),
            min_severity: Severity::Low,
            recovery_notices: true,
            digest_threshold: 5,
        }
    }

    /// An EventBridge compliance-change event; `old` None is a first evaluation.
    fn event(rule: &str, resource: &str, old: Option<&str>, new: &str, at: &str) -> String {
        let result = |compliance: &str, at: &str| {
            json!({
                "evaluationResultIdentifier": {
                    "evaluationResultQualifier": {
                        "configRuleName": rule,
                        "resourceType": "AWS::S3::Bucket",
                        "resourceId": resource,
                    },
                    "orderingTimestamp": at,
                },
                "complianceType": compliance,
                "resultRecordedTime": at,
                "configRuleInvokedTime": at,
                "annotation": format!("{resource} is {compliance}"),
            })
        };
        let mut detail = json!({
            "resourceId": resource,
            "awsRegion": "eu-west-1",
            "awsAccountId": "111122223333",
            "configRuleName": rule,
            "recordVersion": "1.0",
            "configRuleARN": "arn:aws:config:eu-west-1:111122223333:config-rule/config-rule-abc123",
            "messageType": "ComplianceChangeNotification",
            "newEvaluationResult": result(new, at),
            "notificationCreationTime": at,
            "resourceType": "AWS::S3::Bucket",
        });
        if let Some(old) = old {
            detail["oldEvaluationResult"] = result(old, "2026-01-01T00:00:00.000Z");
        }
        json!({
            "version": "0",
            "id": "0f9f3e0c-1111-2222-3333-444455556666",
            "detail-type": "Config Rules Compliance Change",
            "source": "aws.config",
            "account": "111122223333",
            "time": at,
            "region": "eu-west-1",
            "resources": [],
            "detail": detail,
        })
        .to_string()
    }

    fn messages(bodies: Vec<String>) -> Vec<EventMessage> {
        bodies
            .into_iter()
            .enumerate()
            .map(|(i, body)| EventMessage {
                id: format!("m{i}"),
                body,
            })
            .collect()
    }

    const T1: &str = "2026-06-01T10:00:00.000Z";
    const T2: &str = "2026-06-01T10:00:05.000Z";

    #[test]
    fn becoming_non_compliant_alerts_once_with_subject_body_and_attributes() {
        let plan = plan(
            &messages(vec![event(
                "ourside-S3-2",
                "acme-logs",
                None,
                "NON_COMPLIANT",
                T1,
            )]),
            &policy(),
        );
        assert_eq!(plan.alerts.len(), 1);
        let alert = &plan.alerts[0];
        assert_eq!(
            alert.subject,
            "[ourside] CRITICAL S3.2 non-compliant: acme-logs in 111122223333/eu-west-1"
        );
        assert!(
            alert.text.contains("Why:       acme-logs is NON_COMPLIANT"),
            "{}",
            alert.text
        );
        assert!(alert
            .text
            .contains("became NON_COMPLIANT (was not evaluated)"));
        assert!(alert.text.contains("https://eu-west-1.console.aws.amazon.com/config/home?region=eu-west-1#/resources/details?resourceId=acme-logs&resourceType=AWS%3A%3AS3%3A%3ABucket"), "{}", alert.text);
        assert!(alert.text.contains("#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253Aarn%253Aaws%253Asecurityhub"), "{}", alert.text);
        assert_eq!(
            alert.attributes["severity"],
            Attribute::String("CRITICAL".into())
        );
        assert_eq!(
            alert.attributes["control"],
            Attribute::String("S3.2".into())
        );
        assert_eq!(
            alert.attributes["transition"],
            Attribute::String("BECAME_NON_COMPLIANT".into())
        );
        assert_eq!(alert.messages, vec!["m0"]);
        let message: serde_json::Value = serde_json::from_str(&alert.structured_message()).unwrap();
        assert_eq!(message["default"], alert.text.as_str());
        let document: serde_json::Value =
            serde_json::from_str(message["sqs"].as_str().unwrap()).unwrap();
        assert_eq!(document["control"]["id"], "S3.2");
        assert_eq!(document["current"], "NON_COMPLIANT");
    }

    #[test]
    fn unchanged_other_rules_deleted_and_low_severity_stay_quiet() {
        let mut strict = policy();
        strict.min_severity = Severity::Critical;
        let bodies = vec![
            event(
                "ourside-S3-2",
                "a",
                Some("NON_COMPLIANT"),
                "NON_COMPLIANT",
                T1,
            ),
            event("someone-elses-rule", "b", None, "NON_COMPLIANT", T1),
            event(
                "ourside-S3-2",
                "c",
                Some("NON_COMPLIANT"),
                "NOT_APPLICABLE",
                T1,
            ),
        ];
        let quiet = plan(&messages(bodies.clone()), &policy());
        assert!(quiet.alerts.is_empty());
        assert_eq!(quiet.quiet.len(), 3);
        let high = plan(
            &messages(vec![event("ourside-S3-5", "d", None, "NON_COMPLIANT", T1)]),
            &strict,
        );
        assert!(high.alerts.is_empty(), "S3.5 is below CRITICAL");
    }

    #[test]
    fn a_resource_opened_then_deleted_in_one_batch_pages_nobody() {
        let plan = plan(
            &messages(vec![
                event(
                    "ourside-S3-2",
                    "tmp",
                    Some("NON_COMPLIANT"),
                    "NOT_APPLICABLE",
                    T2,
                ),
                event("ourside-S3-2", "tmp", None, "NON_COMPLIANT", T1),
            ]),
            &policy(),
        );
        assert!(plan.alerts.is_empty());
        assert_eq!(plan.quiet.len(), 2);
    }

    #[test]
    fn recoveries_are_told_only_when_asked_for() {
        let bodies = vec![event(
            "ourside-S3-2",
            "a",
            Some("NON_COMPLIANT"),
            "COMPLIANT",
            T1,
        )];
        let told = plan(&messages(bodies.clone()), &policy());
        assert_eq!(
            told.alerts[0].subject,
            "[ourside] Recovered S3.2: a in 111122223333/eu-west-1"
        );
        let mut silent = policy();
        silent.recovery_notices = false;
        assert!(plan(&messages(bodies), &silent).alerts.is_empty());
    }

    #[test]
    fn a_storm_becomes_one_digest() {
        let bodies: Vec<String> = (0..40)
            .map(|i| {
                let rule = if i % 2 == 0 {
                    "ourside-S3-2"
                } else {
                    "ourside-S3-5"
                };
                event(
                    rule,
                    &format!("bucket-{i:02}"),
                    Some("COMPLIANT"),
                    "NON_COMPLIANT",
                    T1,
                )
            })
            .collect();
        let mut bodies = bodies;
        bodies.push("not json".into());
        let plan = plan(&messages(bodies), &policy());
        assert_eq!(plan.alerts.len(), 1);
        assert_eq!(plan.unusable.len(), 1);
        let digest = &plan.alerts[0];
        assert!(
            digest.subject.starts_with(
                "[ourside] 40 resources became non-compliant in 111122223333/eu-west-1 ("
            ),
            "{}",
            digest.subject
        );
        assert!(digest.subject.len() <= MAX_SUBJECT);
        assert_eq!(digest.messages.len(), 40);
        assert_eq!(
            digest.attributes["transition"],
            Attribute::String("DIGEST".into())
        );
        assert_eq!(
            digest.attributes["control"],
            Attribute::Array(vec!["S3.2".into(), "S3.5".into()])
        );
        assert!(digest.text.contains("Worst 20 of 40:"), "{}", digest.text);
        assert!(digest.text.contains("ProductName%3D"), "{}", digest.text);
        assert_eq!(digest.document["becameNonCompliant"], 40);
    }

    #[test]
    fn rule_names_map_back_to_their_controls() {
        use crate::registry;
        use crate::rule::rule_name;
        for control in registry::CONTROLS {
            let name = rule_name("ourside-", control);
            assert_eq!(
                control_of_rule("ourside-", &name).map(|c| c.id),
                Some(control.id)
            );
        }
        assert_eq!(
            rule_name("ourside-", registry::find("Lambda.X1").unwrap()),
            "ourside-Lambda-X1"
        );
        assert!(control_of_rule("ourside-", "securityhub-s3-2").is_none());
    }

    #[test]
    fn every_copy_of_an_event_shares_its_key_and_distinct_results_do_not() {
        let first = event("ourside-S3-2", "a", None, "NON_COMPLIANT", T1);
        let bodies = vec![
            first.clone(),
            // The same event again (an SQS duplicate, a replay): another message id.
            first.clone(),
            // The same resource's next result, and another resource at the same time.
            event("ourside-S3-2", "a", Some("NON_COMPLIANT"), "COMPLIANT", T2),
            event("ourside-S3-2", "b", None, "NON_COMPLIANT", T1),
            "not json".to_string(),
        ];
        let plan = plan(&messages(bodies), &policy());
        let key = |id: &str| plan.keys[id].clone();
        assert_eq!(key("m0"), key("m1"));
        assert_ne!(key("m0"), key("m2"));
        assert_ne!(key("m0"), key("m3"));
        assert_eq!(key("m0").len(), 64);
        assert!(
            !plan.keys.contains_key("m4"),
            "unusable messages have no key"
        );
        // Without any recorded time, EventBridge's event id tells events apart.
        let mut untimed: serde_json::Value = serde_json::from_str(&first).unwrap();
        let detail = untimed["detail"].as_object_mut().unwrap();
        detail.remove("notificationCreationTime");
        detail["newEvaluationResult"]
            .as_object_mut()
            .unwrap()
            .remove("resultRecordedTime");
        let change: ComplianceChange = serde_json::from_value(untimed["detail"].clone()).unwrap();
        assert_ne!(
            event_key(&change, Some("event-1")),
            event_key(&change, Some("event-2"))
        );
    }

    #[test]
    fn subjects_are_one_line_of_ascii_within_100_characters() {
        let line = subject_line(&format!("caf\u{e9}\nbar {}", "x".repeat(200)), MAX_SUBJECT);
        assert_eq!(line.len(), MAX_SUBJECT);
        assert!(line.starts_with("caf? bar "));
        assert!(line.ends_with("..."));
    }
}

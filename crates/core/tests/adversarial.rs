//! Hostile input through the parsers and the controls: truncated JSON, wrong types, a 10 MB
//! item, 10,000 security group rules, 100,000 levels of nesting, an `invokingEvent` that is not
//! JSON, unknown message and resource types. Each gives an error naming the JSON path and what
//! was expected there, or the documented verdict; none panics. Time and memory are not asserted
//! (the README's test section gives the figures measured).

#[path = "support/hostile.rs"]
mod hostile;
mod support;

use hostile::*;
use ourside_core::document::{self, Content, Entry, Hints};
use ourside_core::engine::{Evaluator, Selected};
use ourside_core::event::{Message, RuleEvent};
use ourside_core::policy::PolicyDocument;
use ourside_core::registry::{self, CONTROLS};
use ourside_core::rule::{InvocationError, RuleInvocation};
use ourside_core::verdict::MAX_ANNOTATION_BYTES;
use ourside_core::{Compliance, ConfigurationItem, InputError, ResourceType, Verdict};
use serde_json::json;

fn evaluator(control: &str) -> Evaluator {
    let control = registry::find(control).expect("a registered control");
    Evaluator::new(vec![Selected::with_defaults(control)], support::now())
}

/// The verdict of `control` on the item in `text`.
fn verdict(control: &str, text: &str) -> Result<Verdict, InputError> {
    let item = ConfigurationItem::parse(text).expect("the item parses");
    let mut evaluations = evaluator(control).evaluate(&item, false);
    assert_eq!(
        evaluations.len(),
        1,
        "{control} judges {}",
        item.resource_type
    );
    let verdict = evaluations.remove(0).outcome;
    if let Ok(v) = &verdict {
        assert!(v.annotation.len() <= MAX_ANNOTATION_BYTES, "{v:?}");
    }
    verdict
}

fn assert_error(result: Result<impl std::fmt::Debug, InputError>, path: &str, message: &str) {
    let error = result.expect_err("an error");
    assert_eq!(
        (error.path.as_str(), error.message.as_str()),
        (path, message)
    );
}

/// The errors a document yields, as `path: message`.
fn entry_errors(entries: &[Entry]) -> Vec<String> {
    entries
        .iter()
        .filter_map(|e| match &e.content {
            Content::Error(error) => Some(error.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn truncated_json_names_the_field_being_read() {
    assert_error(
        ConfigurationItem::parse(r#"{"resourceType":"AWS::S3::Bu"#),
        "resourceType",
        "truncated JSON: EOF while parsing a string",
    );
    assert_error(
        ConfigurationItem::parse(
            r#"{"resourceType":"AWS::S3::Bucket","configuration":{"name":"b""#,
        ),
        "configuration",
        "truncated JSON: EOF while parsing an object",
    );
    // Every cut of a real item and of a real event is a truncation error, never a panic and
    // never an item.
    let item = security_group(3, Some(22)).to_string();
    let event = rule_event(&change_notification(&security_group(1, None)), "EC2.13");
    let parse_item = |t: &str| ConfigurationItem::parse(t).map(|_| ());
    let parse_event = |t: &str| RuleEvent::parse(t).map(|_| ());
    for (text, parse) in [
        (
            &item,
            &parse_item as &dyn Fn(&str) -> Result<(), InputError>,
        ),
        (&event, &parse_event),
    ] {
        for cut in 0..text.len() {
            let error = parse(&text[..cut]).expect_err("a truncated document");
            assert!(
                error
                    .message
                    .starts_with("truncated JSON: EOF while parsing"),
                "cut at {cut}: {error}"
            );
        }
    }
}

#[test]
fn wrong_types_name_the_path_and_what_was_expected() {
    for (text, path, message) in [
        (
            r#"{"resourceType":"AWS::S3::Bucket","resourceId":{"a":1}}"#,
            "resourceId",
            "invalid type: map, expected a string or a number",
        ),
        (
            r#"{"resourceType":5}"#,
            "resourceType",
            "invalid type: integer `5`, expected a string",
        ),
        (
            r#"{"resourceType":"AWS::S3::Bucket","tags":5}"#,
            "tags",
            "invalid type: integer `5`, expected tags as a map or a list of {key, value} pairs",
        ),
        (
            r#"{"resourceType":"AWS::S3::Bucket","configurationItemCaptureTime":"yesterday"}"#,
            "configurationItemCaptureTime",
            "invalid value: a string, expected an RFC 3339 timestamp or epoch seconds",
        ),
        (
            r#"{"resourceType":"AWS::S3::Bucket","relationships":[5]}"#,
            "relationships[0]",
            "invalid type: integer `5`, expected a relationship (a JSON object with resourceType, resourceId)",
        ),
        (
            r#"{"resourceType":"AWS::S3::Bucket","supplementaryConfiguration":7}"#,
            "supplementaryConfiguration",
            "invalid type: integer `7`, expected an object or a list, or null",
        ),
        (
            r#"[{"resourceType":"AWS::S3::Bucket"}]"#,
            "",
            "invalid type: sequence, expected a configuration item (a JSON object)",
        ),
        (
            r#""AWS::S3::Bucket""#,
            "",
            "invalid type: a string, expected a configuration item (a JSON object)",
        ),
    ] {
        assert_error(ConfigurationItem::parse(text), path, message);
    }
    // Inside the configuration, the control that reads it reports the path.
    let mut group = security_group(2, None);
    group["configuration"]["ipPermissions"][1]["fromPort"] = json!("twenty-two");
    let error = verdict("EC2.13", &group.to_string()).unwrap_err();
    assert_eq!(error.path, "configuration.ipPermissions[1].fromPort");
    assert!(error.message.contains("expected a number"), "{error}");
    // And in the event around the item.
    for (event, path, message) in [
        (
            r#"{"invokingEvent":"{\"messageType\":5}"}"#,
            "invokingEvent.messageType",
            "invalid type: integer `5`, expected a string (in a JSON document encoded as a string)",
        ),
        (
            r#"{"invokingEvent":"{\"messageType\":\"ConfigurationItemChangeNotification\",\"configurationItem\":\"vol-1\"}"}"#,
            "invokingEvent.configurationItem",
            "invalid type: a string, expected a configuration item or a list of them (in a JSON document encoded as a string)",
        ),
        (
            r#"{"invokingEvent":"{\"messageType\":\"ScheduledNotification\"}","eventLeftScope":"maybe"}"#,
            "eventLeftScope",
            "invalid value: a string, expected a boolean (true/false, or the strings \"true\"/\"false\")",
        ),
        (
            r#"{"invokingEvent":"{\"messageType\":\"ScheduledNotification\"}","ruleParameters":"[1]"}"#,
            "ruleParameters",
            "invalid type: sequence, expected an object of parameter names to values (in a JSON document encoded as a string)",
        ),
        (
            r#"{"invokingEvent":"{\"messageType\":\"ScheduledNotification\"}","resultToken":5}"#,
            "resultToken",
            "invalid type: integer `5`, expected a string",
        ),
        (
            r#"[{"invokingEvent":"{}"}]"#,
            "",
            "invalid type: sequence, expected an AWS Config rule event (a JSON object with invokingEvent, ruleParameters, resultToken)",
        ),
    ] {
        assert_error(RuleEvent::parse(event), path, message);
    }
}

#[test]
fn an_invoking_event_that_is_not_json_or_not_a_message() {
    let expected =
        "expected an invoking event (a JSON object with messageType, or a string holding one)";
    for (invoking, message) in [
        (
            json!("{not json"),
            "not valid JSON: key must be a string (in a JSON document encoded as a string)"
                .to_string(),
        ),
        (
            json!("{\"messageType\":\"ConfigurationItemChangeNotification\","),
            "truncated JSON: EOF while parsing a value (in a JSON document encoded as a string)"
                .to_string(),
        ),
        (
            json!("hello"),
            format!("invalid type: a string, {expected}"),
        ),
        (
            json!("[\"ConfigurationItemChangeNotification\"]"),
            format!("invalid type: sequence, {expected} (in a JSON document encoded as a string)"),
        ),
        (
            json!("null"),
            format!("invalid type: null, {expected} (in a JSON document encoded as a string)"),
        ),
        (json!(42), format!("invalid type: integer `42`, {expected}")),
        (
            json!(open_brackets(100_000)),
            format!("invalid type: sequence, {expected} (in a JSON document encoded as a string)"),
        ),
    ] {
        let event = json!({"invokingEvent": invoking, "resultToken": "TESTMODE",
                           "ruleParameters": "{\"controlId\":\"S3.2\"}"})
        .to_string();
        assert_error(RuleEvent::parse(&event), "invokingEvent", &message);
        let Err(InvocationError::Event(error)) = RuleInvocation::parse(&event) else {
            panic!("{event}: not an event error");
        };
        assert_eq!(error.path, "invokingEvent");
        let entries = document::read(&event, &Hints::default()).unwrap();
        assert_eq!(
            entry_errors(&entries),
            [format!("invokingEvent: {message}")]
        );
    }
}

#[test]
fn unknown_message_types_are_kept_by_the_event_and_named_by_the_reader() {
    let event = rule_event(
        r#"{"messageType":"ConfigurationItemChangedNotification"}"#,
        "S3.2",
    );
    let parsed = RuleInvocation::parse(&event).unwrap();
    assert!(
        matches!(&parsed.event.message, Message::Other(t) if t == "ConfigurationItemChangedNotification")
    );
    let entries = document::read(&event, &Hints::default()).unwrap();
    assert_eq!(
        entry_errors(&entries),
        ["invokingEvent.messageType: unknown message type \"ConfigurationItemChangedNotification\" \
          (expected ConfigurationItemChangeNotification, OversizedConfigurationItemChangeNotification \
          or ScheduledNotification)"]
    );
    // A delivery notification is not an error: it carries no item.
    let entries = document::read(
        r#"{"messageType":"ConfigurationSnapshotDeliveryCompleted"}"#,
        &Hints::default(),
    )
    .unwrap();
    assert!(
        matches!(&entries[0].content, Content::Skipped(why) if why.contains("carries no configuration item"))
    );
}

#[test]
fn unknown_resource_types_are_read_and_judged_by_no_control() {
    let text = item("AWS::Acme::Widget", "w-1", json!({"open": true})).to_string();
    let parsed = ConfigurationItem::parse(&text).unwrap();
    assert_eq!(
        parsed.resource_type,
        ResourceType::Other("AWS::Acme::Widget".into())
    );
    let every = Evaluator::with_defaults(CONTROLS, support::now());
    assert!(!every.covers(&parsed.resource_type));
    assert!(every.evaluate(&parsed, false).is_empty());
}

#[test]
fn a_ten_megabyte_item_is_judged() {
    let text = bucket_with_huge_policy(10 << 20).to_string();
    assert!(text.len() >= 10 << 20, "{} bytes", text.len());
    let public = verdict("S3.2", &text).unwrap();
    assert_eq!(public.compliance, Compliance::NonCompliant);
    assert!(public.annotation.contains("Everyone"), "{public:?}");
    // As a rule event too, the way a file or a test event could carry it.
    let event = rule_event(
        &change_notification(&serde_json::from_str(&text).unwrap()),
        "S3.2",
    );
    let invocation = RuleInvocation::parse(&event).unwrap();
    let Message::ItemChanged(items) = &invocation.event.message else {
        panic!("a change");
    };
    let evaluations = invocation
        .rule
        .evaluator(support::now())
        .evaluate(&items[0], false);
    assert_eq!(
        evaluations[0].outcome.as_ref().unwrap().compliance,
        Compliance::NonCompliant
    );
}

#[test]
fn ten_thousand_security_group_rules() {
    // One world-open SSH rule after 10,000 private ones: found, named, within 256 bytes.
    let text = security_group(10_000, Some(22)).to_string();
    let ssh = verdict("EC2.13", &text).unwrap();
    assert_eq!(ssh.compliance, Compliance::NonCompliant);
    assert!(
        ssh.annotation.contains("0.0.0.0/0") && ssh.annotation.contains("22"),
        "{ssh:?}"
    );
    let text = security_group(10_000, None).to_string();
    assert_eq!(
        verdict("EC2.13", &text).unwrap().compliance,
        Compliance::Compliant
    );
    // 10,000 world-open ports: the annotation names the first and counts the rest.
    let text = world_open_security_group(10_000).to_string();
    let open = verdict("EC2.18", &text).unwrap();
    assert_eq!(open.compliance, Compliance::NonCompliant);
    assert!(
        open.annotation.contains("1024") && open.annotation.contains("more"),
        "{open:?}"
    );
    // Every control that judges security groups gets through them.
    let every = Evaluator::with_defaults(CONTROLS, support::now());
    let item = ConfigurationItem::parse(&text).unwrap();
    let evaluations = every.evaluate(&item, false);
    assert!(!evaluations.is_empty());
    for evaluation in evaluations {
        let verdict = evaluation.outcome.unwrap();
        assert!(verdict.annotation.len() <= MAX_ANNOTATION_BYTES);
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let depth = 100_000;
    // A whole document: truncated, closed lists, closed objects.
    let error = document::read(&open_brackets(depth), &Hints::default()).unwrap_err();
    assert_eq!(
        (error.path.as_str(), error.message.as_str()),
        ("[0]", "truncated JSON: EOF while parsing a list")
    );
    let entries = document::read(&nested_lists(depth), &Hints::default()).unwrap();
    assert!(
        entry_errors(&entries)[0].contains("nested more than 8 arrays"),
        "{:?}",
        entry_errors(&entries)
    );
    let error = document::read(&nested_objects(depth), &Hints::default()).unwrap_err();
    assert!(
        error.message.contains("not an AWS Config document"),
        "{error}"
    );
    // Unknown fields are skipped however deep they go.
    assert_error(
        ConfigurationItem::parse(&nested_objects(depth)),
        "resourceType",
        "missing: a configuration item must name its resource type",
    );
    // Inside a configuration, as JSON or as a string holding JSON: the control reading it says
    // where.
    let permissions = format!(
        r#"{{"groupId":"sg-1","ipPermissions":[{{"ipProtocol":"tcp","ipv4Ranges":{}}}]}}"#,
        nested_lists(depth)
    );
    for configuration in [permissions.clone(), json!(permissions).to_string()] {
        let group = format!(
            r#"{{"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-1","configuration":{configuration}}}"#
        );
        let error = verdict("EC2.13", &group).unwrap_err();
        assert!(
            error
                .path
                .starts_with("configuration.ipPermissions[0].ipv4Ranges"),
            "{error}"
        );
    }
    let deep = format!(
        r#"{{"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-1","configuration":{}}}"#,
        nested_lists(depth)
    );
    let error = verdict("EC2.13", &deep).unwrap_err();
    assert_eq!(
        error.to_string(),
        "configuration: expected an object, found a list"
    );
}

/// Each document held in a string starts serde_json's nesting allowance again: strings in
/// strings, each in 120 lists, once exhausted the stack. Run on a 2 MB stack, as small as a
/// test thread's, so the bound is what keeps it from overflowing.
#[test]
fn documents_in_strings_in_lists_are_bounded() {
    let refused = "JSON encoded in strings more than 6 levels deep: not AWS Config data";
    let small_stack = |work: Box<dyn FnOnce() + Send>| {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(work)
            .unwrap()
            .join()
            .unwrap()
    };
    small_stack(Box::new(move || {
        let policy = policy_in_strings(16, 120);
        assert!(policy.len() > 1 << 20);
        let error = PolicyDocument::parse(&policy).unwrap_err();
        assert!(error.message.ends_with(refused), "{}", error.message);
        assert!(PolicyDocument::parse(&policy_in_strings(2, 120)).is_ok());
    }));
    small_stack(Box::new(move || {
        let mut bucket = bucket_with_huge_policy(0);
        bucket["supplementaryConfiguration"]["BucketPolicy"] =
            json!(json!({"policyText": policy_in_strings(16, 120)}).to_string());
        let error = verdict("S3.2", &bucket.to_string()).unwrap_err();
        assert!(
            error
                .path
                .starts_with("supplementaryConfiguration.BucketPolicy.policyText"),
            "{}",
            error.path
        );
        assert!(error.message.ends_with(refused), "{}", error.message);
    }));
}

#[test]
fn a_lone_surrogate_escape_is_not_text() {
    assert_error(
        ConfigurationItem::parse(r#"{"resourceType":"AWS::S3::Bucket","resourceId":"\ud800"}"#),
        "resourceId",
        "not valid JSON: unexpected end of hex escape",
    );
}

#[test]
fn one_bad_item_never_stops_the_others() {
    let mut wrong = security_group(1, Some(22));
    wrong["configuration"]["ipPermissions"][0]["toPort"] = json!([22]);
    let history = json!({"configurationItems": [
        security_group(1, Some(22)),
        json!({"resourceType": 7}),
        item("AWS::Acme::Widget", "w-1", json!({})),
        "not an item",
        wrong,
    ]})
    .to_string();
    let entries = document::read(&history, &Hints::default()).unwrap();
    let kinds: Vec<String> = entries
        .iter()
        .map(|e| match &e.content {
            Content::Item { item, .. } => format!("item {} {}", e.location, item.display_id()),
            Content::Skipped(why) => format!("skipped {why}"),
            Content::Error(error) => format!("error {error}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            format!("item configurationItems[0] {GROUP_ID}"),
            "error configurationItems[1].resourceType: invalid type: integer `7`, expected a string"
                .to_string(),
            "item configurationItems[2] w-1".to_string(),
            "error configurationItems[3]: not valid JSON: expected ident (in a configuration item encoded as a string)"
                .to_string(),
            format!("item configurationItems[4] {GROUP_ID}"),
        ]
    );
    let judge = evaluator("EC2.13");
    let outcomes: Vec<_> = entries
        .into_iter()
        .filter_map(|e| match e.content {
            Content::Item { item, .. } => Some(judge.evaluate(&item, false)),
            _ => None,
        })
        .collect();
    assert_eq!(
        outcomes[0][0].outcome.as_ref().unwrap().compliance,
        Compliance::NonCompliant
    );
    assert!(outcomes[1].is_empty(), "no control for a widget");
    let error = outcomes[2][0].outcome.as_ref().unwrap_err();
    assert_eq!(error.path, "configuration.ipPermissions[0].toPort");
}

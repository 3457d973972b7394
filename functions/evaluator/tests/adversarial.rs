//! Hostile events through the Lambda handler with the in-memory adapters: a malformed event
//! fails the invocation as `MalformedEvent`, naming the field, before anything is reported; a
//! 10 MB item and a security group with 10,000 rules are judged and reported within Config's
//! and SQS's limits; unknown message and resource types get their documented answer.

#[path = "../../../crates/core/tests/support/hostile.rs"]
mod hostile;
mod support;

use ourside_core::verdict::MAX_ANNOTATION_BYTES;
use ourside_core::Compliance;
use serde_json::json;
use support::Aws;

/// Whether nothing reached Config or the queue.
fn nothing_reported(aws: &Aws) -> bool {
    aws.config.accepted().is_empty() && aws.queue.messages().is_empty()
}

#[tokio::test]
async fn malformed_events_fail_naming_the_field() {
    let notification = hostile::change_notification(&hostile::security_group(1, Some(22)));
    let truncated = hostile::rule_event(&notification, "EC2.13");
    let truncated = &truncated[..truncated.len() / 2];
    let mut wrong_token = json!({"invokingEvent": notification, "resultToken": 5});
    wrong_token["ruleParameters"] = json!("{\"controlId\":\"EC2.13\"}");
    for (event, message) in [
        (
            truncated.to_string(),
            "malformed AWS Config rule event: invokingEvent: truncated JSON: EOF while parsing a string",
        ),
        (
            hostile::rule_event("{not json", "EC2.13"),
            "malformed AWS Config rule event: invokingEvent: not valid JSON: key must be a string \
             (in a JSON document encoded as a string)",
        ),
        (
            hostile::rule_event("[\"ConfigurationItemChangeNotification\"]", "EC2.13"),
            "malformed AWS Config rule event: invokingEvent: invalid type: sequence, expected an \
             invoking event (a JSON object with messageType, or a string holding one) (in a JSON \
             document encoded as a string)",
        ),
        (
            wrong_token.to_string(),
            "malformed AWS Config rule event: resultToken: invalid type: integer `5`, expected a string",
        ),
        (
            hostile::nested_lists(100_000),
            "malformed AWS Config rule event: invalid type: sequence, expected an AWS Config rule \
             event (a JSON object with invokingEvent, ruleParameters, resultToken)",
        ),
    ] {
        let aws = Aws::default();
        let failure = aws.handle(&event).await.unwrap_err();
        assert_eq!(failure.kind(), "MalformedEvent", "{failure}");
        assert_eq!(failure.to_string(), message);
        assert!(nothing_reported(&aws));
    }
}

#[tokio::test]
async fn a_wrong_type_in_the_item_fails_that_item_naming_the_path() {
    let aws = Aws::default();
    let mut group = hostile::security_group(3, Some(22));
    group["configuration"]["ipPermissions"][2]["toPort"] = json!({"port": 22});
    let event = hostile::rule_event(&hostile::change_notification(&group), "EC2.13");
    let failure = aws.handle(&event).await.unwrap_err();
    assert_eq!(failure.kind(), "NotEvaluated");
    let text = failure.to_string();
    assert!(
        text.contains(&format!(
            "EC2.13 on AWS::EC2::SecurityGroup {}: configuration.ipPermissions[2].toPort: \
             invalid type: map, expected a number",
            hostile::GROUP_ID
        )),
        "{text}"
    );
}

#[tokio::test]
async fn huge_items_are_judged_and_reported_within_the_limits() {
    for (item, control, named) in [
        (
            hostile::bucket_with_huge_policy(10 << 20),
            "S3.2",
            "Everyone",
        ),
        (
            hostile::security_group(10_000, Some(22)),
            "EC2.13",
            "0.0.0.0/0",
        ),
    ] {
        let aws = Aws::default();
        let event = hostile::rule_event(&hostile::change_notification(&item), control);
        aws.handle(&event).await.unwrap();
        let accepted = aws.config.accepted();
        assert_eq!(accepted.len(), 1);
        assert_eq!(accepted[0].compliance, Compliance::NonCompliant);
        assert!(accepted[0].annotation.contains(named), "{accepted:?}");
        assert!(accepted[0].annotation.len() <= MAX_ANNOTATION_BYTES);
        let records = aws.queue.messages();
        assert_eq!(records.len(), 1, "one finding record");
        assert!(records[0].len() <= ourside_aws::deliver::MAX_BATCH_BYTES);
    }
}

#[tokio::test]
async fn unknown_message_and_resource_types_get_their_documented_answer() {
    // An unknown message type carries nothing to judge: the invocation succeeds, saying so.
    let aws = Aws::default();
    let event = hostile::rule_event(
        r#"{"messageType":"ConfigurationItemChangedNotification"}"#,
        "EC2.13",
    );
    let handled = aws.handle(&event).await.unwrap();
    assert_eq!(
        handled.ignored.as_deref(),
        Some("message type \"ConfigurationItemChangedNotification\" carries no item to judge")
    );
    assert!(nothing_reported(&aws));
    // A resource type the control does not judge (in a rule scoped wider than the control):
    // NOT_APPLICABLE, naming what the control judges.
    let aws = Aws::default();
    let widget = hostile::item("AWS::Acme::Widget", "w-1", json!({"open": true}));
    let event = hostile::rule_event(&hostile::change_notification(&widget), "EC2.13");
    aws.handle(&event).await.unwrap();
    let accepted = aws.config.accepted();
    assert_eq!(accepted[0].compliance, Compliance::NotApplicable);
    assert_eq!(
        accepted[0].annotation,
        "EC2.13 judges AWS::EC2::SecurityGroup, not AWS::Acme::Widget"
    );
}

//! The evaluator's logic with the in-memory adapters: every kind of invocation, what reaches
//! Config and the queue, batching, retries and failures. The same flows run against the
//! emulator with the real SDK clients in `emulator.rs`.

mod support;

use std::collections::BTreeSet;

use ourside_aws::memory::Fault;
use ourside_aws::AwsError;
use ourside_core::record::Origin;
use ourside_core::rule::InvocationError;
use ourside_core::{Compliance, Timestamp};
use ourside_evaluator::Failure;
use serde_json::json;
use support::*;

fn s3_2() -> serde_json::Value {
    json!({"controlId": "S3.2"})
}

#[tokio::test]
async fn a_change_becomes_one_evaluation_and_one_record() {
    let aws = Aws::default();
    let item = bucket("acme-site", "OK", Some(public_read_policy("acme-site")));
    let handled = aws
        .handle(&change_event(item, s3_2(), "token-1"))
        .await
        .unwrap();
    assert_eq!(handled.control, "S3.2");
    assert_eq!(handled.reported.evaluations.items, 1);

    let accepted = aws.config.accepted.lock().unwrap().clone();
    assert_eq!(accepted.len(), 1);
    let (token, test_mode, evaluation) = &accepted[0];
    assert_eq!((token.as_str(), *test_mode), ("token-1", false));
    assert_eq!(evaluation.resource_type, "AWS::S3::Bucket");
    assert_eq!(evaluation.resource_id, "acme-site");
    assert_eq!(evaluation.compliance, Compliance::NonCompliant);
    assert!(
        evaluation.annotation.contains("PublicRead"),
        "{}",
        evaluation.annotation
    );
    assert_eq!(
        evaluation.ordering_timestamp,
        Timestamp::parse("2026-05-31T23:58:00Z").unwrap(),
        "ordered by the item's capture time"
    );

    let records = aws.records();
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(record.control_id, "S3.2");
    assert_eq!(record.compliance, Compliance::NonCompliant);
    assert_eq!(record.annotation, evaluation.annotation);
    assert_eq!(record.arn.as_deref(), Some("arn:aws:s3:::acme-site"));
    assert_eq!(
        (record.account_id.as_str(), record.region.as_str()),
        (ACCOUNT, "eu-west-1")
    );
    assert_eq!(record.tags.get("team").map(String::as_str), Some("data"));
    assert_eq!(record.origin, Origin::Change);
    assert_eq!(record.rule_name.as_deref(), Some(RULE));
    assert!(!record.archive);
    // The publisher can build the Security Hub finding from the record alone.
    let (control, subject, verdict) = record.parts().unwrap();
    assert!(ourside_core::asff::finding(
        control,
        &subject,
        &verdict,
        &ourside_core::asff::Producer {
            default_region: None,
            now: run().now
        }
    )
    .is_ok());
}

#[tokio::test]
async fn testmode_token_reports_in_test_mode() {
    let aws = Aws::default();
    let item = bucket("acme-site", "OK", None);
    aws.handle(&change_event(item, s3_2(), "TESTMODE"))
        .await
        .unwrap();
    let accepted = aws.config.accepted.lock().unwrap().clone();
    assert!(accepted[0].1, "TESTMODE sets TestMode");
    assert_eq!(accepted[0].2.compliance, Compliance::Compliant);
}

#[tokio::test]
async fn deleted_and_out_of_scope_resources_are_not_applicable_and_archived() {
    for (status, left_scope) in [
        ("ResourceDeleted", false),
        ("ResourceDeletedNotRecorded", false),
        ("ResourceNotRecorded", false),
        ("OK", true),
    ] {
        // Lambda.X1 would read the environment of a live function: a gone one costs no call
        // (the in-memory Lambda knows no function and would fail it).
        let aws = Aws::default();
        let mut item = function("acme-retired");
        item["configurationItemStatus"] = json!(status);
        if status != "OK" {
            item["configuration"] = json!(null);
        }
        let event = if left_scope {
            rule_event(
                json!({"configurationItem": item, "messageType": "ConfigurationItemChangeNotification",
                       "notificationCreationTime": "2026-05-31T23:59:30.000Z"}),
                json!({"controlId": "Lambda.X1"}),
                "TESTMODE",
                true,
            )
        } else {
            change_event(item, json!({"controlId": "Lambda.X1"}), "TESTMODE")
        };
        aws.handle(&event).await.unwrap();
        let evaluation = aws.config.accepted()[0].clone();
        assert_eq!(evaluation.compliance, Compliance::NotApplicable, "{status}");
        let record = aws.records().pop().unwrap();
        assert!(record.archive, "{status}: the finding is archived");
        assert_eq!(record.compliance, Compliance::NotApplicable);
    }
}

#[tokio::test]
async fn oversized_items_are_fetched_from_config_history() {
    let aws = Aws::default();
    // What GetResourceConfigHistory returns: the API key flavour, JSON strings inside.
    let policy = public_read_policy("acme-huge").to_string();
    let item = history_item(
        "AWS::S3::Bucket",
        "acme-huge",
        "2026-05-31T23:58:00.000Z",
        "OK",
        json!({"name": "acme-huge"}),
        json!({"BucketPolicy": {"policyText": policy}}),
    );
    aws.config.add_item("AWS::S3::Bucket", "acme-huge", &item);
    let handled = aws
        .handle(&oversized_event(
            "AWS::S3::Bucket",
            "acme-huge",
            "OK",
            s3_2(),
        ))
        .await
        .unwrap();
    assert_eq!(
        handled.message_type,
        "OversizedConfigurationItemChangeNotification"
    );
    let evaluation = aws.config.accepted()[0].clone();
    assert_eq!(evaluation.compliance, Compliance::NonCompliant);
    assert_eq!(aws.records()[0].origin, Origin::Oversized);
}

#[tokio::test]
async fn an_oversized_item_config_does_not_have_yet_fails_the_invocation() {
    let aws = Aws::default();
    let failure = aws
        .handle(&oversized_event(
            "AWS::S3::Bucket",
            "acme-new",
            "OK",
            s3_2(),
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(failure, Failure::OversizedItemMissing { .. }),
        "{failure}"
    );
    assert!(failure.to_string().contains("acme-new"), "{failure}");
    assert!(aws.config.accepted().is_empty() && aws.queue.messages().is_empty());
}

#[tokio::test]
async fn an_oversized_deletion_needs_no_fetch() {
    let aws = Aws::default();
    aws.handle(&oversized_event(
        "AWS::S3::Bucket",
        "acme-gone",
        "ResourceDeleted",
        s3_2(),
    ))
    .await
    .unwrap();
    assert_eq!(
        aws.config.accepted()[0].compliance,
        Compliance::NotApplicable
    );
    assert!(aws.records()[0].archive);
}

#[tokio::test]
async fn malformed_events_and_rules_are_clear_errors() {
    let aws = Aws::default();
    let item = bucket("acme-site", "OK", None);
    let cases = [
        ("not json".to_string(), "MalformedEvent", "expected"),
        (
            json!({"invokingEvent": "{\"messageType\": 3}", "resultToken": "t"}).to_string(),
            "MalformedEvent",
            "invokingEvent.messageType",
        ),
        (
            change_event(item.clone(), json!({}), "t"),
            "InvalidRule",
            "ruleParameters.controlId: missing",
        ),
        (
            change_event(item.clone(), json!({"controlId": "S3.42"}), "t"),
            "InvalidRule",
            "no control \"S3.42\"",
        ),
        (
            change_event(
                item.clone(),
                json!({"controlId": "EC2.18", "authorizedTcpPort": "443"}),
                "t",
            ),
            "InvalidRule",
            "ruleParameters.authorizedTcpPort",
        ),
        (
            change_event(item.clone(), s3_2(), ""),
            "InvalidRule",
            "resultToken",
        ),
        (
            change_event(item.clone(), json!({"controlId": "IAM.4"}), "t"),
            "WrongFunction",
            "IAM.4 runs in the periodic function",
        ),
    ];
    for (event, kind, message) in cases {
        let failure = aws.handle(&event).await.unwrap_err();
        assert_eq!(failure.kind(), kind, "{failure}");
        assert!(
            failure.to_string().contains(message),
            "{message:?} not in: {failure}"
        );
    }
    assert!(aws.config.accepted().is_empty());
    let _ = InvocationError::NoResultToken;
}

#[tokio::test]
async fn scheduled_and_unknown_messages_are_ignored_by_change_controls() {
    let aws = Aws::default();
    let handled = aws.handle(&scheduled_event(s3_2())).await.unwrap();
    assert!(handled.ignored.unwrap().contains("change-triggered"));
    let other = rule_event(
        json!({"messageType": "ConfigurationSnapshotDeliveryCompleted"}),
        s3_2(),
        "TESTMODE",
        false,
    );
    assert!(aws.handle(&other).await.unwrap().ignored.is_some());
    assert!(aws.config.calls().is_empty());
}

#[tokio::test]
async fn resources_outside_the_control_are_not_applicable() {
    let aws = Aws::default();
    aws.handle(&change_event(function("acme-fn"), s3_2(), "TESTMODE"))
        .await
        .unwrap();
    let evaluation = aws.config.accepted()[0].clone();
    assert_eq!(evaluation.compliance, Compliance::NotApplicable);
    assert!(
        evaluation
            .annotation
            .contains("S3.2 judges AWS::S3::Bucket"),
        "{}",
        evaluation.annotation
    );
}

#[tokio::test]
async fn enriched_controls_read_what_the_item_does_not_carry() {
    let aws = Aws::default();
    let arn = format!("arn:aws:lambda:eu-west-1:{ACCOUNT}:function:acme-fn");
    aws.lambda.environments.lock().unwrap().insert(
        arn.clone(),
        vec![
            (
                "DB_PASSWORD".to_string(),
                "correct-horse-battery-staple".to_string(),
            ),
            ("TABLE".to_string(), "orders".to_string()),
        ],
    );
    aws.handle(&change_event(
        function("acme-fn"),
        json!({"controlId": "Lambda.X1"}),
        "TESTMODE",
    ))
    .await
    .unwrap();
    let evaluation = aws.config.accepted()[0].clone();
    assert_eq!(evaluation.compliance, Compliance::NonCompliant);
    assert!(evaluation.annotation.contains("DB_PASSWORD"));
    for message in aws.queue.messages() {
        assert!(
            !message.contains("correct-horse"),
            "a secret value left the function: {message}"
        );
    }

    // A function the in-memory Lambda does not know: the call fails, the item is not judged.
    let failure = aws
        .handle(&change_event(
            function("acme-other"),
            json!({"controlId": "Lambda.X1"}),
            "TESTMODE",
        ))
        .await
        .unwrap_err();
    assert_eq!(failure.kind(), "NotEvaluated");
    assert!(
        failure
            .to_string()
            .contains("lambda:GetFunctionConfiguration"),
        "{failure}"
    );
    assert_eq!(
        aws.config.accepted().len(),
        1,
        "nothing reported for the unjudged item"
    );
}

#[tokio::test]
async fn a_deleted_account_setting_leaves_buckets_judged_on_their_own() {
    let aws = Aws::default();
    let deleted = history_item(
        "AWS::S3::AccountPublicAccessBlock",
        ACCOUNT,
        "2026-05-02T00:00:00.000Z",
        "ResourceDeleted",
        json!(null),
        json!({}),
    );
    aws.config
        .add_item("AWS::S3::AccountPublicAccessBlock", ACCOUNT, &deleted);
    let item = bucket("acme-site", "OK", Some(public_read_policy("acme-site")));
    aws.handle(&change_event(item, s3_2(), "TESTMODE"))
        .await
        .unwrap();
    assert_eq!(
        aws.config.accepted()[0].compliance,
        Compliance::NonCompliant
    );
}

#[tokio::test]
async fn oversized_history_that_lags_is_retried_and_left_scope_needs_no_fetch() {
    let aws = Aws::default();
    // The history still has the version before the notified one.
    let older = history_item(
        "AWS::S3::Bucket",
        "acme-huge",
        "2026-05-30T00:00:00.000Z",
        "OK",
        json!({"name": "acme-huge"}),
        json!({}),
    );
    aws.config.add_item("AWS::S3::Bucket", "acme-huge", &older);
    let failure = aws
        .handle(&oversized_event(
            "AWS::S3::Bucket",
            "acme-huge",
            "OK",
            s3_2(),
        ))
        .await
        .unwrap_err();
    assert_eq!(failure.kind(), "OversizedItemMissing", "{failure}");

    let mut event: serde_json::Value = serde_json::from_str(&oversized_event(
        "AWS::S3::Bucket",
        "acme-unknown",
        "OK",
        s3_2(),
    ))
    .unwrap();
    event["eventLeftScope"] = json!(true);
    aws.handle(&event.to_string()).await.unwrap();
    assert_eq!(
        aws.config.accepted()[0].compliance,
        Compliance::NotApplicable
    );
    assert!(aws.records()[0].archive);
}

#[tokio::test]
async fn an_item_without_an_account_is_not_judged() {
    let aws = Aws::default();
    let mut item = bucket("acme-site", "OK", None);
    item.as_object_mut().unwrap().remove("awsAccountId");
    let failure = aws
        .handle(&change_event(item, s3_2(), "TESTMODE"))
        .await
        .unwrap_err();
    assert_eq!(failure.kind(), "NotEvaluated");
    assert!(
        failure.to_string().contains("names no account"),
        "{failure}"
    );
}

#[tokio::test]
async fn the_account_setting_config_recorded_counts_for_buckets() {
    let aws = Aws::default();
    let account_block = history_item(
        "AWS::S3::AccountPublicAccessBlock",
        ACCOUNT,
        "2026-05-01T00:00:00.000Z",
        "OK",
        json!({"blockPublicAcls": true, "ignorePublicAcls": true,
               "blockPublicPolicy": true, "restrictPublicBuckets": true}),
        json!({}),
    );
    aws.config
        .add_item("AWS::S3::AccountPublicAccessBlock", ACCOUNT, &account_block);
    let item = bucket("acme-site", "OK", Some(public_read_policy("acme-site")));
    aws.handle(&change_event(item, s3_2(), "TESTMODE"))
        .await
        .unwrap();
    let evaluation = aws.config.accepted()[0].clone();
    assert_eq!(
        evaluation.compliance,
        Compliance::Compliant,
        "{}",
        evaluation.annotation
    );
}

#[tokio::test]
async fn partial_failures_are_resent_and_persistent_ones_fail_the_invocation() {
    let aws = Aws::default();
    aws.config.faults.push(Fault::Partial(vec![0]));
    aws.queue.faults.push(Fault::Partial(vec![0]));
    aws.queue.faults.push(Fault::Error(AwsError::new(
        "sqs:SendMessageBatch",
        true,
        "throttled",
    )));
    let item = bucket("acme-site", "OK", None);
    let handled = aws
        .handle(&change_event(item.clone(), s3_2(), "t"))
        .await
        .unwrap();
    assert_eq!(handled.reported.evaluations.resent, 1);
    assert_eq!(handled.reported.records.resent, 2);
    assert_eq!(aws.config.accepted().len(), 1);
    assert_eq!(aws.queue.messages().len(), 1);

    let aws = Aws::default();
    for _ in 0..10 {
        aws.config.faults.push(Fault::Error(AwsError::new(
            "config:PutEvaluations",
            true,
            "ThrottlingException",
        )));
    }
    let failure = aws
        .handle(&change_event(item.clone(), s3_2(), "t"))
        .await
        .unwrap_err();
    assert_eq!(failure.kind(), "AwsCallFailed");
    assert!(
        failure.to_string().contains("config:PutEvaluations"),
        "{failure}"
    );
    assert_eq!(
        aws.queue.messages().len(),
        1,
        "Config failing does not keep the finding from the queue"
    );

    let aws = Aws::default();
    aws.config.faults.push(Fault::Error(AwsError::new(
        "config:PutEvaluations",
        false,
        "InvalidResultTokenException",
    )));
    let failure = aws
        .handle(&change_event(item, s3_2(), "t"))
        .await
        .unwrap_err();
    assert!(
        failure.to_string().contains("InvalidResultToken"),
        "{failure}"
    );
    assert_eq!(
        aws.config.calls().len(),
        1,
        "a non-retryable error is not retried"
    );
}

#[tokio::test]
async fn one_bad_item_does_not_stop_the_others() {
    // Old SNS-era notifications carry a list of items.
    let aws = Aws::default();
    let good = bucket("acme-good", "OK", None);
    let mut bad = bucket("acme-bad", "OK", None);
    bad["supplementaryConfiguration"]["BucketPolicy"] = json!({"policyText": "{\"Statement\": 7}"});
    let event = rule_event(
        json!({"configurationItem": [good, bad], "messageType": "ConfigurationItemChangeNotification"}),
        s3_2(),
        "TESTMODE",
        false,
    );
    let failure = aws.handle(&event).await.unwrap_err();
    match &failure {
        Failure::NotEvaluated { reported, problems } => {
            assert_eq!(*reported, 1);
            assert_eq!(problems.len(), 1);
            assert!(
                problems[0].contains("acme-bad") && problems[0].contains("BucketPolicy"),
                "{}",
                problems[0]
            );
        }
        other => panic!("{other}"),
    }
    assert_eq!(aws.config.accepted()[0].resource_id, "acme-good");
    assert_eq!(aws.records().len(), 1);
}

/// A rule's first evaluation of a large account: Config invokes the function once per resource.
#[tokio::test]
async fn a_thousand_changes_make_a_thousand_evaluations_and_records() {
    let aws = Aws::default();
    for i in 0..1000 {
        let name = format!("acme-bucket-{i:04}");
        let policy = (i % 3 == 0).then(|| public_read_policy(&name));
        aws.handle(&change_event(
            bucket(&name, "OK", policy),
            s3_2(),
            "TESTMODE",
        ))
        .await
        .unwrap();
    }
    let evaluations = aws.config.accepted();
    let records = aws.records();
    assert_eq!(evaluations.len(), 1000);
    assert_eq!(records.len(), 1000);
    let ids: BTreeSet<&str> = evaluations.iter().map(|e| e.resource_id.as_str()).collect();
    assert_eq!(ids.len(), 1000, "no duplicates");
    let record_ids: BTreeSet<&str> = records.iter().map(|r| r.resource_id.as_str()).collect();
    assert_eq!(record_ids, ids, "a record for every evaluation");
    let failing = evaluations
        .iter()
        .filter(|e| e.compliance == Compliance::NonCompliant)
        .count();
    assert_eq!(failing, 334);
}

#[test]
fn permissions_cover_what_each_control_reads() {
    let find = |id| ourside_core::registry::find(id).unwrap();
    let x1 = ourside_evaluator::permissions(find("Lambda.X1"));
    assert!(x1.contains(&"lambda:GetFunctionConfiguration"), "{x1:?}");
    assert!(x1.contains(&"config:PutEvaluations") && x1.contains(&"sqs:SendMessage"));
    let ssm1 = ourside_evaluator::permissions(find("SSM.1"));
    assert!(ssm1.contains(&"config:BatchGetResourceConfig"), "{ssm1:?}");
    assert_eq!(
        ourside_evaluator::permissions(find("EC2.19")),
        ourside_evaluator::PERMISSIONS
            .iter()
            .copied()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
    );
}

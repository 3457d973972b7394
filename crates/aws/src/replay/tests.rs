use super::*;

const SOURCE: &str = "https://sqs.eu-west-1.amazonaws.com/123456789012/ourside-findings";
const EVALUATOR: &str = "arn:aws:lambda:eu-west-1:123456789012:function:ourside-evaluator";

fn finding(control: &str, resource: &str) -> String {
    serde_json::json!({"version": 1, "controlId": control, "resourceId": resource,
        "resourceType": "AWS::S3::Bucket", "compliance": "NON_COMPLIANT"})
    .to_string()
}

/// A destination record as Lambda writes it, around `payload` (kept as written).
fn destination(function_arn: &str, payload: &str) -> String {
    format!(
        r#"{{"version":"1.0","timestamp":"2026-06-01T10:00:00.000Z","requestContext":{{"requestId":"c0ffee","functionArn":"{function_arn}","condition":"RetriesExhausted","approximateInvokeCount":3}},"requestPayload":{payload},"responseContext":{{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"}},"responsePayload":{{"errorMessage":"boom"}}}}"#
    )
}

const EVENT: &str = r#"{"version": "1", "invokingEvent" : "{\"messageType\":\"ScheduledNotification\"}",  "ruleParameters":"{}"}"#;

fn compliance_change(resource: &str) -> String {
    serde_json::json!({"version": "0", "id": "e1", "detail-type": "Config Rules Compliance Change",
        "source": "aws.config", "resources": [], "detail": {"resourceId": resource,
        "configRuleName": "ourside-S3-2"}})
    .to_string()
}

struct Fixture {
    parked: MemoryDeadLetters,
    sender: MemorySender,
    invoker: MemoryInvoker,
}

impl Fixture {
    fn new(messages: &[(&str, &str)]) -> Self {
        let parked = MemoryDeadLetters::with(messages);
        parked.sources.lock().unwrap().push(SOURCE.to_string());
        Fixture {
            parked,
            sender: MemorySender::default(),
            invoker: MemoryInvoker::default(),
        }
    }

    async fn run(&self, options: Options) -> Report {
        replay(&self.parked, &self.sender, &self.invoker, &options).await
    }
}

fn real() -> Options {
    Options::default()
}

#[tokio::test(flavor = "current_thread")]
async fn plain_bodies_go_to_the_source_queue_and_destination_records_to_their_function() {
    let body = finding("S3.2", "my-bucket");
    let alert = compliance_change("sg-1");
    let record = destination(&format!("{EVALUATOR}:$LATEST"), EVENT);
    let f = Fixture::new(&[("m1", &body), ("m2", &record), ("m3", &alert)]);
    let report = f.run(real()).await;

    assert_eq!(
        f.sender.sent(),
        vec![(SOURCE.to_string(), body), (SOURCE.to_string(), alert)]
    );
    // The original event, byte for byte (spacing and escapes included), to the unqualified ARN.
    assert_eq!(
        f.invoker.invoked(),
        vec![(EVALUATOR.to_string(), EVENT.to_string())]
    );
    assert!(f.parked.parked().is_empty());
    assert_eq!(report.summary(), "3 moved, 0 would move, 0 failed");
    assert!(report.succeeded());
    let lines: Vec<String> = report.lines.iter().map(|l| l.to_string()).collect();
    assert_eq!(
        lines,
        vec![
            format!("moved m1 -> queue {SOURCE} (finding record S3.2 on my-bucket)"),
            format!("moved m2 -> function {EVALUATOR} (destination record of ourside-evaluator, RetriesExhausted after 3 attempts)"),
            format!("moved m3 -> queue {SOURCE} (event \"Config Rules Compliance Change\" for sg-1)"),
        ]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_qualified_version_is_kept_and_an_explicit_function_overrides() {
    let record = destination(&format!("{EVALUATOR}:7"), "{}");
    let f = Fixture::new(&[("m1", &record)]);
    f.run(real()).await;
    assert_eq!(f.invoker.invoked()[0].0, format!("{EVALUATOR}:7"));

    let f = Fixture::new(&[("m1", &record)]);
    let report = f
        .run(Options {
            function: Some("ourside-periodic".into()),
            ..real()
        })
        .await;
    assert_eq!(
        f.invoker.invoked(),
        vec![("ourside-periodic".to_string(), "{}".to_string())]
    );
    assert_eq!(
        report.lines[0].target,
        Some(Target::Function("ourside-periodic".into()))
    );
}

#[tokio::test(flavor = "current_thread")]
async fn to_overrides_the_source_queue() {
    let f = Fixture::new(&[("m1", "not json at all")]);
    let report = f
        .run(Options {
            to: Some("https://elsewhere".into()),
            ..real()
        })
        .await;
    assert_eq!(
        f.sender.sent(),
        vec![(
            "https://elsewhere".to_string(),
            "not json at all".to_string()
        )]
    );
    assert_eq!(
        report.lines[0].to_string(),
        "moved m1 -> queue https://elsewhere (15 bytes, not JSON)"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn one_failure_does_not_stop_the_others_and_stays_parked() {
    let bad = finding("S3.2", "bad-bucket");
    let good = finding("S3.2", "good-bucket");
    let record = destination(EVALUATOR, "{}");
    let f = Fixture::new(&[("m1", &bad), ("m2", &good), ("m3", &record), ("m4", &good)]);
    f.sender.failing.lock().unwrap().push("bad-bucket".into());
    f.invoker
        .failing
        .lock()
        .unwrap()
        .insert(EVALUATOR.to_string());
    let report = f.run(real()).await;

    assert_eq!(report.summary(), "2 moved, 0 would move, 2 failed");
    assert!(!report.succeeded());
    assert_eq!(
        report.lines[0].outcome,
        Outcome::Failed("sqs:SendMessage failed (retryable): failed (scripted)".into())
    );
    assert!(report.lines[2].to_string().starts_with(&format!(
        "failed m3 -> function {EVALUATOR} (destination record of ourside-evaluator"
    )));
    // m4 is m2's twin body but its own message: sent too.
    assert_eq!(f.sender.sent().len(), 2);
    assert_eq!(report.lines.len(), 4);
    // The failed ones are parked and visible again; the moved ones are gone.
    assert_eq!(
        f.parked.parked(),
        vec![
            ("m1".to_string(), bad, true),
            ("m3".to_string(), record, true)
        ]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_message_sent_but_not_deleted_is_reported_and_not_sent_again() {
    let body = finding("S3.2", "b");
    let f = Fixture::new(&[("m1", &body)]);
    f.parked.failing_deletes.lock().unwrap().insert("m1".into());
    f.parked.redeliver("m1");
    let report = f.run(real()).await;
    assert_eq!(f.sender.sent().len(), 1);
    assert_eq!(report.lines.len(), 1);
    match &report.lines[0].outcome {
        Outcome::Failed(reason) => assert!(
            reason.starts_with("sent, but still parked (a later run would send it again): sqs:DeleteMessage failed"),
            "{reason}"
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_dry_run_changes_nothing() {
    let body = finding("IAM.1", "policy");
    let record = destination(EVALUATOR, EVENT);
    let f = Fixture::new(&[("m1", &body), ("m2", &record), ("m3", "{}")]);
    let before = f.parked.parked();
    let report = f
        .run(Options {
            dry_run: true,
            ..real()
        })
        .await;
    assert!(f.sender.sent().is_empty());
    assert!(f.invoker.invoked().is_empty());
    assert_eq!(
        f.parked.parked(),
        before,
        "every message parked and visible"
    );
    assert_eq!(report.summary(), "0 moved, 3 would move, 0 failed");
    assert!(report.succeeded());
    assert_eq!(
        report.lines[2].to_string(),
        format!("would move m3 -> queue {SOURCE} (2 bytes of JSON)")
    );
}

#[tokio::test(flavor = "current_thread")]
async fn max_bounds_the_run_and_leaves_the_rest_untouched() {
    let bodies: Vec<(String, String)> = (0..25)
        .map(|i| (format!("m{i:02}"), finding("S3.2", &format!("b{i}"))))
        .collect();
    let messages: Vec<(&str, &str)> = bodies
        .iter()
        .map(|(i, b)| (i.as_str(), b.as_str()))
        .collect();
    let f = Fixture::new(&messages);
    let report = f.run(Options { max: 12, ..real() }).await;
    assert_eq!(report.moved(), 12);
    assert_eq!(f.sender.sent().len(), 12);
    let left = f.parked.parked();
    assert_eq!(left.len(), 13);
    assert!(left.iter().all(|(_, _, visible)| *visible));
    // Pages of 10, then 2: never more received than --max allows.
    assert_eq!(f.parked.receives.lock().unwrap().len(), 2);
}

#[tokio::test(flavor = "current_thread")]
async fn a_copy_delivered_twice_is_handled_once() {
    let a = finding("S3.2", "a");
    let b = finding("S3.2", "b");
    let f = Fixture::new(&[("m1", &a), ("m2", &b)]);
    // The second receive hands m1 out again, as SQS may.
    f.parked.redeliver("m1");
    let report = f.run(real()).await;
    assert_eq!(report.lines.len(), 2);
    assert_eq!(f.sender.sent().len(), 2, "{:?}", f.sender.sent());
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);

    // In a dry run the copy is released too and nothing is listed twice.
    let f = Fixture::new(&[("m1", &a), ("m2", &b)]);
    f.parked.redeliver("m2");
    let report = f
        .run(Options {
            dry_run: true,
            max: 1,
            ..real()
        })
        .await;
    assert_eq!(report.lines.len(), 1);
    assert!(f.parked.parked().iter().all(|(_, _, visible)| *visible));
}

#[tokio::test(flavor = "current_thread")]
async fn failed_messages_do_not_come_back_within_the_run() {
    // Released only at the end: a failed message received again would loop forever.
    let f = Fixture::new(&[("m1", "x"), ("m2", "y")]);
    f.sender.failing.lock().unwrap().push("x".into());
    let report = f.run(real()).await;
    assert_eq!(report.lines.len(), 2);
    assert_eq!(report.summary(), "1 moved, 0 would move, 1 failed");
    assert_eq!(
        *f.parked.receives.lock().unwrap(),
        vec![DEFAULT_VISIBILITY; 2],
        "one page, then an empty receive"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn without_one_source_queue_plain_bodies_fail_and_name_the_fix() {
    let record = destination(EVALUATOR, "{}");
    // The invocation failure queue is no queue's dead-letter queue: its records still go.
    let f = Fixture::new(&[("m1", &record), ("m2", "plain")]);
    f.parked.sources.lock().unwrap().clear();
    let report = f.run(real()).await;
    assert_eq!(report.lines[0].outcome, Outcome::Moved);
    assert_eq!(
        report.lines[1].to_string(),
        "failed m2 (5 bytes, not JSON): no queue sends its failures here (ListDeadLetterSourceQueues found none): pass --to URL"
    );
    assert_eq!(f.parked.parked().len(), 1);

    let f = Fixture::new(&[("m1", "plain")]);
    f.parked
        .sources
        .lock()
        .unwrap()
        .push("https://other".into());
    let report = f
        .run(Options {
            dry_run: true,
            ..real()
        })
        .await;
    assert_eq!(
        report.lines[0].outcome,
        Outcome::Failed(format!(
            "2 queues send their failures here ({SOURCE}, https://other): pass --to URL"
        ))
    );
    assert!(!report.succeeded());
}

#[tokio::test(flavor = "current_thread")]
async fn a_failed_receive_stops_the_run_and_says_why() {
    let f = Fixture::new(&[("m1", "x")]);
    *f.parked.failing_receives.lock().unwrap() = 1;
    let report = f.run(real()).await;
    assert!(report.lines.is_empty());
    assert_eq!(
        report.stopped.as_deref(),
        Some("sqs:ReceiveMessage failed (retryable): failed (scripted)")
    );
    assert!(!report.succeeded());
    assert_eq!(f.parked.parked().len(), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn an_empty_queue_is_a_success() {
    let f = Fixture::new(&[]);
    let report = f.run(real()).await;
    assert_eq!(report.summary(), "0 moved, 0 would move, 0 failed");
    assert!(report.succeeded());
}

#[test]
fn only_a_record_with_a_function_and_a_payload_is_a_destination_record() {
    assert!(matches!(
        classify(&destination(EVALUATOR, "null")).0,
        Kind::Invoke {
            payload: "null",
            ..
        }
    ));
    for body in [
        r#"{"requestContext": {"functionArn": "x"}}"#,
        r#"{"requestPayload": {}}"#,
        r#"{"requestContext": {"functionArn": 3}, "requestPayload": {}}"#,
        "[]",
    ] {
        assert!(matches!(classify(body).0, Kind::Send), "{body}");
    }
}

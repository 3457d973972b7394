//! The replay against the local emulator (moto's server mode) with the real SDK adapters: a
//! queue with a dead-letter queue (RedrivePolicy), messages parked on it, and a Lambda
//! function created in moto. moto runs Lambda without Docker, so an invocation does nothing
//! but answer with the payload it received: an interceptor on the Lambda client records the
//! request as sent and moto's answer, which shows what was invoked and how.

use std::sync::{Arc, Mutex};

use aws_config::SdkConfig;
use aws_sdk_lambda::config::interceptors::{
    AfterDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_sdk_lambda::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::box_error::BoxError;
use ourside_aws::emulator::{
    create_function, create_queue, create_queue_with_dlq, send_messages, sorted_bodies, Moto,
};
use ourside_aws::replay::{
    replay, LambdaInvoker, Options, Outcome, SqsDeadLetters, SqsSender, Target,
};

struct Emulated {
    moto: Moto,
    sdk: SdkConfig,
}

impl Emulated {
    fn start() -> Emulated {
        let moto = Moto::start().unwrap_or_else(|e| panic!("{e}"));
        let sdk = moto.settings().sdk_config();
        Emulated { moto, sdk }
    }
}

/// What the Lambda client sent and what moto answered.
#[derive(Debug, Default, Clone)]
struct Seen(Arc<Mutex<Vec<String>>>);

impl Seen {
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

impl Intercept for Seen {
    fn name(&self) -> &'static str {
        "record requests and answers"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request();
        self.0.lock().unwrap().push(format!(
            "{} {} {} {}",
            request.method(),
            request.uri(),
            request
                .headers()
                .get("x-amz-invocation-type")
                .unwrap_or("-"),
            String::from_utf8_lossy(request.body().bytes().unwrap_or_default())
        ));
        Ok(())
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response();
        self.0.lock().unwrap().push(format!(
            "{} {}",
            response.status().as_u16(),
            String::from_utf8_lossy(response.body().bytes().unwrap_or_default())
        ));
        Ok(())
    }
}

const FINDING: &str =
    r#"{"version":1,"controlId":"S3.2","resourceId":"my-bucket","compliance":"NON_COMPLIANT"}"#;
const ALERT: &str = r#"{"detail-type":"Config Rules Compliance Change","resources":[],"detail":{"resourceId":"sg-1"}}"#;

#[tokio::test(flavor = "current_thread")]
async fn a_dry_run_leaves_the_queue_as_it_was_and_a_real_run_moves_everything() {
    let e = Emulated::start();
    let bodies = [FINDING, ALERT, "plain text, not JSON"];
    let mut expected: Vec<String> = bodies.iter().map(|b| b.to_string()).collect();
    expected.sort();
    let sender = SqsSender::new(&e.sdk);
    let invoker = LambdaInvoker::new(&e.sdk);

    let (source, dlq) = create_queue_with_dlq(&e.sdk, "dry").await;
    send_messages(&e.sdk, &dlq, &bodies).await;
    let dry_run = Options {
        dry_run: true,
        ..Options::default()
    };
    let report = replay(
        &SqsDeadLetters::new(&e.sdk, dlq.clone()),
        &sender,
        &invoker,
        &dry_run,
    )
    .await;
    assert_eq!(report.summary(), "0 moved, 3 would move, 0 failed");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    for line in &report.lines {
        // The source queue, found with ListDeadLetterSourceQueues.
        assert_eq!(line.target, Some(Target::Queue(source.clone())), "{line}");
    }
    // Released: every message is visible again, and none reached the source queue.
    assert_eq!(sorted_bodies(&e.sdk, &dlq).await, expected);
    assert!(sorted_bodies(&e.sdk, &source).await.is_empty());

    let (source, dlq) = create_queue_with_dlq(&e.sdk, "real").await;
    send_messages(&e.sdk, &dlq, &bodies).await;
    let report = replay(
        &SqsDeadLetters::new(&e.sdk, dlq.clone()),
        &sender,
        &invoker,
        &Options::default(),
    )
    .await;
    assert_eq!(report.summary(), "3 moved, 0 would move, 0 failed");
    assert!(report.succeeded());
    assert_eq!(
        sorted_bodies(&e.sdk, &source).await,
        expected,
        "identical bodies"
    );
    assert!(
        sorted_bodies(&e.sdk, &dlq).await.is_empty(),
        "the DLQ is empty"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn destination_records_reinvoke_their_function_with_the_original_event() {
    let e = Emulated::start();
    e.moto.lambda_without_docker().unwrap();
    let role = e.moto.create_role("ourside-evaluator-role").unwrap();
    let arn = create_function(&e.sdk, "ourside-evaluator", &role).await;
    let event = r#"{"invokingEvent" : "{\"messageType\":\"ScheduledNotification\"}", "ruleParameters":"{\"controlId\":\"IAM.4\"}"}"#;
    let record = format!(
        r#"{{"version":"1.0","timestamp":"2026-06-01T10:00:00.000Z","requestContext":{{"requestId":"r1","functionArn":"{arn}:$LATEST","condition":"RetriesExhausted","approximateInvokeCount":3}},"requestPayload":{event},"responseContext":{{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"}},"responsePayload":{{"errorType":"Error"}}}}"#
    );
    // The invocation failure queue is nobody's DLQ: a plain body there needs --to.
    let failures = create_queue(&e.sdk, "ourside-invocation-failures").await;
    send_messages(&e.sdk, &failures, &[&record, FINDING]).await;
    let seen = Seen::default();
    let lambda = aws_sdk_lambda::Client::from_conf(
        aws_sdk_lambda::config::Builder::from(&e.sdk)
            .interceptor(seen.clone())
            .build(),
    );
    let report = replay(
        &SqsDeadLetters::new(&e.sdk, failures.clone()),
        &SqsSender::new(&e.sdk),
        &LambdaInvoker::from_client(lambda),
        &Options::default(),
    )
    .await;

    assert_eq!(report.summary(), "1 moved, 0 would move, 1 failed");
    let moved = report
        .lines
        .iter()
        .find(|l| l.outcome == Outcome::Moved)
        .unwrap();
    assert_eq!(moved.target, Some(Target::Function(arn.clone())));
    let failed = report
        .lines
        .iter()
        .find(|l| l.outcome != Outcome::Moved)
        .unwrap();
    assert!(failed.to_string().ends_with("pass --to URL"), "{failed}");

    // One asynchronous invocation of the unqualified function, carrying the original event
    // byte for byte; moto accepted it (202) and answered with what it received.
    let exchanges = seen.take();
    let path = format!(
        "/2015-03-31/functions/{}/invocations",
        arn.replace(':', "%3A")
    );
    assert_eq!(exchanges.len(), 2, "{exchanges:?}");
    assert!(
        exchanges[0].starts_with("POST ") && exchanges[0].contains(&path),
        "{exchanges:?}"
    );
    assert!(
        exchanges[0].ends_with(&format!(" Event {event}")),
        "{exchanges:?}"
    );
    assert_eq!(exchanges[1], format!("202 {event}"));

    // The record is gone; the finding record stays parked, visible again.
    assert_eq!(
        sorted_bodies(&e.sdk, &failures).await,
        vec![FINDING.to_string()]
    );
}

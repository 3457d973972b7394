//! The fault-injecting proxy in front of the local emulator (moto), seen through the real SDK
//! clients: each fault reaches the caller as AWS would send it (and is classified retryable),
//! a slow answer still lets the service act, a dropped one does not, and a plan fails the share
//! of calls it says, the same calls every run.
#![cfg(all(feature = "sns", feature = "securityhub"))]

use std::time::Duration;

use ourside_aws::clients::Settings;
use ourside_aws::emulator::{create_queue, create_topic, receive_all, Moto};
use ourside_aws::faults::{Fault, FaultProxy, Plan};
use ourside_aws::ports::FindingsHub;
use ourside_aws::securityhub::SecurityHubApi;
use ourside_aws::AwsError;

const SLOW: Duration = Duration::from_millis(900);

/// One attempt per call, a short wait: the caller sees each fault itself.
fn impatient(proxy: &FaultProxy) -> Settings {
    Settings {
        max_attempts: 1,
        attempt_timeout: Duration::from_millis(300),
        ..proxy.settings()
    }
}

async fn send(sdk: &aws_config::SdkConfig, queue_url: &str, body: &str) -> Result<(), AwsError> {
    aws_sdk_sqs::Client::new(sdk)
        .send_message()
        .queue_url(queue_url)
        .message_body(body)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| AwsError::from_sdk("sqs:SendMessage", e))
}

async fn publish(sdk: &aws_config::SdkConfig, topic_arn: &str) -> Result<(), AwsError> {
    aws_sdk_sns::Client::new(sdk)
        .publish()
        .topic_arn(topic_arn)
        .message("on-call")
        .send()
        .await
        .map(|_| ())
        .map_err(|e| AwsError::from_sdk("sns:Publish", e))
}

/// Through ourside's own Security Hub client, which makes its calls without the SDK.
async fn get_findings(settings: &Settings) -> Result<(), AwsError> {
    SecurityHubApi::new(settings)
        .existing(&[
            "arn:aws:securityhub:eu-west-1:123456789012:ourside/S3.2/finding/0".to_string(),
        ])
        .await
        .map(|_| ())
}

#[tokio::test(flavor = "current_thread")]
async fn each_fault_reaches_the_caller_as_the_service_would_send_it() {
    let moto = Moto::start().expect("the emulator starts");
    let direct = moto.settings().sdk_config();
    let queue_url = create_queue(&direct, "faults").await;
    let topic_arn = create_topic(&direct, "alerts").await;
    aws_sdk_securityhub::Client::new(&direct)
        .enable_security_hub()
        .send()
        .await
        .expect("the emulator enables Security Hub");

    // (fault, code in the JSON protocol (SQS), the query protocol (SNS), REST (Security Hub)).
    let cases = [
        (
            Fault::Throttle,
            Some([
                "ThrottlingException",
                "Throttling",
                "TooManyRequestsException",
            ]),
        ),
        (
            Fault::InternalError,
            Some(["InternalFailure", "InternalFailure", "InternalFailure"]),
        ),
        (
            Fault::Unavailable,
            Some([
                "ServiceUnavailable",
                "ServiceUnavailable",
                "ServiceUnavailable",
            ]),
        ),
        (Fault::Slow(SLOW), None),
        (Fault::Dropped, None),
    ];
    for (fault, codes) in cases {
        let proxy = FaultProxy::start(&moto.endpoint(), Plan::seeded(1).fail("*", 1.0, &[fault]))
            .expect("the proxy starts");
        let settings = impatient(&proxy);
        let sdk = settings.sdk_config();
        let body = format!("sent through {}", fault.name());
        let errors = [
            send(&sdk, &queue_url, &body).await.unwrap_err(),
            publish(&sdk, &topic_arn).await.unwrap_err(),
            get_findings(&settings).await.unwrap_err(),
        ];
        for (i, error) in errors.iter().enumerate() {
            assert!(error.retryable, "{}: {error}", fault.name());
            match codes {
                Some(codes) => assert_eq!(error.code.as_deref(), Some(codes[i]), "{error}"),
                None => assert_eq!(error.code, None, "{error}"),
            }
        }
        let tallies = proxy.tallies();
        for operation in ["sqs:SendMessage", "sns:Publish", "securityhub:GetFindings"] {
            let tally = &tallies[operation];
            assert_eq!(tally.calls, 1, "{operation}: {tally:?}");
            assert_eq!(tally.faults[fault.name()], 1, "{operation}: {tally:?}");
            let reached = usize::from(matches!(fault, Fault::Slow(_)));
            assert_eq!(tally.forwarded, reached, "{operation}: {tally:?}");
        }
        // A slow answer comes after the service acted; nothing else reached it.
        let queued: Vec<String> = receive_all(&direct, &queue_url)
            .await
            .into_iter()
            .map(|(_, body)| body)
            .collect();
        if matches!(fault, Fault::Slow(_)) {
            // The proxy forwards before it waits: give it the rest of the delay.
            tokio::time::sleep(SLOW).await;
            let late: Vec<String> = receive_all(&direct, &queue_url)
                .await
                .into_iter()
                .map(|(_, body)| body)
                .collect();
            assert_eq!([queued, late].concat(), vec![body]);
        } else {
            assert!(queued.is_empty(), "{queued:?}");
        }
    }

    let proxy = FaultProxy::start(&moto.endpoint(), Plan::seeded(1)).expect("the proxy starts");
    let settings = impatient(&proxy);
    let sdk = settings.sdk_config();
    send(&sdk, &queue_url, "no fault").await.unwrap();
    publish(&sdk, &topic_arn).await.unwrap();
    get_findings(&settings).await.unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn a_plan_fails_its_share_of_calls_the_same_calls_every_run() {
    let moto = Moto::start().expect("the emulator starts");
    let direct = moto.settings().sdk_config();
    let queue_url = create_queue(&direct, "share").await;
    let plan = Plan::seeded(2026)
        .fail(
            "sqs:SendMessage",
            0.3,
            &[
                Fault::Throttle,
                Fault::InternalError,
                Fault::Unavailable,
                Fault::Dropped,
            ],
        )
        .record("sqs:SendMessage");
    let mut runs = Vec::new();
    for run in 0..2 {
        let proxy = FaultProxy::start(&moto.endpoint(), plan.clone()).expect("the proxy starts");
        let sdk = impatient(&proxy).sdk_config();
        let mut outcomes = Vec::new();
        for i in 0..200 {
            outcomes.push(send(&sdk, &queue_url, &format!("{run}-{i}")).await.is_ok());
        }
        let tally = proxy.tally("sqs:SendMessage");
        let succeeded = outcomes.iter().filter(|ok| **ok).count();
        assert_eq!(tally.calls, 200);
        assert_eq!(tally.failed(), 200 - succeeded, "{tally:?}");
        assert_eq!(tally.forwarded, succeeded, "{tally:?}");
        assert!((40..=80).contains(&tally.failed()), "{tally:?}");
        assert_eq!(tally.faults.len(), 4, "every kind drawn: {tally:?}");
        // What the proxy saw delivered is what the queue holds.
        assert_eq!(proxy.delivered("sqs:SendMessage").len(), succeeded);
        let queued = receive_all(&direct, &queue_url).await;
        assert_eq!(queued.len(), succeeded);
        runs.push(outcomes);
    }
    assert_eq!(runs[0], runs[1], "the same seed fails the same calls");
}

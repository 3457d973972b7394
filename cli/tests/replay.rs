//! `ourside replay-dlq` as operators run it, against the local emulator (moto's server mode):
//! the binary with `AWS_ENDPOINT_URL` pointing at moto, queues with a dead-letter queue, and
//! a Lambda function for the invocation failure queue's records.

use std::process::{Command, Output};

use ourside_aws::emulator::{
    create_function, create_queue, create_queue_with_dlq, send_messages, sorted_bodies, Moto,
    REGION,
};

fn replay_dlq(moto: &Moto, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ourside"))
        .arg("replay-dlq")
        .args(args)
        .env_clear()
        .env("AWS_ENDPOINT_URL", moto.endpoint())
        .env("AWS_REGION", REGION)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .output()
        .expect("run ourside")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

const FINDING: &str =
    r#"{"version":1,"controlId":"EC2.13","resourceId":"sg-0a1b","compliance":"NON_COMPLIANT"}"#;
const ALERT: &str = r#"{"detail-type":"Config Rules Compliance Change","resources":["arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0a1b"],"detail":{}}"#;

#[tokio::test(flavor = "current_thread")]
async fn dry_run_then_replay_moves_every_message_to_the_source_queue() {
    let moto = Moto::start().unwrap_or_else(|e| panic!("{e}"));
    let sdk = moto.settings().sdk_config();
    let (source, dlq) = create_queue_with_dlq(&sdk, "ourside-findings").await;
    send_messages(&sdk, &dlq, &[FINDING, ALERT]).await;

    let o = replay_dlq(&moto, &["--queue", &dlq, "--dry-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines.iter().any(|l| l.starts_with("would move ")
            && l.ends_with(&format!(
                " -> queue {source} (finding record EC2.13 on sg-0a1b)"
            ))),
        "{out}"
    );
    assert!(lines.iter().any(|l| l.ends_with(&format!(
        " -> queue {source} (event \"Config Rules Compliance Change\" for arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0a1b)"
    ))), "{out}");
    assert_eq!(
        lines[2],
        "0 moved, 2 would move, 0 failed (dry run: nothing changed)"
    );
    assert!(text(&o.stderr).is_empty(), "{}", text(&o.stderr));

    // The dry run released everything; a real run finds it all again.
    let o = replay_dlq(&moto, &["--queue", &dlq]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_eq!(
        out.lines().last(),
        Some("2 moved, 0 would move, 0 failed"),
        "{out}"
    );
    assert!(
        out.lines().take(2).all(|l| l.starts_with("moved ")),
        "{out}"
    );
    let mut expected = vec![FINDING.to_string(), ALERT.to_string()];
    expected.sort();
    assert_eq!(
        sorted_bodies(&sdk, &source).await,
        expected,
        "identical bodies"
    );
    assert!(
        sorted_bodies(&sdk, &dlq).await.is_empty(),
        "the DLQ is empty"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn max_and_to_and_destination_records() {
    let moto = Moto::start().unwrap_or_else(|e| panic!("{e}"));
    moto.lambda_without_docker().unwrap();
    let sdk = moto.settings().sdk_config();
    let role = moto.create_role("ourside-periodic-role").unwrap();
    let arn = create_function(&sdk, "ourside-periodic", &role).await;
    let failures = create_queue(&sdk, "ourside-invocation-failures").await;
    let elsewhere = create_queue(&sdk, "elsewhere").await;
    let record = format!(
        r#"{{"version":"1.0","timestamp":"2026-06-01T10:00:00.000Z","requestContext":{{"requestId":"r1","functionArn":"{arn}:$LATEST","condition":"RetriesExhausted","approximateInvokeCount":3}},"requestPayload":{{"messageType":"ScheduledNotification"}},"responseContext":{{"statusCode":200}},"responsePayload":null}}"#
    );
    send_messages(&sdk, &failures, &[&record]).await;
    send_messages(&sdk, &failures, &[FINDING, FINDING]).await;

    // Plain bodies on a queue that is nobody's DLQ fail and stay; --max 2 leaves the third
    // message alone.
    let o = replay_dlq(&moto, &["--queue", &failures, "--max", "2"]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}{}", text(&o.stderr));
    assert!(out.contains(&format!(
        " -> function {arn} (destination record of ourside-periodic, RetriesExhausted after 3 attempts)"
    )), "{out}");
    assert!(out.contains("pass --to URL"), "{out}");
    assert_eq!(
        out.lines().last(),
        Some("1 moved, 0 would move, 1 failed"),
        "{out}"
    );

    // With --to, the two finding records go there.
    let o = replay_dlq(&moto, &["--queue", &failures, "--to", &elsewhere]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout).lines().last(),
        Some("2 moved, 0 would move, 0 failed")
    );
    assert_eq!(
        sorted_bodies(&sdk, &elsewhere).await,
        vec![FINDING.to_string(); 2]
    );
    assert!(sorted_bodies(&sdk, &failures).await.is_empty());
}

#[tokio::test(flavor = "current_thread")]
async fn a_queue_that_cannot_be_read_is_named_with_the_reason() {
    let moto = Moto::start().unwrap_or_else(|e| panic!("{e}"));
    let missing = format!("{}/123456789012/no-such-queue", moto.endpoint());
    let o = replay_dlq(&moto, &["--queue", &missing]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.starts_with(&format!(
            "ourside: replay-dlq: stopped reading {missing}: sqs:ReceiveMessage failed"
        )),
        "{err}"
    );
    assert_eq!(text(&o.stdout), "0 moved, 0 would move, 0 failed\n");
}

#[test]
fn without_a_region_it_says_so() {
    let o = Command::new(env!("CARGO_BIN_EXE_ourside"))
        .args([
            "replay-dlq",
            "--queue",
            "https://sqs.eu-west-1.amazonaws.com/1/q",
        ])
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        text(&o.stderr),
        "ourside: replay-dlq: AWS_REGION is not set: pass --region\n"
    );
}

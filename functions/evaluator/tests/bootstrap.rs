//! The evaluator binary run the way Lambda runs a `bootstrap`: behind the Lambda Runtime API,
//! configured only by environment variables, talking to the emulator. Checks the wiring `main`
//! does (clients, queue URL, logging) and what Lambda receives for successes and failures.

mod support;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ourside_aws::emulator::{Moto, RuntimeApi, ACCOUNT_ID, REGION};
use serde_json::{json, Value};
use support::*;

#[tokio::test]
async fn the_binary_answers_lambda_and_logs_json_with_the_request_id() {
    let moto = Moto::start().expect("the emulator starts");
    let sdk = moto.settings().sdk_config();
    let queue_url = ourside_aws::emulator::create_queue(&sdk, "ourside-findings").await;

    let mut item = bucket("acme-site", "OK", Some(public_read_policy("acme-site")));
    item["awsAccountId"] = json!(ACCOUNT_ID);
    item["awsRegion"] = json!(REGION);
    let events = vec![
        change_event(item.clone(), json!({"controlId": "S3.2"}), "TESTMODE"),
        json!({"invokingEvent": "{\"messageType\": 3}", "resultToken": "TESTMODE"}).to_string(),
        change_event(
            item,
            json!({"controlId": "S3.2", "maxDays": "3"}),
            "TESTMODE",
        ),
    ];
    let runtime = RuntimeApi::start(events).unwrap();
    let started = Instant::now();
    let mut function = Command::new(env!("CARGO_BIN_EXE_ourside-evaluator"))
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", runtime.address())
        .env("AWS_LAMBDA_FUNCTION_NAME", "ourside-evaluator")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_REGION", REGION)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_ENDPOINT_URL", moto.endpoint())
        .env("FINDINGS_QUEUE_URL", &queue_url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the evaluator binary starts");
    let answers = runtime.answers(3, Duration::from_secs(60));
    let _ = function.kill();
    let mut stdout = String::new();
    let mut stderr = String::new();
    function
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    function
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let _ = function.wait();
    assert_eq!(
        answers.len(),
        3,
        "answers: {answers:?}\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );

    if let (Some(ready), Some((first, _))) = (runtime.first_poll(), answers.first()) {
        eprintln!(
            "bootstrap: ready for events {:?} after start, first answer {:?} after start (debug build)",
            ready - started,
            *first - started
        );
    }

    let (_, ok) = &answers[0];
    assert_eq!(ok.request_id, "request-1");
    let body: Value = serde_json::from_str(ok.outcome.as_ref().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"control": "S3.2", "evaluations": 1, "records": 1, "stale": 0})
    );

    let (_, malformed) = &answers[1];
    let (header, body) = malformed.outcome.as_ref().unwrap_err();
    assert_eq!(
        header, "unhandled",
        "what Lambda's runtime client always sends"
    );
    let body: Value = serde_json::from_str(body).unwrap();
    assert_eq!(body["errorType"], "MalformedEvent");
    let message = body["errorMessage"].as_str().unwrap();
    assert!(message.contains("invokingEvent.messageType"), "{message}");

    let (_, bad_rule) = &answers[2];
    let (_, body) = bad_rule.outcome.as_ref().unwrap_err();
    let body: Value = serde_json::from_str(body).unwrap();
    assert_eq!(body["errorType"], "InvalidRule");
    let message = body["errorMessage"].as_str().unwrap();
    assert!(message.contains("ruleParameters.maxDays"), "{message}");

    // Every log line is JSON; the verdict line carries the request id and the verdict.
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let evaluated: Vec<&Value> = lines
        .iter()
        .filter(|l| l["fields"]["message"] == "evaluated")
        .collect();
    assert_eq!(evaluated.len(), 1, "{stdout}");
    let verdict = &evaluated[0];
    assert_eq!(verdict["span"]["requestId"], "request-1", "{verdict}");
    assert_eq!(verdict["fields"]["control"], "S3.2");
    assert_eq!(verdict["fields"]["resource_id"], "acme-site");
    assert_eq!(verdict["fields"]["compliance"], "NON_COMPLIANT");
    assert!(verdict["fields"]["duration_us"].is_u64(), "{verdict}");
    // Each failure is logged once, with its request id.
    let errors: Vec<&Value> = lines.iter().filter(|l| l["level"] == "ERROR").collect();
    assert_eq!(errors.len(), 2, "{stdout}");
    assert_eq!(errors[0]["span"]["requestId"], "request-2");
    assert!(
        errors[0]["fields"]["message"]
            .as_str()
            .unwrap()
            .contains("invokingEvent.messageType"),
        "{}",
        errors[0]
    );
}

//! The periodic binary run the way Lambda runs a `bootstrap`: behind the Lambda Runtime API,
//! configured only by environment variables, reading the emulated account.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use ourside_aws::emulator::{Moto, RuntimeApi, ACCOUNT_ID, REGION};
use ourside_lambda::events::{self, Rule};
use serde_json::{json, Value};

#[tokio::test]
async fn the_binary_judges_the_account_on_a_schedule() {
    let moto = Moto::start().expect("the emulator starts");
    let sdk = moto.settings().sdk_config();
    let queue_url = ourside_aws::emulator::create_queue(&sdk, "ourside-findings").await;
    let rule = Rule {
        name: "ourside-EC2-7",
        account_id: ACCOUNT_ID,
        region: REGION,
    };
    let event = events::rule_event(
        rule,
        &events::scheduled(ACCOUNT_ID, "2026-06-01T00:00:00.000Z"),
        &json!({"controlId": "EC2.7"}),
        "TESTMODE",
        false,
    );
    let wrong = events::rule_event(
        rule,
        &events::scheduled(ACCOUNT_ID, "2026-06-01T00:00:00.000Z"),
        &json!({"controlId": "S3.2"}),
        "TESTMODE",
        false,
    );
    let runtime = RuntimeApi::start(vec![event, wrong]).unwrap();
    let mut function = Command::new(env!("CARGO_BIN_EXE_ourside-periodic"))
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", runtime.address())
        .env("AWS_LAMBDA_FUNCTION_NAME", "ourside-periodic")
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
        .expect("the periodic binary starts");
    let answers = runtime.answers(2, Duration::from_secs(60));
    let _ = function.kill();
    let mut stdout = String::new();
    function
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let _ = function.wait();
    assert_eq!(answers.len(), 2, "{answers:?}\n{stdout}");

    let body: Value = serde_json::from_str(answers[0].1.outcome.as_ref().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"control": "EC2.7", "evaluations": 1, "records": 1, "stale": 0})
    );
    let (_, error) = answers[1].1.outcome.as_ref().unwrap_err();
    let error: Value = serde_json::from_str(error).unwrap();
    assert_eq!(error["errorType"], "WrongFunction");

    let verdict = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|l| l["fields"]["message"] == "evaluated")
        .unwrap_or_else(|| panic!("no verdict logged:\n{stdout}"));
    assert_eq!(verdict["fields"]["resource_type"], "AWS::::Account");
    assert_eq!(verdict["fields"]["resource_id"], ACCOUNT_ID);
    assert_eq!(verdict["fields"]["compliance"], "NON_COMPLIANT");
    assert_eq!(verdict["span"]["requestId"], "request-1");
}

//! Security Hub's client against the local emulator (moto): findings imported through it are
//! read back through it, failures it reports per finding are sorted, and an error answer is
//! classified as the SDK would classify it.
#![cfg(feature = "securityhub")]

use std::time::Duration;

use ourside_aws::clients::Settings;
use ourside_aws::emulator::{Moto, ACCOUNT_ID, REGION};
use ourside_aws::faults::{Fault, FaultProxy, Plan};
use ourside_aws::ports::{FindingImport, FindingsHub};
use ourside_aws::securityhub::SecurityHubApi;
use ourside_core::asff::EVALUATED_AT_FIELD;
use ourside_core::import::Existing;
use serde_json::json;

fn id(n: usize) -> String {
    format!("arn:aws:securityhub:{REGION}:{ACCOUNT_ID}:ourside/S3.2/finding/{n:04}")
}

fn finding(n: usize, account: &str) -> FindingImport {
    let json = json!({
        "SchemaVersion": "2018-10-08",
        "Id": id(n),
        "ProductArn": format!("arn:aws:securityhub:{REGION}:{ACCOUNT_ID}:product/{ACCOUNT_ID}/default"),
        "GeneratorId": "ourside/S3.2",
        "AwsAccountId": account,
        "Types": ["Software and Configuration Checks"],
        "CreatedAt": "2026-05-01T00:00:00.000Z",
        "FirstObservedAt": "2026-05-01T00:00:00.000Z",
        "LastObservedAt": format!("2026-05-{:02}T00:00:00.000Z", 1 + n % 28),
        "UpdatedAt": "2026-05-31T00:00:00.000Z",
        "Severity": {"Label": "HIGH"},
        "Title": "S3 buckets should prohibit public read access",
        "Description": "A \"quoted\" description, with an escaped \u{e9}.",
        "ProductFields": {EVALUATED_AT_FIELD: "2026-05-31T00:00:00Z", "other": "x"},
        "Resources": [{"Type": "AwsS3Bucket", "Id": format!("arn:aws:s3:::bucket-{n}")}],
        "Compliance": {"Status": "FAILED"}
    });
    FindingImport {
        id: id(n),
        json: json.to_string(),
    }
}

async fn started() -> (Moto, SecurityHubApi) {
    let moto = Moto::start().expect("the emulator starts");
    aws_sdk_securityhub::Client::new(&moto.settings().sdk_config())
        .enable_security_hub()
        .send()
        .await
        .expect("the emulator enables Security Hub");
    let hub = SecurityHubApi::new(&moto.settings());
    (moto, hub)
}

#[tokio::test(flavor = "current_thread")]
async fn imported_findings_are_read_back_and_refusals_are_sorted() {
    let (_moto, hub) = started().await;
    let mut without_resources: serde_json::Value =
        serde_json::from_str(&finding(2, ACCOUNT_ID).json).unwrap();
    without_resources["Resources"] = json!([]);
    let batch = vec![
        finding(0, ACCOUNT_ID),
        finding(1, "999999999999"),
        FindingImport {
            id: id(2),
            json: without_resources.to_string(),
        },
        finding(3, ACCOUNT_ID),
    ];
    let failures = hub.import(&batch).await.expect("the batch is answered");
    assert!(failures.retry.is_empty(), "{failures:?}");
    let refused: Vec<usize> = failures.refused.iter().map(|(i, _)| *i).collect();
    assert_eq!(refused, vec![1, 2], "{failures:?}");
    assert!(
        failures.refused[0].1.starts_with("AccessDeniedException: "),
        "{failures:?}"
    );
    assert!(
        failures.refused[1].1.starts_with("InvalidInput: "),
        "{failures:?}"
    );

    let asked: Vec<String> = (0..5).map(id).collect();
    let mut existing = hub.existing(&asked).await.expect("the lookup is answered");
    existing.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(
        existing,
        [0, 3]
            .map(|n| Existing {
                id: id(n),
                created_at: "2026-05-01T00:00:00.000Z".to_string(),
                first_observed_at: Some("2026-05-01T00:00:00.000Z".to_string()),
                last_observed_at: Some(format!("2026-05-{:02}T00:00:00.000Z", 1 + n)),
                updated_at: "2026-05-31T00:00:00.000Z".to_string(),
                evaluated_at: Some("2026-05-31T00:00:00Z".to_string()),
            })
            .to_vec()
    );
    assert_eq!(hub.existing(&[]).await.unwrap(), vec![]);
}

#[tokio::test(flavor = "current_thread")]
async fn a_refused_call_is_an_error_naming_the_operation_status_and_code() {
    let (_moto, hub) = started().await;
    // The emulator refuses more than 100 findings in one call, as Security Hub does.
    let batch: Vec<FindingImport> = (0..101).map(|n| finding(n, ACCOUNT_ID)).collect();
    let error = hub.import(&batch).await.unwrap_err();
    assert_eq!(error.operation, "securityhub:BatchImportFindings");
    assert!(!error.retryable, "{error}");
    assert!(error.is("InvalidInputException"), "{error:?}");
    assert!(
        error
            .message
            .starts_with("InvalidInputException (HTTP 400): ")
            && error.message.contains("at most 100"),
        "{error}"
    );
    // Nothing of the refused call was imported.
    let ids: Vec<String> = (0..20).map(id).collect();
    assert_eq!(hub.existing(&ids).await.unwrap(), vec![]);
    // More ids than one lookup takes: refused before anything is sent.
    let too_many: Vec<String> = (0..21).map(id).collect();
    let error = hub.existing(&too_many).await.unwrap_err();
    assert_eq!(error.operation, "securityhub:GetFindings");
    assert!(!error.retryable);
}

#[tokio::test(flavor = "current_thread")]
async fn throttling_is_tried_again_up_to_the_attempts_allowed_a_refusal_once() {
    let (moto, _) = started().await;
    let plan = Plan::seeded(3).fail("securityhub:GetFindings", 1.0, &[Fault::Throttle]);
    let proxy = FaultProxy::start(&moto.endpoint(), plan).expect("the proxy starts");
    let settings = Settings {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        ..proxy.settings()
    };
    let hub = SecurityHubApi::new(&settings);
    let error = hub.existing(&[id(0)]).await.unwrap_err();
    assert!(error.retryable, "{error}");
    assert!(error.is("TooManyRequestsException"), "{error:?}");
    assert_eq!(
        error.to_string(),
        "securityhub:GetFindings failed (retryable): TooManyRequestsException (HTTP 429): Rate exceeded"
    );
    assert_eq!(proxy.tally("securityhub:GetFindings").calls, 3);

    let batch: Vec<FindingImport> = (0..101).map(|n| finding(n, ACCOUNT_ID)).collect();
    let error = hub.import(&batch).await.unwrap_err();
    assert!(!error.retryable, "{error}");
    assert_eq!(proxy.tally("securityhub:BatchImportFindings").calls, 1);
    // What went through the proxy is signed for Security Hub in the client's region.
    assert!(hub.import(&batch[..2]).await.unwrap().refused.is_empty());
    assert_eq!(proxy.tally("securityhub:BatchImportFindings").forwarded, 2);
}

//! The alerter's Lambda entry point: the SNS and DynamoDB clients and the alert policy are set
//! up once, then each SQS batch is handed to [`ourside_alerter::handle`].

use ourside_alerter::{env, handle, policy_from, retention_from, Ledger};
use ourside_aws::clients::Settings;
use ourside_aws::ledger::DynamoLedger;
use ourside_aws::sns::SnsTopic;
use ourside_lambda::StartupError;

/// mimalloc: an event's parse allocates hundreds of short strings, which glibc's malloc serves
/// measurably slower (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn required(name: &str, what: &str) -> Result<String, StartupError> {
    std::env::var(name).map_err(|_| StartupError(format!("{name} is not set: {what}")))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), ourside_lambda::Error> {
    ourside_aws::logging::init();
    let settings = Settings::from_env()?;
    let topic_arn = required(env::TOPIC_ARN, "the alert topic's ARN")?;
    let table = required(env::LEDGER_TABLE, "the alert ledger's DynamoDB table")?;
    let policy = policy_from(|name| std::env::var(name).ok()).map_err(StartupError)?;
    let retention = retention_from(|name| std::env::var(name).ok()).map_err(StartupError)?;
    let sdk = settings.sdk_config();
    let topic = SnsTopic::new(&sdk, topic_arn);
    let ledger = Ledger {
        store: DynamoLedger::new(&sdk, table),
        retention,
    };
    ourside_lambda::serve_json(|event, run| {
        let (topic, ledger, policy) = (&topic, &ledger, &policy);
        async move {
            handle(&event, topic, ledger, policy, run)
                .await
                .map(|alerted| alerted.response)
        }
    })
    .await
}

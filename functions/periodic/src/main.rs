//! The periodic function's Lambda entry point: clients are built once, then each invocation
//! is handed to [`ourside_periodic::handle`].

use ourside_aws::account::AccountApi;
use ourside_aws::clients::Settings;
use ourside_aws::config::ConfigApi;
use ourside_aws::sqs::SqsQueue;
use ourside_periodic::{handle, Services};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), ourside_lambda::Error> {
    ourside_aws::logging::init();
    let settings = Settings::from_env()?;
    let queue_url = std::env::var("FINDINGS_QUEUE_URL")
        .map_err(|_| "FINDINGS_QUEUE_URL is not set: the findings queue's URL")?;
    let sdk = settings.sdk_config();
    let account = AccountApi::new(&settings, &sdk);
    let config = ConfigApi::new(&sdk);
    let queue = SqsQueue::new(&sdk, queue_url);
    let services = Services {
        account: &account,
        config: &config,
        evaluations: &config,
        findings: &queue,
        region: &settings.region,
    };
    ourside_lambda::serve(|event, run| {
        let services = &services;
        async move { handle(&event, services, run).await }
    })
    .await
}

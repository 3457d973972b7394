//! The evaluator's Lambda entry point: clients are built once, then each invocation is handed
//! to [`ourside_evaluator::handle`].

use ourside_aws::clients::Settings;
use ourside_aws::config::ConfigApi;
use ourside_aws::lambda::LambdaApi;
use ourside_aws::sqs::SqsQueue;
use ourside_evaluator::{handle, Services};

/// mimalloc: an event's parse allocates hundreds of short strings, which glibc's malloc serves
/// measurably slower (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), ourside_lambda::Error> {
    ourside_aws::logging::init();
    let settings = Settings::from_env()?;
    let queue_url = std::env::var("FINDINGS_QUEUE_URL")
        .map_err(|_| "FINDINGS_QUEUE_URL is not set: the findings queue's URL")?;
    let sdk = settings.sdk_config();
    let config = ConfigApi::new(&sdk);
    let lambda = LambdaApi::new(&sdk);
    let queue = SqsQueue::new(&sdk, queue_url);
    let services = Services {
        config: &config,
        lambda: &lambda,
        evaluations: &config,
        findings: &queue,
    };
    ourside_lambda::serve(|event, run| {
        let services = &services;
        async move { handle(&event, services, run).await }
    })
    .await
}

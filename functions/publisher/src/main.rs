//! The publisher's Lambda entry point: the Security Hub client is built once, then each SQS
//! batch is handed to [`ourside_publisher::handle`].

use ourside_aws::clients::Settings;
use ourside_aws::securityhub::SecurityHubApi;
use ourside_publisher::handle;

/// mimalloc: an event's parse allocates hundreds of short strings, which glibc's malloc serves
/// measurably slower (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), ourside_lambda::Error> {
    ourside_aws::logging::init();
    let settings = Settings::from_env()?;
    let hub = SecurityHubApi::new(&settings);
    let region = settings.region.clone();
    ourside_lambda::serve_json(|event, run| {
        let (hub, region) = (&hub, region.as_str());
        async move {
            handle(&event, hub, region, run)
                .await
                .map(|published| published.response)
        }
    })
    .await
}

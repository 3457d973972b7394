//! The evaluator's Lambda entry point: clients are built once, then each invocation is handed
//! to [`ourside_evaluator::handle`].

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use lambda_runtime::{service_fn, LambdaEvent};
use ourside_aws::clients::Settings;
use ourside_aws::config::ConfigApi;
use ourside_aws::deliver::Retry;
use ourside_aws::lambda::LambdaApi;
use ourside_aws::sqs::SqsQueue;
use ourside_core::Timestamp;
use ourside_evaluator::{handle, Failure, Run, Services};
use serde_json::value::RawValue;

/// Time kept back from the invocation deadline to report a failure instead of timing out.
const DEADLINE_MARGIN: Duration = Duration::from_secs(3);

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
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
    lambda_runtime::run(service_fn(|event: LambdaEvent<Box<RawValue>>| {
        let services = &services;
        async move {
            let run = Run {
                now: Timestamp::now(),
                retry: Retry {
                    deadline: deadline(event.context.deadline),
                    ..Retry::default()
                },
            };
            match handle(event.payload.get(), services, run).await {
                Ok(handled) => {
                    if let Some(why) = &handled.ignored {
                        tracing::info!(
                            control = handled.control,
                            message_type = handled.message_type,
                            "ignored: {why}"
                        );
                    }
                    Ok(serde_json::json!({
                        "control": handled.control,
                        "evaluations": handled.reported.evaluations.items,
                        "records": handled.reported.records.items,
                    }))
                }
                Err(failure) => Err(Reported(failure)),
            }
        }
    }))
    .await
}

/// The invocation's deadline (milliseconds since the epoch) as an instant, less the margin.
fn deadline(deadline_ms: u64) -> Option<Instant> {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_millis() as u64;
    let left = Duration::from_millis(deadline_ms.checked_sub(now_ms)?);
    Some(Instant::now() + left.checked_sub(DEADLINE_MARGIN).unwrap_or_default())
}

/// A failure as Lambda reports it: the runtime logs it once (with its `Debug` form, here the
/// message) and returns it as the invocation's error, whose type names the kind of failure.
struct Reported(Failure);

impl std::fmt::Debug for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.0.kind(), self.0)
    }
}

impl From<Reported> for lambda_runtime::Diagnostic {
    fn from(reported: Reported) -> Self {
        lambda_runtime::Diagnostic {
            error_type: reported.0.kind().to_string(),
            error_message: reported.0.to_string(),
        }
    }
}

//! What ourside's Lambda functions share: how an invocation is run (its time, its delivery
//! deadline), how it can fail, and the loop that takes events from the Lambda Runtime API.
//! Each function's `main` builds its clients and hands its handler to [`serve`].

pub mod events;
pub mod sqs;

use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use lambda_runtime::{service_fn, Diagnostic, LambdaEvent};

/// The error a function's `main` returns when it cannot start.
pub use lambda_runtime::Error;
use ourside_aws::deliver::Retry;
use ourside_aws::report::Reported;
use ourside_aws::AwsError;
use ourside_core::rule::InvocationError;
use ourside_core::Timestamp;
use serde_json::value::RawValue;

/// Why a function cannot start (a missing or bad setting), printed as it reads: `main` returns
/// it and the process exits with it, which Lambda reports as an init error.
pub struct StartupError(pub String);

impl fmt::Debug for StartupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for StartupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartupError {}

/// When the invocation runs and how long delivery may keep retrying.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub now: Timestamp,
    pub retry: Retry,
}

/// Time kept back from the invocation deadline to report a failure instead of timing out.
pub const DEADLINE_MARGIN: Duration = Duration::from_secs(3);

impl Run {
    /// A run starting now, retrying until the deadline Lambda gives (milliseconds since the
    /// epoch), less [`DEADLINE_MARGIN`].
    pub fn until(deadline_ms: u64) -> Self {
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        // A deadline already past (or a skewed clock) leaves no time to retry, not unlimited time.
        let left = Duration::from_millis(deadline_ms.saturating_sub(now_ms));
        let deadline = Some(Instant::now() + left.saturating_sub(DEADLINE_MARGIN));
        Run {
            now: Timestamp::now(),
            retry: Retry {
                deadline,
                ..Retry::default()
            },
        }
    }
}

/// What an invocation did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Handled {
    pub control: &'static str,
    pub message_type: String,
    pub reported: Reported,
    /// Resources a periodic run no longer found, reported NOT_APPLICABLE.
    pub stale: usize,
    /// Why nothing was evaluated, for messages the function has nothing to do with.
    pub ignored: Option<String>,
}

/// Why an invocation failed. Every variant names what went wrong and where. Lambda then
/// retries the event and finally keeps it in the on-failure destination.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The event, its rule parameters or its result token.
    Invocation(InvocationError),
    /// The rule runs a control the function does not evaluate.
    WrongFunction {
        control: &'static str,
        belongs_to: &'static str,
    },
    /// The event lacks what this kind of invocation needs.
    Incomplete(String),
    /// Config's history has no item for an oversized notification (yet).
    OversizedItemMissing {
        resource_type: String,
        resource_id: String,
    },
    /// An AWS call failed after its retries.
    Aws(AwsError),
    /// Some resources could not be judged; every other verdict was reported.
    NotEvaluated {
        reported: usize,
        problems: Vec<String>,
    },
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Invocation(e) => e.fmt(f),
            Failure::WrongFunction {
                control,
                belongs_to,
            } => write!(
                f,
                "ruleParameters.controlId: {control} runs in the {belongs_to} function, not this one"
            ),
            Failure::Incomplete(what) => f.write_str(what),
            Failure::OversizedItemMissing {
                resource_type,
                resource_id,
            } => write!(
                f,
                "oversized notification for {resource_type} {resource_id}: AWS Config's history has no item for it yet"
            ),
            Failure::Aws(e) => e.fmt(f),
            Failure::NotEvaluated { reported, problems } => write!(
                f,
                "{} could not be judged ({reported} verdict(s) reported): {}",
                problems.len(),
                problems.join("; ")
            ),
        }
    }
}

impl std::error::Error for Failure {}

impl From<AwsError> for Failure {
    fn from(e: AwsError) -> Self {
        Failure::Aws(e)
    }
}

impl Failure {
    /// A short name for the kind of failure: the Lambda error type.
    pub fn kind(&self) -> &'static str {
        match self {
            Failure::Invocation(InvocationError::Event(_)) | Failure::Incomplete(_) => {
                "MalformedEvent"
            }
            Failure::Invocation(_) => "InvalidRule",
            Failure::WrongFunction { .. } => "WrongFunction",
            Failure::OversizedItemMissing { .. } => "OversizedItemMissing",
            Failure::Aws(_) => "AwsCallFailed",
            Failure::NotEvaluated { .. } => "NotEvaluated",
        }
    }
}

/// When delivery fails, the invocation reports that failure; the resources that could not be
/// judged are logged here so they are not lost from sight.
pub fn log_unjudged(problems: &[String]) {
    for problem in problems {
        tracing::error!(problem = problem.as_str(), "not judged");
    }
}

/// A failure as Lambda reports it: the runtime logs it once (its `Debug` form, here the kind
/// and message) and returns it as the invocation's error, typed by its kind.
pub struct LambdaError(pub Failure);

impl fmt::Debug for LambdaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.kind(), self.0)
    }
}

impl From<LambdaError> for Diagnostic {
    fn from(reported: LambdaError) -> Self {
        Diagnostic {
            error_type: reported.0.kind().to_string(),
            error_message: reported.0.to_string(),
        }
    }
}

/// Takes events from the Lambda Runtime API until the process is stopped, handing each to
/// `handler` as JSON text. The response names the control and what was reported.
pub async fn serve<F, Fut>(handler: F) -> Result<(), lambda_runtime::Error>
where
    F: Fn(String, Run) -> Fut,
    Fut: Future<Output = Result<Handled, Failure>>,
{
    let handler = &handler;
    serve_json(move |event, run| async move {
        let handled = handler(event, run).await?;
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
            "stale": handled.stale,
        }))
    })
    .await
}

/// Takes events from the Lambda Runtime API until the process is stopped, handing each to
/// `handler` as JSON text and answering with what it returns.
pub async fn serve_json<F, Fut, R>(handler: F) -> Result<(), lambda_runtime::Error>
where
    F: Fn(String, Run) -> Fut,
    Fut: Future<Output = Result<R, Failure>>,
    R: serde::Serialize,
{
    let handler = &handler;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<Box<RawValue>>| async move {
            let run = Run::until(event.context.deadline);
            // Boxed: the handler's future is deep, and the runtime's own types nest it further.
            Box::pin(handler(event.payload.get().to_string(), run))
                .await
                .map_err(LambdaError)
        },
    ))
    .await
}

//! One error type for every AWS call, saying whether trying again can help.

use std::fmt;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// A failed AWS call, after the SDK's own retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    /// `config:PutEvaluations`…
    pub operation: &'static str,
    /// Throttling, a 5xx, a timeout or a dropped connection: the same call may succeed later.
    pub retryable: bool,
    /// The service's error code (`ResourceNotFoundException`…), when it gave one.
    pub code: Option<String>,
    pub message: String,
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} failed{}: {}",
            self.operation,
            if self.retryable { " (retryable)" } else { "" },
            self.message
        )
    }
}

impl std::error::Error for AwsError {}

/// Error codes that mean "slow down", whatever the service calls them.
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
    "ProvisionedThroughputExceededException",
    "LimitExceededException",
];

impl AwsError {
    pub fn new(operation: &'static str, retryable: bool, message: impl Into<String>) -> Self {
        AwsError {
            operation,
            retryable,
            code: None,
            message: message.into(),
        }
    }

    /// Whether the service answered with this error code.
    pub fn is(&self, code: &str) -> bool {
        self.code.as_deref() == Some(code)
    }

    /// Classifies an error answer: its HTTP status, and the service's error code (`None` when it
    /// gave none) and message.
    pub fn from_service(
        operation: &'static str,
        status: u16,
        code: Option<&str>,
        message: &str,
    ) -> Self {
        let code = code.unwrap_or("Unknown");
        // 429 is throttling whatever code comes with it.
        let retryable = THROTTLING_CODES.contains(&code) || status == 429 || status >= 500;
        AwsError {
            code: Some(code.to_string()),
            ..AwsError::new(
                operation,
                retryable,
                format!("{code} (HTTP {status}): {message}"),
            )
        }
    }

    /// Classifies an SDK error.
    pub fn from_sdk<E>(operation: &'static str, error: SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        match &error {
            SdkError::ServiceError(service) => AwsError::from_service(
                operation,
                service.raw().status().as_u16(),
                service.err().code(),
                service.err().message().unwrap_or_default(),
            ),
            SdkError::TimeoutError(_)
            | SdkError::DispatchFailure(_)
            | SdkError::ResponseError(_) => AwsError::new(operation, true, error_chain(&error)),
            _ => AwsError::new(operation, false, error_chain(&error)),
        }
    }
}

impl AwsError {
    /// A call's output, or `None` when the service answered `absent_code`: there is nothing to
    /// read, which is an answer, not a failure.
    pub fn or_absent<T, E>(
        operation: &'static str,
        absent_code: &str,
        result: Result<T, SdkError<E, HttpResponse>>,
    ) -> Result<Option<T>, AwsError>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        match result {
            Ok(output) => Ok(Some(output)),
            Err(e) => {
                let error = AwsError::from_sdk(operation, e);
                if error.is(absent_code) {
                    Ok(None)
                } else {
                    Err(error)
                }
            }
        }
    }
}

/// The error and its causes, on one line.
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

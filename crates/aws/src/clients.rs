//! SDK clients, built once per process with everything explicit: the region and credentials
//! from the environment Lambda sets (no instance-metadata probing, no profile files), one HTTPS
//! client (rustls with ring), bounded retries and timeouts.

use std::env;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::dns::{DnsFuture, ResolveDns};

/// How the clients reach AWS.
#[derive(Debug, Clone)]
pub struct Settings {
    pub region: String,
    /// `AWS_ENDPOINT_URL` (all services): the local emulator in tests.
    pub endpoint_url: Option<String>,
    /// Attempts per call, throttling and 5xx included (the SDK's standard retry mode, with
    /// jittered exponential backoff).
    pub max_attempts: u32,
    /// The backoff ceiling before the first retry (doubling after each, up to 20 s; the wait is
    /// drawn below it).
    pub initial_backoff: Duration,
    /// Longest wait for one attempt.
    pub attempt_timeout: Duration,
    /// Longest wait for a call, all attempts included.
    pub operation_timeout: Duration,
    /// A local endpoint (the emulator): fixed dummy credentials, and every host name resolves
    /// to 127.0.0.1, so services that put the account id in the host name (S3 Control) reach
    /// it too and nothing can reach beyond the machine. `false` reads the credentials Lambda
    /// sets and resolves names normally.
    pub local: bool,
}

impl Settings {
    /// From the environment: `AWS_REGION` (or `AWS_DEFAULT_REGION`) is required.
    pub fn from_env() -> Result<Self, String> {
        Settings::from_env_in(None)
    }

    /// From the environment, in `region` when one is given (a command line's `--region`).
    pub fn from_env_in(region: Option<String>) -> Result<Self, String> {
        let region = match region {
            Some(region) => region,
            None => env::var("AWS_REGION")
                .or_else(|_| env::var("AWS_DEFAULT_REGION"))
                .map_err(|_| "AWS_REGION is not set".to_string())?,
        };
        Ok(Settings {
            region,
            endpoint_url: env::var("AWS_ENDPOINT_URL").ok().filter(|u| !u.is_empty()),
            max_attempts: 5,
            initial_backoff: Duration::from_secs(1),
            attempt_timeout: Duration::from_secs(5),
            operation_timeout: Duration::from_secs(20),
            local: false,
        })
    }

    /// Settings for a local endpoint (tests).
    pub fn local(region: &str, endpoint_url: &str) -> Self {
        Settings {
            region: region.to_string(),
            endpoint_url: Some(endpoint_url.to_string()),
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            attempt_timeout: Duration::from_secs(5),
            operation_timeout: Duration::from_secs(15),
            local: true,
        }
    }

    /// The shared SDK configuration. Credentials come from the environment variables Lambda
    /// sets (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`).
    pub fn sdk_config(&self) -> SdkConfig {
        let https = aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring));
        let http = if self.local {
            https.build_with_resolver(Loopback)
        } else {
            https.build_https()
        };
        let mut builder = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()))
            .credentials_provider(self.credentials_provider())
            .http_client(http)
            .sleep_impl(
                aws_smithy_async::rt::sleep::default_async_sleep().unwrap_or_else(|| {
                    aws_smithy_async::rt::sleep::SharedAsyncSleep::new(
                        aws_smithy_async::rt::sleep::TokioSleep::new(),
                    )
                }),
            )
            .time_source(aws_smithy_async::time::SystemTimeSource::new())
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(self.max_attempts)
                    .with_initial_backoff(self.initial_backoff),
            )
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_attempt_timeout(self.attempt_timeout)
                    .operation_timeout(self.operation_timeout)
                    .build(),
            );
        if let Some(url) = &self.endpoint_url {
            builder = builder.endpoint_url(url.clone());
        }
        builder.build()
    }
}

impl Settings {
    /// Where the credentials come from: the fixed test ones for a local endpoint, else the
    /// environment variables Lambda sets.
    pub(crate) fn credentials_provider(&self) -> SharedCredentialsProvider {
        if self.local {
            SharedCredentialsProvider::new(Credentials::new(
                "testing",
                "testing",
                None,
                None,
                "ourside-local",
            ))
        } else {
            SharedCredentialsProvider::new(
                aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
            )
        }
    }

    /// The HTTPS connector the SDK clients' HTTP client builds, for calls made without an SDK
    /// client: the same TLS, name resolution and connect timeout.
    #[cfg(any(feature = "securityhub", feature = "account"))]
    pub(crate) fn connector(&self) -> aws_smithy_http_client::Connector {
        use aws_smithy_runtime_api::client::http::HttpConnectorSettings;
        let builder = aws_smithy_http_client::Connector::builder()
            .connector_settings(
                HttpConnectorSettings::builder()
                    .connect_timeout(SDK_CONNECT_TIMEOUT)
                    .build(),
            )
            .sleep_impl(aws_smithy_async::rt::sleep::TokioSleep::new())
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring));
        if self.local {
            builder.build_with_resolver(Loopback)
        } else {
            builder.build()
        }
    }
}

/// The connect timeout the SDK clients get by default (their behavior version's).
#[cfg(any(feature = "securityhub", feature = "account"))]
const SDK_CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);

/// Resolves every name to 127.0.0.1 (local endpoints only).
#[derive(Debug, Clone, Copy)]
struct Loopback;

impl ResolveDns for Loopback {
    fn resolve_dns<'a>(&'a self, _name: &'a str) -> DnsFuture<'a> {
        DnsFuture::ready(Ok(vec![IpAddr::V4(Ipv4Addr::LOCALHOST)]))
    }
}

//! Signed JSON calls to an AWS API without its SDK crate, for a service whose SDK costs far
//! more than the calls made (Security Hub's links the serialisers of the whole finding format
//! for two requests; CloudTrail's, Secrets Manager's, CloudWatch Logs' and GuardDuty's the
//! whole of their APIs for the seven calls periodic controls make). Both JSON protocols are
//! spoken: REST-JSON ([`RestJson`]: the operation is the method and path) and JSON 1.1
//! ([`AwsJson`]: every call is `POST /`, the operation named by `X-Amz-Target`). What the SDK
//! clients do around a call is kept: the same HTTPS connector and credentials ([`Settings`]),
//! SigV4, and the standard retry mode's attempts, classification, backoff and timeouts.

use std::fmt;
use std::time::{Duration, SystemTime};

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::http::{HttpConnector, SharedHttpConnector};
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::http::Headers;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use serde::Deserialize;
#[cfg(feature = "account")]
use serde::{de::DeserializeOwned, Serialize};

use crate::clients::Settings;
use crate::error::{error_chain, AwsError};

/// The longest wait between two attempts (the SDK's).
const MAX_BACKOFF: Duration = Duration::from_secs(20);

/// Error codes the SDK's standard retry mode tries again whatever the status: throttling, then
/// transient errors.
const RETRIED_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "RequestTimeout",
    "RequestTimeoutException",
];

/// HTTP statuses the SDK's standard retry mode tries again.
const RETRIED_STATUSES: &[u16] = &[500, 502, 503, 504];

/// How the calls made here reach AWS, as [`Settings`] say: one HTTPS connector (its TLS set-up
/// and connection pool built once, then shared by every service's calls as the SDK clients
/// share theirs), the credentials, the region, and how long and how often each call is tried.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    region: String,
    /// [`Settings::endpoint_url`] (scheme and authority, no trailing slash): every region's
    /// endpoint when set, else each region has its own.
    endpoint_url: Option<String>,
    connector: SharedHttpConnector,
    credentials: SharedCredentialsProvider,
    max_attempts: u32,
    initial_backoff: Duration,
    attempt_timeout: Duration,
    operation_timeout: Duration,
}

impl Transport {
    pub(crate) fn new(settings: &Settings) -> Self {
        Transport {
            region: settings.region.clone(),
            endpoint_url: settings
                .endpoint_url
                .as_ref()
                .map(|url| url.trim_end_matches('/').to_string()),
            connector: SharedHttpConnector::new(settings.connector()),
            credentials: settings.credentials_provider(),
            max_attempts: settings.max_attempts.max(1),
            initial_backoff: settings.initial_backoff,
            attempt_timeout: settings.attempt_timeout,
            operation_timeout: settings.operation_timeout,
        }
    }
}

/// One service's API: where its calls go and how they are signed. [`RestJson`] and [`AwsJson`]
/// frame the requests.
#[derive(Debug, Clone)]
struct Service {
    /// The signing name, also the endpoint's first label (`securityhub`, `logs`).
    name: &'static str,
    transport: Transport,
}

/// One request as each attempt sends it, before signing.
#[derive(Debug)]
struct Request {
    method: &'static str,
    /// The path and the query, encoded.
    path: String,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

/// Why one attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Failure {
    /// The service answered with an error.
    Service {
        status: u16,
        code: Option<String>,
        message: String,
    },
    /// A success answer that could not be read (the SDK's response error: tried again).
    Unreadable { status: u16, reason: String },
    /// No answer within the attempt timeout.
    TimedOut,
    /// The request did not get through or the answer was cut off: a refused, reset or dropped
    /// connection.
    Transport(String),
    /// Nothing was sent: no credentials, or a request that cannot be signed.
    NotSent(String),
}

impl Failure {
    /// Whether the SDK's standard retry mode makes another attempt after this.
    fn retried(&self) -> bool {
        match self {
            Failure::Service { status, code, .. } => {
                *status == 429
                    || RETRIED_STATUSES.contains(status)
                    || code.as_deref().is_some_and(|c| RETRIED_CODES.contains(&c))
            }
            Failure::Unreadable { .. } | Failure::TimedOut | Failure::Transport(_) => true,
            Failure::NotSent(_) => false,
        }
    }

    /// The error the caller gets, classified as [`AwsError::from_sdk`] classifies the SDK's.
    fn into_error(self, operation: &'static str, attempts: u32, timeout: Duration) -> AwsError {
        match self {
            Failure::Service {
                status,
                code,
                message,
            } => AwsError::from_service(operation, status, code.as_deref(), &message),
            Failure::Unreadable { status, reason } => AwsError::new(
                operation,
                true,
                format!("unreadable answer (HTTP {status}): {reason}"),
            ),
            Failure::TimedOut => AwsError::new(
                operation,
                true,
                format!("no answer within {timeout:?} ({})", Attempts(attempts)),
            ),
            Failure::Transport(reason) => AwsError::new(
                operation,
                true,
                format!("{reason} ({})", Attempts(attempts)),
            ),
            Failure::NotSent(reason) => AwsError::new(operation, false, reason),
        }
    }
}

struct Attempts(u32);

impl fmt::Display for Attempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            1 => write!(f, "1 attempt"),
            n => write!(f, "{n} attempts"),
        }
    }
}

impl Service {
    fn new(name: &'static str, transport: &Transport) -> Self {
        Service {
            name,
            transport: transport.clone(),
        }
    }

    /// Scheme and authority of the endpoint, no trailing slash: the settings' when set (the
    /// emulator), else the service's regional endpoint.
    fn endpoint(&self) -> String {
        match &self.transport.endpoint_url {
            Some(url) => url.clone(),
            None => regional_endpoint(self.name, &self.transport.region),
        }
    }

    /// The same API in `region`, as an SDK client whose region is changed: signed for
    /// `region`, sent to its endpoint (or still to the set one).
    #[cfg(feature = "account")]
    fn in_region(&self, region: &str) -> Self {
        let mut other = self.clone();
        other.transport.region = region.to_string();
        other
    }

    /// Sends `request` until it succeeds or the retry mode gives up; the answer as `read`
    /// makes it out of a success body. An answer `read` refuses counts as a failed attempt, as
    /// the SDK counts an undecodable one.
    async fn send<T>(
        &self,
        operation: &'static str,
        request: &Request,
        read: impl Fn(&[u8]) -> Result<T, serde_json::Error>,
    ) -> Result<T, AwsError> {
        let attempts = self.attempts(operation, request, &read);
        match tokio::time::timeout(self.transport.operation_timeout, attempts).await {
            Ok(result) => result,
            Err(_) => Err(AwsError::new(
                operation,
                true,
                format!(
                    "no answer within the operation timeout ({:?})",
                    self.transport.operation_timeout
                ),
            )),
        }
    }

    async fn attempts<T>(
        &self,
        operation: &'static str,
        request: &Request,
        read: &impl Fn(&[u8]) -> Result<T, serde_json::Error>,
    ) -> Result<T, AwsError> {
        let mut attempt = 1;
        loop {
            let outcome =
                tokio::time::timeout(self.transport.attempt_timeout, self.attempt(request))
                    .await
                    .unwrap_or(Err(Failure::TimedOut))
                    .and_then(|(status, answer)| {
                        read(&answer).map_err(|e| Failure::Unreadable {
                            status,
                            reason: e.to_string(),
                        })
                    });
            match outcome {
                Ok(answer) => return Ok(answer),
                Err(failure) if failure.retried() && attempt < self.transport.max_attempts => {
                    tokio::time::sleep(backoff(
                        fastrand::f64(),
                        self.transport.initial_backoff,
                        attempt,
                    ))
                    .await;
                    attempt += 1;
                }
                Err(failure) => {
                    return Err(failure.into_error(
                        operation,
                        attempt,
                        self.transport.attempt_timeout,
                    ))
                }
            }
        }
    }

    /// `request` as sent to this endpoint, not yet signed.
    fn http_request(&self, request: &Request) -> Result<HttpRequest, Failure> {
        let mut http = HttpRequest::new(SdkBody::from(request.body.clone()));
        http.set_method(request.method)
            .map_err(|e| Failure::NotSent(error_chain(&e)))?;
        let endpoint = self.endpoint();
        http.set_uri(format!("{endpoint}{}", request.path))
            .map_err(|e| Failure::NotSent(format!("endpoint {endpoint}: {e}")))?;
        for (name, value) in &request.headers {
            http.headers_mut().insert(*name, value.clone());
        }
        Ok(http)
    }

    /// One signed attempt: the success answer's status and body, or why there is none.
    async fn attempt(&self, request: &Request) -> Result<(u16, Vec<u8>), Failure> {
        let credentials = self
            .transport
            .credentials
            .provide_credentials()
            .await
            .map_err(|e| Failure::NotSent(format!("no credentials: {}", error_chain(&e))))?;
        let mut http = self.http_request(request)?;
        sign_request(
            &mut http,
            &request.body,
            &credentials,
            &self.transport.region,
            self.name,
            SystemTime::now(),
        )
        .map_err(Failure::NotSent)?;
        let response = self
            .transport
            .connector
            .call(http)
            .await
            .map_err(|e| Failure::Transport(error_chain(&e)))?;
        let status = response.status().as_u16();
        let success = (200..300).contains(&status);
        // Only an error answer's headers are read (its code); the body consumes the response.
        let error_headers = (!success).then(|| response.headers().clone());
        let answer = ByteStream::new(response.into_body())
            .collect()
            .await
            .map_err(|e| Failure::Transport(error_chain(&e)))?
            .to_vec();
        match error_headers {
            None => Ok((status, answer)),
            Some(headers) => {
                let (code, message) = error_details(&headers, &answer);
                Err(Failure::Service {
                    status,
                    code,
                    message,
                })
            }
        }
    }
}

/// One service's REST-JSON API (restJson1) in one region: each operation its own method and
/// path, JSON bodies.
#[derive(Debug, Clone)]
pub(crate) struct RestJson {
    service: Service,
}

impl RestJson {
    /// `service`'s API (its signing name and endpoint label) as `transport` reaches it.
    pub(crate) fn new(service: &'static str, transport: &Transport) -> Self {
        RestJson {
            service: Service::new(service, transport),
        }
    }

    /// `POST path` with a JSON body; the answer as `read` makes it out of a success body. An
    /// answer `read` refuses counts as a failed attempt, as the SDK counts an undecodable one.
    #[cfg(feature = "securityhub")]
    pub(crate) async fn post<T>(
        &self,
        operation: &'static str,
        path: &str,
        body: Vec<u8>,
        read: impl Fn(&[u8]) -> Result<T, serde_json::Error>,
    ) -> Result<T, AwsError> {
        self.service
            .send(operation, &RestJson::post_request(path, body), read)
            .await
    }

    #[cfg(feature = "securityhub")]
    fn post_request(path: &str, body: Vec<u8>) -> Request {
        Request {
            method: "POST",
            path: path.to_string(),
            headers: vec![("content-type", "application/json".to_string())],
            body,
        }
    }

    /// `GET path?query` (`path` already encoded, the query's names and values encoded here),
    /// its JSON answer decoded.
    #[cfg(feature = "account")]
    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, AwsError> {
        self.service
            .send(operation, &RestJson::get_request(path, query), |answer| {
                serde_json::from_slice(answer)
            })
            .await
    }

    #[cfg(feature = "account")]
    fn get_request(path: &str, query: &[(&str, &str)]) -> Request {
        let mut path = path.to_string();
        for (i, (name, value)) in query.iter().enumerate() {
            path.push(if i == 0 { '?' } else { '&' });
            path.push_str(&encode(name));
            path.push('=');
            path.push_str(&encode(value));
        }
        Request {
            method: "GET",
            path,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }
}

/// One service's JSON 1.1 API (awsJson1_1) in one region: every call `POST /` with a JSON
/// body, the operation named by `X-Amz-Target: PREFIX.Operation`.
#[cfg(feature = "account")]
#[derive(Debug, Clone)]
pub(crate) struct AwsJson {
    service: Service,
    /// The service model's `targetPrefix` (`Logs_20140328`).
    target_prefix: &'static str,
}

#[cfg(feature = "account")]
impl AwsJson {
    /// `service`'s API (its signing name and endpoint label) as `transport` reaches it.
    pub(crate) fn new(
        service: &'static str,
        target_prefix: &'static str,
        transport: &Transport,
    ) -> Self {
        AwsJson {
            service: Service::new(service, transport),
            target_prefix,
        }
    }

    /// The same API in `region` (see [`Service::in_region`]).
    pub(crate) fn in_region(&self, region: &str) -> Self {
        AwsJson {
            service: self.service.in_region(region),
            target_prefix: self.target_prefix,
        }
    }

    /// `operation` (`logs:DescribeLogGroups`: the name after the colon is the API's) with
    /// `input` as its body, its JSON answer decoded.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        input: &impl Serialize,
    ) -> Result<T, AwsError> {
        let body = serde_json::to_vec(input)
            .map_err(|e| AwsError::new(operation, false, e.to_string()))?;
        self.service
            .send(operation, &self.request(operation, body), |answer| {
                serde_json::from_slice(answer)
            })
            .await
    }

    fn request(&self, operation: &str, body: Vec<u8>) -> Request {
        let name = operation.rsplit(':').next().unwrap_or(operation);
        Request {
            method: "POST",
            path: "/".to_string(),
            headers: vec![
                ("content-type", "application/x-amz-json-1.1".to_string()),
                ("x-amz-target", format!("{}.{name}", self.target_prefix)),
            ],
            body,
        }
    }
}

/// Characters a path segment or a query name or value keeps as they are (RFC 3986's
/// unreserved); every other byte is percent-encoded, as the SDK encodes labels and queries.
#[cfg(feature = "account")]
const ENCODED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `value` as one path segment or query name or value.
#[cfg(feature = "account")]
pub(crate) fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, ENCODED).to_string()
}

/// `https://SERVICE.REGION.amazonaws.com` (`.com.cn` in the China regions). Other partitions
/// need [`Settings::endpoint_url`].
fn regional_endpoint(service: &str, region: &str) -> String {
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("https://{service}.{region}.{suffix}")
}

/// The wait before attempt `attempt + 1`: `jitter` (0 to 1) of the initial backoff doubled
/// after each attempt, itself at most 20 s (the SDK's full jitter).
fn backoff(jitter: f64, initial: Duration, attempt: u32) -> Duration {
    let ceiling = 2u32
        .checked_pow(attempt.saturating_sub(1))
        .and_then(|factor| initial.checked_mul(factor))
        .map_or(MAX_BACKOFF, |d| d.min(MAX_BACKOFF));
    ceiling.mul_f64(jitter.clamp(0.0, 1.0))
}

/// Adds SigV4's headers (`x-amz-date`, `authorization`, `x-amz-security-token` with temporary
/// credentials) to `request`, signing its method, URI, headers and `body` as the SDK signs a
/// JSON request (header signature, no payload hash header, normalised path).
fn sign_request(
    request: &mut HttpRequest,
    body: &[u8],
    credentials: &Credentials,
    region: &str,
    service: &str,
    time: SystemTime,
) -> Result<(), String> {
    let identity = Identity::from(credentials.clone());
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| format!("cannot sign the request: {e}"))?
        .into();
    let signable = SignableRequest::new(
        request.method(),
        request.uri(),
        request.headers().iter(),
        SignableBody::Bytes(body),
    )
    .map_err(|e| format!("cannot sign the request: {}", error_chain(&e)))?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| format!("cannot sign the request: {}", error_chain(&e)))?
        .into_parts();
    let (headers, _query) = instructions.into_parts();
    for header in headers {
        request
            .headers_mut()
            .insert(header.name(), header.value().to_string());
    }
    Ok(())
}

/// The members of a REST-JSON error body that say what went wrong, however the service spells
/// them.
#[derive(Deserialize)]
struct ErrorBody {
    #[serde(rename = "__type")]
    type_: Option<String>,
    code: Option<String>,
    #[serde(rename = "Code")]
    code_upper: Option<String>,
    message: Option<String>,
    #[serde(rename = "Message")]
    message_upper: Option<String>,
    #[serde(rename = "errorMessage")]
    error_message: Option<String>,
}

/// The longest part of a non-JSON error body kept in a message.
const MAX_RAW_MESSAGE: usize = 200;

/// The error code and message of an error answer, in either JSON protocol. The code is the
/// `x-amzn-ErrorType` header's, else the body's `code`, `__type` (JSON 1.1's) or `Code`: the
/// SDK's order, `Code` (Security Hub's spelling) last.
fn error_details(headers: &Headers, body: &[u8]) -> (Option<String>, String) {
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    let from_body = parsed.as_ref().and_then(|b| {
        b.code
            .as_ref()
            .or(b.type_.as_ref())
            .or(b.code_upper.as_ref())
    });
    let code = headers
        .get("x-amzn-errortype")
        .or(from_body.map(String::as_str))
        .map(sanitize_error_code)
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    let message = match parsed {
        Some(b) => b
            .message
            .or(b.message_upper)
            .or(b.error_message)
            .unwrap_or_default(),
        None => {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            match text.char_indices().nth(MAX_RAW_MESSAGE) {
                Some((end, _)) => format!("{}…", &text[..end]),
                None => text.to_string(),
            }
        }
    };
    (code, message)
}

/// The bare code out of `aws.protocoltests#ThrottlingException:http://internal.amazon.com/…`:
/// without what follows a `:` and what precedes a `#`.
fn sanitize_error_code(code: &str) -> &str {
    let code = code.split(':').next().unwrap_or_default();
    code.rsplit('#').next().unwrap_or_default().trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> Headers {
        let mut headers = Headers::new();
        for (name, value) in pairs {
            headers.insert(*name, *value);
        }
        headers
    }

    /// 2015-08-30T12:36:00Z, the signing test suite's time.
    fn suite_time() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160)
    }

    fn suite_credentials(token: Option<&str>) -> Credentials {
        Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            token.map(str::to_string),
            None,
            "test",
        )
    }

    fn signed(
        method: &str,
        extra: &[(&'static str, &'static str)],
        token: Option<&str>,
    ) -> Headers {
        let mut request = HttpRequest::new(SdkBody::empty());
        request.set_method(method).unwrap();
        request.set_uri("https://example.amazonaws.com/").unwrap();
        for (name, value) in extra {
            request.headers_mut().insert(*name, *value);
        }
        sign_request(
            &mut request,
            b"",
            &suite_credentials(token),
            "us-east-1",
            "service",
            suite_time(),
        )
        .unwrap();
        request.headers().clone()
    }

    // The expected values are those of the AWS SigV4 test suite (post-vanilla,
    // post-header-key-sort, get-vanilla-with-session-token).
    #[test]
    fn requests_are_signed_as_the_sigv4_test_suite_says() {
        let post = signed("POST", &[], None);
        assert_eq!(post.get("x-amz-date"), Some("20150830T123600Z"));
        assert_eq!(
            post.get("authorization"),
            Some("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")
        );
        let with_header = signed("POST", &[("My-Header1", "value1")], None);
        assert_eq!(
            with_header.get("authorization"),
            Some("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c")
        );
        let token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
        let temporary = signed("GET", &[], Some(token));
        assert_eq!(temporary.get("x-amz-security-token"), Some(token));
        assert_eq!(
            temporary.get("authorization"),
            Some("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8")
        );
    }

    #[test]
    fn a_json_call_signs_its_content_type_and_its_host_with_the_port() {
        let mut request = HttpRequest::new(SdkBody::from("{}"));
        request.set_method("POST").unwrap();
        request.set_uri("http://127.0.0.1:5000/findings").unwrap();
        request
            .headers_mut()
            .insert("content-type", "application/json");
        sign_request(
            &mut request,
            b"{}",
            &suite_credentials(None),
            "eu-west-1",
            "securityhub",
            suite_time(),
        )
        .unwrap();
        let authorization = request.headers().get("authorization").unwrap();
        assert!(
            authorization.contains("/20150830/eu-west-1/securityhub/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="),
            "{authorization}"
        );
    }

    #[test]
    fn error_codes_come_from_the_header_first_then_the_body() {
        let (code, message) = error_details(
            &headers(&[("x-amzn-ErrorType", "TooManyRequestsException")]),
            br#"{"message":"Rate exceeded"}"#,
        );
        assert_eq!(code.as_deref(), Some("TooManyRequestsException"));
        assert_eq!(message, "Rate exceeded");
        let (code, message) = error_details(
            &headers(&[]),
            br#"{"__type":"InvalidInputException","Message":"bad filter"}"#,
        );
        assert_eq!(code.as_deref(), Some("InvalidInputException"));
        assert_eq!(message, "bad filter");
        let (code, message) = error_details(
            &headers(&[]),
            br#"{"Code":"InvalidAccessException","Message":"not subscribed"}"#,
        );
        assert_eq!(code.as_deref(), Some("InvalidAccessException"));
        assert_eq!(message, "not subscribed");
        let (code, _) = error_details(&headers(&[]), br#"{"code":"LimitExceededException"}"#);
        assert_eq!(code.as_deref(), Some("LimitExceededException"));
    }

    #[test]
    fn a_body_names_its_code_before_its_type_as_the_sdk_reads_it() {
        let (code, _) = error_details(
            &headers(&[]),
            br#"{"code":"BarError","__type":"FooError","Code":"BazError"}"#,
        );
        assert_eq!(code.as_deref(), Some("BarError"));
        let (code, _) = error_details(&headers(&[]), br#"{"__type":"FooError","Code":"Baz"}"#);
        assert_eq!(code.as_deref(), Some("FooError"));
    }

    // Error answers as the JSON services send them (JSON 1.1: the code in `__type`, sometimes
    // namespaced; REST-JSON: the header, whose code wins over the body's).
    #[test]
    fn error_answers_of_both_json_protocols() {
        let (code, message) = error_details(
            &headers(&[]),
            br#"{"__type":"com.amazonaws.cloudtrail.v20131101#TrailNotFoundException","message":"Unknown trail: arn:aws:cloudtrail:eu-west-1:111122223333:trail/org"}"#,
        );
        assert_eq!(code.as_deref(), Some("TrailNotFoundException"));
        assert!(message.starts_with("Unknown trail"), "{message}");
        let (code, message) = error_details(
            &headers(&[]),
            br#"{"__type":"ResourceNotFoundException","Message":"Secrets Manager can't find the specified secret."}"#,
        );
        assert_eq!(code.as_deref(), Some("ResourceNotFoundException"));
        assert_eq!(message, "Secrets Manager can't find the specified secret.");
        let (code, _) = error_details(
            &headers(&[]),
            br#"{"__type":"com.amazon.coral.availability#ThrottlingException","message":"Rate exceeded"}"#,
        );
        assert!(service(400, code.as_deref()).retried(), "{code:?}");
        // GuardDuty (and moto): the header's type and the body's disagree; the header wins.
        let (code, message) = error_details(
            &headers(&[(
                "x-amzn-ErrorType",
                "BadRequestException:http://internal.amazon.com/coral/com.amazon.coral.validate/",
            )]),
            br#"{"__type":"InvalidInputException","message":"The request is rejected because the input detectorId is not owned by the current account."}"#,
        );
        assert_eq!(code.as_deref(), Some("BadRequestException"));
        assert!(message.starts_with("The request is rejected"), "{message}");
    }

    #[test]
    fn error_codes_lose_their_namespace_and_their_url() {
        assert_eq!(
            sanitize_error_code(
                "aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"
            ),
            "FooError"
        );
        assert_eq!(sanitize_error_code("FooError:http://x"), "FooError");
        assert_eq!(sanitize_error_code("com.amazon#FooError"), "FooError");
        assert_eq!(sanitize_error_code("FooError"), "FooError");
        let (code, _) = error_details(
            &headers(&[("x-amzn-errortype", "InternalException:http://x/")]),
            b"",
        );
        assert_eq!(code.as_deref(), Some("InternalException"));
    }

    #[test]
    fn an_error_body_that_is_not_json_is_the_message() {
        let (code, message) = error_details(&headers(&[]), b"<html>Bad Gateway</html>");
        assert_eq!(code, None);
        assert_eq!(message, "<html>Bad Gateway</html>");
        let (_, long) = error_details(&headers(&[]), "é".repeat(500).as_bytes());
        assert_eq!(long.chars().count(), MAX_RAW_MESSAGE + 1);
    }

    fn service(status: u16, code: Option<&str>) -> Failure {
        Failure::Service {
            status,
            code: code.map(str::to_string),
            message: "m".to_string(),
        }
    }

    #[test]
    fn throttling_5xx_timeouts_and_dropped_connections_are_tried_again() {
        for failure in [
            service(429, Some("TooManyRequestsException")),
            service(429, None),
            service(400, Some("ThrottlingException")),
            service(400, Some("Throttling")),
            service(400, Some("TooManyRequestsException")),
            service(429, Some("LimitExceededException")),
            service(500, Some("InternalException")),
            service(502, None),
            service(503, Some("ServiceUnavailable")),
            service(504, None),
            service(408, Some("RequestTimeoutException")),
            Failure::TimedOut,
            Failure::Transport("connection reset".to_string()),
            Failure::Unreadable {
                status: 200,
                reason: "EOF".to_string(),
            },
        ] {
            assert!(failure.retried(), "{failure:?}");
        }
        for failure in [
            service(400, Some("InvalidInputException")),
            service(401, Some("InvalidAccessException")),
            service(403, Some("AccessDeniedException")),
            service(404, None),
            service(501, None),
            Failure::NotSent("no credentials".to_string()),
        ] {
            assert!(!failure.retried(), "{failure:?}");
        }
    }

    #[test]
    fn errors_say_what_the_sdk_mapping_says() {
        let t = Duration::from_millis(300);
        let throttled = service(429, Some("TooManyRequestsException")).into_error("x:Y", 3, t);
        assert!(throttled.retryable);
        assert!(throttled.is("TooManyRequestsException"));
        assert_eq!(
            throttled.to_string(),
            "x:Y failed (retryable): TooManyRequestsException (HTTP 429): m"
        );
        let refused = service(400, Some("InvalidInputException")).into_error("x:Y", 1, t);
        assert!(!refused.retryable);
        assert_eq!(refused.message, "InvalidInputException (HTTP 400): m");
        let unnamed = service(502, None).into_error("x:Y", 1, t);
        assert!(unnamed.retryable);
        assert!(unnamed.is("Unknown"));
        for failure in [Failure::TimedOut, Failure::Transport("reset".to_string())] {
            let error = failure.into_error("x:Y", 2, t);
            assert!(error.retryable && error.code.is_none(), "{error}");
            assert!(error.message.contains("2 attempts"), "{error}");
        }
        let not_sent = Failure::NotSent("no credentials".to_string()).into_error("x:Y", 1, t);
        assert!(!not_sent.retryable);
    }

    #[test]
    fn backoff_doubles_under_full_jitter_up_to_twenty_seconds() {
        let initial = Duration::from_secs(1);
        assert_eq!(backoff(1.0, initial, 1), Duration::from_secs(1));
        assert_eq!(backoff(1.0, initial, 2), Duration::from_secs(2));
        assert_eq!(backoff(1.0, initial, 3), Duration::from_secs(4));
        assert_eq!(backoff(0.5, initial, 3), Duration::from_secs(2));
        assert_eq!(backoff(0.0, initial, 3), Duration::ZERO);
        assert_eq!(backoff(1.0, initial, 6), MAX_BACKOFF);
        assert_eq!(backoff(1.0, initial, 1000), MAX_BACKOFF);
        assert_eq!(
            backoff(1.0, Duration::from_millis(20), 2),
            Duration::from_millis(40)
        );
    }

    #[test]
    fn the_endpoint_is_the_settings_one_else_the_regional_one() {
        assert_eq!(
            regional_endpoint("securityhub", "eu-west-1"),
            "https://securityhub.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            regional_endpoint("securityhub", "cn-north-1"),
            "https://securityhub.cn-north-1.amazonaws.com.cn"
        );
        let local = RestJson::new(
            "securityhub",
            &Transport::new(&Settings::local("eu-west-1", "http://127.0.0.1:5000/")),
        );
        assert_eq!(local.service.endpoint(), "http://127.0.0.1:5000");
    }

    /// The transport to a local endpoint, or to AWS itself with `None`.
    fn transport(endpoint_url: Option<&str>) -> Transport {
        Transport::new(&Settings {
            endpoint_url: endpoint_url.map(str::to_string),
            ..Settings::local("eu-west-1", "http://127.0.0.1:5000")
        })
    }

    /// `request` as `service` sends it, signed.
    fn sent(service: &Service, request: &Request) -> HttpRequest {
        let mut http = service.http_request(request).unwrap();
        sign_request(
            &mut http,
            &request.body,
            &suite_credentials(None),
            &service.transport.region,
            service.name,
            suite_time(),
        )
        .unwrap();
        http
    }

    #[cfg(feature = "securityhub")]
    #[test]
    fn a_rest_post_is_json_to_its_path() {
        let hub = RestJson::new("securityhub", &transport(Some("http://127.0.0.1:5000")));
        let http = sent(
            &hub.service,
            &RestJson::post_request("/findings", b"{}".to_vec()),
        );
        assert_eq!(http.method(), "POST");
        assert_eq!(http.uri(), "http://127.0.0.1:5000/findings");
        assert_eq!(http.headers().get("content-type"), Some("application/json"));
        assert_eq!(http.body().bytes(), Some(&b"{}"[..]));
    }

    #[cfg(feature = "account")]
    #[test]
    fn a_json_1_1_call_posts_to_the_root_and_names_its_operation_in_the_target() {
        let logs = AwsJson::new("logs", "Logs_20140328", &transport(None));
        let request = logs.request("logs:DescribeLogGroups", br#"{"limit":50}"#.to_vec());
        let http = sent(&logs.service, &request);
        assert_eq!(http.method(), "POST");
        assert_eq!(http.uri(), "https://logs.eu-west-1.amazonaws.com/");
        assert_eq!(
            http.headers().get("content-type"),
            Some("application/x-amz-json-1.1")
        );
        assert_eq!(
            http.headers().get("x-amz-target"),
            Some("Logs_20140328.DescribeLogGroups")
        );
        assert_eq!(http.body().bytes(), Some(&br#"{"limit":50}"#[..]));
        // The target is signed with the content type, as the SDK signs every header it sets.
        let authorization = http.headers().get("authorization").unwrap();
        assert!(
            authorization.contains("/20150830/eu-west-1/logs/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature="),
            "{authorization}"
        );
    }

    #[cfg(feature = "account")]
    #[test]
    fn another_region_is_signed_for_and_reached_at_its_own_endpoint() {
        let prefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101";
        let home = AwsJson::new("cloudtrail", prefix, &transport(None)).in_region("us-east-1");
        let request = home.request("cloudtrail:GetTrailStatus", b"{}".to_vec());
        let http = sent(&home.service, &request);
        assert_eq!(http.uri(), "https://cloudtrail.us-east-1.amazonaws.com/");
        assert_eq!(
            http.headers().get("x-amz-target"),
            Some("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.GetTrailStatus")
        );
        assert!(http
            .headers()
            .get("authorization")
            .unwrap()
            .contains("/us-east-1/cloudtrail/aws4_request"));
        // A set endpoint (the emulator) serves every region; the signature still names it.
        let local = AwsJson::new(
            "cloudtrail",
            prefix,
            &transport(Some("http://127.0.0.1:5000")),
        )
        .in_region("us-east-1");
        let http = sent(&local.service, &request);
        assert_eq!(http.uri(), "http://127.0.0.1:5000/");
        assert!(http
            .headers()
            .get("authorization")
            .unwrap()
            .contains("/us-east-1/cloudtrail/aws4_request"));
    }

    #[cfg(feature = "account")]
    #[test]
    fn a_rest_get_has_its_query_encoded_and_no_body() {
        let guardduty = RestJson::new("guardduty", &transport(None));
        let first = sent(&guardduty.service, &RestJson::get_request("/detector", &[]));
        assert_eq!(first.method(), "GET");
        assert_eq!(
            first.uri(),
            "https://guardduty.eu-west-1.amazonaws.com/detector"
        );
        assert_eq!(first.headers().get("content-type"), None);
        assert_eq!(first.body().bytes(), Some(&b""[..]));
        let next = sent(
            &guardduty.service,
            &RestJson::get_request("/detector", &[("nextToken", "a+b/c=="), ("x", "1 2")]),
        );
        assert_eq!(
            next.uri(),
            "https://guardduty.eu-west-1.amazonaws.com/detector?nextToken=a%2Bb%2Fc%3D%3D&x=1%202"
        );
        assert_eq!(encode("6b21~-._:/é"), "6b21~-._%3A%2F%C3%A9");
    }
}

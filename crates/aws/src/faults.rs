//! A fault-injecting proxy for tests (unused by the functions' code, so linked into none of
//! them). It listens on a free loopback port between the SDK clients and the local emulator and
//! answers a chosen share of each operation's calls the way a struggling AWS does: throttling,
//! HTTP 500 and 503 in the service's own wire format, answers slower than the client waits, and
//! connections closed without an answer. The other calls go through unchanged.
//!
//! Which calls fail is drawn from a seeded generator per operation, so a plan fails the same
//! share every run. The proxy counts what it did per operation (`service:Operation`, as
//! [`AwsError`](crate::AwsError) names calls), and can keep the bodies of the calls it
//! forwarded, for tests that check what reached the service.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::clients::Settings;
use crate::emulator::REGION;
use crate::http1::{self, Request};

/// What the proxy does to a call it fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The service's throttling error: `ThrottlingException` (JSON protocols, HTTP 400),
    /// `TooManyRequestsException` (REST protocols, HTTP 429), `Throttling` (query protocol,
    /// HTTP 400).
    Throttle,
    /// HTTP 500, `InternalFailure`.
    InternalError,
    /// HTTP 503, `ServiceUnavailable`.
    Unavailable,
    /// The call is forwarded and the service acts on it, but the answer is held back this
    /// long: past the client's timeout, the caller counts as failed a call that happened.
    Slow(Duration),
    /// The connection is closed without an answer; nothing is forwarded.
    Dropped,
}

impl Fault {
    /// The fault's name in [`Tally::faults`].
    pub fn name(&self) -> &'static str {
        match self {
            Fault::Throttle => "throttled",
            Fault::InternalError => "500",
            Fault::Unavailable => "503",
            Fault::Slow(_) => "slow",
            Fault::Dropped => "dropped",
        }
    }

    /// Every kind, slow ones held back `slow`.
    pub fn all(slow: Duration) -> Vec<Fault> {
        vec![
            Fault::Throttle,
            Fault::InternalError,
            Fault::Unavailable,
            Fault::Slow(slow),
            Fault::Dropped,
        ]
    }
}

/// Which calls fail, and how.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    seed: u64,
    rules: Vec<Rule>,
    recorded: Vec<String>,
}

#[derive(Debug, Clone)]
struct Rule {
    operations: String,
    share: f64,
    faults: Vec<Fault>,
}

/// Whether `operation` (`sqs:SendMessageBatch`) is one of `pattern`: the same name,
/// `service:*`, or `*`.
fn matches(pattern: &str, operation: &str) -> bool {
    pattern == "*"
        || pattern == operation
        || pattern
            .strip_suffix('*')
            .is_some_and(|prefix| prefix.ends_with(':') && operation.starts_with(prefix))
}

impl Plan {
    /// Nothing fails; decisions drawn from `seed` once rules are added.
    pub fn seeded(seed: u64) -> Plan {
        Plan {
            seed,
            ..Plan::default()
        }
    }

    /// `share` (0 to 1) of the calls to `operations` (`config:PutEvaluations`, `sqs:*`, `*`)
    /// fail, each with one of `faults` drawn at random. The first rule an operation matches
    /// decides for it.
    pub fn fail(mut self, operations: &str, share: f64, faults: &[Fault]) -> Plan {
        self.rules.push(Rule {
            operations: operations.to_string(),
            share: share.clamp(0.0, 1.0),
            faults: faults.to_vec(),
        });
        self
    }

    /// Keeps the request bodies of the calls to `operations` that reached the service and
    /// were answered with success ([`FaultProxy::delivered`]).
    pub fn record(mut self, operations: &str) -> Plan {
        self.recorded.push(operations.to_string());
        self
    }

    fn rule(&self, operation: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| matches(&r.operations, operation))
    }
}

/// What the proxy did with one operation's calls.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub calls: usize,
    /// Calls that reached the service (slow ones included).
    pub forwarded: usize,
    /// Failed calls by [`Fault::name`].
    pub faults: BTreeMap<&'static str, usize>,
}

impl Tally {
    pub fn failed(&self) -> usize {
        self.faults.values().sum()
    }
}

#[derive(Debug, Default)]
struct State {
    plan: Plan,
    /// One generator per operation: its calls fail in the same order every run.
    draws: BTreeMap<String, u64>,
    tallies: BTreeMap<String, Tally>,
    delivered: BTreeMap<String, Vec<Vec<u8>>>,
    stopping: bool,
}

impl State {
    /// The fault for the next call to `operation`, if it is to fail.
    fn draw(&mut self, operation: &str) -> Option<Fault> {
        let State { plan, draws, .. } = self;
        let rule = plan.rule(operation)?;
        if rule.faults.is_empty() || rule.share <= 0.0 {
            return None;
        }
        let seed = plan.seed;
        let state = draws
            .entry(operation.to_string())
            .or_insert_with(|| (seed ^ fnv1a(operation)) | 1);
        let roll = xorshift(state);
        if (roll >> 11) as f64 / (1u64 << 53) as f64 >= rule.share {
            return None;
        }
        Some(rule.faults[(xorshift(state) % rule.faults.len() as u64) as usize])
    }
}

fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

type Shared = Arc<Mutex<State>>;

fn lock(shared: &Shared) -> MutexGuard<'_, State> {
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

/// A running proxy; stopped when dropped.
#[derive(Debug)]
pub struct FaultProxy {
    address: SocketAddr,
    shared: Shared,
}

impl FaultProxy {
    /// Starts a proxy to `upstream` (`http://127.0.0.1:PORT`, the emulator's endpoint) on a
    /// free loopback port.
    pub fn start(upstream: &str, plan: Plan) -> Result<FaultProxy, String> {
        let upstream: SocketAddr = upstream
            .strip_prefix("http://")
            .unwrap_or(upstream)
            .trim_end_matches('/')
            .parse()
            .map_err(|e| format!("upstream {upstream:?}: expected http://IP:PORT ({e})"))?;
        if !upstream.ip().is_loopback() {
            return Err(format!("upstream {upstream}: only loopback addresses"));
        }
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| e.to_string())?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let shared: Shared = Arc::new(Mutex::new(State {
            plan,
            ..State::default()
        }));
        let stopping = shared.clone();
        let serving = shared.clone();
        http1::serve_connections(
            listener,
            move || lock(&stopping).stopping,
            move |stream| serve(stream, upstream, &serving),
        );
        Ok(FaultProxy { address, shared })
    }

    /// `http://127.0.0.1:PORT`: the endpoint for the clients.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Client settings for the proxy's endpoint.
    pub fn settings(&self) -> Settings {
        Settings::local(REGION, &self.endpoint())
    }

    /// Replaces the plan (an outage starts or ends); counts and recordings are kept.
    pub fn set_plan(&self, plan: Plan) {
        let mut state = lock(&self.shared);
        state.plan = plan;
        state.draws.clear();
    }

    /// What happened so far, by operation.
    pub fn tallies(&self) -> BTreeMap<String, Tally> {
        lock(&self.shared).tallies.clone()
    }

    /// What happened so far to one operation.
    pub fn tally(&self, operation: &str) -> Tally {
        lock(&self.shared)
            .tallies
            .get(operation)
            .cloned()
            .unwrap_or_default()
    }

    /// The request bodies of the recorded operation's calls that reached the service and
    /// succeeded, in the order they were answered (see [`Plan::record`]).
    pub fn delivered(&self, operation: &str) -> Vec<Vec<u8>> {
        lock(&self.shared)
            .delivered
            .get(operation)
            .cloned()
            .unwrap_or_default()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        lock(&self.shared).stopping = true;
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
    }
}

/// One request per connection: every answer says `Connection: close`, so clients never reuse
/// a connection the proxy may drop.
fn serve(mut stream: TcpStream, upstream: SocketAddr, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
    let mut buffer = Vec::new();
    let Some(request) = http1::read_request(&mut stream, &mut buffer) else {
        return;
    };
    let operation = operation(&request);
    let fault = {
        let mut state = lock(shared);
        let fault = state.draw(&operation);
        let tally = state.tallies.entry(operation.clone()).or_default();
        tally.calls += 1;
        if let Some(fault) = fault {
            *tally.faults.entry(fault.name()).or_default() += 1;
        }
        if matches!(fault, None | Some(Fault::Slow(_))) {
            tally.forwarded += 1;
        }
        fault
    };
    let answer = match fault {
        Some(Fault::Dropped) => {
            let _ = stream.shutdown(Shutdown::Both);
            return;
        }
        Some(Fault::Slow(delay)) => {
            let answer = forward(upstream, &request, &operation, shared);
            std::thread::sleep(delay);
            answer
        }
        Some(fault) => error_answer(&request, fault),
        None => forward(upstream, &request, &operation, shared),
    };
    let _ = stream.write_all(&answer);
    let _ = stream.shutdown(Shutdown::Both);
}

/// Sends the request on and returns the service's answer, marked `Connection: close`.
fn forward(upstream: SocketAddr, request: &Request, operation: &str, shared: &Shared) -> Vec<u8> {
    let answer = exchange(upstream, request).unwrap_or_else(|e| {
        plain_answer(
            502,
            "Bad Gateway",
            "text/plain",
            &[],
            &format!("the fault proxy could not reach the emulator: {e}"),
        )
    });
    let succeeded = answer
        .split(|b| *b == b' ')
        .nth(1)
        .is_some_and(|status| status.starts_with(b"2"));
    if succeeded {
        let mut state = lock(shared);
        if state
            .plan
            .recorded
            .iter()
            .any(|pattern| matches(pattern, operation))
        {
            state
                .delivered
                .entry(operation.to_string())
                .or_default()
                .push(request.body.clone());
        }
    }
    answer
}

fn exchange(upstream: SocketAddr, request: &Request) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect_timeout(&upstream, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    let mut head = format!("{} {} HTTP/1.1\r\n", request.method, request.target);
    for (name, value) in &request.headers {
        let hop_by_hop = [
            "connection",
            "content-length",
            "transfer-encoding",
            "expect",
        ]
        .iter()
        .any(|h| name.eq_ignore_ascii_case(h));
        if !hop_by_hop {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        request.body.len()
    ));
    stream.write_all(head.as_bytes())?;
    stream.write_all(&request.body)?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    Ok(closing(answer))
}

/// The answer with its `Connection` header replaced by `Connection: close`.
fn closing(answer: Vec<u8>) -> Vec<u8> {
    let Some(end) = http1::find(&answer, b"\r\n\r\n") else {
        return answer;
    };
    let head = String::from_utf8_lossy(&answer[..end]);
    let mut rewritten: String = head
        .split("\r\n")
        .filter(|line| {
            !line
                .split_once(':')
                .is_some_and(|(name, _)| name.trim().eq_ignore_ascii_case("connection"))
        })
        .map(|line| format!("{line}\r\n"))
        .collect();
    rewritten.push_str("Connection: close\r\n\r\n");
    let mut out = rewritten.into_bytes();
    out.extend_from_slice(&answer[end + 4..]);
    out
}

/// The wire protocols, as far as errors go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    /// `X-Amz-Target` and a JSON body (Config, SQS, DynamoDB…).
    Json,
    /// `Action=` in a form body or the query (SNS, IAM…).
    Query,
    /// Operations by method and path (Security Hub, Lambda…).
    Rest,
}

fn protocol(request: &Request) -> Protocol {
    if request.header("X-Amz-Target").is_some() {
        Protocol::Json
    } else if query_action(request).is_some() {
        Protocol::Query
    } else {
        Protocol::Rest
    }
}

/// `Action=…` from a form body, else from the query string.
fn query_action(request: &Request) -> Option<String> {
    let form = request
        .header("Content-Type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    let body = if form {
        String::from_utf8_lossy(&request.body).into_owned()
    } else {
        String::new()
    };
    let query = request.target.split_once('?').map_or("", |(_, q)| q);
    body.split('&')
        .chain(query.split('&'))
        .find_map(|pair| pair.strip_prefix("Action="))
        .map(str::to_string)
}

/// The signing service of the request (`Credential=…/DATE/REGION/SERVICE/aws4_request`).
fn service(request: &Request) -> String {
    request
        .header("Authorization")
        .and_then(|auth| auth.split("Credential=").nth(1))
        .and_then(|credential| credential.split(['/', ',']).nth(3))
        .unwrap_or("unknown")
        .to_string()
}

/// `service:Operation`.
fn operation(request: &Request) -> String {
    let service = service(request);
    let path = request.target.split('?').next().unwrap_or_default();
    let name = match protocol(request) {
        Protocol::Json => request
            .header("X-Amz-Target")
            .and_then(|target| target.rsplit('.').next())
            .unwrap_or_default()
            .to_string(),
        Protocol::Query => query_action(request).unwrap_or_default(),
        Protocol::Rest => rest_operation(&service, &request.method, path),
    };
    format!("{service}:{name}")
}

/// The REST operations the functions call, by method and path; anything else is named
/// `METHOD /path`.
fn rest_operation(service: &str, method: &str, path: &str) -> String {
    let known = match (service, method) {
        ("securityhub", "POST") if path == "/findings/import" => Some("BatchImportFindings"),
        ("securityhub", "POST") if path == "/findings" => Some("GetFindings"),
        ("lambda", "POST") if path.ends_with("/invocations") => Some("Invoke"),
        ("lambda", "GET") if path.ends_with("/configuration") => Some("GetFunctionConfiguration"),
        ("lambda", "GET") if path.ends_with("/event-invoke-config") => {
            Some("GetFunctionEventInvokeConfig")
        }
        _ => None,
    };
    known.map_or_else(|| format!("{method} {path}"), str::to_string)
}

/// The error a service answers with for `fault`, in the request's protocol.
fn error_answer(request: &Request, fault: Fault) -> Vec<u8> {
    let protocol = protocol(request);
    let (status, reason, code, message) = match (fault, protocol) {
        (Fault::Throttle, Protocol::Rest) => (
            429,
            "Too Many Requests",
            "TooManyRequestsException",
            "Rate exceeded",
        ),
        (Fault::Throttle, Protocol::Query) => (400, "Bad Request", "Throttling", "Rate exceeded"),
        (Fault::Throttle, Protocol::Json) => {
            (400, "Bad Request", "ThrottlingException", "Rate exceeded")
        }
        (Fault::InternalError, _) => (
            500,
            "Internal Server Error",
            "InternalFailure",
            "The request processing has failed because of an unknown error",
        ),
        _ => (
            503,
            "Service Unavailable",
            "ServiceUnavailable",
            "The request has failed due to a temporary failure of the server",
        ),
    };
    let request_id = "00000000-0000-4000-8000-000000000000";
    match protocol {
        Protocol::Json => plain_answer(
            status,
            reason,
            "application/x-amz-json-1.0",
            &[("x-amzn-RequestId", request_id)],
            &format!(r#"{{"__type":"{code}","message":"{message}"}}"#),
        ),
        Protocol::Rest => plain_answer(
            status,
            reason,
            "application/json",
            &[("x-amzn-ErrorType", code), ("x-amzn-RequestId", request_id)],
            &format!(r#"{{"message":"{message}"}}"#),
        ),
        Protocol::Query => {
            let kind = if status < 500 { "Sender" } else { "Receiver" };
            plain_answer(
                status,
                reason,
                "text/xml",
                &[("x-amzn-RequestId", request_id)],
                &format!(
                    "<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
                ),
            )
        }
    }
}

fn plain_answer(
    status: u16,
    reason: &str,
    content_type: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head.push_str(body);
    head.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)], target: &str, body: &str) -> Request {
        Request {
            method: "POST".to_string(),
            target: target.to_string(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    const AUTH: &str = "AWS4-HMAC-SHA256 Credential=testing/20261123/eu-west-1/SERVICE/aws4_request, SignedHeaders=host, Signature=0";

    #[test]
    fn operations_are_named_from_the_target_the_action_or_the_path() {
        let auth = |service: &str| AUTH.replace("SERVICE", service);
        let config = request(
            &[
                ("Authorization", &auth("config")),
                ("X-Amz-Target", "StarlingDoveService.PutEvaluations"),
            ],
            "/",
            "{}",
        );
        assert_eq!(operation(&config), "config:PutEvaluations");
        let sns = request(
            &[
                ("authorization", &auth("sns")),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            "/",
            "Action=Publish&Version=2010-03-31&TopicArn=x",
        );
        assert_eq!(operation(&sns), "sns:Publish");
        let hub = request(
            &[("Authorization", &auth("securityhub"))],
            "/findings/import",
            "{}",
        );
        assert_eq!(operation(&hub), "securityhub:BatchImportFindings");
        assert_eq!(
            operation(&request(&[], "/other?x=1", "")),
            "unknown:POST /other"
        );
    }

    #[test]
    fn patterns_match_one_operation_a_service_or_everything() {
        assert!(matches("sqs:*", "sqs:SendMessageBatch"));
        assert!(matches("*", "sns:Publish"));
        assert!(matches("sns:Publish", "sns:Publish"));
        assert!(!matches("sqs:*", "sqsx:SendMessage"));
        assert!(!matches("sns:Pub", "sns:Publish"));
    }

    #[test]
    fn the_share_of_failed_calls_is_the_plans() {
        let mut state = State {
            plan: Plan::seeded(7).fail("config:*", 0.3, &Fault::all(Duration::from_millis(1))),
            ..State::default()
        };
        let failed = (0..10_000)
            .filter(|_| state.draw("config:PutEvaluations").is_some())
            .count();
        assert!((2_800..3_200).contains(&failed), "{failed}");
        assert_eq!(state.draw("sqs:SendMessageBatch"), None);
    }

    #[test]
    fn answers_are_closed_after_one_exchange() {
        let answer = closing(
            b"HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\n{}".to_vec(),
        );
        assert_eq!(
            String::from_utf8(answer).unwrap(),
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
        );
    }
}

//! The local AWS emulator, for tests here and in the functions (unused by the functions'
//! code, so linked into none of them): moto's server mode, from the virtual environment
//! `scripts/test` installs, on a free loopback port, stopped when dropped. Nothing here reaches
//! beyond 127.0.0.1. moto runs through `tests/emulator/moto_server.py`, which sends item
//! timestamps in AWS's wire format.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::clients::Settings;
use crate::http1;

/// The region every emulator test uses.
pub const REGION: &str = "eu-west-1";
/// The account id moto answers with.
pub const ACCOUNT_ID: &str = "123456789012";

/// A running moto server.
#[derive(Debug)]
pub struct Moto {
    child: Child,
    port: u16,
}

/// The virtual environment's Python: `OURSIDE_VENV`, else `~/.cache/ourside-venv`.
fn python() -> PathBuf {
    let venv = std::env::var_os("OURSIDE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/ourside-venv")
        });
    venv.join("bin/python")
}

/// The launcher script, in the repository.
const SERVER_SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/emulator/moto_server.py"
);

/// Where moto's request log goes: the file `OURSIDE_EMULATOR_LOG` names, else nowhere.
fn log_sink() -> Box<dyn Write + Send> {
    std::env::var_os("OURSIDE_EMULATOR_LOG")
        .and_then(|path| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .ok()
        })
        .map_or_else(
            || Box::new(std::io::sink()) as Box<dyn Write + Send>,
            |f| Box::new(f) as Box<dyn Write + Send>,
        )
}

/// The port in moto's start-up line (` * Running on http://127.0.0.1:PORT`).
fn announced_port(line: &str) -> Option<u16> {
    let (_, address) = line.split_once("Running on http://")?;
    address
        .trim()
        .rsplit_once(':')?
        .1
        .trim_end_matches('/')
        .parse()
        .ok()
}

impl Moto {
    /// Starts moto on a port the system picks (moto binds port 0 and announces the port it
    /// got, so two tests can never race for one port) and waits until it answers. Fails with
    /// a message saying how to install it.
    pub fn start() -> Result<Moto, String> {
        let python = python();
        if !python.exists() {
            return Err(format!(
                "{} not found: run scripts/test once, it installs the emulator (moto) into a virtual environment",
                python.display()
            ));
        }
        let mut child = Command::new(&python)
            .args([SERVER_SCRIPT, "-H", "127.0.0.1", "-p", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {} {SERVER_SCRIPT}: {e}", python.display()))?;
        let stderr = child.stderr.take().ok_or("moto's stderr is not piped")?;
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        // Reads the announcement, then keeps draining the log so moto never blocks on it.
        std::thread::spawn(move || {
            let mut sink = log_sink();
            let mut port_tx = Some(port_tx);
            for line in std::io::BufRead::lines(std::io::BufReader::new(stderr)) {
                let Ok(line) = line else { break };
                if let Some(port) = announced_port(&line) {
                    if let Some(tx) = port_tx.take() {
                        let _ = tx.send(port);
                    }
                }
                let _ = writeln!(sink, "{line}");
            }
        });
        let port = match port_rx.recv_timeout(Duration::from_secs(30)) {
            Ok(port) => port,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("moto did not announce its port within 30 s".to_string());
            }
        };
        let mut moto = Moto { child, port };
        moto.wait_ready(Duration::from_secs(30))
            .map_err(|e| format!("moto did not start: {e}"))?;
        Ok(moto)
    }

    fn wait_ready(&mut self, limit: Duration) -> Result<(), String> {
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("moto exited with {status}"));
            }
            if self.request("GET", "/moto-api/data.json").is_ok() {
                return Ok(());
            }
            if started.elapsed() > limit {
                return Err(format!("no answer on port {} within {limit:?}", self.port));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Client settings pointing at this emulator.
    pub fn settings(&self) -> Settings {
        Settings::local(REGION, &self.endpoint())
    }

    /// Forgets every resource (`POST /moto-api/reset`).
    pub fn reset(&self) -> Result<(), String> {
        self.request("POST", "/moto-api/reset").map(|_| ())
    }

    /// Lambda without Docker (`POST /moto-api/config`): functions created afterwards run
    /// nowhere, and an invocation answers with its payload.
    pub fn lambda_without_docker(&self) -> Result<(), String> {
        self.call(
            "POST",
            "/moto-api/config",
            "Content-Type: application/json\r\n",
            r#"{"lambda": {"use_docker": false}}"#,
        )
        .map(|_| ())
    }

    /// Creates an IAM role (what a Lambda function must name) with a bare Query request, as
    /// `aws-sdk-iam` is only in the `account` feature; returns its ARN. moto does not check
    /// signatures; the credential scope routes the request to IAM.
    pub fn create_role(&self, name: &str) -> Result<String, String> {
        self.call(
            "POST",
            "/",
            "Content-Type: application/x-www-form-urlencoded\r\nAuthorization: AWS4-HMAC-SHA256 \
             Credential=testing/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, \
             Signature=0\r\n",
            &format!(
                "Action=CreateRole&Version=2010-05-08&RoleName={name}&AssumeRolePolicyDocument=%7B%7D"
            ),
        )?;
        Ok(format!("arn:aws:iam::{ACCOUNT_ID}:role/{name}"))
    }

    /// A bare HTTP/1.1 request to the emulator's own API; returns the status code.
    fn request(&self, method: &str, path: &str) -> Result<u16, String> {
        self.call(method, path, "", "")
    }

    /// A bare HTTP/1.1 request with extra header lines (each ending in CRLF) and a body.
    fn call(&self, method: &str, path: &str, headers: &str, body: &str) -> Result<u16, String> {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(2))
            .map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| e.to_string())?;
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )
        .map_err(|e| e.to_string())?;
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .map_err(|e| e.to_string())?;
        let status = response
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| format!("not an HTTP response: {response:.80}"))?;
        if (200..300).contains(&status) {
            Ok(status)
        } else {
            Err(format!("{method} {path}: HTTP {status}"))
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a function answered for one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub request_id: String,
    /// The response body, or the error type (`Lambda-Runtime-Function-Error-Type`) and body.
    pub outcome: Result<String, (String, String)>,
}

#[derive(Debug, Default)]
struct RuntimeState {
    events: std::collections::VecDeque<String>,
    handed_out: usize,
    first_poll: Option<Instant>,
    /// Each answer with the moment it arrived.
    answers: Vec<(Instant, Answer)>,
    stopping: bool,
}

type Shared = std::sync::Arc<(std::sync::Mutex<RuntimeState>, std::sync::Condvar)>;

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, RuntimeState> {
    shared.0.lock().unwrap_or_else(|p| p.into_inner())
}

/// The Lambda Runtime API as the Lambda service serves it to a function's `bootstrap`: hands
/// out the given events, one per `next` request, and collects what the function answers. Runs
/// the real binary the way Lambda does, on a loopback port.
#[derive(Debug)]
pub struct RuntimeApi {
    address: SocketAddr,
    shared: Shared,
}

impl RuntimeApi {
    pub fn start(events: Vec<String>) -> std::io::Result<RuntimeApi> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let address = listener.local_addr()?;
        let shared: Shared = Default::default();
        lock(&shared).events = events.into();
        // Measurements of the function's start must not include polling delays: served at once.
        let stopping = shared.clone();
        let serving = shared.clone();
        http1::serve_connections(
            listener,
            move || lock(&stopping).stopping,
            move |stream| serve_connection(stream, &serving),
        );
        Ok(RuntimeApi { address, shared })
    }

    /// `AWS_LAMBDA_RUNTIME_API` for the function: `127.0.0.1:PORT`.
    pub fn address(&self) -> String {
        self.address.to_string()
    }

    /// When the function first asked for an event (its initialisation was over).
    pub fn first_poll(&self) -> Option<Instant> {
        lock(&self.shared).first_poll
    }

    /// Waits until `count` answers arrived or `limit` passed; returns those that did, with the
    /// moment each arrived.
    pub fn answers(&self, count: usize, limit: Duration) -> Vec<(Instant, Answer)> {
        let deadline = Instant::now() + limit;
        let mut state = lock(&self.shared);
        while state.answers.len() < count {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            state = self
                .shared
                .1
                .wait_timeout(state, left)
                .map(|(s, _)| s)
                .unwrap_or_else(|p| p.into_inner().0);
        }
        state.answers.clone()
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        lock(&self.shared).stopping = true;
        self.shared.1.notify_all();
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
    }
}

/// One keep-alive connection of the function's runtime client.
fn serve_connection(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(120)));
    let mut buffer = Vec::new();
    loop {
        let Some(request) = http1::read_request(&mut stream, &mut buffer) else {
            return;
        };
        let body = String::from_utf8_lossy(&request.body).into_owned();
        let (method, path, headers) = (request.method, request.target, request.headers);
        let reply = if method == "GET" && path.ends_with("/runtime/invocation/next") {
            match next_event(shared) {
                Some((id, event)) => {
                    let deadline = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.as_millis() as u64 + 60_000)
                        .unwrap_or_default();
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: {id}\r\nLambda-Runtime-Deadline-Ms: {deadline}\r\nLambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:ourside\r\nLambda-Runtime-Trace-Id: Root=1-00000000-000000000000000000000000\r\nContent-Length: {}\r\n\r\n{event}",
                        event.len()
                    )
                }
                None => return,
            }
        } else if method == "POST" && path.contains("/runtime/invocation/") {
            let request_id = path.split('/').rev().nth(1).unwrap_or_default().to_string();
            let outcome = if path.ends_with("/error") {
                let kind = http1::header(&headers, "Lambda-Runtime-Function-Error-Type")
                    .unwrap_or_default()
                    .to_string();
                Err((kind, body))
            } else {
                Ok(body)
            };
            let mut state = lock(shared);
            state.answers.push((
                Instant::now(),
                Answer {
                    request_id,
                    outcome,
                },
            ));
            shared.1.notify_all();
            drop(state);
            "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"status\":\"OK\"}".to_string()
        } else {
            // init/error and anything else: recorded as an answer without request.
            let mut state = lock(shared);
            state.answers.push((
                Instant::now(),
                Answer {
                    request_id: String::new(),
                    outcome: Err((path.clone(), body)),
                },
            ));
            shared.1.notify_all();
            drop(state);
            "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n".to_string()
        };
        if stream.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

/// The next event to hand out, waiting while there is none (as Lambda does between
/// invocations); `None` when the API is shutting down.
fn next_event(shared: &Shared) -> Option<(String, String)> {
    let mut state = lock(shared);
    if state.first_poll.is_none() {
        state.first_poll = Some(Instant::now());
    }
    loop {
        if state.stopping {
            return None;
        }
        if let Some(event) = state.events.pop_front() {
            state.handed_out += 1;
            return Some((format!("request-{}", state.handed_out), event));
        }
        state = shared
            .1
            .wait_timeout(state, Duration::from_millis(50))
            .map(|(s, _)| s)
            .unwrap_or_else(|p| p.into_inner().0);
    }
}

#[cfg(test)]
mod tests {
    use super::announced_port;

    #[test]
    fn the_port_moto_announces() {
        assert_eq!(
            announced_port(" * Running on http://127.0.0.1:36855"),
            Some(36855)
        );
        assert_eq!(announced_port("Press CTRL+C to quit"), None);
    }
}

/// Creates a queue in the emulator and returns its URL.
pub async fn create_queue(sdk: &aws_config::SdkConfig, name: &str) -> String {
    aws_sdk_sqs::Client::new(sdk)
        .create_queue()
        .queue_name(name)
        .send()
        .await
        .expect("the emulator creates the queue")
        .queue_url()
        .unwrap_or_default()
        .to_string()
}

/// Creates an SNS topic in the emulator and returns its ARN.
#[cfg(feature = "sns")]
pub async fn create_topic(sdk: &aws_config::SdkConfig, name: &str) -> String {
    aws_sdk_sns::Client::new(sdk)
        .create_topic()
        .name(name)
        .send()
        .await
        .expect("the emulator creates the topic")
        .topic_arn()
        .unwrap_or_default()
        .to_string()
}

/// Creates a queue `name` whose redrive policy parks a message on `name-dlq` after five
/// receives; returns the URLs of both.
pub async fn create_queue_with_dlq(sdk: &aws_config::SdkConfig, name: &str) -> (String, String) {
    use aws_sdk_sqs::types::QueueAttributeName;
    let dlq = create_queue(sdk, &format!("{name}-dlq")).await;
    let sqs = aws_sdk_sqs::Client::new(sdk);
    let dlq_arn = sqs
        .get_queue_attributes()
        .queue_url(&dlq)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("the emulator's queue answers")
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::QueueArn))
        .cloned()
        .unwrap_or_default();
    let source = sqs
        .create_queue()
        .queue_name(name)
        .attributes(
            QueueAttributeName::RedrivePolicy,
            serde_json::json!({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"}).to_string(),
        )
        .send()
        .await
        .expect("the emulator creates the queue")
        .queue_url()
        .unwrap_or_default()
        .to_string();
    (source, dlq)
}

/// Sends each body to a queue, one message each.
pub async fn send_messages(sdk: &aws_config::SdkConfig, queue_url: &str, bodies: &[&str]) {
    let sqs = aws_sdk_sqs::Client::new(sdk);
    for body in bodies {
        sqs.send_message()
            .queue_url(queue_url)
            .message_body(*body)
            .send()
            .await
            .expect("the emulator takes the message");
    }
}

/// The smallest valid zip archive (an end-of-central-directory record and nothing else): the
/// code of a function that never runs.
const EMPTY_ZIP: &[u8] = b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

/// Creates a Lambda function in the emulator (after [`Moto::lambda_without_docker`], it
/// answers an invocation with its payload) and returns its ARN.
pub async fn create_function(sdk: &aws_config::SdkConfig, name: &str, role_arn: &str) -> String {
    use aws_sdk_lambda::types::{FunctionCode, Runtime};
    aws_sdk_lambda::Client::new(sdk)
        .create_function()
        .function_name(name)
        .runtime(Runtime::Providedal2023)
        .handler("bootstrap")
        .role(role_arn)
        .code(
            FunctionCode::builder()
                .zip_file(aws_smithy_types::Blob::new(EMPTY_ZIP))
                .build(),
        )
        .send()
        .await
        .expect("the emulator creates the function")
        .function_arn()
        .unwrap_or_default()
        .to_string()
}

/// Every message on a queue, as (message id, body): received with a long visibility timeout, so
/// none twice, until two receives in a row come back empty.
pub async fn receive_all(sdk: &aws_config::SdkConfig, queue_url: &str) -> Vec<(String, String)> {
    let sqs = aws_sdk_sqs::Client::new(sdk);
    let mut messages = Vec::new();
    let mut empty_receives = 0;
    while empty_receives < 2 {
        let output = sqs
            .receive_message()
            .queue_url(queue_url)
            .max_number_of_messages(10)
            .visibility_timeout(900)
            .send()
            .await
            .expect("the emulator's queue answers");
        if output.messages().is_empty() {
            empty_receives += 1;
        }
        for message in output.messages() {
            messages.push((
                message.message_id().unwrap_or_default().to_string(),
                message.body().unwrap_or_default().to_string(),
            ));
        }
    }
    messages
}

/// The bodies of every message on a queue, sorted (see [`receive_all`]: they stay hidden).
pub async fn sorted_bodies(sdk: &aws_config::SdkConfig, queue_url: &str) -> Vec<String> {
    let mut bodies: Vec<String> = receive_all(sdk, queue_url)
        .await
        .into_iter()
        .map(|(_, body)| body)
        .collect();
    bodies.sort();
    bodies
}

/// Creates the alert ledger's table in the emulator, keyed as the SAM template declares it.
#[cfg(feature = "ledger")]
pub async fn create_ledger_table(sdk: &aws_config::SdkConfig, name: &str) {
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    };
    let key = crate::ledger::KEY;
    aws_sdk_dynamodb::Client::new(sdk)
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(key)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .expect("a complete attribute definition"),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name(key)
                .key_type(KeyType::Hash)
                .build()
                .expect("a complete key schema"),
        )
        .send()
        .await
        .expect("the emulator creates the table");
}

/// What a `bootstrap` did behind the Runtime API: its answers and its output.
#[derive(Debug)]
pub struct Bootstrapped {
    pub answers: Vec<(Instant, Answer)>,
    pub stdout: String,
    pub stderr: String,
}

impl Bootstrapped {
    /// The function's log: one JSON object per line of stdout. Panics on a line that is not.
    pub fn log_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }
}

/// `binary` started as Lambda starts a function: nothing of this process's environment, the
/// runtime API's address, the function's name, memory and version, a region and dummy
/// credentials.
pub fn lambda_command(binary: impl AsRef<std::ffi::OsStr>, runtime: &RuntimeApi) -> Command {
    let mut command = Command::new(binary);
    command
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", runtime.address())
        .env("AWS_LAMBDA_FUNCTION_NAME", "ourside")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_REGION", REGION)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing");
    command
}

/// Runs a function's binary the way Lambda runs a `bootstrap`: behind a [`RuntimeApi`] serving
/// `events`, with only Lambda's variables and `env` set, until it has answered every event (or
/// `limit` passes); then stops it.
pub fn run_bootstrap(
    binary: &str,
    env: &[(&str, &str)],
    events: Vec<String>,
    limit: Duration,
) -> std::io::Result<Bootstrapped> {
    let count = events.len();
    let runtime = RuntimeApi::start(events)?;
    let mut command = lambda_command(binary, &runtime);
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut function = command.spawn()?;
    // Read as the function writes: a verbose log would otherwise fill the pipe and block it.
    let drain = |stream: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut stream) = stream {
                let _ = stream.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = drain(
        function
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        function
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    // A binary that exits at start-up answers nothing: stop waiting for it then.
    let answers = loop {
        let answers = runtime.answers(count, Duration::from_millis(200));
        let exited = function.try_wait()?.is_some();
        if answers.len() == count || exited || started.elapsed() > limit {
            break answers;
        }
    };
    let _ = function.kill();
    let _ = function.wait();
    Ok(Bootstrapped {
        answers,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

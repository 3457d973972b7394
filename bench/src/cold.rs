//! The Lambda functions' cold path: each `bootstrap` started the way Lambda starts it, behind a
//! local Runtime API, and handed one event that needs no AWS call; and the package sizes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use ourside_aws::emulator::{lambda_command, RuntimeApi, ACCOUNT_ID};
use ourside_core::deploy::Function;

/// What Lambda would load and start for one function.
#[derive(Debug, Clone)]
pub struct Package {
    pub function: Function,
    pub binary: PathBuf,
    /// The binary as built (the release profile strips it).
    pub stripped_bytes: u64,
    /// The binary deflated, as in the zip `sam package` uploads.
    pub zipped_bytes: u64,
}

/// A function's binary in `dir`: `sam build`'s layout (`EvaluatorFunction/bootstrap`) or
/// cargo's (`ourside-evaluator`).
pub fn find(dir: &Path, function: Function) -> Option<PathBuf> {
    [
        dir.join(function.logical_id()).join("bootstrap"),
        dir.join(function.binary()),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

impl Package {
    pub fn read(function: Function, binary: PathBuf) -> Result<Self, String> {
        let bytes = std::fs::read(&binary).map_err(|e| format!("{}: {e}", binary.display()))?;
        let mut deflater =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        deflater
            .write_all(&bytes)
            .map_err(|e| format!("deflating {}: {e}", binary.display()))?;
        let zipped = deflater
            .finish()
            .map_err(|e| format!("deflating {}: {e}", binary.display()))?;
        Ok(Package {
            function,
            binary,
            stripped_bytes: bytes.len() as u64,
            zipped_bytes: zipped.len() as u64,
        })
    }
}

/// One cold start, as Lambda sees it.
#[derive(Debug, Clone, Copy)]
pub struct ColdStart {
    /// Process start → the first request for an event: runtime, logging and SDK clients ready.
    pub ready: Duration,
    /// Process start → the first event answered.
    pub answered: Duration,
    /// Peak resident memory once the first event is answered.
    pub peak_rss_mb: f64,
}

/// An event `function` answers without calling AWS: the evaluator ignores scheduled
/// notifications, the periodic function ignores changes, the queue consumers get an empty
/// batch.
pub fn ignored_event(function: Function) -> String {
    let rule_event = |control: &str, message: &str| {
        serde_json::json!({
            "invokingEvent": serde_json::json!({"messageType": message, "awsAccountId": ACCOUNT_ID,
                "notificationCreationTime": "2026-06-01T00:00:00.000Z",
                "configurationItem": {"resourceType": "AWS::S3::Bucket", "resourceId": "b",
                    "configurationItemStatus": "OK", "configuration": {}}}).to_string(),
            "ruleParameters": serde_json::json!({"controlId": control}).to_string(),
            "resultToken": "TESTMODE"
        })
        .to_string()
    };
    match function {
        Function::Evaluator => rule_event("S3.2", "ScheduledNotification"),
        Function::Periodic => rule_event("IAM.4", "ConfigurationItemChangeNotification"),
        Function::Publisher | Function::Alerter => r#"{"Records":[]}"#.to_string(),
    }
}

/// Starts `binary` once behind a fresh Runtime API and measures its cold start. The AWS
/// endpoints it is given are closed loopback ports: the event needs none of them.
pub fn cold_start(function: Function, binary: &Path) -> Result<ColdStart, String> {
    let runtime = RuntimeApi::start(vec![ignored_event(function)])
        .map_err(|e| format!("runtime API: {e}"))?;
    let started = Instant::now();
    let mut child = lambda_command(binary, &runtime)
        .env("FINDINGS_QUEUE_URL", "http://127.0.0.1:9/queue")
        .env(
            "ALERT_TOPIC_ARN",
            format!("arn:aws:sns:us-east-1:{ACCOUNT_ID}:alerts"),
        )
        .env("ALERT_LEDGER_TABLE", "ourside-alert-ledger")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    let answers = runtime.answers(1, Duration::from_secs(10));
    // Answered, the function waits for its next event: its peak memory is final.
    let peak_kib = peak_rss_kib(child.id());
    let _ = child.kill();
    let _ = child.wait();
    match (runtime.first_poll(), answers.first()) {
        (Some(first_poll), Some((at, _))) => Ok(ColdStart {
            ready: first_poll - started,
            answered: *at - started,
            peak_rss_mb: peak_kib.unwrap_or(0) as f64 / 1024.0,
        }),
        _ => Err(format!(
            "{}: the function did not answer its first event",
            binary.display()
        )),
    }
}

/// `VmHWM` of a live process (this one: `std::process::id()`), in KiB (Linux).
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

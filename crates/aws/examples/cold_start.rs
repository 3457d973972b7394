//! Measures a function binary's cold start the way Lambda sees it: the process is started
//! behind a local Lambda Runtime API and given one event that needs no AWS call (a scheduled
//! notification for a control the function ignores). Prints, over several starts, the median
//! time until the function asks for its first event (initialisation: runtime, logging, SDK
//! clients), until it answers it, and its peak resident memory.
//!
//! `cargo run --release -p ourside-aws --example cold_start -- BINARY [STARTS]`

use std::process::Stdio;
use std::time::{Duration, Instant};

use ourside_aws::emulator::{lambda_command, RuntimeApi, ACCOUNT_ID};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(binary) = args.next() else {
        eprintln!("usage: cold_start BINARY [STARTS]");
        std::process::exit(2);
    };
    let starts: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20);
    // Ignored by both functions without an AWS call: the evaluator ignores scheduled
    // notifications, the periodic function ignores changes.
    let event = |control: &str, message: &str| {
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
    let ignored = if binary.contains("periodic") {
        event("IAM.4", "ConfigurationItemChangeNotification")
    } else {
        event("S3.2", "ScheduledNotification")
    };
    let mut ready = Vec::new();
    let mut answered = Vec::new();
    let mut peak_kib = Vec::new();
    for _ in 0..starts {
        let runtime = RuntimeApi::start(vec![ignored.clone()]).expect("runtime API");
        let started = Instant::now();
        let mut child = lambda_command(&binary, &runtime)
            .env("FINDINGS_QUEUE_URL", "http://127.0.0.1:9/queue")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the function starts");
        let answers = runtime.answers(1, Duration::from_secs(10));
        // The answered function is waiting for its next event: its peak memory is final.
        peak_kib.push(peak_rss_kib(child.id()).unwrap_or(0));
        let _ = child.kill();
        let _ = child.wait();
        let (Some(first_poll), Some((at, _))) = (runtime.first_poll(), answers.first()) else {
            eprintln!("the function did not answer");
            std::process::exit(1);
        };
        ready.push(first_poll - started);
        answered.push(*at - started);
    }
    let size = std::fs::metadata(&binary).map(|m| m.len()).unwrap_or(0);
    println!("{binary}");
    println!("  binary size             {:.1} MB", size as f64 / 1e6);
    println!("  starts                  {starts}");
    println!("  ready for events        median {:?}", median(&mut ready));
    println!(
        "  first event answered    median {:?}",
        median(&mut answered)
    );
    println!(
        "  peak resident memory    median {:.1} MB",
        median(&mut peak_kib) as f64 / 1024.0
    );
}

fn median<T: Ord + Copy + Default>(values: &mut [T]) -> T {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

/// `VmHWM` of a live process, in KiB (Linux).
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

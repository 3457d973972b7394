//! No credential planted in the scanned items comes out of `ourside scan`: not on stdout in any
//! format, not on stderr, not in an error about an input that does not fit.

#[allow(dead_code)]
#[path = "../../tests/src/planted.rs"]
mod planted;

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use serde_json::{json, Value};

const NOW: &str = "2026-06-01T00:00:00Z";

/// The planted items as the command line meets them: one notification-flavour file per item,
/// the same items as `batch-get-resource-config` output, an item with a credential where a
/// flag belongs, and a file that is not JSON at all.
fn inputs() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ourside-cli-secrets-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let items = planted::items();
    for (i, item) in items.iter().enumerate() {
        fs::write(dir.join(format!("item-{i}.json")), item.to_string()).unwrap();
    }
    let batch: Vec<Value> = items.iter().map(planted::api_flavour).collect();
    fs::write(
        dir.join("batch.json"),
        json!({"baseConfigurationItems": batch, "unprocessedResourceKeys": []}).to_string(),
    )
    .unwrap();
    fs::write(
        dir.join("misplaced.json"),
        planted::misplaced_secret("acme/misplaced").to_string(),
    )
    .unwrap();
    let dump: String = planted::variables()
        .into_iter()
        .map(|(name, value)| format!("{name}={value}\n"))
        .collect();
    fs::write(dir.join("not-json.json"), dump).unwrap();
    dir
}

/// Runs `ourside scan` and checks both streams; returns stdout.
fn scan(dir: &PathBuf, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_ourside"))
        .args(["scan", "--now", NOW])
        .args(args)
        .arg(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run ourside");
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(
        !stdout.is_empty(),
        "scan {args:?} printed nothing: {stderr}"
    );
    planted::assert_clean(&format!("scan {args:?} stdout"), &stdout);
    planted::assert_clean(&format!("scan {args:?} stderr"), &stderr);
    stdout
}

#[test]
fn no_planted_credential_reaches_any_output_format() {
    let dir = inputs();
    let heuristics = ["--param", "ECS.8:detectByNameAndEntropy=true"];
    for extra in [&[][..], &heuristics[..]] {
        for format in [
            &["--format", "table"][..],
            &["--format", "table", "--all"][..],
        ] {
            scan(&dir, &[format, extra].concat());
        }
        let asff = scan(&dir, &[&["--format", "asff"][..], extra].concat());
        let findings: Vec<Value> = serde_json::from_str(&asff).unwrap();
        let jsonl = scan(&dir, &[&["--format", "jsonl"][..], extra].concat());
        let evaluations: Vec<Value> = jsonl
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();

        // The secret paths ran: ECS.8 named the variables, and the findings carry the
        // resources' tags and a role's trust policy, withheld where they hold credentials.
        let ecs8 = evaluations
            .iter()
            .find(|e| e["control"] == "ECS.8" && e["resourceId"] == "acme-leaky:1")
            .expect("ECS.8 judged the task definition");
        assert_eq!(ecs8["compliance"], "NON_COMPLIANT", "{ecs8}");
        let annotation = ecs8["annotation"].as_str().unwrap();
        assert!(annotation.contains("AWS_ACCESS_KEY_ID"), "{annotation}");
        // By default the credentials in their own format; with the heuristics, all seven.
        let expected = if extra.is_empty() { 5 } else { 7 };
        assert_eq!(planted::flagged(annotation), expected, "{annotation}");
        for control in ["IAM.1", "IAM.X1", "SecretsManager.1", "EC2.8"] {
            assert!(
                evaluations
                    .iter()
                    .any(|e| e["control"] == control && e["compliance"] == "NON_COMPLIANT"),
                "{control} judged a planted item NON_COMPLIANT:\n{jsonl}"
            );
        }
        let role = findings
            .iter()
            .find(|f| f["Resources"][0]["Type"] == "AwsIamRole")
            .expect("a finding about the role");
        let resource = &role["Resources"][0];
        assert!(
            resource["Details"]["AwsIamRole"]["AssumeRolePolicyDocument"].is_string(),
            "{resource}"
        );
        assert!(resource["Tags"]["DB_PASSWORD"].is_string(), "{resource}");
    }
    let _ = fs::remove_dir_all(&dir);
}

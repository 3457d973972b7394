//! The `ourside` binary as users run it: formats, exit codes, and how bad input is reported.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOW: &str = "2026-06-01T00:00:00Z";

fn ourside(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ourside"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run ourside")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/core/tests/fixtures")
        .join(path)
        .display()
        .to_string()
}

/// A scratch directory unique to one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ourside-cli-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn scan_without_paths_scans_the_bundled_example_account() {
    let o = ourside(&["scan", "--now", NOW]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let summary = out.lines().last().unwrap_or_default();
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md")).unwrap();
    assert!(
        readme.contains(summary),
        "the README quotes the example account's summary line; it is now:\n{summary}"
    );
    assert!(out.starts_with("Platform ("), "{out}");
    let o = ourside(&["scan", "--now", NOW, "--format", "asff"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "every example evaluation becomes a finding: {}",
        stderr(&o)
    );
}

#[test]
fn history_output_judges_only_the_newest_version() {
    let dir = scratch("history");
    let version = |time: &str, cidr: &str| {
        serde_json::json!({
            "version": "1.3", "accountId": "111122223333", "configurationItemCaptureTime": time,
            "configurationItemStatus": "OK", "resourceType": "AWS::EC2::SecurityGroup",
            "resourceId": "sg-0a1b2c3d", "awsRegion": "eu-west-1",
            "configuration": serde_json::json!({"groupId": "sg-0a1b2c3d", "groupName": "app",
                "ipPermissions": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipRanges": [cidr]}]}).to_string()
        })
    };
    let history = serde_json::json!({"configurationItems": [
        version("2026-05-02T00:00:00Z", "10.0.0.0/8"),
        version("2026-05-01T00:00:00Z", "0.0.0.0/0"),
    ]});
    let file = dir.join("history.json");
    fs::write(&file, history.to_string()).unwrap();
    let o = ourside(&[
        "scan",
        "--now",
        NOW,
        "--control",
        "EC2.13",
        "--fail-on",
        "high",
        file.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the fixed newest version decides: {}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains("an older version of AWS::EC2::SecurityGroup sg-0a1b2c3d"),
        "{}",
        stderr(&o)
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn every_file_is_read_once_and_empty_inputs_are_named() {
    let dir = scratch("once");
    fs::copy(
        fixture("EC2.13/non_compliant/ssh-open-ipv4-and-ipv6.json"),
        dir.join("sg.json"),
    )
    .unwrap();
    fs::write(
        dir.join("empty-history.json"),
        r#"{"configurationItems": []}"#,
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&dir, dir.join("loop")).unwrap();
    let path = dir.to_str().unwrap();
    let o = ourside(&["scan", "--now", NOW, "--control", "EC2.13", path, path]);
    let out = stdout(&o);
    assert!(out.contains("1 item in 2 inputs"), "{out}");
    assert!(
        stderr(&o).contains("empty-history.json at configurationItems: skipped: the list is empty"),
        "{}",
        stderr(&o)
    );
    let empty = scratch("no-json");
    let o = ourside(&["scan", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("no .json files in this directory"),
        "{}",
        stderr(&o)
    );
    let _ = fs::remove_dir_all(&dir);
    let _ = fs::remove_dir_all(&empty);
}

#[test]
fn fail_on_sets_the_exit_code() {
    let bad = fixture("S3.2/non_compliant/acl-all-users-read.json");
    let o = ourside(&["scan", "--now", NOW, "--fail-on", "high", &bad]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = ourside(&[
        "scan",
        "--now",
        NOW,
        "--fail-on",
        "critical",
        "--control",
        "EC2.13",
        &bad,
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "a bucket has no EC2.13 result: {}",
        stderr(&o)
    );
}

#[test]
fn jsonl_has_one_object_per_evaluation_with_its_source() {
    let file = fixture("EC2.13/non_compliant/ssh-open-ipv4-and-ipv6.json");
    let o = ourside(&[
        "scan",
        "--now",
        NOW,
        "--format",
        "jsonl",
        "--control",
        "EC2.13",
        &file,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    let record = &lines[0];
    for key in [
        "control",
        "resourceType",
        "resourceId",
        "compliance",
        "annotation",
        "severity",
        "owner",
        "source",
    ] {
        assert!(record.get(key).is_some(), "missing {key}: {record}");
    }
    assert_eq!(record["control"], "EC2.13");
    assert_eq!(record["compliance"], "NON_COMPLIANT");
    assert_eq!(record["source"], file.as_str());
}

#[test]
fn asff_is_a_json_array_of_findings() {
    let file = fixture("S3.2/non_compliant/acl-all-users-read.json");
    let o = ourside(&[
        "scan",
        "--now",
        NOW,
        "--format",
        "asff",
        "--control",
        "S3.2",
        &file,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let findings: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["Compliance"]["Status"], "FAILED");
    assert_eq!(findings[0]["AwsAccountId"], "111122223333");
}

#[test]
fn bad_files_are_named_and_never_stop_the_others() {
    let dir = scratch("bad-files");
    fs::copy(
        fixture("EC2.13/non_compliant/ssh-open-ipv4-and-ipv6.json"),
        dir.join("a-good.json"),
    )
    .unwrap();
    fs::write(
        dir.join("b-truncated.json"),
        r#"{"configurationItems": [{"resourceType": "AWS::S3::Bu"#,
    )
    .unwrap();
    fs::write(dir.join("c-not-config.json"), r#"{"hello": "world"}"#).unwrap();
    fs::write(dir.join("d-invalid-utf8.json"), [b'{', 0xff, 0xfe, b'}']).unwrap();
    fs::write(
        dir.join("e-wrong-type.json"),
        r#"{"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-1","configuration":{"ipPermissions":[{"ipProtocol":"tcp","fromPort":"twenty-two","toPort":22,"ipRanges":["0.0.0.0/0"]}]}}"#,
    )
    .unwrap();
    fs::write(dir.join("f-notes.txt"), "not json").unwrap();
    let o = ourside(&[
        "scan",
        "--now",
        NOW,
        "--control",
        "EC2.13",
        dir.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(
        stdout(&o).contains("sg-0c1d2e3f4a5b6c7d8"),
        "the good file is still evaluated"
    );
    assert!(
        err.contains("b-truncated.json") && err.contains("EOF"),
        "{err}"
    );
    assert!(
        err.contains("c-not-config.json") && err.contains("not an AWS Config document"),
        "{err}"
    );
    assert!(
        err.contains("d-invalid-utf8.json") && err.contains("not UTF-8"),
        "{err}"
    );
    assert!(
        err.contains("e-wrong-type.json")
            && err.contains("configuration.ipPermissions[0].fromPort"),
        "{err}"
    );
    assert!(
        err.contains("f-notes.txt") && err.contains("not a .json file"),
        "{err}"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn usage_errors_exit_2_with_a_hint() {
    let o = ourside(&["scan", "--control", "S3.99"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean"), "{}", stderr(&o));
    let o = ourside(&["scan", "--param", "EC2.13:port=22"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("has no parameters"), "{}", stderr(&o));
    let o = ourside(&["scan", "--fail-on", "urgent"]);
    assert_eq!(o.status.code(), Some(2));
    let o = ourside(&["explain", "NOPE.1"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn explain_prints_what_why_fix_and_mappings() {
    let o = ourside(&["explain", "s3.2"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for part in [
        "S3.2",
        "What it checks",
        "Why it matters",
        "How to fix",
        "NIST SP 800-53",
        "Security Hub control S3.2",
    ] {
        assert!(out.contains(part), "missing {part}:\n{out}");
    }
    let out = stdout(&ourside(&["explain", "Lambda.X1"]));
    for part in [
        "lambda:GetFunctionConfiguration",
        "cannot judge this control offline",
    ] {
        assert!(out.contains(part), "missing {part}:\n{out}");
    }
}

/// Controls that need data fetched by API are named, not silently left out of an offline scan.
#[test]
fn offline_scan_names_the_controls_it_cannot_judge() {
    let o = ourside(&[
        "scan",
        "--now",
        NOW,
        "--control",
        "Lambda.X1",
        "--control",
        "Lambda.2",
        &fixture("Lambda.2/compliant"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("not judged offline"), "{err}");
    assert!(err.contains("Lambda.X1 on 4 items"), "{err}");
    assert!(stdout(&o).contains("4 passing"), "{}", stdout(&o));
}

#[test]
fn controls_lists_every_control_in_every_format() {
    let count = ourside_core::registry::CONTROLS.len();
    let table = stdout(&ourside(&["controls"]));
    assert!(table.contains(&format!("{count} controls")), "{table}");
    let json: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&ourside(&["controls", "--format", "json"]))).unwrap();
    assert_eq!(json.len(), count);
    let markdown = stdout(&ourside(&["controls", "--format", "markdown"]));
    assert_eq!(markdown.lines().count(), count + 2);
    let x2 = json.iter().find(|c| c["id"] == "Lambda.X2").unwrap();
    assert_eq!(x2["trigger"], "change + API");
    assert_eq!(
        x2["iamPermissions"],
        serde_json::json!(["lambda:GetFunctionEventInvokeConfig"])
    );
}

/// The README's control table is generated: regenerate it with
/// `cargo run -p ourside -- controls --format markdown` between the markers.
#[test]
fn readme_control_table_matches_the_registry() {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md")).unwrap();
    let start = "<!-- controls:start -->\n";
    let end = "<!-- controls:end -->";
    let from = readme
        .find(start)
        .expect("README has the controls:start marker")
        + start.len();
    let to = readme
        .find(end)
        .expect("README has the controls:end marker");
    assert_eq!(
        &readme[from..to],
        ourside_cli::catalog::markdown(),
        "README control table is stale: run `cargo run -p ourside -- controls --format markdown` and paste it between the markers"
    );
}

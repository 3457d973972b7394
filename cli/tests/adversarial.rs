//! Hostile files through `ourside scan`, all in one directory next to a good one: each bad file
//! is named on stderr with the JSON path and what was expected there (or skipped with the
//! reason), the big ones are judged, and none stops the others. The files are written when the
//! test runs. Time and memory are not asserted.

#[path = "../../crates/core/tests/support/hostile.rs"]
mod hostile;

use std::fs;
use std::path::Path;
use std::process::Command;

use hostile::*;
use serde_json::json;

const NOW: &str = "2026-06-01T00:00:00Z";

#[test]
fn every_bad_file_is_named_and_the_others_are_judged() {
    let dir = std::env::temp_dir().join(format!("ourside-cli-hostile-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/core/tests/fixtures/EC2.13/non_compliant/ssh-open-ipv4-and-ipv6.json");
    fs::copy(fixture, dir.join("a-good.json")).unwrap();
    let mut wrong_type = security_group(2, None);
    wrong_type["configuration"]["ipPermissions"][1]["fromPort"] = json!("twenty-two");
    wrong_type["resourceId"] = json!("sg-0bad");
    let mut unknown_message = json!({"invokingEvent": "", "resultToken": "TESTMODE"});
    unknown_message["invokingEvent"] =
        json!(json!({"messageType": "ConfigurationItemChangedNotification"}).to_string());
    let files: Vec<(&str, Vec<u8>)> = vec![
        (
            "b-truncated.json",
            br#"{"resourceType":"AWS::S3::Bu"#.to_vec(),
        ),
        ("c-wrong-type.json", wrong_type.to_string().into_bytes()),
        (
            "d-ten-megabytes.json",
            bucket_with_huge_policy(10 << 20).to_string().into_bytes(),
        ),
        (
            "e-ten-thousand-rules.json",
            security_group(10_000, Some(22)).to_string().into_bytes(),
        ),
        ("f-deep.json", open_brackets(100_000).into_bytes()),
        ("g-deep-closed.json", nested_lists(100_000).into_bytes()),
        (
            "h-invalid-utf8.json",
            [
                &br#"{"resourceType":"AWS::S3::Bucket","resourceId":""#[..],
                b"\xff\xfe\"}",
            ]
            .concat(),
        ),
        (
            "i-invoking-event-not-json.json",
            json!({"invokingEvent": "{not json", "resultToken": "TESTMODE"})
                .to_string()
                .into_bytes(),
        ),
        (
            "j-unknown-message.json",
            unknown_message.to_string().into_bytes(),
        ),
        (
            "k-unknown-type.json",
            item("AWS::Acme::Widget", "w-1", json!({}))
                .to_string()
                .into_bytes(),
        ),
    ];
    for (name, bytes) in &files {
        fs::write(dir.join(name), bytes).unwrap();
    }
    let output = Command::new(env!("CARGO_BIN_EXE_ourside"))
        .args([
            "scan",
            "--now",
            NOW,
            "--control",
            "EC2.13",
            "--control",
            "S3.2",
        ])
        .arg(&dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run ourside");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    let at = |name: &str| dir.join(name).display().to_string();
    for line in [
        format!(
            "ourside: {}: error: resourceType: truncated JSON: EOF while parsing a string",
            at("b-truncated.json")
        ),
        format!(
            "ourside: {}: error: EC2.13 on AWS::EC2::SecurityGroup sg-0bad: \
             configuration.ipPermissions[1].fromPort: invalid value: a string, expected a number",
            at("c-wrong-type.json")
        ),
        format!(
            "ourside: {}: error: [0]: truncated JSON: EOF while parsing a list",
            at("f-deep.json")
        ),
        format!(
            "ourside: {}: error: [0][0][0][0][0][0][0][0][0]: nested more than 8 arrays or \
             recorded responses deep: not an AWS Config document",
            at("g-deep-closed.json")
        ),
        format!(
            "ourside: {}: error: not UTF-8 text (invalid byte at offset 48)",
            at("h-invalid-utf8.json")
        ),
        format!(
            "ourside: {}: error: invokingEvent: not valid JSON: key must be a string \
             (in a JSON document encoded as a string)",
            at("i-invoking-event-not-json.json")
        ),
        format!(
            "ourside: {}: error: invokingEvent.messageType: unknown message type \
             \"ConfigurationItemChangedNotification\" (expected ConfigurationItemChangeNotification, \
             OversizedConfigurationItemChangeNotification or ScheduledNotification)",
            at("j-unknown-message.json")
        ),
        format!(
            "ourside: {}: skipped: no applicable control for AWS::Acme::Widget",
            at("k-unknown-type.json")
        ),
    ] {
        assert!(stderr.lines().any(|l| l == line), "missing {line}\nin:\n{stderr}");
    }
    // The good file, the 10 MB bucket and the group with 10,000 rules are judged.
    for failing in ["sg-0c1d2e3f4a5b6c7d8", BUCKET, GROUP_ID] {
        assert!(stdout.contains(failing), "{failing} not judged:\n{stdout}");
    }
    assert!(
        stdout.ends_with(
            "3 failing (1 critical, 2 high) · 0 passing · 0 not applicable · 5 items in 11 inputs \
             · 1 skipped · 7 errors\n"
        ),
        "{stdout}"
    );
    let _ = fs::remove_dir_all(&dir);
}

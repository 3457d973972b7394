//! The SAM template's AWS Config rules, one per control, generated from the registry: the rule
//! name, the function it invokes, its triggers, its scope and its `InputParameters` (the control
//! id, the exemption tag key and the control's tunables). The rest of `template.yaml` is written
//! by hand; the generated block sits between two marker lines and is replaced in place.

use std::collections::BTreeMap;
use std::fmt::Write;

use ourside_core::deploy::{function_of, runs_in_one_region, Function};
use ourside_core::params::RawParams;
use ourside_core::registry::CONTROLS;
use ourside_core::rule::{rule_name, CONTROL_ID, EXEMPTION_TAG_KEY, RULE_PREFIX};
use ourside_core::{Control, Trigger};

/// The line that opens the generated block.
pub const START: &str = "  # ourside:rules:start";
/// The line that closes it.
pub const END: &str = "  # ourside:rules:end";

/// The template parameter holding the exemption tag key.
const EXEMPTION_PARAMETER: &str = "ExemptionTagKey";
/// The template parameter holding how often periodic rules run.
const FREQUENCY_PARAMETER: &str = "PeriodicFrequency";
/// The condition true in the region that runs the account's global (IAM) checks.
const GLOBAL_REGION_CONDITION: &str = "IsGlobalControlsRegion";

/// The permission letting AWS Config invoke `function` (`EvaluatorConfigPermission`).
pub fn config_permission_id(function: Function) -> String {
    let name = function.logical_id().trim_end_matches("Function");
    format!("{name}ConfigPermission")
}

/// The rule's resource in the template: `Rule` and the control id's letters and digits
/// (`RuleS32` for S3.2).
pub fn rule_logical_id(control: &Control) -> String {
    let mut id = String::from("Rule");
    id.extend(control.id.chars().filter(char::is_ascii_alphanumeric));
    id
}

/// A YAML double-quoted scalar (JSON's string syntax is a subset of it).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// The generated block: every control's rule, with `overrides` in place of default tunables
/// (checked against the controls' declarations by the caller).
pub fn rules(overrides: &BTreeMap<&'static str, RawParams>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{START} (generated from the control registry by `ourside template --write template.yaml`; do not edit)"
    );
    for control in CONTROLS.iter().copied() {
        rule(&mut out, control, overrides.get(control.id));
    }
    let _ = writeln!(out, "{END}");
    out
}

fn rule(out: &mut String, control: &Control, overrides: Option<&RawParams>) {
    let function = function_of(control);
    let _ = writeln!(out, "  # {} {}", control.id, control.title);
    let _ = writeln!(out, "  {}:", rule_logical_id(control));
    let _ = writeln!(out, "    Type: AWS::Config::ConfigRule");
    if runs_in_one_region(control) {
        let _ = writeln!(out, "    Condition: {GLOBAL_REGION_CONDITION}");
    }
    let _ = writeln!(out, "    DependsOn: {}", config_permission_id(function));
    let _ = writeln!(out, "    Properties:");
    let _ = writeln!(
        out,
        "      ConfigRuleName: {}",
        quoted(&rule_name(RULE_PREFIX, control))
    );
    let _ = writeln!(out, "      Description: {}", quoted(control.title));
    if control.trigger == Trigger::Change {
        let _ = writeln!(out, "      Scope:");
        let _ = writeln!(out, "        ComplianceResourceTypes:");
        for resource_type in control.resource_types {
            let _ = writeln!(out, "          - {}", quoted(resource_type.config_name()));
        }
    }
    let _ = writeln!(out, "      Source:");
    let _ = writeln!(out, "        Owner: CUSTOM_LAMBDA");
    let _ = writeln!(
        out,
        "        SourceIdentifier: !GetAtt {}.Arn",
        function.logical_id()
    );
    let _ = writeln!(out, "        SourceDetails:");
    match control.trigger {
        Trigger::Change => {
            for message in [
                "ConfigurationItemChangeNotification",
                "OversizedConfigurationItemChangeNotification",
            ] {
                let _ = writeln!(out, "          - EventSource: aws.config");
                let _ = writeln!(out, "            MessageType: {message}");
            }
        }
        Trigger::Periodic => {
            let _ = writeln!(out, "          - EventSource: aws.config");
            let _ = writeln!(out, "            MessageType: ScheduledNotification");
            let _ = writeln!(
                out,
                "            MaximumExecutionFrequency: !Ref {FREQUENCY_PARAMETER}"
            );
        }
    }
    let _ = writeln!(out, "      InputParameters:");
    let _ = writeln!(out, "        {CONTROL_ID}: {}", quoted(control.id));
    let _ = writeln!(
        out,
        "        {EXEMPTION_TAG_KEY}: !Ref {EXEMPTION_PARAMETER}"
    );
    // Config rejects nothing here, but an empty value says nothing the default does not: such
    // tunables are listed in a comment so they can be found and set.
    let mut unset = Vec::new();
    for spec in control.params {
        let value = overrides
            .and_then(|raw| raw.get(spec.name))
            .unwrap_or(spec.default);
        if value.trim().is_empty() {
            unset.push(spec.name);
        } else {
            let _ = writeln!(out, "        {}: {}", spec.name, quoted(value));
        }
    }
    if !unset.is_empty() {
        let _ = writeln!(out, "        # also: {}", unset.join(", "));
    }
}

/// Replaces the generated block of `template` with `block`.
pub fn splice(template: &str, block: &str) -> Result<String, String> {
    let start = line_starting(template, START, 0)
        .ok_or_else(|| format!("no line starting with {:?}", START.trim()))?;
    let end = line_starting(template, END, start)
        .ok_or_else(|| format!("no line starting with {:?} after the start", END.trim()))?;
    let after_end = template[end..]
        .find('\n')
        .map_or(template.len(), |n| end + n + 1);
    Ok(format!(
        "{}{}{}",
        &template[..start],
        block,
        &template[after_end..]
    ))
}

/// The generated block `template` holds now, marker lines included.
pub fn current_block(template: &str) -> Option<&str> {
    let start = line_starting(template, START, 0)?;
    let end = line_starting(template, END, start)?;
    let after_end = template[end..]
        .find('\n')
        .map_or(template.len(), |n| end + n + 1);
    Some(&template[start..after_end])
}

/// The byte offset of the first line at or after `from` that starts with `prefix`.
fn line_starting(text: &str, prefix: &str, from: usize) -> Option<usize> {
    let mut offset = from;
    for line in text[from..].split_inclusive('\n') {
        if line.starts_with(prefix) && (offset == 0 || text.as_bytes()[offset - 1] == b'\n') {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use ourside_core::registry;

    #[test]
    fn logical_ids_are_unique() {
        let mut ids: Vec<String> = CONTROLS.iter().map(|c| rule_logical_id(c)).collect();
        ids.sort();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before);
    }

    #[test]
    fn a_change_rule_names_its_types_and_both_notifications() {
        let block = rules(&BTreeMap::new());
        let s32 = block
            .split("\n  # ")
            .find(|r| r.starts_with("S3.2 "))
            .unwrap();
        assert!(s32.contains("ConfigRuleName: \"ourside-S3-2\""), "{s32}");
        assert!(s32.contains("- \"AWS::S3::Bucket\""));
        assert!(s32.contains("MessageType: ConfigurationItemChangeNotification"));
        assert!(s32.contains("MessageType: OversizedConfigurationItemChangeNotification"));
        assert!(s32.contains("SourceIdentifier: !GetAtt EvaluatorFunction.Arn"));
        assert!(s32.contains("DependsOn: EvaluatorConfigPermission"));
        assert!(s32.contains("controlId: \"S3.2\""));
        assert!(!s32.contains("Condition:"));
    }

    #[test]
    fn a_periodic_iam_rule_runs_on_schedule_in_one_region_with_its_tunables() {
        let mut overrides = BTreeMap::new();
        overrides.insert(
            "IAM.3",
            RawParams([("maxAccessKeyAge".to_string(), "30".to_string())].into()),
        );
        let block = rules(&overrides);
        let iam3 = block
            .split("\n  # ")
            .find(|r| r.starts_with("IAM.3 "))
            .unwrap();
        assert!(iam3.contains("Condition: IsGlobalControlsRegion"), "{iam3}");
        assert!(iam3.contains("MessageType: ScheduledNotification"));
        assert!(iam3.contains("MaximumExecutionFrequency: !Ref PeriodicFrequency"));
        assert!(iam3.contains("maxAccessKeyAge: \"30\""));
        assert!(!iam3.contains("Scope:"));
        let ec218 = block
            .split("\n  # ")
            .find(|r| r.starts_with("EC2.18 "))
            .unwrap();
        assert!(ec218.contains("authorizedTcpPorts: \"80,443\""), "{ec218}");
        assert!(ec218.contains("# also: authorizedUdpPorts"));
        assert!(registry::find("IAM.3").is_some());
    }

    #[test]
    fn splice_replaces_only_the_block() {
        let template = format!("a\n{START} old\n  x: 1\n{END}\nb\n");
        let block = format!("{START} new\n{END}\n");
        let spliced = splice(&template, &block).unwrap();
        assert_eq!(spliced, format!("a\n{START} new\n{END}\nb\n"));
        assert_eq!(current_block(&spliced), Some(block.as_str()));
        assert!(splice("no markers", &block)
            .unwrap_err()
            .contains("ourside:rules:start"));
    }
}

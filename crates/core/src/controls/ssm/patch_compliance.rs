use crate::controls::prelude::*;
use crate::json::InputError;
use crate::resource::ssm::{PatchItem, ITEM_PATH, PATCH_PATH};

/// How many non-compliant patch ids an annotation names.
const PATCHES_SHOWN: usize = 3;

crate::control! {
    /// ## What it checks
    /// Whether the patch compliance Systems Manager Patch Manager reported for a managed
    /// instance is `COMPLIANT`, as the managed rule
    /// `ec2-managedinstance-patch-compliance-status-check` does. The deciding field is the
    /// `Status` of the `ComplianceSummary` in `configuration."AWS:ComplianceItem".Content.Patch`
    /// (also accepted beside `Patch` or beside `Content`). When the item has no summary, the
    /// per-patch entries decide: any entry whose `Status` is set and is not `COMPLIANT` fails;
    /// entries with an empty status are ignored. A summary status of `UNSPECIFIED_DATA` fails:
    /// the managed rule passes only `COMPLIANT`, and an instance whose patch state is unknown is
    /// not shown to be patched. Failures name the non-compliant counts by severity and the first
    /// missing patches. When a summary exists it decides, even if stale per-patch entries
    /// disagree. An item with no patch data at all cannot be judged and is reported as
    /// an input error. Instances that Patch Manager has never scanned have no such item and are
    /// not evaluated.
    ///
    /// ## Why it matters
    /// Patching the guest operating system and its packages is the customer's side of the
    /// Shared Responsibility Model for EC2. Missing security patches are the most common way
    /// attackers get from a foothold to a compromise.
    ///
    /// ## How to fix
    /// Install the missing patches with a patch policy or a maintenance window running
    /// `AWS-RunPatchBaseline` with `Operation=Install`, reboot when the patches require it, then
    /// let Patch Manager scan again so the compliance data is refreshed.
    CONTROL = Control {
        id: "SSM.2",
        title: "Amazon EC2 instances managed by Systems Manager should have a patch compliance status of COMPLIANT after a patch installation",
        resource_types: &[ResourceType::SsmPatchCompliance],
        trigger: Trigger::Change,
        severity: Severity::High,
        owner: Owner::Platform,
        area: SrmArea::OsPatching,
        mappings: Mappings {
            security_hub: Some("SSM.2"),
            cis: &[],
            nist: &["CM-8(3)", "SI-2", "SI-2(2)", "SI-2(3)", "SI-2(4)", "SI-2(5)"],
        },
        remediation: Remediation {
            text: "Install the missing patches with a patch policy or AWS-RunPatchBaseline (Operation=Install), reboot if required, and rescan so Patch Manager reports COMPLIANT.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ssm-controls.html#ssm-2",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::SsmPatchCompliance(compliance) = resource else {
        return Ok(Verdict::not_applicable("not a patch compliance record"));
    };
    let failing: Vec<&PatchItem> = compliance
        .patches
        .iter()
        .filter(|p| p.status.as_deref().is_some_and(|s| !is_compliant(s)))
        .collect();
    if let Some(summary) = &compliance.summary {
        let field = format!("{}.Status", summary.location);
        if is_compliant(&summary.status) {
            let mut details: Vec<String> = Vec::new();
            if let Some(baseline) = &summary.patch_baseline_id {
                details.push(format!("baseline {baseline}"));
            }
            if let Some(n) = summary.compliant {
                details.push(format!("{n} patches compliant"));
            }
            return Ok(Verdict::compliant(format!(
                "{field} is COMPLIANT{}",
                parenthesised(&details)
            )));
        }
        let mut details = Vec::new();
        if let Some(severity) = &summary.overall_severity {
            details.push(format!("overall severity {severity}"));
        }
        if !summary.non_compliant.is_empty() {
            let counts: Vec<String> = summary
                .non_compliant
                .iter()
                .map(|(label, n)| format!("{n} {label}"))
                .collect();
            details.push(format!("non-compliant: {}", counts.join(", ")));
        } else if !failing.is_empty() {
            details.push(format!("{} non-compliant patch entries", failing.len()));
        }
        return Ok(Verdict::non_compliant(format!(
            "{field} is {}, expected COMPLIANT{}{}",
            summary.status,
            parenthesised(&details),
            examples(&failing)
        )));
    }
    if !compliance.has_compliance_item {
        return Err(InputError::new(
            ITEM_PATH,
            "missing: the item carries no patch compliance data",
        ));
    }
    let judged = compliance
        .patches
        .iter()
        .filter(|p| p.status.is_some())
        .count();
    if judged == 0 {
        return Err(InputError::new(
            PATCH_PATH,
            "no ComplianceSummary and no patch entry with a Status",
        ));
    }
    if failing.is_empty() {
        return Ok(Verdict::compliant(if judged == 1 {
            "no ComplianceSummary; the only patch entry with a Status is COMPLIANT".to_string()
        } else {
            format!("no ComplianceSummary; all {judged} patch entries with a Status are COMPLIANT")
        }));
    }
    Ok(Verdict::non_compliant(format!(
        "no ComplianceSummary; {} of {judged} patch entries are not COMPLIANT{}",
        failing.len(),
        examples(&failing)
    )))
}

/// ` (a; b)`, or nothing.
fn parenthesised(details: &[String]) -> String {
    if details.is_empty() {
        String::new()
    } else {
        format!(" ({})", details.join("; "))
    }
}

fn is_compliant(status: &str) -> bool {
    status.eq_ignore_ascii_case("COMPLIANT")
}

/// `: KB5034441 (Critical, Missing), KB5034439 (+3 more)`, or nothing without entries.
fn examples(failing: &[&PatchItem]) -> String {
    if failing.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = failing
        .iter()
        .take(PATCHES_SHOWN)
        .map(|p| {
            let facts: Vec<&str> = [p.severity.as_deref(), p.state.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            if facts.is_empty() {
                p.id.clone()
            } else {
                format!("{} ({})", p.id, facts.join(", "))
            }
        })
        .collect();
    let more = failing.len().saturating_sub(PATCHES_SHOWN);
    let more = if more > 0 {
        format!(" (+{more} more)")
    } else {
        String::new()
    };
    format!(": {}{more}", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::ConfigurationItem;

    fn judge(configuration: &str) -> Outcome {
        let text = format!(
            r#"{{"resourceType":"AWS::SSM::PatchCompliance","resourceId":"i-1","configuration":{configuration}}}"#
        );
        let resource = Resource::from_item(&ConfigurationItem::parse(&text).unwrap())?;
        let context = Context {
            now: crate::timestamp::Timestamp::parse("2026-06-01T00:00:00Z").unwrap(),
            account: None,
            enrichment: &crate::facts::NO_ENRICHMENT,
        };
        evaluate(&resource, &Params::default(), &context)
    }

    #[test]
    fn items_without_patch_data_are_input_errors() {
        assert_eq!(judge("{}").unwrap_err().path, ITEM_PATH);
        let err = judge(r#"{"AWS:ComplianceItem":{"Content":{"Patch":{}}}}"#).unwrap_err();
        assert_eq!(err.path, PATCH_PATH);
        let err = judge(r#"{"AWS:ComplianceItem":{"Content":{"Patch":{"KB1":{"Status":""}}}}}"#)
            .unwrap_err();
        assert_eq!(err.path, PATCH_PATH);
    }

    #[test]
    fn summary_beside_content_decides_over_stale_entries() {
        let v = judge(
            r#"{"AWS:ComplianceItem":{"ComplianceSummary":{"Status":"COMPLIANT"},
                "Content":{"Patch":{"KB1":{"Status":"NON_COMPLIANT"}}}}}"#,
        )
        .unwrap();
        assert_eq!(v.compliance, crate::verdict::Compliance::Compliant);
        assert!(v
            .annotation
            .starts_with("AWS:ComplianceItem.ComplianceSummary.Status"));
    }
}

use crate::controls::prelude::*;
use crate::facts::require;

crate::control! {
    /// ## What it checks
    /// Whether a running EC2 instance is managed by Systems Manager: AWS Config holds an
    /// `AWS::SSM::ManagedInstanceInventory` item for it, which the SSM Agent's inventory
    /// creates. The item is not part of the instance's configuration item, so the evaluator
    /// reads it with `config:BatchGetResourceConfig` when the instance changes; offline scans
    /// cannot judge this control. As in the managed rule `ec2-instance-managed-by-systems-manager`,
    /// only running instances can fail: pending, stopping, stopped and terminated instances are
    /// NOT_APPLICABLE. An inventory item whose `instanceStatus` says the instance is terminated
    /// or deregistered does not count.
    ///
    /// ## Why it matters
    /// Patching, inventory and configuration of the guest operating system are the customer's
    /// side of the model. An instance Systems Manager does not manage is outside Patch Manager,
    /// Session Manager and inventory: nobody sees what runs on it or patches it.
    ///
    /// ## How to fix
    /// Give the instance an instance profile with `AmazonSSMManagedInstanceCore` (or turn on
    /// Default Host Management Configuration), make sure the SSM Agent is installed and running,
    /// and that the instance can reach the Systems Manager endpoints (through VPC endpoints in
    /// private subnets). Enable inventory collection so AWS Config records it.
    CONTROL = Control {
        id: "SSM.1",
        title: "Amazon EC2 instances should be managed by AWS Systems Manager",
        resource_types: &[ResourceType::Ec2Instance],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::OsPatching,
        mappings: Mappings {
            security_hub: Some("SSM.1"),
            cis: &[],
            nist: &["CA-9(1)", "CM-2", "CM-2(2)", "CM-8", "CM-8(1)", "CM-8(2)", "CM-8(3)", "SI-2(3)"],
        },
        remediation: Remediation {
            text: "Attach an instance profile with AmazonSSMManagedInstanceCore (or enable Default Host Management Configuration), run the SSM Agent, allow it to reach Systems Manager, and collect inventory.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ssm-controls.html#ssm-1",
        },
        params: &[],
        check: Check::Enriched(evaluate, &[Need::SsmManagedInstanceInventory]),
    }
}

/// Inventory statuses that mean the record outlived the managed instance.
const GONE_STATUSES: &[&str] = &["Terminated", "Deregistered"];

fn evaluate(resource: &Resource, _: &Params, context: &Context) -> Outcome {
    let Resource::Ec2Instance(instance) = resource else {
        return Ok(Verdict::not_applicable("not an EC2 instance"));
    };
    match instance.state.as_deref() {
        Some(state) if state.eq_ignore_ascii_case("running") => {}
        Some(state) => {
            return Ok(Verdict::not_applicable(format!(
                "instance is {state}: only running instances are judged"
            )))
        }
        None => {
            return Err(InputError::new(
                "configuration.state.name",
                "expected the instance state (running, stopped…), found none",
            ))
        }
    }
    let inventory = require(
        &context.enrichment.ssm_inventory,
        "AWS::SSM::ManagedInstanceInventory (config:BatchGetResourceConfig)",
    )?;
    let Some(inventory) = inventory else {
        return Ok(Verdict::non_compliant(
            "running, and AWS Config has no Systems Manager inventory for the instance: not managed by Systems Manager",
        ));
    };
    let status = inventory.instance_status.as_deref();
    if let Some(gone) = status.filter(|s| GONE_STATUSES.iter().any(|g| g.eq_ignore_ascii_case(s))) {
        return Ok(Verdict::non_compliant(format!(
            "running, and its Systems Manager inventory says {gone}: no longer managed"
        )));
    }
    let mut details = Vec::new();
    if let Some(status) = status {
        details.push(format!("instanceStatus {status}"));
    }
    if let Some(version) = &inventory.agent_version {
        details.push(format!("agent {version}"));
    }
    Ok(Verdict::compliant(if details.is_empty() {
        "managed by Systems Manager".to_string()
    } else {
        format!("managed by Systems Manager ({})", details.join(", "))
    }))
}

#[cfg(test)]
mod tests {
    use super::CONTROL;
    use crate::engine::Evaluator;
    use crate::facts::{Enrichment, Fact, InstanceInventory, Unavailable};
    use crate::item::ConfigurationItem;
    use crate::{Compliance, Outcome};

    fn judge(state: &str, inventory: Fact<Option<InstanceInventory>>) -> Outcome {
        let item = serde_json::json!({
            "resourceType": "AWS::EC2::Instance", "resourceId": "i-0123456789abcdef0",
            "accountId": "111122223333", "configurationItemStatus": "OK",
            "configuration": {"instanceId": "i-0123456789abcdef0", "state": {"code": 16, "name": state}}
        });
        let item = ConfigurationItem::parse(&item.to_string()).unwrap();
        let enrichment = Enrichment {
            ssm_inventory: inventory,
            ..Enrichment::default()
        };
        let now = crate::Timestamp::parse("2026-06-01T00:00:00Z").unwrap();
        let mut evaluations =
            Evaluator::with_defaults(&[&CONTROL], now).evaluate_enriched(&item, false, &enrichment);
        assert_eq!(evaluations.len(), 1);
        evaluations.pop().unwrap().outcome
    }

    fn inventory(status: &str) -> Fact<Option<InstanceInventory>> {
        Ok(Some(InstanceInventory {
            instance_status: Some(status.to_string()),
            agent_version: Some("3.3.1142.0".to_string()),
        }))
    }

    #[test]
    fn running_instances_need_an_inventory() {
        let verdict = judge("running", inventory("Active")).unwrap();
        assert_eq!(verdict.compliance, Compliance::Compliant);
        assert!(
            verdict.annotation.contains("3.3.1142.0"),
            "{}",
            verdict.annotation
        );
        let verdict = judge("running", Ok(None)).unwrap();
        assert_eq!(verdict.compliance, Compliance::NonCompliant);
        let verdict = judge("running", inventory("Terminated")).unwrap();
        assert_eq!(verdict.compliance, Compliance::NonCompliant);
    }

    #[test]
    fn instances_not_running_are_not_judged_and_need_no_call() {
        for state in ["stopped", "pending", "terminated"] {
            let verdict = judge(state, Err(Unavailable::NotFetched)).unwrap();
            assert_eq!(verdict.compliance, Compliance::NotApplicable, "{state}");
        }
    }

    #[test]
    fn unavailable_inventory_is_an_error() {
        let error = judge(
            "running",
            Err(Unavailable::Failed(
                "config:BatchGetResourceConfig: AccessDenied".into(),
            )),
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("BatchGetResourceConfig"),
            "{error}"
        );
    }
}

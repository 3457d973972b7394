use super::revision;
use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether every container definition sets `ReadonlyRootFilesystem` to true. False fails,
    /// and so does an unset value (the ECS default is a writable root filesystem), as the current
    /// Security Hub control says. Task definitions whose `RuntimePlatform.OperatingSystemFamily`
    /// is a Windows family are NOT_APPLICABLE: Windows containers do not support the setting.
    /// Only ACTIVE revisions are judged.
    ///
    /// ## Why it matters
    /// Container hardening is the customer's side of the model. A writable root filesystem lets
    /// an intruder drop tools, alter binaries and persist inside the container; a read-only one
    /// confines writes to the volumes you mount on purpose.
    ///
    /// ## How to fix
    /// Set `readonlyRootFilesystem: true` in every container definition and mount writable
    /// volumes (or `tmpfs`) only where the application writes, then register a new revision.
    CONTROL = Control {
        id: "ECS.5",
        title: "ECS task definitions should configure containers to be limited to read-only access to root filesystems",
        resource_types: &[ResourceType::EcsTaskDefinition],
        trigger: Trigger::Change,
        severity: Severity::High,
        owner: Owner::Platform,
        area: SrmArea::ContainerImages,
        mappings: Mappings {
            security_hub: Some("ECS.5"),
            cis: &[],
            nist: &["AC-2(1)", "AC-3", "AC-3(15)", "AC-3(7)", "AC-5", "AC-6"],
        },
        remediation: Remediation {
            text: "Set readonlyRootFilesystem to true for every container and mount writable volumes only where the application needs to write.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-5",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    revision::judge(resource, |task| {
        if task.is_windows() {
            return Ok(Verdict::not_applicable(format!(
                "Windows task definition (RuntimePlatform.OperatingSystemFamily {}): read-only root filesystems are not supported",
                task.operating_system_family.as_deref().unwrap_or_default()
            )));
        }
        let offences: Vec<String> = task
            .containers
            .iter()
            .filter_map(|c| match c.readonly_root_filesystem {
                Some(true) => None,
                Some(false) => Some(format!(
                    "container {:?} has ReadonlyRootFilesystem false",
                    c.name
                )),
                None => Some(format!(
                    "container {:?} does not set ReadonlyRootFilesystem (default writable)",
                    c.name
                )),
            })
            .collect();
        Ok(Verdict::from_offences(
            offences,
            format!(
                "every container has a read-only root filesystem ({})",
                revision::containers(task)
            ),
        ))
    })
}

use super::revision;
use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether any container definition of the task definition sets `Privileged` to true. Unset
    /// or false passes, as in the managed rule `ecs-containers-nonprivileged`. Only ACTIVE
    /// revisions are judged; deregistered ones are NOT_APPLICABLE.
    ///
    /// ## Why it matters
    /// Container hardening is the customer's side of the model. A privileged container has
    /// almost every capability of root on the host: it can load kernel modules, reach host
    /// devices and escape to the container instance and every task on it.
    ///
    /// ## How to fix
    /// Register a new revision with `privileged` removed (or false); grant only the Linux
    /// capabilities the container needs with `linuxParameters.capabilities.add`. Move services
    /// to the new revision and deregister the old one.
    CONTROL = Control {
        id: "ECS.4",
        title: "ECS containers should run as non-privileged",
        resource_types: &[ResourceType::EcsTaskDefinition],
        trigger: Trigger::Change,
        severity: Severity::High,
        owner: Owner::Platform,
        area: SrmArea::ContainerImages,
        mappings: Mappings {
            security_hub: Some("ECS.4"),
            cis: &[],
            nist: &["AC-2(1)", "AC-3", "AC-3(15)", "AC-3(7)", "AC-5", "AC-6"],
        },
        remediation: Remediation {
            text: "Register a task definition revision without privileged containers, granting only the specific Linux capabilities needed.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-4",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    revision::judge(resource, |task| {
        let offences: Vec<String> = task
            .containers
            .iter()
            .filter(|c| c.privileged == Some(true))
            .map(|c| format!("container {:?} has Privileged true", c.name))
            .collect();
        Ok(Verdict::from_offences(
            offences,
            format!(
                "no container is privileged ({})",
                revision::containers(task)
            ),
        ))
    })
}

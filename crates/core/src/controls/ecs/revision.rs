//! Which task definition revisions the ECS controls judge, shared by ECS.4, ECS.5 and ECS.8.
//!
//! Security Hub evaluates only the latest ACTIVE revision of a family. Whether a revision is the
//! latest needs `ecs:ListTaskDefinitions`, which an item cannot answer; a revision that is no
//! longer ACTIVE (deregistered, or being deleted) is certainly not it, so it is NOT_APPLICABLE.

use crate::resource::ecs::TaskDefinition;
use crate::resource::Resource;
use crate::verdict::{Outcome, Verdict};

/// Runs `check` on the task definition when it is one to judge; otherwise NOT_APPLICABLE,
/// saying why (not a task definition, a revision that is no longer ACTIVE, no containers).
pub(super) fn judge(
    resource: &Resource,
    check: impl FnOnce(&TaskDefinition) -> Outcome,
) -> Outcome {
    let Resource::EcsTaskDefinition(task) = resource else {
        return Ok(Verdict::not_applicable("not an ECS task definition"));
    };
    if task.is_inactive() {
        return Ok(Verdict::not_applicable(format!(
            "task definition revision{} is {}: only the latest ACTIVE revision is evaluated",
            task.label().map(|l| format!(" {l}")).unwrap_or_default(),
            task.status.as_deref().unwrap_or_default()
        )));
    }
    if task.containers.is_empty() {
        return Ok(Verdict::not_applicable(
            "the task definition has no container definitions",
        ));
    }
    check(task)
}

/// `1 container`, `3 containers`.
pub(super) fn containers(task: &TaskDefinition) -> String {
    match task.containers.len() {
        1 => "1 container".to_string(),
        n => format!("{n} containers"),
    }
}

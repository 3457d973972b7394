use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether an IAM user has policies of its own: managed policies attached to the user
    /// (`attachedManagedPolicies`, AWS or customer managed) or inline policies embedded in it
    /// (`userPolicyList`). Either fails, and the annotation names them. Group membership is how
    /// users should get permissions and does not count; neither does a permissions boundary,
    /// which grants nothing.
    ///
    /// ## Why it matters
    /// Who can do what is the customer's responsibility. Permissions granted user by user
    /// drift, are hard to review and outlive role changes; granting them through groups (or
    /// roles) keeps them in a few places that can be audited.
    ///
    /// ## How to fix
    /// Attach the policies to an IAM group and add the user to it (or move the workload to a
    /// role, or the person to IAM Identity Center), then detach the managed policies from the
    /// user and delete its inline policies.
    CONTROL = Control {
        id: "IAM.2",
        title: "IAM users should not have IAM policies attached",
        resource_types: &[ResourceType::IamUser],
        trigger: Trigger::Change,
        severity: Severity::Low,
        owner: Owner::Platform,
        area: SrmArea::IdentityAndAccess,
        mappings: Mappings {
            security_hub: Some("IAM.2"),
            cis: &[Cis::v1_2("1.16"), Cis::v3("1.15")],
            nist: &["AC-2", "AC-2(1)", "AC-3", "AC-3(15)", "AC-3(7)", "AC-6", "AC-6(3)"],
        },
        remediation: Remediation {
            text: "Attach the policies to an IAM group and add the user to it, then detach the user's managed policies and delete its inline policies.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-2",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::IamUser(user) = resource else {
        return Ok(Verdict::not_applicable(format!(
            "not an {}",
            ResourceType::IamUser
        )));
    };
    let attached = user
        .attached
        .iter()
        .map(|p| format!("managed policy {:?} attached", p.name));
    let inline = user
        .inline
        .iter()
        .map(|p| format!("inline policy {:?}", p.name));
    Ok(Verdict::from_offences(
        attached.chain(inline).collect(),
        "no managed or inline policies on the user; permissions come from groups or roles",
    ))
}

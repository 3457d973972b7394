use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether a VPC's default security group (the group named `default`) has any inbound or
    /// outbound rule. Every rule counts, whatever its source or destination: CIDR blocks, other
    /// security groups (including the group itself) and prefix lists. A permission entry with no
    /// source at all allows nothing and is ignored. Other security groups are NOT_APPLICABLE, as
    /// in the managed rule `vpc-default-security-group-closed`. EC2-Classic default groups (no
    /// `vpcId`) are judged the same way.
    ///
    /// ## Why it matters
    /// Anything launched without an explicit security group lands in the default group. A new
    /// default group lets every member talk to every other on all ports and reach the whole
    /// internet, so forgotten resources end up exposed to each other and able to exfiltrate data.
    ///
    /// ## How to fix
    /// Move resources to purpose-built, least-privilege security groups, then delete every
    /// inbound and outbound rule of the default group. The group itself cannot be deleted; an
    /// empty default group denies all traffic.
    CONTROL = Control {
        id: "EC2.2",
        title: "VPC default security groups should not allow inbound or outbound traffic",
        resource_types: &[ResourceType::Ec2SecurityGroup],
        trigger: Trigger::Change,
        severity: Severity::High,
        owner: Owner::Platform,
        area: SrmArea::NetworkSegmentation,
        mappings: Mappings {
            security_hub: Some("EC2.2"),
            cis: &[Cis::v1_2("4.3"), Cis::v1_4("5.3"), Cis::v3("5.4")],
            nist: &["AC-4", "AC-4(21)", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(21)", "SC-7(4)", "SC-7(5)"],
        },
        remediation: Remediation {
            text: "Move resources off the default security group to least-privilege groups, then remove every inbound and outbound rule from the default group.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-2",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::Ec2SecurityGroup(group) = resource else {
        return Ok(Verdict::not_applicable("not a security group"));
    };
    if !group.is_default() {
        return Ok(Verdict::not_applicable(format!(
            "groupName is {}, not a default security group",
            group.group_name.as_deref().unwrap_or("absent")
        )));
    }
    let offences = group
        .ingress
        .iter()
        .chain(&group.egress)
        .filter(|p| p.has_sources())
        .map(|p| p.describe())
        .collect();
    Ok(Verdict::from_offences(
        offences,
        "default security group has no inbound or outbound rules",
    ))
}

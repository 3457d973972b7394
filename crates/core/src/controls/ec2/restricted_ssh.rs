use super::world_ports;
use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether any inbound rule of the security group lets TCP port 22 (SSH) in from
    /// `0.0.0.0/0` or `::/0`. Port ranges that include 22 and protocol `-1` (all traffic) count;
    /// so does any `/0` block, whatever host bits it is written with (`11.0.0.0/0`).
    ///
    /// ## Why it matters
    /// Security group rules are the customer's network boundary. SSH open to the world invites
    /// credential stuffing and exploitation of the guest OS, which AWS does not patch for you.
    ///
    /// ## How to fix
    /// Remove the rule, or narrow its source to known address ranges. Prefer Session Manager
    /// (no inbound port at all) or EC2 Instance Connect endpoints for shell access.
    CONTROL = Control {
        id: "EC2.13",
        title: "Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 22",
        resource_types: &[ResourceType::Ec2SecurityGroup],
        trigger: Trigger::Change,
        severity: Severity::High,
        owner: Owner::Platform,
        area: SrmArea::NetworkSegmentation,
        mappings: Mappings {
            security_hub: Some("EC2.13"),
            cis: &[Cis::v1_2("4.1")],
            nist: &["AC-4", "AC-4(21)", "CM-7", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(21)", "SC-7(4)", "SC-7(5)"],
        },
        remediation: Remediation {
            text: "Remove inbound rules that allow TCP 22 from 0.0.0.0/0 or ::/0, or restrict them to known CIDR ranges; use Session Manager for shell access.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-13",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    world_ports::check(resource, &[22])
}

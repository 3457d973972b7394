use super::world_ports;
use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether any inbound rule of the security group lets TCP port 3389 (Remote Desktop) in
    /// from `0.0.0.0/0` or `::/0`. Port ranges that include 3389 and protocol `-1` (all traffic)
    /// count; so does any `/0` block, whatever host bits it is written with. UDP 3389 is not
    /// judged: the managed rule behind the control (`restricted-common-ports`) looks at TCP only.
    ///
    /// ## Why it matters
    /// Security group rules are the customer's network boundary. RDP open to the world is one of
    /// the most scanned and brute-forced services on the internet, and the Windows guest behind
    /// it is the customer's to patch and harden.
    ///
    /// ## How to fix
    /// Remove the rule, or narrow its source to known address ranges. Prefer Fleet Manager or
    /// Session Manager port forwarding, which need no inbound port at all.
    CONTROL = Control {
        id: "EC2.14",
        title: "Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 3389",
        resource_types: &[ResourceType::Ec2SecurityGroup],
        trigger: Trigger::Change,
        severity: Severity::High,
        owner: Owner::Platform,
        area: SrmArea::NetworkSegmentation,
        mappings: Mappings {
            security_hub: Some("EC2.14"),
            cis: &[Cis::v1_2("4.2")],
            nist: &[],
        },
        remediation: Remediation {
            text: "Remove inbound rules that allow TCP 3389 from 0.0.0.0/0 or ::/0, or restrict them to known CIDR ranges; use Fleet Manager or Session Manager for remote desktop access.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-14",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    world_ports::check(resource, &[3389])
}

use super::instances;
use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether the instance has a public IPv4 address anywhere in its item: `publicIpAddress`,
    /// or a `publicIp` in the association of a network interface or of any of its private IP
    /// addresses (secondary addresses and Elastic IPs included). As in the managed rule
    /// `ec2-instance-no-public-ip`, the presence of the address decides, whatever the instance
    /// state: a stopped instance keeps an Elastic IP. IPv6 and carrier addresses are not judged.
    /// Terminated instances are NOT_APPLICABLE.
    ///
    /// ## Why it matters
    /// A public address makes the instance reachable from the internet whenever a security
    /// group or network ACL rule allows it; one mistaken rule is then enough. Keeping instances
    /// private and publishing through load balancers is part of the customer's network design.
    ///
    /// ## How to fix
    /// Launch instances in subnets that do not auto-assign public IPv4 addresses (or turn the
    /// option off at launch), disassociate Elastic IPs, and serve traffic through a load
    /// balancer, with NAT gateways for outbound access.
    CONTROL = Control {
        id: "EC2.9",
        title: "Amazon EC2 instances should not have a public IPv4 address",
        resource_types: &[ResourceType::Ec2Instance],
        trigger: Trigger::Change,
        severity: Severity::High,
        owner: Owner::Platform,
        area: SrmArea::NetworkSegmentation,
        mappings: Mappings {
            security_hub: Some("EC2.9"),
            cis: &[],
            nist: &["AC-21", "AC-3", "AC-3(7)", "AC-4", "AC-4(21)", "AC-6", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(20)", "SC-7(21)", "SC-7(3)", "SC-7(4)", "SC-7(9)"],
        },
        remediation: Remediation {
            text: "Launch instances without public IPv4 addresses and disassociate Elastic IPs; publish services through a load balancer and use NAT for outbound traffic.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-9",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let instance = match instances::live(resource) {
        Ok(instance) => instance,
        Err(settled) => return Ok(settled),
    };
    let offences = instance
        .public_ips
        .iter()
        .map(|(ip, place)| format!("public IPv4 address {ip} at {place}"))
        .collect();
    Ok(Verdict::from_offences(
        offences,
        "no public IPv4 address on the instance or its network interfaces",
    ))
}

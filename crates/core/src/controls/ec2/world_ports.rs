//! World-open ingress to named ports, shared by EC2.13, EC2.14 and EC2.19.

use crate::net::Protocol;
use crate::resource::{Resource, ResourceType};
use crate::verdict::{Outcome, Verdict};

/// NON_COMPLIANT naming every ingress rule that opens one of `ports` (TCP, or all traffic) to
/// `0.0.0.0/0` or `::/0`.
pub(super) fn check(resource: &Resource, ports: &[u16]) -> Outcome {
    let Resource::Ec2SecurityGroup(group) = resource else {
        return Ok(Verdict::not_applicable(format!(
            "not a {}",
            ResourceType::Ec2SecurityGroup
        )));
    };
    let mut offences: Vec<String> = Vec::new();
    for &port in ports {
        for offence in group.world_ingress_to(Protocol::Tcp, port) {
            if !offences.contains(&offence) {
                offences.push(offence);
            }
        }
    }
    let list = ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    Ok(Verdict::from_offences(
        offences,
        format!("no ingress from 0.0.0.0/0 or ::/0 to tcp port {list}"),
    ))
}

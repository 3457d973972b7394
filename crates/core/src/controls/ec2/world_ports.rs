//! World-open ingress to named ports, shared by EC2.13, EC2.14 and EC2.19.

use crate::net::Protocol;
use crate::resource::ec2::describe_world_permission;
use crate::resource::{Resource, ResourceType};
use crate::verdict::{Outcome, Verdict};

/// NON_COMPLIANT naming every ingress rule that opens one of `ports` (TCP, or all traffic) to
/// `0.0.0.0/0` or `::/0`; with several ports, each offence says which of them the rule reaches.
pub(super) fn check(resource: &Resource, ports: &[u16]) -> Outcome {
    let Resource::Ec2SecurityGroup(group) = resource else {
        return Ok(Verdict::not_applicable(format!(
            "not a {}",
            ResourceType::Ec2SecurityGroup
        )));
    };
    let offences = group
        .ingress
        .iter()
        .filter_map(|permission| {
            let reached: Vec<u16> = ports
                .iter()
                .copied()
                .filter(|&port| permission.opens(Protocol::Tcp, port))
                .collect();
            if reached.is_empty() {
                return None;
            }
            let offence = describe_world_permission(permission)?;
            Some(if ports.len() > 1 {
                format!("{offence} reaches {}", port_list(&reached, ports.len()))
            } else {
                offence
            })
        })
        .collect();
    let all_clear = match ports {
        [port] => format!("no ingress from 0.0.0.0/0 or ::/0 to tcp port {port}"),
        _ => format!(
            "no ingress from 0.0.0.0/0 or ::/0 to any of the {} listed tcp ports",
            ports.len()
        ),
    };
    Ok(Verdict::from_offences(offences, all_clear))
}

/// `port 22, 3389`, or `all 24 listed ports`, or the first few and how many more.
fn port_list(reached: &[u16], listed: usize) -> String {
    const SHOWN: usize = 5;
    if reached.len() == listed {
        return format!("all {listed} listed ports");
    }
    if reached.len() > SHOWN {
        let more = reached.len() - SHOWN;
        return format!(
            "port {} (+{more} more)",
            join(reached.get(..SHOWN).unwrap_or(reached))
        );
    }
    format!("port {}", join(reached))
}

fn join(ports: &[u16]) -> String {
    ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

use crate::controls::prelude::*;
use crate::net::{describe_traffic, Cidr, PortRange, Protocol};
use crate::resource::ec2::AclEntry;

/// SSH and Remote Desktop.
const PORTS: [u16; 2] = [22, 3389];
const PROTOCOLS: [Protocol; 2] = [Protocol::Tcp, Protocol::Udp];

crate::control! {
    /// ## What it checks
    /// Whether an inbound entry of the network ACL lets traffic from `0.0.0.0/0` or `::/0`
    /// reach port 22 (SSH) or 3389 (RDP), over TCP or UDP (the managed rule
    /// `nacl-no-unrestricted-ssh-rdp` names both). Protocol `-1` entries and port ranges that
    /// include the port count. Entries are evaluated the way VPC does: in rule-number order, the
    /// first entry matching a packet decides. An allow entry from a `/0` block therefore only
    /// fails when the lower-numbered entries that match the same protocol and port leave some
    /// source address undecided; a `deny` from `0.0.0.0/0` for port 22 at rule 50 makes an
    /// `allow all` at rule 100 harmless for that port. Entries with narrower sources are not
    /// judged. Default network ACLs are NOT_APPLICABLE: Security Hub generates no findings for
    /// them.
    ///
    /// ## Why it matters
    /// Network ACLs are the subnet-level layer of the customer's network boundary. Letting the
    /// whole internet reach remote administration ports leaves a single security group rule
    /// between those services and credential-stuffing and exploit traffic.
    ///
    /// ## How to fix
    /// Remove or narrow inbound allow entries that admit 0.0.0.0/0 or ::/0 to ports 22 and 3389,
    /// or add lower-numbered deny entries for those ports. Use Session Manager or a VPN for
    /// administration.
    CONTROL = Control {
        id: "EC2.21",
        title: "Network ACLs should not allow ingress from 0.0.0.0/0 to port 22 or port 3389",
        resource_types: &[ResourceType::Ec2NetworkAcl],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::NetworkSegmentation,
        mappings: Mappings {
            security_hub: Some("EC2.21"),
            cis: &[Cis::v1_4("5.1"), Cis::v3("5.1")],
            nist: &["AC-4(21)", "CA-9(1)", "CM-2", "CM-2(2)", "CM-7", "SC-7", "SC-7(21)", "SC-7(5)"],
        },
        remediation: Remediation {
            text: "Remove or narrow inbound network ACL allow entries that admit 0.0.0.0/0 or ::/0 to ports 22 and 3389, or deny those ports in a lower-numbered entry.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-21",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

/// What the first-match walk found for one world-open allow entry.
struct Finding<'a> {
    entry: &'a AclEntry,
    world: Cidr,
    /// `tcp/22`, `udp/3389`… the entry lets through.
    reached: Vec<String>,
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::Ec2NetworkAcl(acl) = resource else {
        return Ok(Verdict::not_applicable("not a network ACL"));
    };
    if acl.is_default {
        return Ok(Verdict::not_applicable(
            "default network ACL (isDefault true): Security Hub does not evaluate it",
        ));
    }
    let mut inbound: Vec<&AclEntry> = acl.entries.iter().filter(|e| !e.egress).collect();
    inbound.sort_by_key(|e| e.rule_number);

    let mut findings: Vec<Finding> = Vec::new();
    for world in [
        Cidr::V4 { addr: 0, prefix: 0 },
        Cidr::V6 { addr: 0, prefix: 0 },
    ] {
        for protocol in PROTOCOLS {
            for port in PORTS {
                let Some((entry, reachable)) = first_world_entry(&inbound, world, protocol, port)
                else {
                    continue;
                };
                if !entry.allow || !reachable {
                    continue;
                }
                let traffic = describe_traffic(protocol, PortRange::single(port));
                match findings
                    .iter_mut()
                    .find(|f| std::ptr::eq(f.entry, entry) && f.world == world)
                {
                    Some(f) => f.reached.push(traffic),
                    None => findings.push(Finding {
                        entry,
                        world,
                        reached: vec![traffic],
                    }),
                }
            }
        }
    }
    let offences: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "inbound rule {} ({}) allows {} from {}, reaching {}",
                f.entry.rule_number,
                f.entry.location,
                describe_traffic(f.entry.protocol, f.entry.ports),
                f.world,
                f.reached.join(", ")
            )
        })
        .collect();
    if !offences.is_empty() {
        return Ok(Verdict::from_offences(offences, ""));
    }
    // World-open allow entries covering the ports that the walk never reached.
    let shadowed: Vec<&AclEntry> = inbound
        .iter()
        .copied()
        .filter(|e| e.allow && e.cidr.is_some_and(|c| c.is_world()))
        .filter(|e| {
            PROTOCOLS
                .iter()
                .any(|&protocol| PORTS.iter().any(|&port| e.opens(protocol, port)))
        })
        .collect();
    Ok(Verdict::compliant(if shadowed.is_empty() {
        "no inbound entry allows 0.0.0.0/0 or ::/0 to tcp/udp port 22 or 3389".to_string()
    } else {
        let rules: Vec<String> = shadowed
            .iter()
            .map(|e| format!("{} ({})", e.rule_number, e.location))
            .collect();
        format!(
            "world-open inbound rule {} is shadowed for ports 22 and 3389 by lower-numbered entries",
            rules.join(", ")
        )
    }))
}

/// The first inbound entry whose source is the whole of `world`'s address family and which
/// matches `protocol`/`port`, and whether any source address is still undecided when the walk
/// reaches it (earlier matching entries with narrower sources decide part of the space).
fn first_world_entry<'a>(
    inbound: &[&'a AclEntry],
    world: Cidr,
    protocol: Protocol,
    port: u16,
) -> Option<(&'a AclEntry, bool)> {
    let mut decided: Vec<Cidr> = Vec::new();
    for entry in inbound {
        let Some(cidr) = entry.cidr else { continue };
        if !entry.opens(protocol, port) || !world.contains(&cidr) {
            continue;
        }
        if cidr.is_world() {
            return Some((entry, !world.is_covered_by(&decided)));
        }
        decided.push(cidr);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::ConfigurationItem;
    use crate::verdict::Compliance;

    fn judge(entries: &str) -> Verdict {
        let text = format!(
            r#"{{"resourceType":"AWS::EC2::NetworkAcl","resourceId":"acl-1","configuration":{{"isDefault":false,"entries":{entries}}}}}"#
        );
        let resource = Resource::from_item(&ConfigurationItem::parse(&text).unwrap()).unwrap();
        let context = Context {
            now: crate::timestamp::Timestamp::parse("2026-06-01T00:00:00Z").unwrap(),
            account: None,
            enrichment: &crate::facts::NO_ENRICHMENT,
        };
        evaluate(&resource, &Params::default(), &context).unwrap()
    }

    const ALLOW_ALL: &str = r#"{"ruleNumber":100,"protocol":"-1","ruleAction":"allow","egress":false,"cidrBlock":"0.0.0.0/0"}"#;

    #[test]
    fn denies_that_together_cover_the_world_shadow_a_later_allow() {
        let halves = format!(
            r#"[{{"ruleNumber":10,"protocol":"-1","ruleAction":"deny","egress":false,"cidrBlock":"0.0.0.0/1"}},
                {{"ruleNumber":20,"protocol":"-1","ruleAction":"deny","egress":false,"cidrBlock":"128.0.0.0/1"}},{ALLOW_ALL}]"#
        );
        let v = judge(&halves);
        assert_eq!(v.compliance, Compliance::Compliant, "{}", v.annotation);
        assert!(v.annotation.contains("rule 100"), "{}", v.annotation);
    }

    #[test]
    fn a_partial_deny_leaves_the_rest_of_the_world_in() {
        let half = format!(
            r#"[{{"ruleNumber":10,"protocol":"-1","ruleAction":"deny","egress":false,"cidrBlock":"0.0.0.0/1"}},{ALLOW_ALL}]"#
        );
        let v = judge(&half);
        assert_eq!(v.compliance, Compliance::NonCompliant);
        assert!(
            v.annotation.starts_with("inbound rule 100"),
            "{}",
            v.annotation
        );
    }

    #[test]
    fn rule_numbers_not_positions_decide_and_egress_is_ignored() {
        let entries = format!(
            r#"[{ALLOW_ALL},{{"ruleNumber":5,"protocol":"6","ruleAction":"deny","egress":false,"cidrBlock":"0.0.0.0/0","portRange":{{"from":0,"to":65535}}}},
                {{"ruleNumber":6,"protocol":"17","ruleAction":"deny","egress":false,"cidrBlock":"0.0.0.0/0"}},
                {{"ruleNumber":1,"protocol":"-1","ruleAction":"allow","egress":true,"cidrBlock":"0.0.0.0/0"}}]"#
        );
        let v = judge(&entries);
        assert_eq!(v.compliance, Compliance::Compliant, "{}", v.annotation);
    }
}

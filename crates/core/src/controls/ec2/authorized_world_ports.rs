use crate::controls::prelude::*;
use crate::net::{PortRange, Protocol};
use crate::resource::ec2::describe_world_permission;

static AUTHORIZED_TCP_PORTS: ParamSpec = ParamSpec {
    name: "authorizedTcpPorts",
    kind: ParamKind::Ports,
    default: "80,443",
    help: "TCP ports and ranges that may be open to 0.0.0.0/0 or ::/0, e.g. 443,1020-1025",
};

static AUTHORIZED_UDP_PORTS: ParamSpec = ParamSpec {
    name: "authorizedUdpPorts",
    kind: ParamKind::Ports,
    default: "",
    help: "UDP ports and ranges that may be open to 0.0.0.0/0 or ::/0, e.g. 500,4500 (none by default)",
};

static PARAMS: [ParamSpec; 2] = [AUTHORIZED_TCP_PORTS, AUTHORIZED_UDP_PORTS];

crate::control! {
    /// ## What it checks
    /// Whether every inbound rule open to `0.0.0.0/0` or `::/0` (any `/0` block, whatever host
    /// bits it is written with) exposes only authorized ports: TCP ports in `authorizedTcpPorts`
    /// (default `80,443`) and UDP ports in `authorizedUdpPorts` (default none). A rule fails
    /// unless its whole port range lies within the authorized ranges, so `tcp/80-443` fails with
    /// the default; the annotation names the unauthorized ports. Protocol `-1` opens every TCP
    /// and UDP port. Like the managed rule `vpc-sg-open-only-to-authorized-ports`, the control
    /// judges TCP and UDP ports only: world-open ICMP or other protocols without ports (ESP,
    /// GRE…) are not offences. A group with no world-open inbound rule at all is NOT_APPLICABLE,
    /// as the managed rule documents.
    ///
    /// ## Why it matters
    /// Every port open to the internet is attack surface on the customer's side of the model.
    /// Keeping an explicit allow-list (usually HTTP and HTTPS on load balancers) makes every
    /// other world-open port a visible exception instead of a forgotten test rule.
    ///
    /// ## How to fix
    /// Narrow the source of each offending rule to known address ranges, or split it so that only
    /// authorized ports stay open to the world. If the port is meant to be public, add it to the
    /// rule parameters.
    CONTROL = Control {
        id: "EC2.18",
        title: "Security groups should only allow unrestricted incoming traffic for authorized ports",
        resource_types: &[ResourceType::Ec2SecurityGroup],
        trigger: Trigger::Change,
        severity: Severity::High,
        owner: Owner::Platform,
        area: SrmArea::NetworkSegmentation,
        mappings: Mappings {
            security_hub: Some("EC2.18"),
            cis: &[],
            nist: &["AC-4", "AC-4(21)", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(21)", "SC-7(4)", "SC-7(5)"],
        },
        remediation: Remediation {
            text: "Restrict inbound rules open to 0.0.0.0/0 or ::/0 to the authorized ports (TCP 80 and 443 by default), or narrow their source CIDRs.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-18",
        },
        params: &PARAMS,
        check: Check::Item(evaluate),
    }
}

/// How many unauthorized ranges an offence names before it only counts the rest.
const RANGES_SHOWN: usize = 4;

fn evaluate(resource: &Resource, params: &Params, _: &Context) -> Outcome {
    let Resource::Ec2SecurityGroup(group) = resource else {
        return Ok(Verdict::not_applicable("not a security group"));
    };
    let tcp = params.ports(&AUTHORIZED_TCP_PORTS);
    let udp = params.ports(&AUTHORIZED_UDP_PORTS);
    let mut world_open = 0;
    let mut offences = Vec::new();
    for permission in &group.ingress {
        let Some(described) = describe_world_permission(permission) else {
            continue;
        };
        world_open += 1;
        let exposed: Vec<String> = [(Protocol::Tcp, &tcp), (Protocol::Udp, &udp)]
            .into_iter()
            .filter(|(protocol, _)| {
                permission.protocol == Protocol::All || permission.protocol == *protocol
            })
            .filter_map(|(protocol, authorized)| {
                let gaps = permission.ports.uncovered_by(authorized);
                (!gaps.is_empty()).then(|| format!("{protocol} {}", ranges(&gaps)))
            })
            .collect();
        if !exposed.is_empty() {
            offences.push(format!(
                "{described} exposes unauthorized {}",
                exposed.join(" and ")
            ));
        }
    }
    if world_open == 0 {
        return Ok(Verdict::not_applicable(
            "no inbound rule from 0.0.0.0/0 or ::/0",
        ));
    }
    Ok(Verdict::from_offences(
        offences,
        format!(
            "{world_open} world-open inbound rule(s), none on an unauthorized tcp/udp port (authorized tcp {}; udp {})",
            ranges_or_none(&tcp),
            ranges_or_none(&udp)
        ),
    ))
}

/// `0-79, 81-442, 444-65535`, or the first few ranges and how many more.
fn ranges(list: &[PortRange]) -> String {
    let shown: Vec<String> = list
        .iter()
        .take(RANGES_SHOWN)
        .map(PortRange::to_string)
        .collect();
    match list.len().saturating_sub(RANGES_SHOWN) {
        0 => shown.join(", "),
        more => format!("{} (+{more} more ranges)", shown.join(", ")),
    }
}

fn ranges_or_none(list: &[PortRange]) -> String {
    if list.is_empty() {
        "none".to_string()
    } else {
        ranges(list)
    }
}

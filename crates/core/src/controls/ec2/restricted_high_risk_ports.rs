use super::world_ports;
use crate::controls::prelude::*;

/// The `blockedPorts` Security Hub gives the managed rule `restricted-common-ports` for EC2.19.
const HIGH_RISK_PORTS: [u16; 24] = [
    20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500,
    5601, 8080, 8088, 8888, 9200, 9300,
];

crate::control! {
    /// ## What it checks
    /// Whether any inbound rule of the security group lets one of 24 high-risk TCP ports in from
    /// `0.0.0.0/0` or `::/0`: 20, 21 (FTP), 22 (SSH), 23 (Telnet), 25 (SMTP), 110 (POP3),
    /// 135 (RPC), 143 (IMAP), 445 (SMB), 1433, 1434 (SQL Server), 3000, 3306 (MySQL),
    /// 3389 (RDP), 4333, 5000, 5432 (PostgreSQL), 5500, 5601 (Kibana), 8080, 8088, 8888,
    /// 9200 and 9300 (Elasticsearch). This is the fixed `blockedPorts` list Security Hub passes
    /// to the managed rule `restricted-common-ports`. A port range counts when it includes any
    /// listed port, and protocol `-1` (all traffic) counts; so does any `/0` block, whatever host
    /// bits it is written with. UDP is not judged: the managed rule looks at TCP only.
    ///
    /// ## Why it matters
    /// These ports carry remote administration, file sharing, mail and database protocols that
    /// are constantly scanned for weak credentials and unpatched services. Security groups are
    /// the customer's side of the network boundary.
    ///
    /// ## How to fix
    /// Remove the rule or narrow its source to known address ranges. Put databases and admin
    /// interfaces in private subnets, and reach them through a load balancer, VPN or Session
    /// Manager instead.
    CONTROL = Control {
        id: "EC2.19",
        title: "Security groups should not allow unrestricted access to ports with high risk",
        resource_types: &[ResourceType::Ec2SecurityGroup],
        trigger: Trigger::Change,
        severity: Severity::Critical,
        owner: Owner::Platform,
        area: SrmArea::NetworkSegmentation,
        mappings: Mappings {
            security_hub: Some("EC2.19"),
            cis: &[],
            nist: &["AC-4", "AC-4(21)", "CA-9(1)", "CM-2", "CM-2(2)", "CM-7", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(21)", "SC-7(4)", "SC-7(5)"],
        },
        remediation: Remediation {
            text: "Delete or narrow inbound rules that expose any of the 24 high-risk TCP ports to 0.0.0.0/0 or ::/0; keep databases and admin ports private.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-19",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    world_ports::check(resource, &HIGH_RISK_PORTS)
}

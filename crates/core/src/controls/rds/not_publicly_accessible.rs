use crate::controls::prelude::*;
use crate::controls::settings::{not_a, Setting};

const PUBLICLY_ACCESSIBLE: Setting = Setting {
    field: "publiclyAccessible",
    good: "the instance is not publicly accessible",
    bad: "the instance's endpoint resolves to a public IP address",
};

crate::control! {
    /// ## What it checks
    /// Whether the DB instance's `publiclyAccessible` setting is `false`. When it is `true`,
    /// RDS gives the instance a DNS name that resolves to a public IP address, so anything
    /// its security groups and subnet routes let in can reach it from the internet. An item
    /// without the key cannot show that the instance is private, so it fails too (a stricter
    /// reading than the managed rule, which looks only for `true`; current items always carry
    /// the key).
    ///
    /// ## Why it matters
    /// Network exposure of the database is the customer's choice and the customer's risk. A
    /// public endpoint turns every weak password, unpatched engine bug and over-wide security
    /// group rule into an internet-facing one.
    ///
    /// ## How to fix
    /// Modify the instance and set *Public access* to *No*
    /// (`aws rds modify-db-instance --no-publicly-accessible --apply-immediately`). Reach it from
    /// inside the VPC, through a bastion, Session Manager port forwarding or a VPN.
    CONTROL = Control {
        id: "RDS.2",
        title: "RDS DB Instances should prohibit public access, as determined by the PubliclyAccessible configuration",
        resource_types: &[ResourceType::RdsDbInstance],
        trigger: Trigger::Change,
        severity: Severity::Critical,
        owner: Owner::Platform,
        area: SrmArea::NetworkSegmentation,
        mappings: Mappings {
            security_hub: Some("RDS.2"),
            cis: &[Cis::v3("2.3.3")],
            nist: &["AC-4", "AC-4(21)", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(21)", "SC-7(4)", "SC-7(5)"],
        },
        remediation: Remediation {
            text: "Modify the DB instance and turn Public access off (--no-publicly-accessible); reach it from inside the VPC instead.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-2",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::RdsDbInstance(db) = resource else {
        return Ok(not_a(ResourceType::RdsDbInstance));
    };
    Ok(PUBLICLY_ACCESSIBLE.must_be_off(db.publicly_accessible))
}

//! The frameworks controls map to, and the catalog their mappings are checked against.
//!
//! A mapping that names an id absent from these catalogs fails the registry meta-test, so a
//! typo cannot reach a security team's report.

use std::fmt;

/// A CIS AWS Foundations Benchmark version Security Hub supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CisVersion {
    V1_2_0,
    V1_4_0,
    V3_0_0,
}

impl CisVersion {
    pub fn name(self) -> &'static str {
        match self {
            CisVersion::V1_2_0 => "1.2.0",
            CisVersion::V1_4_0 => "1.4.0",
            CisVersion::V3_0_0 => "3.0.0",
        }
    }

    /// The Security Hub standards ARN suffix (`AssociatedStandards[].StandardsId`).
    pub fn standards_id(self) -> &'static str {
        match self {
            CisVersion::V1_2_0 => "ruleset/cis-aws-foundations-benchmark/v/1.2.0",
            CisVersion::V1_4_0 => "standards/cis-aws-foundations-benchmark/v/1.4.0",
            CisVersion::V3_0_0 => "standards/cis-aws-foundations-benchmark/v/3.0.0",
        }
    }
}

/// One CIS recommendation, e.g. `Cis::v3("5.2")`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cis {
    pub version: CisVersion,
    pub id: &'static str,
}

impl Cis {
    pub const fn v1_2(id: &'static str) -> Self {
        Cis {
            version: CisVersion::V1_2_0,
            id,
        }
    }
    pub const fn v1_4(id: &'static str) -> Self {
        Cis {
            version: CisVersion::V1_4_0,
            id,
        }
    }
    pub const fn v3(id: &'static str) -> Self {
        Cis {
            version: CisVersion::V3_0_0,
            id,
        }
    }
}

impl fmt::Display for Cis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CIS AWS Foundations v{} {}",
            self.version.name(),
            self.id
        )
    }
}

/// The AWS Foundational Security Best Practices standard, as Security Hub names it.
pub const FSBP_STANDARDS_ID: &str = "standards/aws-foundational-security-best-practices/v/1.0.0";
/// NIST SP 800-53 Rev. 5, as Security Hub names it.
pub const NIST_STANDARDS_ID: &str = "standards/nist-800-53/v/5.0.0";

/// Security Hub control ids this project maps to, and whether each belongs to the FSBP standard.
/// (Some Security Hub controls exist only in the CIS, NIST or PCI standards.)
pub const SECURITY_HUB_CONTROLS: &[(&str, bool)] = &[
    ("APIGateway.1", true),
    ("APIGateway.4", true),
    ("CloudFront.1", true),
    ("CloudFront.3", true),
    ("CloudFront.5", true),
    ("CloudFront.6", true),
    ("CloudTrail.1", true),
    ("CloudTrail.2", true),
    ("CloudTrail.4", true),
    ("CloudTrail.5", true),
    ("CloudWatch.16", false),
    ("Config.1", true),
    ("DynamoDB.2", true),
    ("DynamoDB.6", true),
    ("EC2.1", true),
    ("EC2.2", true),
    ("EC2.3", true),
    ("EC2.6", true),
    ("EC2.7", true),
    ("EC2.8", true),
    ("EC2.9", true),
    ("EC2.13", false),
    ("EC2.14", false),
    ("EC2.18", true),
    ("EC2.19", true),
    ("EC2.21", true),
    ("ECR.1", true),
    ("ECR.2", true),
    ("ECS.4", true),
    ("ECS.5", true),
    ("ECS.8", true),
    ("EKS.1", true),
    ("EKS.2", true),
    ("EKS.3", true),
    ("EKS.8", true),
    ("ElastiCache.1", true),
    ("ElastiCache.2", true),
    ("ElastiCache.4", true),
    ("ElastiCache.5", true),
    ("GuardDuty.1", true),
    ("IAM.1", true),
    ("IAM.2", true),
    ("IAM.3", true),
    ("IAM.4", true),
    ("IAM.5", true),
    ("IAM.6", true),
    ("IAM.7", true),
    ("IAM.9", false),
    ("IAM.21", true),
    ("IAM.22", false),
    ("KMS.1", true),
    ("KMS.2", true),
    ("KMS.3", true),
    ("KMS.4", false),
    ("Lambda.1", true),
    ("Lambda.2", true),
    ("RDS.2", true),
    ("RDS.3", true),
    ("RDS.8", true),
    ("RDS.11", true),
    ("RDS.13", true),
    ("Route53.2", true),
    ("S3.1", true),
    ("S3.2", true),
    ("S3.3", true),
    ("S3.4", true),
    ("S3.5", true),
    ("S3.6", true),
    ("S3.8", true),
    ("S3.9", true),
    ("S3.14", false),
    ("SNS.1", false),
    ("SQS.1", true),
    ("SSM.1", true),
    ("SSM.2", true),
    ("SecretsManager.1", true),
    ("SecretsManager.4", true),
];

/// Whether a Security Hub control id is known, and whether it is part of FSBP.
pub fn security_hub_control(id: &str) -> Option<bool> {
    SECURITY_HUB_CONTROLS
        .iter()
        .find(|(c, _)| *c == id)
        .map(|(_, fsbp)| *fsbp)
}

/// CIS recommendations Security Hub maps its controls to, per version.
pub const CIS_RECOMMENDATIONS: &[(CisVersion, &[&str])] = &[
    (
        CisVersion::V1_2_0,
        &[
            "1.2", "1.4", "1.12", "1.13", "1.14", "1.16", "1.22", "2.1", "2.2", "2.4", "2.5",
            "2.7", "2.8", "2.9", "4.1", "4.2", "4.3",
        ],
    ),
    (
        CisVersion::V1_4_0,
        &[
            "1.4", "1.5", "1.6", "1.10", "1.12", "1.14", "1.16", "2.1.1", "2.1.2", "2.1.5",
            "2.2.1", "2.3.1", "3.1", "3.2", "3.4", "3.5", "3.7", "3.8", "3.9", "5.1", "5.3",
        ],
    ),
    (
        CisVersion::V3_0_0,
        &[
            "1.4", "1.5", "1.6", "1.10", "1.12", "1.14", "1.15", "2.1.1", "2.1.4", "2.2.1",
            "2.3.1", "2.3.2", "2.3.3", "3.1", "3.2", "3.3", "3.5", "3.6", "3.7", "5.1", "5.2",
            "5.3", "5.4", "5.6",
        ],
    ),
];

pub fn cis_recommendation_exists(cis: &Cis) -> bool {
    CIS_RECOMMENDATIONS
        .iter()
        .any(|(v, ids)| *v == cis.version && ids.contains(&cis.id))
}

/// NIST SP 800-53 Rev. 5 controls (and enhancements) referenced by the catalog, with titles.
pub const NIST_800_53_R5: &[(&str, &str)] = &[
    ("AC-2", "Account Management"),
    ("AC-2(1)", "Automated System Account Management"),
    ("AC-2(3)", "Disable Accounts"),
    ("AC-2(4)", "Automated Audit Actions"),
    ("AC-2(12)", "Account Monitoring for Atypical Usage"),
    ("AC-3", "Access Enforcement"),
    ("AC-3(7)", "Role-based Access Control"),
    ("AC-3(15)", "Discretionary and Mandatory Access Control"),
    ("AC-4", "Information Flow Enforcement"),
    (
        "AC-4(21)",
        "Physical or Logical Separation of Information Flows",
    ),
    ("AC-4(26)", "Audit Filtering Actions"),
    ("AC-5", "Separation of Duties"),
    ("AC-6", "Least Privilege"),
    ("AC-6(2)", "Non-privileged Access for Nonsecurity Functions"),
    ("AC-6(3)", "Network Access to Privileged Commands"),
    ("AC-6(9)", "Log Use of Privileged Functions"),
    (
        "AC-6(10)",
        "Prohibit Non-privileged Users from Executing Privileged Functions",
    ),
    (
        "AC-17(2)",
        "Protection of Confidentiality and Integrity Using Encryption",
    ),
    ("AC-21", "Information Sharing"),
    ("AU-2", "Event Logging"),
    ("AU-3", "Content of Audit Records"),
    ("AU-6(1)", "Automated Process Integration"),
    ("AU-6(3)", "Correlate Audit Record Repositories"),
    ("AU-6(4)", "Central Review and Analysis"),
    ("AU-6(5)", "Integrated Analysis of Audit Records"),
    ("AU-7(1)", "Automatic Processing"),
    ("AU-9", "Protection of Audit Information"),
    (
        "AU-9(2)",
        "Store on Separate Physical Systems or Components",
    ),
    (
        "AU-9(7)",
        "Store on Component with Different Operating System",
    ),
    ("AU-10", "Non-repudiation"),
    ("AU-11", "Audit Record Retention"),
    ("AU-12", "Audit Record Generation"),
    ("AU-14(1)", "System Start-up"),
    ("CA-7", "Continuous Monitoring"),
    ("CA-9(1)", "Compliance Checks"),
    ("CM-2", "Baseline Configuration"),
    ("CM-2(2)", "Automation Support for Accuracy and Currency"),
    ("CM-3", "Configuration Change Control"),
    ("CM-3(6)", "Cryptography Management"),
    (
        "CM-6(1)",
        "Automated Management, Application, and Verification",
    ),
    ("CM-7", "Least Functionality"),
    ("CM-8", "System Component Inventory"),
    ("CM-8(1)", "Updates During Installation and Removal"),
    ("CM-8(2)", "Automated Maintenance"),
    ("CM-8(3)", "Automated Unauthorized Component Detection"),
    ("CP-6", "Alternate Storage Site"),
    ("CP-6(1)", "Separation from Primary Site"),
    ("CP-6(2)", "Recovery Time and Recovery Point Objectives"),
    ("CP-9", "System Backup"),
    ("CP-10", "System Recovery and Reconstitution"),
    (
        "IA-2(1)",
        "Multi-factor Authentication to Privileged Accounts",
    ),
    (
        "IA-2(2)",
        "Multi-factor Authentication to Non-privileged Accounts",
    ),
    ("IA-2(6)", "Access to Accounts — Separate Device"),
    ("IA-2(8)", "Access to Accounts — Replay Resistant"),
    ("IA-5(1)", "Password-based Authentication"),
    ("IA-5(7)", "No Embedded Unencrypted Static Authenticators"),
    ("RA-3(4)", "Predictive Cyber Analytics"),
    ("RA-5", "Vulnerability Monitoring and Scanning"),
    ("SA-3", "System Development Life Cycle"),
    ("SA-8(19)", "Continuous Protection"),
    ("SA-8(21)", "Self-analysis"),
    ("SA-8(22)", "Accountability and Traceability"),
    ("SA-8(25)", "Economic Security"),
    ("SA-11(1)", "Static Code Analysis"),
    ("SA-11(6)", "Attack Surface Reviews"),
    ("SA-15(2)", "Security and Privacy Tracking Tools"),
    ("SA-15(8)", "Reuse of Threat and Vulnerability Information"),
    ("SC-5", "Denial-of-service Protection"),
    ("SC-5(1)", "Restrict Ability to Attack Other Systems"),
    ("SC-5(2)", "Capacity, Bandwidth, and Redundancy"),
    ("SC-5(3)", "Detection and Monitoring"),
    ("SC-7", "Boundary Protection"),
    ("SC-7(3)", "Access Points"),
    ("SC-7(4)", "External Telecommunications Services"),
    ("SC-7(5)", "Deny by Default — Allow by Exception"),
    (
        "SC-7(9)",
        "Restrict Threatening Outgoing Communications Traffic",
    ),
    ("SC-7(10)", "Prevent Exfiltration"),
    ("SC-7(11)", "Restrict Incoming Communications Traffic"),
    ("SC-7(16)", "Prevent Discovery of System Components"),
    ("SC-7(20)", "Dynamic Isolation and Segregation"),
    ("SC-7(21)", "Isolation of System Components"),
    ("SC-8", "Transmission Confidentiality and Integrity"),
    ("SC-8(1)", "Cryptographic Protection"),
    ("SC-8(2)", "Pre- and Post-transmission Handling"),
    ("SC-12", "Cryptographic Key Establishment and Management"),
    ("SC-12(2)", "Symmetric Keys"),
    ("SC-12(3)", "Asymmetric Keys"),
    ("SC-13", "Cryptographic Protection"),
    ("SC-23", "Session Authenticity"),
    ("SC-23(3)", "Unique System-generated Session Identifiers"),
    ("SC-28", "Protection of Information at Rest"),
    ("SC-28(1)", "Cryptographic Protection"),
    ("SC-28(3)", "Cryptographic Keys"),
    ("SI-2", "Flaw Remediation"),
    ("SI-2(2)", "Automated Flaw Remediation Status"),
    (
        "SI-2(3)",
        "Time to Remediate Flaws and Benchmarks for Corrective Actions",
    ),
    ("SI-2(4)", "Automated Patch Management Tools"),
    ("SI-2(5)", "Automatic Software and Firmware Updates"),
    ("SI-3(8)", "Detect Unauthorized Commands"),
    ("SI-4", "System Monitoring"),
    ("SI-4(1)", "System-wide Intrusion Detection System"),
    (
        "SI-4(2)",
        "Automated Tools and Mechanisms for Real-time Analysis",
    ),
    ("SI-4(4)", "Inbound and Outbound Communications Traffic"),
    ("SI-4(5)", "System-generated Alerts"),
    ("SI-4(13)", "Analyze Traffic and Event Patterns"),
    ("SI-4(20)", "Privileged Users"),
    ("SI-4(22)", "Unauthorized Network Services"),
    ("SI-4(25)", "Optimize Network Traffic Analysis"),
    ("SI-7(1)", "Integrity Checks"),
    ("SI-7(3)", "Centrally Managed Integrity Tools"),
    ("SI-7(6)", "Cryptographic Protection"),
    ("SI-7(7)", "Integration of Detection and Response"),
    ("SI-7(8)", "Auditing Capability for Significant Events"),
    ("SI-12", "Information Management and Retention"),
    ("SI-13(5)", "Failover Capability"),
    ("SI-20", "Tainting"),
];

pub fn nist_title(id: &str) -> Option<&'static str> {
    NIST_800_53_R5
        .iter()
        .find(|(c, _)| *c == id)
        .map(|(_, t)| *t)
}

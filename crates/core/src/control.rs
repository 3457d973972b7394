//! What a control is: typed metadata plus a pure check.

use std::fmt;

use serde::Serialize;

use crate::frameworks::Cis;
use crate::need::Need;
use crate::params::{ParamSpec, Params};
use crate::resource::Resource;
use crate::resource::ResourceType;
use crate::timestamp::Timestamp;
use crate::verdict::Outcome;

/// How urgent a failure is; the labels are Security Hub's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Informational,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The ASFF label.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Informational => "INFORMATIONAL",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }

    /// ASFF `Severity.Normalized`, the midpoint of each label's band.
    pub fn normalized(self) -> u8 {
        match self {
            Severity::Informational => 0,
            Severity::Low => 25,
            Severity::Medium => 50,
            Severity::High => 80,
            Severity::Critical => 95,
        }
    }

    /// Case-insensitive label.
    pub fn parse(text: &str) -> Option<Self> {
        Severity::ALL
            .into_iter()
            .find(|s| s.label().eq_ignore_ascii_case(text.trim()))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The accountable team, from the DevOps responsibility matrix ("Primary").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Owner {
    /// DevOps/Platform: network, IAM, keys, service configuration, secrets, patching, images.
    Platform,
    /// Security/GRC: compliance evidence, detection, incident response.
    Security,
    /// Application teams: application code.
    Application,
    /// SRE/Operations: logging and observability, backup and DR.
    #[serde(rename = "SRE")]
    Sre,
}

impl Owner {
    pub fn name(self) -> &'static str {
        match self {
            Owner::Platform => "Platform",
            Owner::Security => "Security",
            Owner::Application => "Application",
            Owner::Sre => "SRE",
        }
    }
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The customer-side area of the Shared Responsibility Model a control protects (the rows of
/// the responsibility matrix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum SrmArea {
    #[serde(rename = "VPC design & segmentation")]
    NetworkSegmentation,
    #[serde(rename = "IAM architecture & roles")]
    IdentityAndAccess,
    #[serde(rename = "Key management policy (KMS)")]
    KeyManagement,
    #[serde(rename = "Service configuration")]
    ServiceConfiguration,
    #[serde(rename = "OS patching (EC2)")]
    OsPatching,
    #[serde(rename = "Container base image standards")]
    ContainerImages,
    #[serde(rename = "Secrets management")]
    SecretsManagement,
    #[serde(rename = "Logging/observability")]
    Logging,
    #[serde(rename = "Backup/DR")]
    BackupAndRecovery,
    #[serde(rename = "Incident response")]
    IncidentResponse,
    #[serde(rename = "Compliance evidence")]
    ComplianceEvidence,
}

impl SrmArea {
    pub fn name(self) -> &'static str {
        match self {
            SrmArea::NetworkSegmentation => "VPC design & segmentation",
            SrmArea::IdentityAndAccess => "IAM architecture & roles",
            SrmArea::KeyManagement => "Key management policy (KMS)",
            SrmArea::ServiceConfiguration => "Service configuration",
            SrmArea::OsPatching => "OS patching (EC2)",
            SrmArea::ContainerImages => "Container base image standards",
            SrmArea::SecretsManagement => "Secrets management",
            SrmArea::Logging => "Logging/observability",
            SrmArea::BackupAndRecovery => "Backup/DR",
            SrmArea::IncidentResponse => "Incident response",
            SrmArea::ComplianceEvidence => "Compliance evidence",
        }
    }
}

impl fmt::Display for SrmArea {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// When AWS Config runs the control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Trigger {
    /// On every configuration change of a resource in scope (and on oversized-item notices).
    Change,
    /// On a schedule, from account-level API calls.
    Periodic,
}

/// Where the control sits in the frameworks security teams report against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mappings {
    /// The Security Hub control with the same intent (`SecurityControlId`), when one exists;
    /// [`crate::frameworks::SECURITY_HUB_CONTROLS`] says whether it is part of FSBP.
    pub security_hub: Option<&'static str>,
    pub cis: &'static [Cis],
    /// NIST SP 800-53 Rev. 5 controls, e.g. `AC-3`, `SC-7(3)`.
    pub nist: &'static [&'static str],
}

/// How to fix a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Remediation {
    pub text: &'static str,
    pub url: &'static str,
}

/// Facts about the evaluation that are not in the item: the time, account-level settings known
/// from other items, and data fetched by API for the item.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub now: Timestamp,
    pub account: Option<&'a crate::engine::AccountFacts>,
    pub enrichment: &'a crate::facts::Enrichment,
}

/// A check decided from one configuration item's typed view.
pub type ItemCheck = fn(&Resource, &Params, &Context) -> Outcome;

/// A check decided from account-level facts: one judgement per resource it covers.
pub type AccountCheck = fn(&crate::facts::AccountState, &Params, &Context) -> Vec<Judgement>;

/// An account-level check's result for one resource (the account, a user, a VPC…).
#[derive(Debug, Clone)]
pub struct Judgement {
    pub subject: crate::asff::Subject,
    pub outcome: Outcome,
}

/// How a control decides.
#[derive(Clone, Copy)]
pub enum Check {
    /// From the configuration item of one resource.
    Item(ItemCheck),
    /// From the configuration item, using these facts when they are known (fetched by API in
    /// the deployed evaluator, learned from other items offline).
    ItemWithFacts(ItemCheck, &'static [Need]),
    /// From the configuration item and data fetched for it by API at evaluation time.
    Enriched(ItemCheck, &'static [Need]),
    /// From account-level data fetched by API on a schedule.
    Account(AccountCheck, &'static [Need]),
    /// From resources AWS Config does not record, listed by API on a schedule and judged as
    /// items.
    Listed(ItemCheck, &'static [Need]),
}

impl Check {
    /// The IAM actions reading what the check needs takes, sorted, without repeats.
    pub fn permissions(&self) -> Vec<&'static str> {
        let mut actions: Vec<&'static str> = self
            .needs()
            .iter()
            .flat_map(|n| n.permissions().iter().copied())
            .collect();
        actions.sort_unstable();
        actions.dedup();
        actions
    }

    /// What the check needs beyond the item.
    pub fn needs(&self) -> &'static [Need] {
        match self {
            Check::Item(_) => &[],
            Check::ItemWithFacts(_, needs)
            | Check::Enriched(_, needs)
            | Check::Account(_, needs)
            | Check::Listed(_, needs) => needs,
        }
    }
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Check::Item(_) => f.write_str("Check::Item"),
            Check::ItemWithFacts(_, needs) => write!(f, "Check::ItemWithFacts({needs:?})"),
            Check::Enriched(_, needs) => write!(f, "Check::Enriched({needs:?})"),
            Check::Account(_, needs) => write!(f, "Check::Account({needs:?})"),
            Check::Listed(_, needs) => write!(f, "Check::Listed({needs:?})"),
        }
    }
}

/// One control: metadata checked by the compiler, and its check.
#[derive(Debug)]
pub struct Control {
    pub id: &'static str,
    pub title: &'static str,
    /// The control's doc comment: `## What it checks`, `## Why it matters`, `## How to fix`.
    pub doc: &'static str,
    pub resource_types: &'static [ResourceType],
    pub trigger: Trigger,
    pub severity: Severity,
    pub owner: Owner,
    pub area: SrmArea,
    pub mappings: Mappings,
    pub remediation: Remediation,
    pub params: &'static [ParamSpec],
    pub check: Check,
}

impl Control {
    pub fn applies_to(&self, resource_type: &ResourceType) -> bool {
        self.resource_types.contains(resource_type)
    }

    /// One section of the doc comment (`What it checks`, `Why it matters`, `How to fix`), with
    /// its lines joined into paragraphs.
    pub fn doc_section(&self, heading: &str) -> Option<String> {
        let mut lines = self.doc.lines().map(str::trim);
        lines.find(|l| l.strip_prefix("## ").is_some_and(|h| h.trim() == heading))?;
        let mut text = String::new();
        for line in lines.take_while(|l| !l.starts_with("## ")) {
            if line.is_empty() {
                if !text.is_empty() && !text.ends_with("\n\n") {
                    text.push_str("\n\n");
                }
            } else {
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push(' ');
                }
                text.push_str(line);
            }
        }
        Some(text.trim().to_string())
    }

    /// Ordering key for the registry: service, then number, with project (`X`) ids last.
    pub fn sort_key(id: &str) -> (String, u8, u32) {
        let (service, number) = id.split_once('.').unwrap_or((id, ""));
        let (project, digits) = match number.strip_prefix('X') {
            Some(rest) => (1, rest),
            None => (0, number),
        };
        (
            service.to_ascii_lowercase(),
            project,
            digits.parse().unwrap_or(u32::MAX),
        )
    }
}

/// Declares a control: its doc comment becomes both the rustdoc and the `doc` field that
/// `ourside explain` prints.
#[macro_export]
macro_rules! control {
    ($(#[doc = $doc:literal])* $name:ident = Control { $($field:ident : $value:expr),* $(,)? }) => {
        $(#[doc = $doc])*
        pub static $name: $crate::control::Control = $crate::control::Control {
            doc: concat!($($doc, "\n"),*),
            $($field: $value),*
        };
    };
}

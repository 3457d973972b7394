use crate::controls::prelude::*;
use crate::resource::eks::KubernetesVersion;

/// The managed rule's parameter: when set, it replaces the release calendar.
pub static OLDEST_VERSION: ParamSpec = ParamSpec {
    name: "oldestVersionSupported",
    kind: ParamKind::List,
    default: "",
    help: "Oldest Kubernetes version that passes, e.g. 1.31 (as in the managed rule eks-cluster-supported-version); empty judges by the EKS release calendar instead.",
};

crate::control! {
    /// ## What it checks
    /// Whether the cluster runs a Kubernetes version still in Amazon EKS **standard** support at
    /// the time of evaluation, from the EKS release calendar below. A version past its end of
    /// standard support fails naming the date, and says when extended support ends (or ended).
    /// Extended support fails on purpose: it is a paid grace period for upgrading, and the
    /// managed rule's `oldestVersionSupported` is not published (third-party mirrors of Security
    /// Hub report that extended-support versions fail). Versions older than the calendar fail;
    /// versions newer than it pass. Versions compare as numbers (`1.9` < `1.10`). The parameter
    /// `oldestVersionSupported` (as in the managed rule) replaces the calendar with a fixed
    /// floor, for parity with a Security Hub configuration or to follow your own policy.
    ///
    /// ## Why it matters
    /// Upgrading the control plane is the customer's side of the model. Versions out of standard
    /// support get fewer fixes, cost more per hour, and are eventually upgraded by AWS at a time
    /// you do not choose, which can break workloads that relied on removed APIs.
    ///
    /// ## How to fix
    /// Upgrade the control plane one minor version at a time
    /// (`aws eks update-cluster-version`), checking for removed Kubernetes APIs first, then
    /// upgrade node groups and add-ons.
    CONTROL = Control {
        id: "EKS.2",
        title: "EKS clusters should run on a supported Kubernetes version",
        resource_types: &[ResourceType::EksCluster],
        trigger: Trigger::Change,
        severity: Severity::High,
        owner: Owner::Platform,
        area: SrmArea::ServiceConfiguration,
        mappings: Mappings {
            security_hub: Some("EKS.2"),
            cis: &[],
            nist: &["CA-9(1)", "CM-2", "SI-2", "SI-2(2)", "SI-2(4)", "SI-2(5)"],
        },
        remediation: Remediation {
            text: "Upgrade the cluster one minor Kubernetes version at a time until it is in EKS standard support, then upgrade nodes and add-ons.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/eks-controls.html#eks-2",
        },
        params: &[OLDEST_VERSION],
        check: Check::Item(evaluate),
    }
}

/// One Kubernetes minor version on EKS: (minor of 1.x, end of standard support, end of
/// extended support), UTC dates.
type Release = (u32, &'static str, &'static str);

/// The Amazon EKS Kubernetes release calendar (EKS user guide, "Understand the Kubernetes
/// version lifecycle on EKS", docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html;
/// 1.27–1.33 from the guide's source, 1.34–1.35 as published in April 2026). Newest first.
const CALENDAR: &[Release] = &[
    (35, "2027-03-27", "2028-03-27"),
    (34, "2026-12-02", "2027-12-02"),
    (33, "2026-07-29", "2027-07-29"),
    (32, "2026-03-23", "2027-03-23"),
    (31, "2025-11-26", "2026-11-26"),
    (30, "2025-07-23", "2026-07-23"),
    (29, "2025-03-23", "2026-03-23"),
    (28, "2024-11-26", "2025-11-26"),
    (27, "2024-07-24", "2025-07-24"),
];

const NEWEST: Release = CALENDAR[0];
const OLDEST: Release = CALENDAR[CALENDAR.len() - 1];

fn evaluate(resource: &Resource, params: &Params, context: &Context) -> Outcome {
    let Resource::EksCluster(cluster) = resource else {
        return Ok(Verdict::not_applicable("not an EKS cluster"));
    };
    let version = cluster.kubernetes_version()?;
    if let Some(floor) = params.list(&OLDEST_VERSION).first() {
        let oldest = KubernetesVersion::parse(floor).ok_or_else(|| {
            InputError::new(
                "ruleParameters.oldestVersionSupported",
                format!("{floor:?} is not a Kubernetes version (expected major.minor, e.g. 1.31)"),
            )
        })?;
        return Ok(if version >= oldest {
            Verdict::compliant(format!(
                "Kubernetes {version} is at or above {oldest} (oldestVersionSupported)"
            ))
        } else {
            Verdict::non_compliant(format!(
                "Kubernetes {version} is older than {oldest} (oldestVersionSupported)"
            ))
        });
    }
    let today = context.now.date_string();
    let today = today.as_str();
    let v = |minor| KubernetesVersion { major: 1, minor };
    if version > v(NEWEST.0) {
        return Ok(Verdict::compliant(format!(
            "Kubernetes {version} is newer than the newest version in the EKS calendar ({})",
            v(NEWEST.0)
        )));
    }
    let Some(&(_, standard_end, extended_end)) = CALENDAR.iter().find(|r| v(r.0) == version) else {
        return Ok(Verdict::non_compliant(format!(
            "Kubernetes {version} is older than every version in the EKS release calendar (oldest listed: {}, extended support ended {})",
            v(OLDEST.0),
            OLDEST.2
        )));
    };
    Ok(if today < standard_end {
        Verdict::compliant(format!(
            "Kubernetes {version} is in EKS standard support until {standard_end}"
        ))
    } else if today < extended_end {
        Verdict::non_compliant(format!(
            "Kubernetes {version} left EKS standard support on {standard_end}; extended support ends {extended_end}"
        ))
    } else {
        Verdict::non_compliant(format!(
            "Kubernetes {version} is past the end of EKS extended support ({extended_end})"
        ))
    })
}

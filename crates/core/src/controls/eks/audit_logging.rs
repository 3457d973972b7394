use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether the `audit` control-plane log type is enabled, as the managed rule
    /// `eks-cluster-log-enabled` does with `logTypes` = `audit`. Both recorded shapes of
    /// `Logging` are read (`ClusterLogging.EnabledTypes[].Type`, and the API's
    /// `ClusterLogging[]` of `{Types, Enabled}`); other log types do not matter. No `Logging`
    /// block means no log type is enabled (the EKS default), so it fails.
    ///
    /// ## Why it matters
    /// Observability is the customer's side of the model. The Kubernetes audit log records every
    /// request to the API server: who read which secret, who changed RBAC, who exec'd into which
    /// pod. Audit events that were not logged cannot be recovered during an investigation.
    ///
    /// ## How to fix
    /// Enable the audit log type
    /// (`aws eks update-cluster-config --logging '{"clusterLogging":[{"types":["audit"],"enabled":true}]}'`)
    /// and set a retention period on the `/aws/eks/<cluster>/cluster` log group.
    CONTROL = Control {
        id: "EKS.8",
        title: "EKS clusters should have audit logging enabled",
        resource_types: &[ResourceType::EksCluster],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Sre,
        area: SrmArea::Logging,
        mappings: Mappings {
            security_hub: Some("EKS.8"),
            cis: &[],
            nist: &[],
        },
        remediation: Remediation {
            text: "Enable the audit control-plane log type for the cluster so API server audit events go to CloudWatch Logs.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/eks-controls.html#eks-8",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::EksCluster(cluster) = resource else {
        return Ok(Verdict::not_applicable("not an EKS cluster"));
    };
    let Some(logging) = &cluster.logging else {
        return Ok(Verdict::non_compliant(
            "Logging is not in the item: no control-plane log type is enabled",
        ));
    };
    if logging.is_enabled("audit") {
        return Ok(Verdict::compliant(format!(
            "audit control-plane logging is enabled (enabled types: {})",
            logging.enabled.join(", ")
        )));
    }
    Ok(Verdict::non_compliant(if logging.enabled.is_empty() {
        "Logging.ClusterLogging enables no log type, so audit logging is off".to_string()
    } else {
        format!(
            "the audit log type is not enabled (enabled types: {})",
            logging.enabled.join(", ")
        )
    }))
}

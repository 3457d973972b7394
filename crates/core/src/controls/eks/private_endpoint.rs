use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether the cluster's Kubernetes API server endpoint is reachable from the internet:
    /// `ResourcesVpcConfig.EndpointPublicAccess` true fails, naming the `PublicAccessCidrs`. A
    /// public endpoint limited to some CIDR ranges still fails, as the managed rule only asks
    /// whether the endpoint is public. Items recorded before Config captured the endpoint
    /// settings lack the field; EKS creates clusters with a public endpoint unless told
    /// otherwise, so an absent field fails too, saying so (re-record the cluster, or check it
    /// with `aws eks describe-cluster`).
    ///
    /// ## Why it matters
    /// The network path to the control plane is the customer's choice. A public endpoint leaves
    /// only IAM and Kubernetes RBAC between the internet and the cluster API, exposing it to
    /// credential misuse and to vulnerabilities in the API server's authentication path.
    ///
    /// ## How to fix
    /// Enable private access and disable public access
    /// (`aws eks update-cluster-config --resources-vpc-config endpointPrivateAccess=true,endpointPublicAccess=false`),
    /// then reach the API from inside the VPC (bastion, VPN, Direct Connect or CI runners in the
    /// VPC).
    CONTROL = Control {
        id: "EKS.1",
        title: "EKS cluster endpoints should not be publicly accessible",
        resource_types: &[ResourceType::EksCluster],
        trigger: Trigger::Change,
        severity: Severity::High,
        owner: Owner::Platform,
        area: SrmArea::NetworkSegmentation,
        mappings: Mappings {
            security_hub: Some("EKS.1"),
            cis: &[],
            nist: &["AC-21", "AC-3", "AC-3(7)", "AC-4", "AC-4(21)", "AC-6", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(20)", "SC-7(21)", "SC-7(3)", "SC-7(4)", "SC-7(9)"],
        },
        remediation: Remediation {
            text: "Turn on private endpoint access and turn off public endpoint access for the cluster, and reach the API from inside the VPC.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/eks-controls.html#eks-1",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::EksCluster(cluster) = resource else {
        return Ok(Verdict::not_applicable("not an EKS cluster"));
    };
    Ok(match cluster.endpoint_public_access {
        Some(false) => Verdict::compliant(
            "ResourcesVpcConfig.EndpointPublicAccess is false: the API server endpoint is private",
        ),
        Some(true) => {
            let cidrs = &cluster.public_access_cidrs;
            let reach = if cidrs.is_empty() {
                "open to 0.0.0.0/0 (PublicAccessCidrs default)".to_string()
            } else if cidrs.iter().any(|c| c.trim().ends_with("/0")) {
                format!("open to {}", cidrs.join(", "))
            } else {
                format!("limited by PublicAccessCidrs to {}, but still public", cidrs.join(", "))
            };
            Verdict::non_compliant(format!(
                "ResourcesVpcConfig.EndpointPublicAccess is true: the API server endpoint is {reach}"
            ))
        }
        None => Verdict::non_compliant(
            "ResourcesVpcConfig.EndpointPublicAccess is not in the item; EKS endpoints are public unless turned off",
        ),
    })
}

use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether Kubernetes secrets are envelope-encrypted with a KMS key: an `EncryptionConfig`
    /// entry whose `Resources` include `secrets` (or the flat `EncryptionConfigKeyArn`, which
    /// EKS only sets for secrets encryption). No `EncryptionConfig`, or one without `secrets`,
    /// fails, as in the managed rules `eks-secrets-encrypted` / `eks-cluster-secrets-encrypted`.
    /// Items recorded before Config captured the setting lack it and fail too.
    ///
    /// ## Why it matters
    /// Choosing to encrypt with a KMS key is the customer's side of the model. Without envelope
    /// encryption, secrets sit in etcd protected only by base64 and the volume encryption AWS
    /// applies; with it, reading them needs the key, whose use is logged and can be revoked.
    ///
    /// ## How to fix
    /// Associate a KMS key with the cluster for secrets
    /// (`aws eks associate-encryption-config --encryption-config resources=secrets,provider={keyArn=…}`).
    /// It cannot be turned off afterwards; existing secrets are re-encrypted.
    CONTROL = Control {
        id: "EKS.3",
        title: "EKS clusters should use encrypted Kubernetes secrets",
        resource_types: &[ResourceType::EksCluster],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::KeyManagement,
        mappings: Mappings {
            security_hub: Some("EKS.3"),
            cis: &[],
            nist: &[],
        },
        remediation: Remediation {
            text: "Enable envelope encryption of Kubernetes secrets with a KMS key on the cluster (associate-encryption-config with resources=secrets).",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/eks-controls.html#eks-3",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::EksCluster(cluster) = resource else {
        return Ok(Verdict::not_applicable("not an EKS cluster"));
    };
    let secrets = cluster.encryption.iter().find(|e| {
        e.resources
            .iter()
            .any(|r| r.trim().eq_ignore_ascii_case("secrets"))
    });
    if let Some(config) = secrets {
        let key = config
            .key_arn
            .as_deref()
            .or(cluster.encryption_key_arn.as_deref());
        return Ok(Verdict::compliant(match key {
            Some(key) => format!("Kubernetes secrets are envelope-encrypted with KMS key {key}"),
            None => "EncryptionConfig covers secrets".to_string(),
        }));
    }
    if let (true, Some(key)) = (cluster.encryption.is_empty(), &cluster.encryption_key_arn) {
        return Ok(Verdict::compliant(format!(
            "EncryptionConfigKeyArn is set: Kubernetes secrets are envelope-encrypted with KMS key {key}"
        )));
    }
    Ok(Verdict::non_compliant(if cluster.encryption.is_empty() {
        "EncryptionConfig is absent: Kubernetes secrets are not envelope-encrypted with a KMS key"
            .to_string()
    } else {
        let covered: Vec<&str> = cluster
            .encryption
            .iter()
            .flat_map(|e| e.resources.iter().map(String::as_str))
            .collect();
        format!(
            "EncryptionConfig covers [{}] but not secrets",
            covered.join(", ")
        )
    }))
}

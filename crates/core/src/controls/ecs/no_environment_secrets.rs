use super::revision;
use crate::controls::prelude::*;
use crate::secrets::Detector;

/// The managed rule's `secretKeys`, with Security Hub's value as the default.
pub static SECRET_KEYS: ParamSpec = ParamSpec {
    name: "secretKeys",
    kind: ParamKind::List,
    default: "AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,ECS_ENGINE_AUTH_DATA",
    help: "Environment variable names that always fail, whatever their value (comma-separated, case-insensitive).",
};

/// Beyond the managed rule: also fail literal values of variables named like secrets, and
/// high-entropy values.
pub static HEURISTICS: ParamSpec = ParamSpec {
    name: "detectByNameAndEntropy",
    kind: ParamKind::Boolean,
    default: "false",
    help: "Also fail literal values of variables named like secrets (DB_PASSWORD, API_TOKEN…) and high-entropy values; finds more, and can mistake settings or identifiers for credentials.",
};

crate::control! {
    /// ## What it checks
    /// Whether any container definition passes a credential in clear through `Environment`.
    /// As in the managed rule `ecs-no-environment-secrets`, a variable named in `secretKeys`
    /// (by default `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `ECS_ENGINE_AUTH_DATA`) fails
    /// whatever its value. Beyond the managed rule, the shared credential detector
    /// (`ourside_core::secrets`) also fails values in a credential's own format (AWS access
    /// keys, private keys, JSON Web Tokens, GitHub/Slack/Stripe tokens, connection strings with
    /// a password): these are never settings. With `detectByNameAndEntropy` it also fails
    /// literal values of variables named like secrets (`DB_PASSWORD`, `API_TOKEN`…) and
    /// high-entropy values; names that point to a secret store (`…_SECRET_ARN`,
    /// `…_PASSWORD_PARAMETER`) and values that are ARNs or `ssm:`/`{{resolve:…}}` references
    /// pass. That mode is off by default because it can mistake settings or public
    /// identifiers for credentials. Variables from `Secrets` (`valueFrom`) and `EnvironmentFiles` are not values in the
    /// item and are not judged. Annotations name the container and the variable, never the
    /// value. Only ACTIVE revisions are judged.
    ///
    /// ## Why it matters
    /// Secrets management is the customer's side of the model. Environment values are stored in
    /// the task definition in clear and shown to anyone who can describe it, in the console, in
    /// the API and in AWS Config itself.
    ///
    /// ## How to fix
    /// Store the value in Secrets Manager or SSM Parameter Store (SecureString) and reference it
    /// from the container's `secrets` (`valueFrom`); use the task IAM role instead of access
    /// keys. Register a new revision, move services to it, deregister the old one and rotate
    /// the exposed credential.
    CONTROL = Control {
        id: "ECS.8",
        title: "Secrets should not be passed as container environment variables",
        resource_types: &[ResourceType::EcsTaskDefinition],
        trigger: Trigger::Change,
        severity: Severity::High,
        owner: Owner::Platform,
        area: SrmArea::SecretsManagement,
        mappings: Mappings {
            security_hub: Some("ECS.8"),
            cis: &[],
            nist: &["CA-9(1)", "CM-2"],
        },
        remediation: Remediation {
            text: "Move credentials out of container environment variables into Secrets Manager or Parameter Store, reference them with secrets/valueFrom, and rotate them.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-8",
        },
        params: &[SECRET_KEYS, HEURISTICS],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, params: &Params, _: &Context) -> Outcome {
    revision::judge(resource, |task| {
        let detector =
            Detector::new(params.list(&SECRET_KEYS)).with_heuristics(params.boolean(&HEURISTICS));
        let offences: Vec<String> = task
            .containers
            .iter()
            .flat_map(|c| {
                detector
                    .scan(&c.environment)
                    .into_iter()
                    .map(move |finding| format!("container {:?} Environment {finding}", c.name))
            })
            .collect();
        let variables: usize = task.containers.iter().map(|c| c.environment.len()).sum();
        let references: usize = task.containers.iter().map(|c| c.secret_references).sum();
        Ok(Verdict::from_offences(
            offences,
            format!(
                "no credential among {variables} environment variables ({}; {references} variables come from Secrets)",
                revision::containers(task)
            ),
        ))
    })
}

#[cfg(test)]
mod tests {
    use crate::engine::Evaluator;
    use crate::item::ConfigurationItem;

    /// Values planted in a task definition never reach an annotation, whatever rule catches them.
    #[test]
    fn planted_values_never_appear_in_annotations() {
        let planted = [
            ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
            ("DB_PASSWORD", "correct-horse-battery-staple"),
            ("DATABASE_URL", "postgres://orders:Tr0ub4dor&3@db.acme.internal/orders"),
            ("SIGNING", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhY21lLWFwaSJ9.c2lnbmF0dXJlLXBsYW50ZWQ"),
            ("GH", "ghp_PlantedPlantedPlantedPlantedPlanted12"),
            ("RANDOM", "q8Xv2LmZ7rTbN4cWj9Ke1YpH"),
            ("TLS", "-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-----END PRIVATE KEY-----"),
        ];
        let environment: Vec<serde_json::Value> = planted
            .iter()
            .map(|(n, v)| serde_json::json!({"Name": n, "Value": v}))
            .collect();
        let configuration = serde_json::json!({
            "Family": "acme-planted", "Revision": 1, "Status": "ACTIVE",
            "ContainerDefinitions": [{"Name": "app", "Environment": environment}]
        });
        for flavour in [
            configuration.clone(),
            serde_json::Value::String(configuration.to_string()),
        ] {
            let item = serde_json::json!({
                "resourceType": "AWS::ECS::TaskDefinition", "resourceId": "acme-planted:1",
                "accountId": "111122223333", "configurationItemStatus": "OK",
                "configuration": flavour
            });
            let item = ConfigurationItem::parse(&item.to_string()).unwrap();
            let now = crate::Timestamp::parse("2026-06-01T00:00:00Z").unwrap();
            for evaluation in
                Evaluator::with_defaults(crate::registry::CONTROLS, now).evaluate(&item, false)
            {
                let verdict = evaluation.outcome.unwrap();
                for (_, value) in planted {
                    assert!(
                        !verdict.annotation.contains(value),
                        "{}: {}",
                        evaluation.control.id,
                        verdict.annotation
                    );
                }
                if evaluation.control.id == "ECS.8" {
                    assert!(
                        verdict.annotation.contains("AWS_SECRET_ACCESS_KEY"),
                        "{}",
                        verdict.annotation
                    );
                }
            }
        }
    }
}

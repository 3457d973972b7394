use crate::controls::prelude::*;
use crate::facts::require;
use crate::secrets::Detector;

/// Variable names that always fail, whatever their value.
pub static SECRET_KEYS: ParamSpec = ParamSpec {
    name: "secretKeys",
    kind: ParamKind::List,
    default: "",
    help: "Environment variable names that always fail, whatever their value (comma-separated, case-insensitive).",
};

/// On by default here, unlike ECS.8: no managed rule sets the expectation, and the issue this
/// control exists for is a literal under a secret's name.
pub static HEURISTICS: ParamSpec = ParamSpec {
    name: "detectByNameAndEntropy",
    kind: ParamKind::Boolean,
    default: "true",
    help: "Also fail literal values of variables named like secrets (DB_PASSWORD, API_TOKEN…) and high-entropy values; set false to fail only values in a credential's own format.",
};

crate::control! {
    /// ## What it checks
    /// Whether the function's environment variables hold a credential in clear. AWS Config
    /// does not record environment variables, so the evaluator reads them with
    /// `lambda:GetFunctionConfiguration` when the function changes; offline scans cannot judge
    /// this control. The shared credential detector (`ourside_core::secrets`) fails values in a
    /// credential's own format (AWS access key ids, private keys, JSON Web Tokens,
    /// GitHub/Slack/Stripe tokens, connection strings with a password) and, by default, literal
    /// values of variables named like secrets (`DB_PASSWORD`, `API_TOKEN`…) and high-entropy
    /// values. Names that point to a secret store (`…_SECRET_ARN`, `…_PARAMETER`), values that
    /// are ARNs or references, and KMS ciphertext blobs (Lambda's encryption helpers) pass. A
    /// variable named in `secretKeys` fails whatever its value. Annotations, logs and findings
    /// name the variable and the reason, never the value.
    ///
    /// ## Why it matters
    /// Secrets management is the customer's side of the model. Environment variables are
    /// returned in clear to anyone allowed `lambda:GetFunctionConfiguration` or `GetFunction`,
    /// shown in the console, and copied into every published version; encrypting them at rest
    /// with a KMS key does not change who can read them.
    ///
    /// ## How to fix
    /// Store the value in Secrets Manager or Parameter Store (SecureString), put its ARN or
    /// name in the variable, and read it at start-up (the Parameters and Secrets Lambda
    /// extension caches it). Rotate the exposed credential, and delete published versions that
    /// still carry it.
    CONTROL = Control {
        id: "Lambda.X1",
        title: "Lambda function environment variables should not hold plaintext secrets",
        resource_types: &[ResourceType::LambdaFunction],
        trigger: Trigger::Change,
        severity: Severity::High,
        owner: Owner::Platform,
        area: SrmArea::SecretsManagement,
        mappings: Mappings {
            security_hub: None,
            cis: &[],
            nist: &["IA-5(7)", "SC-28"],
        },
        remediation: Remediation {
            text: "Move secrets from the function's environment variables to Secrets Manager or Parameter Store, read them at start-up, and rotate the exposed credentials.",
            url: "https://docs.aws.amazon.com/lambda/latest/dg/with-secrets-manager.html",
        },
        params: &[SECRET_KEYS, HEURISTICS],
        check: Check::Enriched(evaluate, &[Need::LambdaFunctionConfiguration]),
    }
}

fn evaluate(resource: &Resource, params: &Params, context: &Context) -> Outcome {
    let Resource::LambdaFunction(_) = resource else {
        return Ok(Verdict::not_applicable("not a Lambda function"));
    };
    let variables = require(
        &context.enrichment.lambda_environment,
        "Environment.Variables (lambda:GetFunctionConfiguration)",
    )?;
    let detector =
        Detector::new(params.list(&SECRET_KEYS)).with_heuristics(params.boolean(&HEURISTICS));
    let offences: Vec<String> = detector
        .scan(variables)
        .into_iter()
        .map(|finding| format!("Environment {finding}"))
        .collect();
    Ok(Verdict::from_offences(
        offences,
        match variables.len() {
            0 => "no environment variables".to_string(),
            n => format!("no credential among {n} environment variables"),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::CONTROL;
    use crate::engine::Evaluator;
    use crate::facts::{Enrichment, Unavailable};
    use crate::item::ConfigurationItem;
    use crate::Compliance;

    fn judge(environment: Result<Vec<(&str, &str)>, Unavailable>) -> crate::Outcome {
        let item = ConfigurationItem::parse(
            r#"{"resourceType":"AWS::Lambda::Function","resourceId":"acme-fn","accountId":"111122223333",
                "configurationItemStatus":"OK","configuration":{"functionName":"acme-fn","runtime":"python3.13"}}"#,
        )
        .unwrap();
        let enrichment = Enrichment {
            lambda_environment: environment.map(|vars| {
                vars.into_iter()
                    .map(|(n, v)| (n.to_string(), v.to_string()))
                    .collect()
            }),
            ..Enrichment::default()
        };
        let now = crate::Timestamp::parse("2026-06-01T00:00:00Z").unwrap();
        let evaluations =
            Evaluator::with_defaults(&[&CONTROL], now).evaluate_enriched(&item, false, &enrichment);
        assert_eq!(evaluations.len(), 1);
        evaluations.into_iter().next().unwrap().outcome
    }

    #[test]
    fn names_the_variable_and_never_the_value() {
        let verdict = judge(Ok(vec![
            ("TABLE_NAME", "orders"),
            ("DB_PASSWORD", "correct-horse-battery-staple"),
            ("STRIPE", "sk_live_PlantedPlantedPlanted1234"),
        ]))
        .unwrap();
        assert_eq!(verdict.compliance, Compliance::NonCompliant);
        assert!(
            verdict.annotation.contains("DB_PASSWORD"),
            "{}",
            verdict.annotation
        );
        assert!(
            verdict.annotation.contains("STRIPE"),
            "{}",
            verdict.annotation
        );
        assert!(!verdict.annotation.contains("correct-horse"));
        assert!(!verdict.annotation.contains("sk_live_"));
    }

    #[test]
    fn references_and_no_variables_pass() {
        for vars in [
            vec![],
            vec![(
                "DB_PASSWORD_SECRET_ARN",
                "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf",
            )],
        ] {
            let verdict = judge(Ok(vars)).unwrap();
            assert_eq!(
                verdict.compliance,
                Compliance::Compliant,
                "{}",
                verdict.annotation
            );
        }
    }

    #[test]
    fn unavailable_environment_is_an_error_for_this_control_only() {
        let error = judge(Err(Unavailable::Failed(
            "lambda:GetFunctionConfiguration: AccessDeniedException".into(),
        )))
        .unwrap_err();
        assert!(error.to_string().contains("AccessDenied"), "{error}");
    }

    /// Offline, without fetched data, the control is left out rather than guessed.
    #[test]
    fn offline_evaluation_leaves_it_out() {
        let item = ConfigurationItem::parse(
            r#"{"resourceType":"AWS::Lambda::Function","resourceId":"acme-fn","configurationItemStatus":"OK","configuration":{}}"#,
        )
        .unwrap();
        let now = crate::Timestamp::parse("2026-06-01T00:00:00Z").unwrap();
        assert!(Evaluator::with_defaults(&[&CONTROL], now)
            .evaluate(&item, false)
            .is_empty());
    }
}

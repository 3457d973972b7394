use crate::controls::prelude::*;
use crate::facts::require;

/// As the managed rule `lambda-dlq-check`'s `dlqArns`: when set, the target must be one of them.
pub static TARGETS_ALLOWED: ParamSpec = ParamSpec {
    name: "dlqArns",
    kind: ParamKind::List,
    default: "",
    help: "Comma-separated ARNs of the queues, topics, functions or buses failed invocations may go to (as in the managed rule lambda-dlq-check); empty accepts any.",
};

crate::control! {
    /// ## What it checks
    /// Whether failed asynchronous invocations of the function go somewhere: a dead-letter
    /// queue or topic (`deadLetterConfig.targetArn`, in the configuration item) or an
    /// on-failure destination of the function's asynchronous invocation configuration
    /// (`DestinationConfig.OnFailure`, which AWS Config does not record; the evaluator reads it
    /// with `lambda:GetFunctionEventInvokeConfig` when the item has no dead-letter target). With
    /// `dlqArns`, the target must be one of those ARNs, as in the managed rule
    /// `lambda-dlq-check`, which looks at the dead-letter queue only. The configuration of the
    /// unqualified function is judged; aliases and versions with their own settings are not.
    ///
    /// ## Why it matters
    /// Lambda retries a failed asynchronous event twice and then discards it. Without a
    /// dead-letter queue or an on-failure destination the event, and the work it stood for, is
    /// lost without a trace; keeping and replaying it is on the customer's side of the model.
    ///
    /// ## How to fix
    /// Add an on-failure destination (`aws lambda put-function-event-invoke-config
    /// --destination-config OnFailure={Destination=…}`) or a dead-letter queue
    /// (`--dead-letter-config TargetArn=…`), grant the function's role permission to send to
    /// it, and alarm on its depth.
    CONTROL = Control {
        id: "Lambda.X2",
        title: "Lambda functions should send failed asynchronous invocations to a dead-letter queue or an on-failure destination",
        resource_types: &[ResourceType::LambdaFunction],
        trigger: Trigger::Change,
        severity: Severity::Low,
        owner: Owner::Sre,
        area: SrmArea::BackupAndRecovery,
        mappings: Mappings {
            security_hub: None,
            cis: &[],
            nist: &["CP-10", "SI-13(5)"],
        },
        remediation: Remediation {
            text: "Give the function an on-failure destination or a dead-letter queue for asynchronous invocations, allow its role to send there, and alarm on it.",
            url: "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html",
        },
        params: &[TARGETS_ALLOWED],
        check: Check::Enriched(evaluate, &[Need::LambdaEventInvokeConfig]),
    }
}

fn evaluate(resource: &Resource, params: &Params, context: &Context) -> Outcome {
    let Resource::LambdaFunction(function) = resource else {
        return Ok(Verdict::not_applicable("not a Lambda function"));
    };
    let allowed = params.list(&TARGETS_ALLOWED);
    let accepts = |target: &str| allowed.is_empty() || allowed.iter().any(|a| a == target);
    let mut targets: Vec<(&str, String)> = Vec::new();
    if let Some(dlq) = &function.dead_letter_target {
        targets.push(("deadLetterConfig.targetArn", dlq.clone()));
    }
    // The item settles it when it names an acceptable dead-letter target: no call needed.
    if !targets.iter().any(|(_, t)| accepts(t)) {
        let invoke_config = require(
            &context.enrichment.lambda_event_invoke,
            "DestinationConfig.OnFailure (lambda:GetFunctionEventInvokeConfig)",
        )?;
        if let Some(destination) = invoke_config
            .as_ref()
            .and_then(|c| c.on_failure_destination.clone())
        {
            targets.push(("DestinationConfig.OnFailure", destination));
        }
    }
    if let Some((field, target)) = targets.iter().find(|(_, t)| accepts(t)) {
        return Ok(Verdict::compliant(format!(
            "failed asynchronous invocations go to {target} ({field})"
        )));
    }
    if targets.is_empty() {
        return Ok(Verdict::non_compliant(
            "no dead-letter queue and no on-failure destination: failed asynchronous invocations are discarded",
        ));
    }
    let named: Vec<String> = targets
        .iter()
        .map(|(field, target)| format!("{field} {target}"))
        .collect();
    Ok(Verdict::non_compliant(format!(
        "{} not in dlqArns",
        named.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::CONTROL;
    use crate::engine::{Evaluator, Selected};
    use crate::facts::{Enrichment, EventInvokeConfig, Fact, Unavailable};
    use crate::item::ConfigurationItem;
    use crate::params::RawParams;
    use crate::{Compliance, Outcome};

    const DLQ: &str = "arn:aws:sqs:eu-west-1:111122223333:acme-dlq";
    const DESTINATION: &str = "arn:aws:sns:eu-west-1:111122223333:acme-failures";

    fn judge(
        dead_letter: Option<&str>,
        invoke: Fact<Option<EventInvokeConfig>>,
        dlq_arns: Option<&str>,
    ) -> Outcome {
        let configuration = match dead_letter {
            Some(arn) => {
                serde_json::json!({"functionName": "acme-fn", "deadLetterConfig": {"targetArn": arn}})
            }
            None => serde_json::json!({"functionName": "acme-fn"}),
        };
        let item = serde_json::json!({
            "resourceType": "AWS::Lambda::Function", "resourceId": "acme-fn",
            "accountId": "111122223333", "configurationItemStatus": "OK",
            "configuration": configuration
        });
        let item = ConfigurationItem::parse(&item.to_string()).unwrap();
        let mut raw = RawParams::default();
        if let Some(arns) = dlq_arns {
            raw.0.insert("dlqArns".to_string(), arns.to_string());
        }
        let enrichment = Enrichment {
            lambda_event_invoke: invoke,
            ..Enrichment::default()
        };
        let now = crate::Timestamp::parse("2026-06-01T00:00:00Z").unwrap();
        let evaluator = Evaluator::new(vec![Selected::with_params(&CONTROL, &raw).unwrap()], now);
        let mut evaluations = evaluator.evaluate_enriched(&item, false, &enrichment);
        assert_eq!(evaluations.len(), 1);
        evaluations.pop().unwrap().outcome
    }

    fn on_failure(destination: &str) -> Fact<Option<EventInvokeConfig>> {
        Ok(Some(EventInvokeConfig {
            on_failure_destination: Some(destination.to_string()),
        }))
    }

    #[test]
    fn dead_letter_queue_in_the_item_settles_it_without_the_call() {
        let verdict = judge(Some(DLQ), Err(Unavailable::NotFetched), None).unwrap();
        assert_eq!(verdict.compliance, Compliance::Compliant);
        assert!(verdict.annotation.contains(DLQ), "{}", verdict.annotation);
    }

    #[test]
    fn on_failure_destination_passes() {
        let verdict = judge(None, on_failure(DESTINATION), None).unwrap();
        assert_eq!(verdict.compliance, Compliance::Compliant);
        assert!(
            verdict.annotation.contains("OnFailure"),
            "{}",
            verdict.annotation
        );
    }

    #[test]
    fn neither_fails() {
        for invoke in [
            Ok(None),
            Ok(Some(EventInvokeConfig {
                on_failure_destination: None,
            })),
        ] {
            let verdict = judge(None, invoke, None).unwrap();
            assert_eq!(verdict.compliance, Compliance::NonCompliant);
        }
    }

    #[test]
    fn targets_must_be_listed_when_dlq_arns_is_set() {
        let verdict = judge(Some(DLQ), Ok(None), Some(DESTINATION)).unwrap();
        assert_eq!(verdict.compliance, Compliance::NonCompliant);
        assert!(
            verdict.annotation.contains("not in dlqArns"),
            "{}",
            verdict.annotation
        );
        let verdict = judge(Some(DLQ), on_failure(DESTINATION), Some(DESTINATION)).unwrap();
        assert_eq!(
            verdict.compliance,
            Compliance::Compliant,
            "{}",
            verdict.annotation
        );
    }

    #[test]
    fn unavailable_settings_are_an_error_unless_the_item_settles_it() {
        let why = Unavailable::Failed("lambda:GetFunctionEventInvokeConfig: throttled".into());
        assert!(judge(None, Err(why.clone()), None).is_err());
        assert!(judge(Some(DLQ), Err(why), None).is_ok());
    }
}

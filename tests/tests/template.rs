//! The SAM template agrees with the code: one Config rule per control (the generated block is
//! what the registry gives today), each rule's function may be invoked by Config, every role
//! allows exactly what its function does and no wildcard action, everything is encrypted (the
//! alert ledger's table with the stack's key), every dead-letter queue and function is watched
//! by an alarm.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use ourside_cli::template;
use ourside_core::deploy::{function_of, runs_in_one_region, Function};
use ourside_core::registry::CONTROLS;
use ourside_core::rule::{rule_name, RULE_PREFIX};
use ourside_core::Trigger;
use serde_norway::Value;

fn template_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../template.yaml")
}

fn template_text() -> String {
    let path = template_path();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parsed() -> Value {
    serde_norway::from_str(&template_text()).expect("template.yaml is YAML")
}

fn resources(template: &Value) -> &serde_norway::Mapping {
    template["Resources"].as_mapping().expect("Resources")
}

fn of_type<'a>(template: &'a Value, kind: &str) -> Vec<(&'a str, &'a Value)> {
    resources(template)
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some(kind))
        .map(|(id, r)| (id.as_str().expect("logical id"), r))
        .collect()
}

/// The value of a short-form intrinsic (`!GetAtt X.Arn` → `X.Arn`), if `value` is one.
fn intrinsic<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
    match value {
        Value::Tagged(tagged) if tagged.tag == name => Some(&tagged.value),
        _ => None,
    }
}

fn get_att_arn(value: &Value) -> Option<&str> {
    intrinsic(value, "GetAtt")?.as_str()?.strip_suffix(".Arn")
}

fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Sequence(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn the_generated_rules_are_what_the_registry_gives() {
    let text = template_text();
    let committed = template::current_block(&text).expect("template.yaml has the rules markers");
    let generated = template::rules(&BTreeMap::new());
    assert!(
        committed == generated,
        "template.yaml's Config rules differ from the control registry: run\n  cargo run -p ourside -- template --write template.yaml"
    );
}

#[test]
fn every_control_has_exactly_one_rule_invoking_its_function() {
    let template = parsed();
    let rules = of_type(&template, "AWS::Config::ConfigRule");
    assert_eq!(rules.len(), CONTROLS.len());
    for control in CONTROLS {
        let name = rule_name(RULE_PREFIX, control);
        let matching: Vec<_> = rules
            .iter()
            .filter(|(_, r)| r["Properties"]["ConfigRuleName"].as_str() == Some(name.as_str()))
            .collect();
        assert_eq!(matching.len(), 1, "{}: rules named {name}", control.id);
        let (id, rule) = matching[0];
        let properties = &rule["Properties"];
        assert_eq!(
            properties["InputParameters"]["controlId"].as_str(),
            Some(control.id),
            "{id}"
        );
        for spec in control.params {
            if !spec.default.is_empty() {
                assert_eq!(
                    properties["InputParameters"][spec.name].as_str(),
                    Some(spec.default),
                    "{id}: {}",
                    spec.name
                );
            }
        }
        let source = &properties["Source"];
        assert_eq!(source["Owner"].as_str(), Some("CUSTOM_LAMBDA"), "{id}");
        let function = function_of(control);
        assert_eq!(
            get_att_arn(&source["SourceIdentifier"]),
            Some(function.logical_id()),
            "{id}"
        );
        let messages: BTreeSet<&str> = source["SourceDetails"]
            .as_sequence()
            .expect("SourceDetails")
            .iter()
            .map(|d| {
                assert_eq!(d["EventSource"].as_str(), Some("aws.config"), "{id}");
                d["MessageType"].as_str().expect("MessageType")
            })
            .collect();
        match control.trigger {
            Trigger::Change => {
                assert_eq!(
                    messages,
                    BTreeSet::from([
                        "ConfigurationItemChangeNotification",
                        "OversizedConfigurationItemChangeNotification"
                    ]),
                    "{id}"
                );
                let scope: Vec<&str> = strings(&properties["Scope"]["ComplianceResourceTypes"]);
                let types: Vec<&str> = control
                    .resource_types
                    .iter()
                    .map(|t| t.config_name())
                    .collect();
                assert_eq!(scope, types, "{id}");
            }
            Trigger::Periodic => {
                assert_eq!(messages, BTreeSet::from(["ScheduledNotification"]), "{id}");
            }
        }
        assert_eq!(
            rule["Condition"].as_str() == Some("IsGlobalControlsRegion"),
            runs_in_one_region(control),
            "{id}"
        );
    }
}

#[test]
fn config_may_invoke_every_rule_function_of_this_account_only() {
    let template = parsed();
    let permissions = of_type(&template, "AWS::Lambda::Permission");
    for (id, rule) in of_type(&template, "AWS::Config::ConfigRule") {
        let function = get_att_arn(&rule["Properties"]["Source"]["SourceIdentifier"]).unwrap();
        let (permission_id, permission) = permissions
            .iter()
            .find(|(_, p)| get_att_arn(&p["Properties"]["FunctionName"]) == Some(function))
            .unwrap_or_else(|| panic!("{id}: no permission for {function}"));
        let properties = &permission["Properties"];
        assert_eq!(
            properties["Principal"].as_str(),
            Some("config.amazonaws.com")
        );
        assert_eq!(properties["Action"].as_str(), Some("lambda:InvokeFunction"));
        assert_eq!(
            intrinsic(&properties["SourceAccount"], "Ref").and_then(Value::as_str),
            Some("AWS::AccountId"),
            "{permission_id}: restricted to the account"
        );
        // Config checks that it may invoke the function when the rule is created.
        assert_eq!(rule["DependsOn"].as_str(), Some(*permission_id), "{id}");
    }
}

/// The actions the role's inline policies allow.
fn allowed_actions(role: &Value) -> Vec<String> {
    let mut actions = Vec::new();
    for policy in role["Properties"]["Policies"]
        .as_sequence()
        .expect("Policies")
    {
        for statement in policy["PolicyDocument"]["Statement"]
            .as_sequence()
            .expect("Statement")
        {
            assert_eq!(statement["Effect"].as_str(), Some("Allow"));
            assert!(statement.get("NotAction").is_none() && statement.get("NotResource").is_none());
            actions.extend(strings(&statement["Action"]).into_iter().map(String::from));
        }
    }
    actions.sort();
    actions
}

#[test]
fn each_function_has_its_own_role_allowing_exactly_what_it_calls() {
    let template = parsed();
    let resources = resources(&template);
    assert_eq!(
        of_type(&template, "AWS::IAM::Role").len(),
        Function::ALL.len()
    );
    for function in Function::ALL {
        let resource = &resources[function.logical_id()];
        assert_eq!(resource["Type"].as_str(), Some("AWS::Serverless::Function"));
        assert_eq!(
            get_att_arn(&resource["Properties"]["Role"]),
            Some(function.role_logical_id()),
            "{function:?}"
        );
        let actions = allowed_actions(&resources[function.role_logical_id()]);
        for action in &actions {
            assert!(
                !action.contains('*'),
                "{function:?}: wildcard action {action}"
            );
        }
        let expected: Vec<String> = function
            .permissions()
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(actions, expected, "{function:?}: the role's actions");
    }
}

#[test]
fn every_wildcard_resource_says_why() {
    let text = template_text();
    let lines: Vec<&str> = text.lines().collect();
    for (n, line) in lines.iter().enumerate() {
        if line.trim() != "Resource: \"*\"" {
            continue;
        }
        // Up to the statement's first line, then the comment just above it.
        let start = (0..n)
            .rev()
            .find(|&i| {
                let line = lines[i].trim_start();
                line.starts_with("- Sid:") || line.starts_with("- Effect:")
            })
            .unwrap_or_else(|| panic!("line {}: no statement", n + 1));
        assert!(
            lines[start - 1].trim_start().starts_with('#'),
            "template.yaml line {}: a \"*\" resource without a comment saying why",
            n + 1
        );
    }
}

#[test]
fn queues_topics_and_logs_are_encrypted_and_kept() {
    let template = parsed();
    let queues = of_type(&template, "AWS::SQS::Queue");
    assert_eq!(queues.len(), 5);
    for (id, queue) in queues {
        let p = &queue["Properties"];
        assert!(
            p["SqsManagedSseEnabled"].as_bool() == Some(true) || p.get("KmsMasterKeyId").is_some(),
            "{id} is not encrypted"
        );
        assert_eq!(
            p["MessageRetentionPeriod"].as_u64(),
            Some(1_209_600),
            "{id}"
        );
    }
    for (id, topic) in of_type(&template, "AWS::SNS::Topic") {
        assert!(
            intrinsic(&topic["Properties"]["KmsMasterKeyId"], "Ref").is_some(),
            "{id}: a customer managed key (alarms cannot publish to aws/sns topics)"
        );
    }
    let tables = of_type(&template, "AWS::DynamoDB::Table");
    assert_eq!(tables.len(), 1, "the alert ledger");
    for (id, table) in tables {
        let p = &table["Properties"];
        let sse = &p["SSESpecification"];
        assert_eq!(sse["SSEEnabled"].as_bool(), Some(true), "{id}");
        assert_eq!(sse["SSEType"].as_str(), Some("KMS"), "{id}");
        assert_eq!(
            get_att_arn(&sse["KMSMasterKeyId"]),
            Some("EncryptionKey"),
            "{id}: the stack's customer managed key"
        );
        assert_eq!(p["BillingMode"].as_str(), Some("PAY_PER_REQUEST"), "{id}");
        assert_eq!(
            p["TimeToLiveSpecification"]["AttributeName"].as_str(),
            Some(ourside_aws::ledger::TTL),
            "{id}: entries expire"
        );
        assert_eq!(
            p["KeySchema"][0]["AttributeName"].as_str(),
            Some(ourside_aws::ledger::KEY),
            "{id}"
        );
    }
    let alerter = &resources(&template)[Function::Alerter.logical_id()];
    assert_eq!(
        intrinsic(
            &alerter["Properties"]["Environment"]["Variables"][ourside_alerter::env::LEDGER_TABLE],
            "Ref"
        )
        .and_then(Value::as_str),
        Some("AlertLedgerTable")
    );
    let groups = of_type(&template, "AWS::Logs::LogGroup");
    assert_eq!(groups.len(), Function::ALL.len());
    for (id, group) in groups {
        assert!(group["Properties"].get("KmsKeyId").is_some(), "{id}");
        assert!(group["Properties"].get("RetentionInDays").is_some(), "{id}");
    }
}

#[test]
fn queue_consumers_can_keep_up_and_failures_are_parked_and_watched() {
    let template = parsed();
    let resources = resources(&template);
    let alarmed: BTreeSet<(String, String)> = of_type(&template, "AWS::CloudWatch::Alarm")
        .into_iter()
        .map(|(_, alarm)| {
            let p = &alarm["Properties"];
            let dimension = &p["Dimensions"][0]["Value"];
            let target = intrinsic(dimension, "Ref")
                .and_then(Value::as_str)
                .or_else(|| {
                    intrinsic(dimension, "GetAtt")?
                        .as_str()?
                        .strip_suffix(".QueueName")
                })
                .expect("an alarm on one of ours")
                .to_string();
            assert_eq!(
                intrinsic(&p["AlarmActions"][0], "Ref").and_then(Value::as_str),
                Some("AlertTopic")
            );
            (target, p["MetricName"].as_str().unwrap().to_string())
        })
        .collect();
    for function in Function::ALL {
        for metric in ["Errors", "Throttles"] {
            assert!(
                alarmed.contains(&(function.logical_id().to_string(), metric.to_string())),
                "{function:?}: no {metric} alarm"
            );
        }
    }
    let mut dead_letter = vec!["InvocationFailureQueue".to_string()];
    for (consumer, queue) in [
        (Function::Publisher, "FindingsQueue"),
        (Function::Alerter, "AlertQueue"),
    ] {
        let function = &resources[consumer.logical_id()]["Properties"];
        let event = function["Events"]
            .as_mapping()
            .and_then(|events| events.values().next())
            .expect("an SQS event source");
        assert_eq!(event["Type"].as_str(), Some("SQS"));
        assert_eq!(get_att_arn(&event["Properties"]["Queue"]), Some(queue));
        assert_eq!(
            strings(&event["Properties"]["FunctionResponseTypes"]),
            ["ReportBatchItemFailures"]
        );
        let timeout = function["Timeout"].as_u64().unwrap();
        let q = &resources[queue]["Properties"];
        assert!(
            q["VisibilityTimeout"].as_u64().unwrap() >= 6 * timeout,
            "{queue}: visibility timeout under six times the consumer's timeout"
        );
        let redrive = &q["RedrivePolicy"];
        assert!(redrive["maxReceiveCount"].as_u64().unwrap() >= 5, "{queue}");
        dead_letter.push(
            get_att_arn(&redrive["deadLetterTargetArn"])
                .unwrap()
                .to_string(),
        );
    }
    for queue in dead_letter {
        assert!(
            alarmed.contains(&(queue.clone(), "ApproximateNumberOfMessagesVisible".into())),
            "{queue}: no alarm on parked messages"
        );
    }
    for function in [Function::Evaluator, Function::Periodic] {
        let p = &resources[function.logical_id()]["Properties"];
        let on_failure = &p["EventInvokeConfig"]["DestinationConfig"]["OnFailure"];
        assert_eq!(
            get_att_arn(&on_failure["Destination"]),
            Some("InvocationFailureQueue")
        );
    }
    let periodic = &resources[Function::Periodic.logical_id()]["Properties"];
    assert!(periodic["Timeout"].as_u64().unwrap() >= 60);
    let alerter = &resources[Function::Alerter.logical_id()]["Properties"];
    assert_eq!(alerter["ReservedConcurrentExecutions"].as_u64(), Some(1));
}

#[test]
fn functions_are_built_from_their_binaries_and_configured_as_the_code_reads() {
    let template = parsed();
    let resources = resources(&template);
    let globals = &template["Globals"]["Function"];
    assert_eq!(globals["Runtime"].as_str(), Some("provided.al2023"));
    assert_eq!(globals["Tracing"].as_str(), Some("Active"));
    for function in Function::ALL {
        let resource = &resources[function.logical_id()];
        assert_eq!(
            resource["Metadata"]["BuildMethod"].as_str(),
            Some("rust-cargolambda")
        );
        assert_eq!(
            resource["Metadata"]["BuildProperties"]["Binary"].as_str(),
            Some(function.binary())
        );
    }
    let variables = |function: Function| -> BTreeSet<String> {
        resources[function.logical_id()]["Properties"]["Environment"]["Variables"]
            .as_mapping()
            .map(|m| {
                m.keys()
                    .filter_map(|k| k.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    for function in [Function::Evaluator, Function::Periodic] {
        assert_eq!(
            variables(function),
            BTreeSet::from(["FINDINGS_QUEUE_URL".to_string()])
        );
    }
    use ourside_alerter::env;
    assert_eq!(
        variables(Function::Alerter),
        [
            env::TOPIC_ARN,
            env::LEDGER_TABLE,
            env::MIN_SEVERITY,
            env::RECOVERY_NOTICES,
            env::DIGEST_THRESHOLD,
            env::RULE_PREFIX
        ]
        .into_iter()
        .map(String::from)
        .collect()
    );
    let alerter = &resources[Function::Alerter.logical_id()]["Properties"];
    assert_eq!(
        alerter["Environment"]["Variables"][env::RULE_PREFIX].as_str(),
        Some(RULE_PREFIX)
    );
    let pattern = &resources["ComplianceChangeRule"]["Properties"]["EventPattern"];
    assert_eq!(
        pattern["detail"]["configRuleName"][0]["prefix"].as_str(),
        Some(RULE_PREFIX)
    );
    let suppress = &resources["SuppressConfigCopies"]["Properties"]["Criteria"];
    assert_eq!(suppress["Title"][0]["Value"].as_str(), Some(RULE_PREFIX));
}

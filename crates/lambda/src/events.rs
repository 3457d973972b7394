//! Lambda events as AWS Config sends them to a custom rule, built around an invoking event:
//! for the functions' tests and for local invocations. `invokingEvent` and `ruleParameters`
//! are JSON strings, as Config writes them.

use serde_json::{json, Value};

/// Where the rule lives.
#[derive(Debug, Clone, Copy)]
pub struct Rule<'a> {
    pub name: &'a str,
    pub account_id: &'a str,
    pub region: &'a str,
}

/// The Lambda event for `rule` around `invoking_event`.
pub fn rule_event(
    rule: Rule<'_>,
    invoking_event: &Value,
    params: &Value,
    result_token: &str,
    left_scope: bool,
) -> String {
    let Rule {
        name,
        account_id,
        region,
    } = rule;
    json!({
        "version": "1.0",
        "invokingEvent": invoking_event.to_string(),
        "ruleParameters": params.to_string(),
        "resultToken": result_token,
        "eventLeftScope": left_scope,
        "executionRoleArn": format!("arn:aws:iam::{account_id}:role/ourside-config"),
        "configRuleArn": format!("arn:aws:config:{region}:{account_id}:config-rule/config-rule-{name}"),
        "configRuleName": name,
        "configRuleId": format!("config-rule-{name}"),
        "accountId": account_id
    })
    .to_string()
}

/// The invoking event of a change notification carrying `item`.
pub fn change(item: &Value, notified_at: &str) -> Value {
    json!({
        "configurationItemDiff": null,
        "configurationItem": item,
        "notificationCreationTime": notified_at,
        "messageType": "ConfigurationItemChangeNotification",
        "recordVersion": "1.3"
    })
}

/// The invoking event of an oversized-item notification: the item's summary only.
pub fn oversized(summary: &Value, notified_at: &str) -> Value {
    json!({
        "configurationItemSummary": summary,
        "s3DeliverySummary": {"s3BucketLocation": "config-bucket/AWSLogs/oversized.json.gz", "errorCode": null, "errorMessage": null},
        "notificationCreationTime": notified_at,
        "messageType": "OversizedConfigurationItemChangeNotification",
        "recordVersion": "1.0"
    })
}

/// The invoking event of a periodic run for `account_id`.
pub fn scheduled(account_id: &str, notified_at: &str) -> Value {
    json!({
        "awsAccountId": account_id,
        "notificationCreationTime": notified_at,
        "messageType": "ScheduledNotification",
        "recordVersion": "1.0"
    })
}

/// The SQS event Lambda delivers for these (message id, body) pairs.
pub fn sqs_event(messages: &[(String, String)]) -> String {
    let records: Vec<Value> = messages
        .iter()
        .map(|(id, body)| {
            json!({
                "messageId": id,
                "receiptHandle": format!("handle-{id}"),
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:eu-west-1:111122223333:ourside-queue",
                "awsRegion": "eu-west-1",
            })
        })
        .collect();
    json!({ "Records": records }).to_string()
}

/// One resource's compliance change under `rule`, as the EventBridge event
/// "Config Rules Compliance Change" carries it; `old` is absent on a first evaluation.
#[derive(Debug, Clone, Copy)]
pub struct ComplianceChange<'a> {
    pub rule: Rule<'a>,
    pub resource_type: &'a str,
    pub resource_id: &'a str,
    pub old: Option<&'a str>,
    pub new: &'a str,
    pub annotation: &'a str,
    pub at: &'a str,
}

impl ComplianceChange<'_> {
    pub fn event(&self) -> String {
        let Rule {
            name,
            account_id,
            region,
        } = self.rule;
        let result = |compliance: &str, at: &str, annotation: Option<&str>| {
            json!({
                "evaluationResultIdentifier": {
                    "evaluationResultQualifier": {
                        "configRuleName": name,
                        "resourceType": self.resource_type,
                        "resourceId": self.resource_id,
                        "evaluationMode": "DETECTIVE",
                    },
                    "orderingTimestamp": at,
                    "resourceEvaluationId": format!("{}-{at}", self.resource_id),
                },
                "complianceType": compliance,
                "resultRecordedTime": at,
                "configRuleInvokedTime": at,
                "annotation": annotation,
            })
        };
        let mut detail = json!({
            "resourceId": self.resource_id,
            "awsRegion": region,
            "awsAccountId": account_id,
            "configRuleName": name,
            "recordVersion": "1.0",
            "configRuleARN": format!("arn:aws:config:{region}:{account_id}:config-rule/config-rule-0abc12"),
            "messageType": "ComplianceChangeNotification",
            "newEvaluationResult": result(self.new, self.at, Some(self.annotation)),
            "notificationCreationTime": self.at,
            "resourceType": self.resource_type,
        });
        if let Some(old) = self.old {
            detail["oldEvaluationResult"] = result(old, "2026-01-01T00:00:00.000Z", None);
        }
        json!({
            "version": "0",
            "id": format!("{}-{}", self.resource_id, self.at),
            "detail-type": "Config Rules Compliance Change",
            "source": "aws.config",
            "account": account_id,
            "time": self.at,
            "region": region,
            "resources": [format!("arn:aws:config:{region}:{account_id}:config-rule/config-rule-0abc12")],
            "detail": detail,
        })
        .to_string()
    }
}

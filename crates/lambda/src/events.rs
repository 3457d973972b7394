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

//! The alerter's idempotency ledger in DynamoDB: one item per compliance-change event, keyed by
//! [`ourside_core::alert::event_key`], as AWS Lambda Powertools' idempotency keeps its records.
//!
//! | attribute | |
//! |---|---|
//! | `id` (partition key, S) | the event's key |
//! | `status` (S) | `IN_PROGRESS` while an invocation publishes, then `COMPLETE` |
//! | `owner` (S) | the invocation holding the claim |
//! | `in_progress_expiration` (N) | epoch milliseconds: the holder's deadline |
//! | `expiration` (N) | epoch seconds: the table's time-to-live attribute |
//! | `sns_message_id` (S) | SNS's message id, once published |
//!
//! A claim is one conditional `PutItem`: it succeeds when there is no item, the item outlived
//! its time-to-live (DynamoDB deletes expired items lazily), or an `IN_PROGRESS` item is past
//! its holder's deadline (taken over). When the condition fails, DynamoDB returns the item
//! (`ReturnValuesOnConditionCheckFailure=ALL_OLD`), which says whether the alert was published
//! or is being published: no second read. Completing is a `PutItem` and releasing a
//! `DeleteItem`, each on condition that the claim is still the owner's.

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};

use crate::error::AwsError;
use crate::ports::{AlertLedger, Claim, ClaimTerms};

/// The partition key attribute.
pub const KEY: &str = "id";
/// The time-to-live attribute (epoch seconds).
pub const TTL: &str = "expiration";
const STATUS: &str = "status";
const OWNER: &str = "owner";
const IN_PROGRESS_EXPIRATION: &str = "in_progress_expiration";
const MESSAGE_ID: &str = "sns_message_id";
const IN_PROGRESS: &str = "IN_PROGRESS";
const COMPLETE: &str = "COMPLETE";

const PUT_ITEM: &str = "dynamodb:PutItem";
const DELETE_ITEM: &str = "dynamodb:DeleteItem";

/// The ledger table, by name.
#[derive(Debug, Clone)]
pub struct DynamoLedger {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

impl DynamoLedger {
    pub fn new(sdk: &aws_config::SdkConfig, table: impl Into<String>) -> Self {
        DynamoLedger {
            client: aws_sdk_dynamodb::Client::new(sdk),
            table: table.into(),
        }
    }
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_string())
}

fn n(value: u64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// The condition of completing and releasing: `owner` still holds the claim.
struct Held {
    expression: &'static str,
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl Held {
    fn by(owner: &str) -> Self {
        Held {
            expression: "#status = :in_progress AND #owner = :owner",
            names: HashMap::from([
                ("#status".to_string(), STATUS.to_string()),
                ("#owner".to_string(), OWNER.to_string()),
            ]),
            values: HashMap::from([
                (":in_progress".to_string(), s(IN_PROGRESS)),
                (":owner".to_string(), s(owner)),
            ]),
        }
    }
}

/// What a claim that lost found in the item DynamoDB returned.
fn existing(item: &HashMap<String, AttributeValue>) -> Result<Claim, AwsError> {
    let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
    match text(STATUS).as_deref() {
        Some(COMPLETE) => Ok(Claim::Published {
            message_id: text(MESSAGE_ID),
        }),
        Some(IN_PROGRESS) => Ok(Claim::InProgress {
            until_ms: item
                .get(IN_PROGRESS_EXPIRATION)
                .and_then(|v| v.as_n().ok())
                .and_then(|v| v.parse().ok())
                .unwrap_or_default(),
        }),
        other => Err(AwsError::new(
            PUT_ITEM,
            false,
            format!("the ledger item has an unknown status {other:?}"),
        )),
    }
}

impl AlertLedger for DynamoLedger {
    async fn claim(&self, key: &str, terms: &ClaimTerms) -> Result<Claim, AwsError> {
        let sent = self
            .client
            .put_item()
            .table_name(&self.table)
            .item(KEY, s(key))
            .item(STATUS, s(IN_PROGRESS))
            .item(OWNER, s(&terms.owner))
            .item(IN_PROGRESS_EXPIRATION, n(terms.until_ms))
            .item(TTL, n(terms.expires_at))
            .condition_expression(
                "attribute_not_exists(#id) OR #expiration < :now_s \
                 OR (#status = :in_progress AND #in_progress_expiration < :now_ms)",
            )
            .expression_attribute_names("#id", KEY)
            .expression_attribute_names("#expiration", TTL)
            .expression_attribute_names("#status", STATUS)
            .expression_attribute_names("#in_progress_expiration", IN_PROGRESS_EXPIRATION)
            .expression_attribute_values(":now_s", n(terms.now_ms / 1000))
            .expression_attribute_values(":now_ms", n(terms.now_ms))
            .expression_attribute_values(":in_progress", s(IN_PROGRESS))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match sent {
            Ok(_) => Ok(Claim::Taken),
            Err(error) => {
                if let Some(PutItemError::ConditionalCheckFailedException(failed)) =
                    error.as_service_error()
                {
                    if let Some(item) = failed.item() {
                        return existing(item);
                    }
                }
                Err(AwsError::from_sdk(PUT_ITEM, error))
            }
        }
    }

    async fn complete(
        &self,
        key: &str,
        owner: &str,
        message_id: Option<&str>,
        expires_at: u64,
    ) -> Result<(), AwsError> {
        let mut request = self
            .client
            .put_item()
            .table_name(&self.table)
            .item(KEY, s(key))
            .item(STATUS, s(COMPLETE))
            .item(OWNER, s(owner))
            .item(TTL, n(expires_at));
        if let Some(id) = message_id {
            request = request.item(MESSAGE_ID, s(id));
        }
        let held = Held::by(owner);
        request
            .condition_expression(held.expression)
            .set_expression_attribute_names(Some(held.names))
            .set_expression_attribute_values(Some(held.values))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| AwsError::from_sdk(PUT_ITEM, e))
    }

    async fn release(&self, key: &str, owner: &str) -> Result<(), AwsError> {
        let held = Held::by(owner);
        self.client
            .delete_item()
            .table_name(&self.table)
            .key(KEY, s(key))
            .condition_expression(held.expression)
            .set_expression_attribute_names(Some(held.names))
            .set_expression_attribute_values(Some(held.values))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| AwsError::from_sdk(DELETE_ITEM, e))
    }
}

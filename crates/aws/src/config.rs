//! AWS Config: verdicts out (`PutEvaluations`), items and past verdicts in.

use std::collections::HashSet;

use aws_sdk_config::primitives::DateTime;
use aws_sdk_config::types::{ComplianceType, Evaluation, ResourceKey, ResourceType};
use ourside_core::facts::InstanceInventory;
use ourside_core::Compliance;
use serde_json::{json, Map, Value};

use crate::error::AwsError;
use crate::paginate::all_pages;
use crate::ports::{BatchFailures, ConfigEvaluation, ConfigReader, EvaluationsSink};

/// The AWS Config client, as the functions use it.
#[derive(Debug, Clone)]
pub struct ConfigApi {
    client: aws_sdk_config::Client,
}

impl ConfigApi {
    pub fn new(sdk: &aws_config::SdkConfig) -> Self {
        ConfigApi {
            client: aws_sdk_config::Client::new(sdk),
        }
    }
}

fn compliance_type(c: Compliance) -> ComplianceType {
    match c {
        Compliance::Compliant => ComplianceType::Compliant,
        Compliance::NonCompliant => ComplianceType::NonCompliant,
        Compliance::NotApplicable => ComplianceType::NotApplicable,
    }
}

fn sdk_time(t: ourside_core::Timestamp) -> DateTime {
    DateTime::from_nanos(t.0.unix_timestamp_nanos()).unwrap_or(DateTime::from_secs(0))
}

impl EvaluationsSink for ConfigApi {
    async fn put_evaluations(
        &self,
        result_token: &str,
        test_mode: bool,
        batch: &[ConfigEvaluation],
    ) -> Result<BatchFailures, AwsError> {
        const OP: &str = "config:PutEvaluations";
        let evaluations = batch
            .iter()
            .map(|e| {
                Evaluation::builder()
                    .compliance_resource_type(&e.resource_type)
                    .compliance_resource_id(&e.resource_id)
                    .compliance_type(compliance_type(e.compliance))
                    .annotation(&e.annotation)
                    .ordering_timestamp(sdk_time(e.ordering_timestamp))
                    .build()
                    .map_err(|err| AwsError::new(OP, false, err.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let output = self
            .client
            .put_evaluations()
            .result_token(result_token)
            .set_evaluations(Some(evaluations))
            .test_mode(test_mode)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        // Config names failed evaluations by resource, not by position, and gives no reason:
        // they are sent again. One that names no resource of the batch cannot be placed, so
        // the whole batch is sent again rather than risk losing it.
        let failed: HashSet<(String, String)> = output
            .failed_evaluations()
            .iter()
            .map(|f| {
                (
                    f.compliance_resource_type().to_string(),
                    f.compliance_resource_id().to_string(),
                )
            })
            .collect();
        let placed = batch
            .iter()
            .filter(|e| failed.contains(&(e.resource_type.clone(), e.resource_id.clone())))
            .count();
        if placed < failed.len() {
            return Ok(BatchFailures::retry_all(batch.len()));
        }
        Ok(BatchFailures {
            retry: batch
                .iter()
                .enumerate()
                .filter(|(_, e)| failed.contains(&(e.resource_type.clone(), e.resource_id.clone())))
                .map(|(i, _)| i)
                .collect(),
            refused: Vec::new(),
        })
    }
}

/// RFC 3339, as the AWS CLI prints times in JSON.
pub(crate) fn iso(t: Option<&DateTime>) -> Value {
    t.and_then(|t| {
        t.fmt(aws_sdk_config::primitives::DateTimeFormat::DateTime)
            .ok()
    })
    .map_or(Value::Null, Value::String)
}

/// The item in the API key flavour, as `aws configservice get-resource-config-history` prints it.
fn item_json(item: &aws_sdk_config::types::ConfigurationItem) -> Value {
    let supplementary: Map<String, Value> = item
        .supplementary_configuration()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect()
        })
        .unwrap_or_default();
    let relationships: Vec<Value> = item
        .relationships()
        .iter()
        .map(|r| {
            json!({
                "resourceType": r.resource_type().map(ResourceType::as_str),
                "resourceId": r.resource_id(),
                "resourceName": r.resource_name(),
                "relationshipName": r.relationship_name(),
            })
        })
        .collect();
    json!({
        "version": item.version(),
        "accountId": item.account_id(),
        "configurationItemCaptureTime": iso(item.configuration_item_capture_time()),
        "configurationItemStatus": item.configuration_item_status().map(|s| s.as_str()),
        "configurationStateId": item.configuration_state_id(),
        "arn": item.arn(),
        "resourceType": item.resource_type().map(ResourceType::as_str),
        "resourceId": item.resource_id(),
        "resourceName": item.resource_name(),
        "awsRegion": item.aws_region(),
        "availabilityZone": item.availability_zone(),
        "resourceCreationTime": iso(item.resource_creation_time()),
        "tags": item.tags(),
        "relationships": relationships,
        "configuration": item.configuration(),
        "supplementaryConfiguration": supplementary,
    })
}

impl ConfigReader for ConfigApi {
    async fn latest_item(
        &self,
        resource_type: &str,
        resource_id: &str,
    ) -> Result<Option<String>, AwsError> {
        const OP: &str = "config:GetResourceConfigHistory";
        let output = AwsError::or_absent(
            OP,
            "ResourceNotDiscoveredException",
            self.client
                .get_resource_config_history()
                .resource_type(ResourceType::from(resource_type))
                .resource_id(resource_id)
                .limit(1)
                .send()
                .await,
        )?;
        Ok(output.and_then(|o| {
            o.configuration_items()
                .first()
                .map(|i| item_json(i).to_string())
        }))
    }

    async fn managed_instance_inventory(
        &self,
        instance_id: &str,
    ) -> Result<Option<InstanceInventory>, AwsError> {
        const OP: &str = "config:BatchGetResourceConfig";
        let key = ResourceKey::builder()
            .resource_type(ResourceType::from("AWS::SSM::ManagedInstanceInventory"))
            .resource_id(instance_id)
            .build()
            .map_err(|e| AwsError::new(OP, false, e.to_string()))?;
        let output = self
            .client
            .batch_get_resource_config()
            .resource_keys(key)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        if !output.unprocessed_resource_keys().is_empty() {
            return Err(AwsError::new(
                OP,
                true,
                "Config left the inventory item unprocessed",
            ));
        }
        Ok(output.base_configuration_items().first().map(|item| {
            let supplementary = item.supplementary_configuration();
            let status = supplementary
                .and_then(|m| m.get("instanceStatus").or_else(|| m.get("InstanceStatus")))
                .map(|s| s.trim_matches('"').to_string());
            let agent_version = item
                .configuration()
                .and_then(|c| serde_json::from_str::<Value>(c).ok())
                .and_then(|c| {
                    c.get("AWS:InstanceInformation")?
                        .get("Content")?
                        .as_object()?
                        .values()
                        .next()?
                        .get("AgentVersion")?
                        .as_str()
                        .map(str::to_string)
                });
            InstanceInventory {
                instance_status: status,
                agent_version,
            }
        }))
    }

    async fn evaluated_resources(
        &self,
        rule_name: &str,
    ) -> Result<Vec<(String, String)>, AwsError> {
        const OP: &str = "config:GetComplianceDetailsByConfigRule";
        all_pages(OP, |token| async move {
            let output = self
                .client
                .get_compliance_details_by_config_rule()
                .config_rule_name(rule_name)
                // Only verdicts that can go stale: a resource already retired
                // (NOT_APPLICABLE) must not be retired again on every run.
                .compliance_types(ComplianceType::Compliant)
                .compliance_types(ComplianceType::NonCompliant)
                .set_next_token(token)
                .limit(100)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(OP, e))?;
            let resources = output
                .evaluation_results()
                .iter()
                .filter_map(|result| {
                    let q = result
                        .evaluation_result_identifier()?
                        .evaluation_result_qualifier()?;
                    Some((q.resource_type()?.to_string(), q.resource_id()?.to_string()))
                })
                .collect();
            Ok((resources, output.next_token().map(str::to_string)))
        })
        .await
    }
}

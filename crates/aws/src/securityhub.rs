//! Security Hub: reading what it holds for our finding ids, importing findings. Its two REST
//! calls are made here ([`RestJson`]) rather than through its SDK crate, whose model of every
//! finding detail would be most of the publisher; only the members read are decoded.

use std::collections::HashMap;

use ourside_core::asff::EVALUATED_AT_FIELD;
use ourside_core::import::{import_body, Existing, MAX_IDS_PER_LOOKUP};
use serde::{Deserialize, Serialize};

use crate::clients::Settings;
use crate::error::AwsError;
use crate::paginate::all_pages;
use crate::ports::{BatchFailures, FindingImport, FindingsHub};
use crate::rest::{RestJson, Transport};

/// `FailedFindings` error codes that sending the same finding again cannot fix.
const REFUSED_CODES: &[&str] = &[
    "InvalidInput",
    "InvalidInputException",
    "AccessDenied",
    "AccessDeniedException",
    "InvalidAccessException",
];

/// Findings per `GetFindings` page.
const PAGE_SIZE: u32 = 100;

/// Security Hub in the client's region.
#[derive(Debug, Clone)]
pub struct SecurityHubApi {
    api: RestJson,
}

impl SecurityHubApi {
    pub fn new(settings: &Settings) -> Self {
        SecurityHubApi {
            api: RestJson::new("securityhub", &Transport::new(settings)),
        }
    }
}

/// `GetFindings`' request: findings whose `Id` is one of the values.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GetFindingsRequest<'a> {
    filters: &'a IdFilters<'a>,
    max_results: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct IdFilters<'a> {
    id: Vec<StringFilter<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct StringFilter<'a> {
    value: &'a str,
    comparison: &'static str,
}

/// What is read of `GetFindings`' answer.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetFindingsResponse {
    #[serde(default)]
    findings: Option<Vec<StoredFinding>>,
    #[serde(default)]
    next_token: Option<String>,
}

/// What is read of a finding Security Hub holds.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StoredFinding {
    id: Option<String>,
    created_at: Option<String>,
    first_observed_at: Option<String>,
    last_observed_at: Option<String>,
    updated_at: Option<String>,
    product_fields: Option<HashMap<String, String>>,
}

/// What is read of `BatchImportFindings`' answer.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BatchImportFindingsResponse {
    failed_count: Option<i64>,
    #[serde(default)]
    failed_findings: Option<Vec<ImportFindingsError>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ImportFindingsError {
    id: Option<String>,
    error_code: Option<String>,
    error_message: Option<String>,
}

impl FindingsHub for SecurityHubApi {
    async fn existing(&self, ids: &[String]) -> Result<Vec<Existing>, AwsError> {
        const OP: &str = "securityhub:GetFindings";
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        if ids.len() > MAX_IDS_PER_LOOKUP {
            return Err(AwsError::new(
                OP,
                false,
                format!(
                    "{} ids asked at once; GetFindings takes {MAX_IDS_PER_LOOKUP}",
                    ids.len()
                ),
            ));
        }
        let filters = IdFilters {
            id: ids
                .iter()
                .map(|id| StringFilter {
                    value: id,
                    comparison: "EQUALS",
                })
                .collect(),
        };
        let findings = all_pages(OP, |token| {
            let request = GetFindingsRequest {
                filters: &filters,
                max_results: PAGE_SIZE,
                next_token: token.as_deref(),
            };
            let body = serde_json::to_vec(&request);
            async move {
                let body = body.map_err(|e| AwsError::new(OP, false, e.to_string()))?;
                let page = self
                    .api
                    .post(OP, "/findings", body, |answer| {
                        serde_json::from_slice::<GetFindingsResponse>(answer)
                    })
                    .await?;
                Ok((page.findings.unwrap_or_default(), page.next_token))
            }
        })
        .await?;
        // Filtered again here: what is asked is what is kept, whatever the service matched.
        Ok(findings
            .into_iter()
            .filter_map(|f| {
                let id = f.id?;
                ids.contains(&id).then(|| Existing {
                    created_at: f.created_at.unwrap_or_default(),
                    first_observed_at: f.first_observed_at,
                    last_observed_at: f.last_observed_at,
                    updated_at: f.updated_at.unwrap_or_default(),
                    evaluated_at: f
                        .product_fields
                        .and_then(|mut p| p.remove(EVALUATED_AT_FIELD)),
                    id,
                })
            })
            .collect())
    }

    async fn import(&self, findings: &[FindingImport]) -> Result<BatchFailures, AwsError> {
        const OP: &str = "securityhub:BatchImportFindings";
        // The request carries the findings exactly as serialised (and validated against the
        // service model) by the core, not a re-typed copy of them.
        let body = import_body(findings.iter().map(|f| f.json.as_str()));
        let output = self
            .api
            .post(OP, "/findings/import", body.into_bytes(), |answer| {
                serde_json::from_slice::<BatchImportFindingsResponse>(answer)
            })
            .await?;
        let mut failures = BatchFailures::default();
        for failed in output.failed_findings.unwrap_or_default() {
            let Some(i) = failed
                .id
                .and_then(|id| findings.iter().position(|f| f.id == id))
            else {
                // A failure that names no finding of ours: send the whole batch again.
                return Ok(BatchFailures::retry_all(findings.len()));
            };
            let code = failed.error_code.as_deref().unwrap_or("Unknown");
            if REFUSED_CODES.contains(&code) {
                failures.refused.push((
                    i,
                    format!("{code}: {}", failed.error_message.unwrap_or_default()),
                ));
            } else {
                failures.retry.push(i);
            }
        }
        if output.failed_count.unwrap_or(0).max(0) as usize
            > failures.retry.len() + failures.refused.len()
        {
            // Counted failures it did not name: nothing is assumed imported.
            return Ok(BatchFailures::retry_all(findings.len()));
        }
        Ok(failures)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lookup_asks_for_the_ids_as_the_service_model_spells_it() {
        let filters = IdFilters {
            id: ["a", "b"]
                .into_iter()
                .map(|value| StringFilter {
                    value,
                    comparison: "EQUALS",
                })
                .collect(),
        };
        let first = GetFindingsRequest {
            filters: &filters,
            max_results: PAGE_SIZE,
            next_token: None,
        };
        assert_eq!(
            serde_json::to_string(&first).unwrap(),
            r#"{"Filters":{"Id":[{"Value":"a","Comparison":"EQUALS"},{"Value":"b","Comparison":"EQUALS"}]},"MaxResults":100}"#
        );
        let next = GetFindingsRequest {
            next_token: Some("t"),
            ..first
        };
        assert!(serde_json::to_string(&next)
            .unwrap()
            .ends_with(r#""MaxResults":100,"NextToken":"t"}"#));
    }

    #[test]
    fn only_the_members_read_are_decoded() {
        let page: GetFindingsResponse = serde_json::from_str(
            r#"{"Findings":[{"Id":"x","CreatedAt":"c","UpdatedAt":"u","Resources":[{"Details":{"AwsS3Bucket":{"Owner":1}}}],
                "ProductFields":{"ourside/EvaluatedAt":"e","n":"1"},"Severity":{"Normalized":40}}],"NextToken":null}"#,
        )
        .unwrap();
        let findings = page.findings.unwrap();
        assert_eq!(findings[0].id.as_deref(), Some("x"));
        assert_eq!(findings[0].first_observed_at, None);
        assert_eq!(page.next_token, None);
        let answer: BatchImportFindingsResponse = serde_json::from_str(
            r#"{"FailedCount":1,"SuccessCount":0,"FailedFindings":[{"Id":"x","ErrorCode":"InvalidInput","ErrorMessage":"m"}]}"#,
        )
        .unwrap();
        assert_eq!(answer.failed_count, Some(1));
        let failed = &answer.failed_findings.unwrap()[0];
        assert_eq!(failed.error_code.as_deref(), Some("InvalidInput"));
        assert_eq!(failed.error_message.as_deref(), Some("m"));
    }
}

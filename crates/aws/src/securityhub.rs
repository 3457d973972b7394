//! Security Hub: reading what it holds for our finding ids, importing findings.

use aws_sdk_securityhub::types::{AwsSecurityFindingFilters, StringFilter, StringFilterComparison};
use aws_smithy_types::body::SdkBody;
use ourside_core::asff::EVALUATED_AT_FIELD;
use ourside_core::import::{import_body, Existing, MAX_IDS_PER_LOOKUP};

use crate::error::AwsError;
use crate::paginate::all_pages;
use crate::ports::{BatchFailures, FindingImport, FindingsHub};

/// `FailedFindings` error codes that sending the same finding again cannot fix.
const REFUSED_CODES: &[&str] = &[
    "InvalidInput",
    "InvalidInputException",
    "AccessDenied",
    "AccessDeniedException",
    "InvalidAccessException",
];

/// Security Hub in the client's region.
#[derive(Debug, Clone)]
pub struct SecurityHubApi {
    client: aws_sdk_securityhub::Client,
}

impl SecurityHubApi {
    pub fn new(sdk: &aws_config::SdkConfig) -> Self {
        SecurityHubApi {
            client: aws_sdk_securityhub::Client::new(sdk),
        }
    }
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
        let filters = AwsSecurityFindingFilters::builder()
            .set_id(Some(
                ids.iter()
                    .map(|id| {
                        StringFilter::builder()
                            .comparison(StringFilterComparison::Equals)
                            .value(id)
                            .build()
                    })
                    .collect(),
            ))
            .build();
        let findings = all_pages(OP, |token| {
            let request = self
                .client
                .get_findings()
                .filters(filters.clone())
                .max_results(100)
                .set_next_token(token);
            async move {
                let output = request
                    .send()
                    .await
                    .map_err(|e| AwsError::from_sdk(OP, e))?;
                let next = output.next_token().map(str::to_string);
                Ok((output.findings.unwrap_or_default(), next))
            }
        })
        .await?;
        // Filtered again here: what is asked is what is kept, whatever the service matched.
        Ok(findings
            .into_iter()
            .filter_map(|f| {
                let id = f.id()?.to_string();
                ids.contains(&id).then(|| Existing {
                    created_at: f.created_at().unwrap_or_default().to_string(),
                    first_observed_at: f.first_observed_at().map(str::to_string),
                    last_observed_at: f.last_observed_at().map(str::to_string),
                    updated_at: f.updated_at().unwrap_or_default().to_string(),
                    evaluated_at: f
                        .product_fields()
                        .and_then(|p| p.get(EVALUATED_AT_FIELD))
                        .cloned(),
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
            .client
            .batch_import_findings()
            .set_findings(Some(Vec::new()))
            .customize()
            .mutate_request(move |request| {
                let length = body.len().to_string();
                *request.body_mut() = SdkBody::from(body.clone());
                request.headers_mut().insert("content-length", length);
            })
            .send();
        let output = Box::pin(output)
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        let mut failures = BatchFailures::default();
        for failed in output.failed_findings() {
            let Some(i) = failed
                .id()
                .and_then(|id| findings.iter().position(|f| f.id == id))
            else {
                // A failure that names no finding of ours: send the whole batch again.
                return Ok(BatchFailures::retry_all(findings.len()));
            };
            let code = failed.error_code().unwrap_or("Unknown");
            if REFUSED_CODES.contains(&code) {
                failures.refused.push((
                    i,
                    format!("{code}: {}", failed.error_message().unwrap_or_default()),
                ));
            } else {
                failures.retry.push(i);
            }
        }
        if output.failed_count().unwrap_or(0) as usize
            > failures.retry.len() + failures.refused.len()
        {
            // Counted failures it did not name: nothing is assumed imported.
            return Ok(BatchFailures::retry_all(findings.len()));
        }
        Ok(failures)
    }
}

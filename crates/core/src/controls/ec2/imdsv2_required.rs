use super::instances;
use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether the instance accepts only session-token (IMDSv2) requests to its metadata
    /// service: `metadataOptions.httpTokens` is `required`. Any other value (`optional`) fails.
    /// Where AWS is silent this control decides as follows:
    /// - `metadataOptions.httpEndpoint` `disabled` passes whatever `httpTokens` says: with the
    ///   metadata service switched off there is no IMDSv1 to abuse.
    /// - an item without `metadataOptions`, or without `httpTokens` in it, fails: EC2's default
    ///   for instances launched without the setting is `optional`, and nothing shows otherwise.
    /// - terminated instances are NOT_APPLICABLE; stopped instances are judged (they can be
    ///   started again as they are).
    ///
    /// ## Why it matters
    /// IMDSv1 answers any local HTTP GET, so a server-side request forgery flaw in an
    /// application becomes theft of the instance role's credentials. IMDSv2's session token and
    /// hop limit block that path. The guest and its metadata settings are the customer's side.
    ///
    /// ## How to fix
    /// Update software to the current AWS SDKs (which use IMDSv2), then run
    /// `aws ec2 modify-instance-metadata-options --http-tokens required` on the instance, and set
    /// `HttpTokens: required` in launch templates and AMIs so new instances start that way.
    CONTROL = Control {
        id: "EC2.8",
        title: "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)",
        resource_types: &[ResourceType::Ec2Instance],
        trigger: Trigger::Change,
        severity: Severity::High,
        owner: Owner::Platform,
        area: SrmArea::ServiceConfiguration,
        mappings: Mappings {
            security_hub: Some("EC2.8"),
            cis: &[Cis::v3("5.6")],
            nist: &["AC-3", "AC-3(15)", "AC-3(7)", "AC-6"],
        },
        remediation: Remediation {
            text: "Set the instance metadata option HttpTokens to required (modify-instance-metadata-options) after moving software to IMDSv2, and require it in launch templates.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-8",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let instance = match instances::live(resource) {
        Ok(instance) => instance,
        Err(settled) => return Ok(settled),
    };
    let Some(options) = &instance.metadata_options else {
        return Ok(Verdict::non_compliant(
            "metadataOptions is absent: IMDSv1 is not shown to be off (EC2 default httpTokens optional)",
        ));
    };
    if options
        .http_endpoint
        .as_deref()
        .is_some_and(|e| e.eq_ignore_ascii_case("disabled"))
    {
        return Ok(Verdict::compliant(
            "metadataOptions.httpEndpoint is disabled: the metadata service is off",
        ));
    }
    Ok(match options.http_tokens.as_deref() {
        Some(t) if t.eq_ignore_ascii_case("required") => {
            Verdict::compliant("metadataOptions.httpTokens is required")
        }
        Some(other) => Verdict::non_compliant(format!(
            "metadataOptions.httpTokens is {other} (expected required): IMDSv1 is allowed"
        )),
        None => Verdict::non_compliant(
            "metadataOptions.httpTokens is absent: IMDSv1 is not shown to be off (EC2 default optional)",
        ),
    })
}

use crate::controls::prelude::*;
use crate::controls::waf::web_acl_kind;

crate::control! {
    /// ## What it checks
    /// Whether a web ACL is associated with the distribution: `distributionConfig.webACLId` is
    /// non-empty. The value is a WAFv2 web ACL ARN (`arn:aws:wafv2:us-east-1:…:global/webacl/…`)
    /// or, for AWS WAF Classic, a bare web ACL id; both pass, as in Security Hub. An empty or
    /// absent `webACLId` means no web ACL.
    ///
    /// ## Why it matters
    /// A web ACL at the edge filters common exploits, bots and floods before they reach the
    /// origin. Choosing and attaching the rules is the customer's side of the model; CloudFront
    /// applies none by default.
    ///
    /// ## How to fix
    /// Create an AWS WAF web ACL with scope CLOUDFRONT (in us-east-1), for example with the AWS
    /// managed core rule set, and associate it with the distribution.
    CONTROL = Control {
        id: "CloudFront.6",
        title: "CloudFront distributions should have WAF enabled",
        resource_types: &[ResourceType::CloudFrontDistribution],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::ServiceConfiguration,
        mappings: Mappings {
            security_hub: Some("CloudFront.6"),
            cis: &[],
            nist: &["AC-4(21)"],
        },
        remediation: Remediation {
            text: "Create an AWS WAF web ACL with CLOUDFRONT scope in us-east-1 and associate it with the distribution.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudfront-controls.html#cloudfront-6",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::CloudFrontDistribution(distribution) = resource else {
        return Ok(Verdict::not_applicable("not a CloudFront distribution"));
    };
    Ok(match distribution.web_acl_id.as_deref() {
        Some(id) if !id.is_empty() => {
            Verdict::compliant(format!("webACLId names an {}: {id}", web_acl_kind(id)))
        }
        Some(_) => Verdict::non_compliant("webACLId is empty: no AWS WAF web ACL is associated"),
        None => Verdict::non_compliant("webACLId is absent: no AWS WAF web ACL is associated"),
    })
}

use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether every cache behavior of the distribution makes viewers use HTTPS: the
    /// `viewerProtocolPolicy` of `defaultCacheBehavior` and of each `cacheBehaviors.items[]`
    /// entry must be `https-only` or `redirect-to-https`. `allow-all` (plain HTTP accepted) fails
    /// and is reported with the behavior's path pattern; any other value fails too. An item
    /// without `defaultCacheBehavior`, or a behavior without a `viewerProtocolPolicy`, cannot be
    /// judged and is reported as an input error.
    ///
    /// ## Why it matters
    /// Viewer traffic over plain HTTP can be read and altered on the way (session cookies,
    /// tokens, injected scripts). The viewer protocol policy is the customer's choice; CloudFront
    /// enforces whatever is configured.
    ///
    /// ## How to fix
    /// Set the viewer protocol policy of the default and every ordered cache behavior to
    /// `redirect-to-https` (keeps old HTTP links working) or `https-only`.
    CONTROL = Control {
        id: "CloudFront.3",
        title: "CloudFront distributions should require encryption in transit",
        resource_types: &[ResourceType::CloudFrontDistribution],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::ServiceConfiguration,
        mappings: Mappings {
            security_hub: Some("CloudFront.3"),
            cis: &[],
            nist: &["AC-17(2)", "AC-4", "IA-5(1)", "SC-12(3)", "SC-13", "SC-23", "SC-23(3)", "SC-7(4)", "SC-8", "SC-8(1)", "SC-8(2)", "SI-7(6)"],
        },
        remediation: Remediation {
            text: "Set ViewerProtocolPolicy to redirect-to-https or https-only on the default cache behavior and on every ordered cache behavior.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudfront-controls.html#cloudfront-3",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

const SECURE: &[&str] = &["https-only", "redirect-to-https"];

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::CloudFrontDistribution(distribution) = resource else {
        return Ok(Verdict::not_applicable("not a CloudFront distribution"));
    };
    let Some(default) = &distribution.default_cache_behavior else {
        return Err(InputError::new(
            "configuration.distributionConfig.defaultCacheBehavior",
            "missing: cannot tell the viewer protocol policy",
        ));
    };
    let mut offences = Vec::new();
    for behavior in std::iter::once(default).chain(&distribution.cache_behaviors) {
        let Some(policy) = behavior.viewer_protocol_policy.as_deref() else {
            return Err(InputError::new(
                format!(
                    "configuration.distributionConfig.{}.viewerProtocolPolicy",
                    behavior.location
                ),
                "missing: every cache behavior has a viewer protocol policy",
            ));
        };
        if !SECURE.iter().any(|s| policy.eq_ignore_ascii_case(s)) {
            let what = if policy.eq_ignore_ascii_case("allow-all") {
                "accepts plain HTTP"
            } else {
                "does not require HTTPS"
            };
            offences.push(format!(
                "{} {what} (viewerProtocolPolicy {policy})",
                behavior.describe()
            ));
        }
    }
    Ok(Verdict::from_offences(
        offences,
        format!(
            "viewerProtocolPolicy is https-only or redirect-to-https on all {} cache behavior(s)",
            1 + distribution.cache_behaviors.len()
        ),
    ))
}

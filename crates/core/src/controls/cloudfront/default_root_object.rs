use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether a distribution that serves content from Amazon S3 has a default root object
    /// (`distributionConfig.defaultRootObject`, e.g. `index.html`). As in Security Hub, the
    /// control applies only to distributions with at least one S3 origin; distributions whose
    /// origins are all custom (load balancers, API Gateway, S3 *website* endpoints) are
    /// NOT_APPLICABLE. An origin counts as S3 when it has an `s3OriginConfig` or its domain is an
    /// S3 REST endpoint (`<bucket>.s3.<region>.amazonaws.com`, also when configured as a custom
    /// origin, since the REST endpoint has no index document either). An item that lists no
    /// `origins` at all cannot be judged and is reported as an input error.
    ///
    /// ## Why it matters
    /// Without a default root object, a request for the distribution's root URL is passed to the
    /// S3 origin as a request for the bucket itself; depending on the bucket's permissions it
    /// returns an error or even a listing of the bucket's keys.
    ///
    /// ## How to fix
    /// Set the default root object (for example `index.html`) in the distribution's settings and
    /// make sure that object exists in the bucket.
    CONTROL = Control {
        id: "CloudFront.1",
        title: "CloudFront distributions should have a default root object configured",
        resource_types: &[ResourceType::CloudFrontDistribution],
        trigger: Trigger::Change,
        severity: Severity::High,
        owner: Owner::Platform,
        area: SrmArea::ServiceConfiguration,
        mappings: Mappings {
            security_hub: Some("CloudFront.1"),
            cis: &[],
            nist: &["SC-7(11)", "SC-7(16)"],
        },
        remediation: Remediation {
            text: "Set DefaultRootObject (e.g. index.html) on the distribution and make sure the object exists in the S3 origin.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudfront-controls.html#cloudfront-1",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::CloudFrontDistribution(distribution) = resource else {
        return Ok(Verdict::not_applicable("not a CloudFront distribution"));
    };
    let Some(origins) = &distribution.origins else {
        return Err(InputError::new(
            "configuration.distributionConfig.origins",
            "missing: cannot tell whether the distribution uses S3 origins",
        ));
    };
    let s3: Vec<&str> = origins
        .iter()
        .filter(|o| o.is_s3())
        .map(|o| o.id.as_str())
        .collect();
    if s3.is_empty() {
        return Ok(Verdict::not_applicable(format!(
            "no S3 origin among {} origin(s) (S3 website endpoints are custom origins): the control applies to distributions with S3 origins",
            origins.len()
        )));
    }
    let names = s3.join(", ");
    Ok(match distribution.default_root_object.as_deref() {
        Some(object) if !object.is_empty() => Verdict::compliant(format!(
            "defaultRootObject is {object} (S3 origin {names})"
        )),
        Some(_) => Verdict::non_compliant(format!(
            "defaultRootObject is empty; the distribution serves S3 origin {names}"
        )),
        None => Verdict::non_compliant(format!(
            "defaultRootObject is absent (not configured); the distribution serves S3 origin {names}"
        )),
    })
}

use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether a public hosted zone sends its DNS query logs to CloudWatch Logs: the zone's
    /// `QueryLoggingConfig` names a log group ARN. Private hosted zones (associated with VPCs,
    /// or flagged `PrivateZone`) are NOT_APPLICABLE, as Route 53 query logging exists only for
    /// public zones (Resolver query logging covers VPCs). The log group ARN is read from every
    /// shape it is found in: the CloudFormation string, the resource schema's doubly nested
    /// object, or the API's list of configurations.
    ///
    /// ## Why it matters
    /// DNS query logs show which names are resolved, from where and how often: evidence for
    /// spotting subdomain enumeration, DNS-based attacks and misrouted traffic. Route 53 records
    /// nothing unless the customer configures query logging.
    ///
    /// ## How to fix
    /// Create a log group in us-east-1 (e.g. `/aws/route53/<zone name>`) with a resource policy
    /// that lets `route53.amazonaws.com` write to it, then create a query logging configuration
    /// for the zone pointing at that log group.
    CONTROL = Control {
        id: "Route53.2",
        title: "Route 53 public hosted zones should log DNS queries",
        resource_types: &[ResourceType::Route53HostedZone],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Sre,
        area: SrmArea::Logging,
        mappings: Mappings {
            security_hub: Some("Route53.2"),
            cis: &[],
            nist: &[],
        },
        remediation: Remediation {
            text: "Create a us-east-1 log group that Route 53 may write to and a query logging configuration for the hosted zone that targets it.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/route53-controls.html#route53-2",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::Route53HostedZone(zone) = resource else {
        return Ok(Verdict::not_applicable("not a Route 53 hosted zone"));
    };
    if zone.is_private() {
        let why = if zone.vpcs.is_empty() {
            "HostedZoneConfig.PrivateZone is true".to_string()
        } else {
            format!("associated with VPC {}", zone.vpcs.join(", "))
        };
        return Ok(Verdict::not_applicable(format!(
            "private hosted zone ({why}): query logging applies to public zones"
        )));
    }
    Ok(match zone.query_log_groups.first() {
        Some(arn) => Verdict::compliant(format!("DNS queries are logged to {arn}")),
        None => Verdict::non_compliant(
            "public hosted zone has no QueryLoggingConfig log group: DNS queries are not logged",
        ),
    })
}

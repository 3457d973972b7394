use crate::controls::prelude::*;
use crate::controls::waf::web_acl_kind;

crate::control! {
    /// ## What it checks
    /// Whether a REST API stage is associated with a web ACL: `webAclArn` is non-empty. Both
    /// AWS WAF (`arn:aws:wafv2:…:regional/webacl/…`) and AWS WAF Classic regional
    /// (`arn:aws:waf-regional:…`) web ACLs pass; an empty or absent `webAclArn` fails. Only REST
    /// API stages can be associated with WAF, so V2 (HTTP and WebSocket) stages are not in scope.
    ///
    /// ## Why it matters
    /// A web ACL in front of an API filters injection attempts, abusive clients and floods before
    /// they reach the integration. Attaching one is the customer's choice; API Gateway applies no
    /// such rules by default.
    ///
    /// ## How to fix
    /// Create a regional AWS WAF web ACL in the stage's Region and associate it with the stage
    /// (`arn:aws:apigateway:<region>::/restapis/<api id>/stages/<stage>`).
    CONTROL = Control {
        id: "APIGateway.4",
        title: "API Gateway should be associated with a WAF Web ACL",
        resource_types: &[ResourceType::ApiGatewayStage],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::ServiceConfiguration,
        mappings: Mappings {
            security_hub: Some("APIGateway.4"),
            cis: &[],
            nist: &["AC-4(21)"],
        },
        remediation: Remediation {
            text: "Create a regional AWS WAF web ACL and associate it with the REST API stage.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html#apigateway-4",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::ApiGatewayStage(stage) = resource else {
        return Ok(Verdict::not_applicable("not an API Gateway REST API stage"));
    };
    Ok(match &stage.web_acl_arn {
        Some(arn) => Verdict::compliant(format!(
            "stage {} uses an {}: {arn}",
            stage.stage_name,
            web_acl_kind(arn)
        )),
        None => Verdict::non_compliant(format!(
            "stage {} has no webAclArn: no AWS WAF web ACL is associated",
            stage.stage_name
        )),
    })
}

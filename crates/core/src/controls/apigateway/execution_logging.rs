use crate::controls::prelude::*;
use crate::resource::apigateway::{LogSetting, RestStage, V2Stage};

static LOGGING_LEVEL: ParamSpec = ParamSpec {
    name: "loggingLevel",
    kind: ParamKind::List,
    default: "ERROR,INFO",
    help: "Logging levels that count as enabled, comma-separated (ERROR, INFO, OFF).",
};

crate::control! {
    /// ## What it checks
    /// Whether execution logging is on for every method of a REST API stage or every route of a
    /// WebSocket API stage, at one of the `loggingLevel` parameter's levels (default `ERROR` or
    /// `INFO`).
    ///
    /// - REST stages (`AWS::ApiGateway::Stage`): the stage-wide setting
    ///   `methodSettings["*/*"].loggingLevel` must be an allowed level, and so must every
    ///   per-method override (`methodSettings["pets/GET"]`…), since an override replaces the
    ///   stage's settings for that method. A setting without `loggingLevel`, or no `"*/*"` entry
    ///   at all, means logging is `OFF`.
    /// - V2 stages (`AWS::ApiGatewayV2::Stage`): `defaultRouteSettings.loggingLevel` must be an
    ///   allowed level (absent means `OFF`), and no `routeSettings` entry may set a level outside
    ///   the list; a route entry without `loggingLevel` inherits the default. HTTP APIs have no
    ///   execution logging: a stage recognisable as an HTTP API's (the `$default` stage, or HTTP
    ///   route keys such as `GET /items`) is NOT_APPLICABLE. The item does not state the API's
    ///   protocol, so other HTTP API stages are judged like WebSocket stages (as the managed rule
    ///   does); exempt them by tag.
    ///
    /// ## Why it matters
    /// Execution logs record how API Gateway handled each request (authorizer decisions,
    /// integration errors, throttling): the first place to look when an API misbehaves or is
    /// attacked. They are off unless the customer turns them on.
    ///
    /// ## How to fix
    /// Set a CloudWatch Logs role ARN in the API Gateway account settings, then set the stage's
    /// logging level to `ERROR` or `INFO` (REST: *Logs and tracing* on the stage, or the patch
    /// path `/*/*/logging/loglevel`; WebSocket: the default route settings), and remove
    /// per-method or per-route overrides that turn logging off.
    CONTROL = Control {
        id: "APIGateway.1",
        title: "API Gateway REST and WebSocket API execution logging should be enabled",
        resource_types: &[ResourceType::ApiGatewayStage, ResourceType::ApiGatewayV2Stage],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Sre,
        area: SrmArea::Logging,
        mappings: Mappings {
            security_hub: Some("APIGateway.1"),
            cis: &[],
            nist: &["AC-4(26)", "AU-10", "AU-12", "AU-2", "AU-3", "AU-6(3)", "AU-6(4)", "CA-7", "SC-7(9)", "SI-7(8)"],
        },
        remediation: Remediation {
            text: "Set the stage's execution logging level to ERROR or INFO (REST: methodSettings */*; WebSocket: default route settings) and remove overrides that turn it off.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html#apigateway-1",
        },
        params: &[LOGGING_LEVEL],
        check: Check::Item(evaluate),
    }
}

const LEVELS: &[&str] = &["OFF", "ERROR", "INFO"];

fn evaluate(resource: &Resource, params: &Params, _: &Context) -> Outcome {
    let allowed = allowed_levels(params)?;
    match resource {
        Resource::ApiGatewayStage(stage) => Ok(rest(stage, &allowed)),
        Resource::ApiGatewayV2Stage(stage) => Ok(v2(stage, &allowed)),
        _ => Ok(Verdict::not_applicable("not an API Gateway stage")),
    }
}

/// The `loggingLevel` parameter, upper-cased and checked against the levels API Gateway knows.
fn allowed_levels(params: &Params) -> Result<Vec<String>, InputError> {
    let levels: Vec<String> = params
        .list(&LOGGING_LEVEL)
        .iter()
        .map(|l| l.to_ascii_uppercase())
        .collect();
    let at = "ruleParameters.loggingLevel";
    if levels.is_empty() {
        return Err(InputError::new(
            at,
            "must name at least one of ERROR, INFO, OFF",
        ));
    }
    if let Some(bad) = levels.iter().find(|l| !LEVELS.contains(&l.as_str())) {
        return Err(InputError::new(
            at,
            format!("{bad:?} is not a logging level (expected ERROR, INFO or OFF)"),
        ));
    }
    Ok(levels)
}

fn is_allowed(level: Option<&str>, allowed: &[String]) -> bool {
    let level = level.unwrap_or("OFF");
    allowed.iter().any(|a| a.eq_ignore_ascii_case(level))
}

/// NON_COMPLIANT naming the offences, then the levels that would pass.
fn failed(offences: Vec<String>, allowed: &[String]) -> Verdict {
    Verdict::from_offences(offences, "").with_remark(&format!("expected {}", allowed.join(" or ")))
}

/// `methodSettings["pets/GET"].loggingLevel is OFF`.
fn describe(field: &str, setting: &LogSetting) -> String {
    match &setting.logging_level {
        Some(level) => format!("{field}[\"{}\"].loggingLevel is {level}", setting.key),
        None => format!("{field}[\"{}\"] has no loggingLevel (OFF)", setting.key),
    }
}

fn rest(stage: &RestStage, allowed: &[String]) -> Verdict {
    let mut offences = Vec::new();
    let stage_wide = stage.stage_wide();
    match stage_wide {
        None => {
            offences.push("methodSettings has no \"*/*\" entry: stage logging is OFF".to_string())
        }
        Some(s) if !is_allowed(s.logging_level.as_deref(), allowed) => {
            offences.push(describe("methodSettings", s));
        }
        Some(_) => {}
    }
    let overrides: Vec<&LogSetting> = stage.overrides().collect();
    offences.extend(
        overrides
            .iter()
            .filter(|s| !is_allowed(s.logging_level.as_deref(), allowed))
            .map(|s| describe("methodSettings", s)),
    );
    if !offences.is_empty() {
        return failed(offences, allowed);
    }
    let level = stage_wide
        .and_then(|s| s.logging_level.as_deref())
        .unwrap_or("OFF");
    Verdict::compliant(match overrides.len() {
        0 => format!("methodSettings[\"*/*\"].loggingLevel is {level} for every method"),
        n => format!(
            "methodSettings[\"*/*\"].loggingLevel is {level}, and all {n} method override(s) log at {}",
            allowed.join("/")
        ),
    })
}

fn v2(stage: &V2Stage, allowed: &[String]) -> Verdict {
    if let Some(evidence) = stage.http_api_evidence() {
        return Verdict::not_applicable(format!(
            "HTTP API stage ({evidence}): HTTP APIs have no execution logging"
        ));
    }
    let mut offences = Vec::new();
    let default = stage.default_logging_level.as_deref();
    if !is_allowed(default, allowed) {
        offences.push(match default {
            Some(level) => format!("defaultRouteSettings.loggingLevel is {level}"),
            None => "defaultRouteSettings has no loggingLevel (OFF)".to_string(),
        });
    }
    offences.extend(
        stage
            .route_settings
            .iter()
            .filter(|r| r.logging_level.is_some())
            .filter(|r| !is_allowed(r.logging_level.as_deref(), allowed))
            .map(|r| describe("routeSettings", r)),
    );
    if !offences.is_empty() {
        return failed(offences, allowed);
    }
    Verdict::compliant(format!(
        "defaultRouteSettings.loggingLevel is {}; no route turns logging off",
        default.unwrap_or("OFF")
    ))
}

//! `AWS::ApiGateway::Stage` (REST APIs) and `AWS::ApiGatewayV2::Stage` (WebSocket and HTTP APIs).
//!
//! REST stages are camelCase. Their execution logging lives in `methodSettings`, a map keyed by
//! `"*/*"` (the whole stage) or `"<resource path>/<HTTP method>"` (per-method overrides); a
//! setting without `loggingLevel` logs nothing (`OFF`), and `methodSettings` may be `{}` or
//! absent. V2 stages carry `defaultRouteSettings` and per-route `routeSettings` (camelCase in
//! Config, PascalCase in the `apigatewayv2` API; both are read). Levels are `OFF`, `ERROR` or
//! `INFO`.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::item::ConfigurationItem;
use crate::json::{InputError, Present};
use crate::resource::non_blank;

/// One entry of `methodSettings` / `routeSettings`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSetting {
    /// The map key: `*/*`, `pets/GET`, `$connect`, `GET /items`.
    pub key: String,
    /// `loggingLevel` as written; `None` when absent.
    pub logging_level: Option<String>,
}

/// A REST API stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestStage {
    pub stage_name: String,
    /// `methodSettings`, sorted by key.
    pub method_settings: Vec<LogSetting>,
    /// `webAclArn`; `None` when absent or empty.
    pub web_acl_arn: Option<String>,
}

impl RestStage {
    /// The stage-wide setting (`methodSettings["*/*"]`), when there is one.
    pub fn stage_wide(&self) -> Option<&LogSetting> {
        self.method_settings.iter().find(|s| s.key == "*/*")
    }

    /// Per-method overrides (every key but `*/*`).
    pub fn overrides(&self) -> impl Iterator<Item = &LogSetting> {
        self.method_settings.iter().filter(|s| s.key != "*/*")
    }
}

/// A V2 (WebSocket or HTTP API) stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V2Stage {
    pub stage_name: String,
    /// `defaultRouteSettings.loggingLevel`; `None` when absent.
    pub default_logging_level: Option<String>,
    /// `routeSettings`, sorted by route key.
    pub route_settings: Vec<LogSetting>,
}

impl V2Stage {
    /// Why the stage is recognisably an HTTP API stage (which has no execution logging), if it
    /// is: the `$default` stage exists only for HTTP APIs, and route keys of the form
    /// `GET /items` are HTTP routes. A stage that shows neither may still be an HTTP API's.
    pub fn http_api_evidence(&self) -> Option<String> {
        if self.stage_name == "$default" {
            return Some("stage $default exists only for HTTP APIs".to_string());
        }
        self.route_settings
            .iter()
            .find(|r| is_http_route_key(&r.key))
            .map(|r| format!("route key \"{}\" is an HTTP API route", r.key))
    }
}

fn is_http_route_key(key: &str) -> bool {
    const METHODS: &[&str] = &[
        "ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS",
    ];
    key.split_once(' ')
        .is_some_and(|(method, path)| METHODS.contains(&method) && path.starts_with('/'))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawSetting {
    #[serde(alias = "LoggingLevel")]
    logging_level: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawRestStage {
    stage_name: Option<String>,
    method_settings: Present<BTreeMap<String, Present<RawSetting>>>,
    web_acl_arn: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawV2Stage {
    #[serde(alias = "StageName")]
    stage_name: Option<String>,
    #[serde(alias = "DefaultRouteSettings")]
    default_route_settings: Present<RawSetting>,
    #[serde(alias = "RouteSettings")]
    route_settings: Present<BTreeMap<String, Present<RawSetting>>>,
}

fn settings(map: Present<BTreeMap<String, Present<RawSetting>>>) -> Vec<LogSetting> {
    map.0
        .unwrap_or_default()
        .into_iter()
        .map(|(key, setting)| LogSetting {
            key,
            logging_level: non_blank(setting.0.unwrap_or_default().logging_level),
        })
        .collect()
}

/// The stage name: the item's, else the last segment of the stage ARN resource id.
fn stage_name(name: Option<String>, item: &ConfigurationItem) -> String {
    name.or_else(|| item.resource_name.clone())
        .or_else(|| {
            item.resource_id
                .as_deref()
                .and_then(|id| id.rsplit('/').next())
                .map(String::from)
        })
        .unwrap_or_default()
}

impl RestStage {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawRestStage = item.configuration()?;
        Ok(RestStage {
            stage_name: stage_name(raw.stage_name, item),
            method_settings: settings(raw.method_settings),
            web_acl_arn: non_blank(raw.web_acl_arn),
        })
    }
}

impl V2Stage {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawV2Stage = item.configuration()?;
        Ok(V2Stage {
            stage_name: stage_name(raw.stage_name, item),
            default_logging_level: non_blank(
                raw.default_route_settings.0.and_then(|s| s.logging_level),
            ),
            route_settings: settings(raw.route_settings),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::test_item;

    fn item(resource_type: &str, configuration: &str) -> ConfigurationItem {
        let stage = "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod";
        test_item(resource_type, stage, configuration)
    }

    #[test]
    fn method_settings_map_with_missing_levels() {
        let stage = RestStage::from_item(&item(
            "AWS::ApiGateway::Stage",
            r#"{"methodSettings":{"*/*":{"throttlingBurstLimit":5000.0},"pets/GET":{"loggingLevel":"INFO"}},"webAclArn":""}"#,
        ))
        .unwrap();
        assert_eq!(stage.stage_name, "prod");
        assert_eq!(stage.stage_wide().unwrap().logging_level, None);
        let overrides: Vec<_> = stage.overrides().collect();
        assert_eq!(overrides[0].logging_level.as_deref(), Some("INFO"));
        assert_eq!(stage.web_acl_arn, None);
        let empty = RestStage::from_item(&item(
            "AWS::ApiGateway::Stage",
            r#"{"methodSettings":null}"#,
        ))
        .unwrap();
        assert!(empty.method_settings.is_empty());
        let err = RestStage::from_item(&item(
            "AWS::ApiGateway::Stage",
            r#"{"methodSettings":{"*/*":{"loggingLevel":3}}}"#,
        ))
        .unwrap_err();
        assert!(
            err.path.starts_with("configuration.methodSettings"),
            "{err}"
        );
    }

    #[test]
    fn v2_stages_in_both_spellings_and_http_evidence() {
        let ws = V2Stage::from_item(&item(
            "AWS::ApiGatewayV2::Stage",
            r#"{"StageName":"live","DefaultRouteSettings":{"LoggingLevel":"ERROR"},"RouteSettings":{"$connect":{"LoggingLevel":"OFF"}}}"#,
        ))
        .unwrap();
        assert_eq!(ws.default_logging_level.as_deref(), Some("ERROR"));
        assert_eq!(ws.route_settings[0].key, "$connect");
        assert_eq!(ws.http_api_evidence(), None);
        let http = V2Stage::from_item(&item(
            "AWS::ApiGatewayV2::Stage",
            r#"{"stageName":"v1","routeSettings":{"GET /items":{"throttlingBurstLimit":10}}}"#,
        ))
        .unwrap();
        assert!(http.http_api_evidence().unwrap().contains("GET /items"));
        let default = V2Stage::from_item(&item(
            "AWS::ApiGatewayV2::Stage",
            r#"{"stageName":"$default"}"#,
        ))
        .unwrap();
        assert!(default.http_api_evidence().is_some());
    }
}

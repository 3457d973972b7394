//! Control parameters: declared per control, supplied as AWS Config rule `InputParameters`.
//!
//! Config hands a rule its parameters as a JSON object of strings (`ruleParameters` in the event,
//! itself a JSON string that may be missing, `""` or `"{}"`). Names are matched
//! case-insensitively, so `authorizedTCPPorts` and `authorizedTcpPorts` are the same parameter.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::json::{OneOrMany, Text};
use crate::net::{parse_port_list, PortRange};

/// What a parameter holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ParamKind {
    /// A whole number within bounds.
    Integer { min: i64, max: i64 },
    /// TCP/UDP ports and ranges: `80,443,1020-1025`.
    Ports,
    /// A comma-separated list of strings.
    List,
    /// `true` or `false` (case-insensitive).
    Boolean,
}

/// A declared parameter with its default (written as Config would pass it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ParamSpec {
    pub name: &'static str,
    pub kind: ParamKind,
    pub default: &'static str,
    pub help: &'static str,
}

/// A parsed parameter value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamValue {
    Integer(i64),
    Ports(Vec<PortRange>),
    List(Vec<String>),
    Boolean(bool),
}

/// A parameter value that does not fit its declaration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule parameter {name}: {message}")]
pub struct ParamError {
    pub name: String,
    pub message: String,
}

impl ParamSpec {
    pub fn parse(&self, text: &str) -> Result<ParamValue, ParamError> {
        let error = |message: String| ParamError {
            name: self.name.to_string(),
            message,
        };
        match self.kind {
            ParamKind::Integer { min, max } => {
                let value = text.trim().parse::<i64>().map_err(|_| {
                    error(format!(
                        "{text:?} is not a whole number (expected {min}..={max})"
                    ))
                })?;
                if !(min..=max).contains(&value) {
                    return Err(error(format!(
                        "{value} is out of range (expected {min}..={max})"
                    )));
                }
                Ok(ParamValue::Integer(value))
            }
            ParamKind::Ports => parse_port_list(text).map(ParamValue::Ports).map_err(error),
            ParamKind::Boolean => match text.trim() {
                t if t.eq_ignore_ascii_case("true") => Ok(ParamValue::Boolean(true)),
                t if t.eq_ignore_ascii_case("false") => Ok(ParamValue::Boolean(false)),
                _ => Err(error(format!(
                    "{text:?} is not a boolean (expected true or false)"
                ))),
            },
            ParamKind::List => Ok(ParamValue::List(
                text.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
            )),
        }
    }
}

/// Parameters as supplied: names to string values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawParams(pub BTreeMap<String, String>);

impl RawParams {
    /// Parses `ruleParameters`: missing, `""`, `"{}"` and `null` are all "no parameters".
    pub fn parse(text: &str) -> Result<Self, crate::json::InputError> {
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed == "null" {
            return Ok(RawParams::default());
        }
        crate::json::parse_str::<crate::json::Embedded<RawParams>>(trimmed).map(|e| e.0)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de> Deserialize<'de> for RawParams {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ParamsVisitor;
        impl<'de> Visitor<'de> for ParamsVisitor {
            type Value = RawParams;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of parameter names to values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawParams, A::Error> {
                let mut params = BTreeMap::new();
                while let Some(name) = map.next_key::<String>()? {
                    let values: OneOrMany<Text> = map.next_value()?;
                    let joined = values
                        .0
                        .into_iter()
                        .map(|t| t.0)
                        .collect::<Vec<_>>()
                        .join(",");
                    params.insert(name, joined);
                }
                Ok(RawParams(params))
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawParams, E> {
                Ok(RawParams::default())
            }
            /// `ruleParameters: ""` means no parameters.
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawParams, E> {
                if v.trim().is_empty() {
                    Ok(RawParams::default())
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
        }
        deserializer.deserialize_any(ParamsVisitor)
    }
}

/// One control's parameters, resolved: every declared parameter has a value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    values: Vec<(&'static str, ParamValue)>,
}

impl Params {
    /// Every parameter at its default.
    pub fn defaults(specs: &'static [ParamSpec]) -> Self {
        Self::resolve(specs, &RawParams::default()).unwrap_or_default()
    }

    /// Supplied values where given, defaults elsewhere.
    pub fn resolve(specs: &'static [ParamSpec], raw: &RawParams) -> Result<Self, ParamError> {
        let values = specs
            .iter()
            .map(|spec| {
                let text = raw.get(spec.name).unwrap_or(spec.default);
                spec.parse(text).map(|v| (spec.name, v))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Params { values })
    }

    fn value(&self, spec: &ParamSpec) -> Option<ParamValue> {
        self.values
            .iter()
            .find(|(name, _)| *name == spec.name)
            .map(|(_, v)| v.clone())
            .or_else(|| spec.parse(spec.default).ok())
    }

    /// An integer parameter (its default if it was never resolved; defaults are checked by a test).
    pub fn integer(&self, spec: &ParamSpec) -> i64 {
        match self.value(spec) {
            Some(ParamValue::Integer(v)) => v,
            _ => 0,
        }
    }

    /// A port-list parameter.
    pub fn ports(&self, spec: &ParamSpec) -> Vec<PortRange> {
        match self.value(spec) {
            Some(ParamValue::Ports(v)) => v,
            _ => Vec::new(),
        }
    }

    /// A boolean parameter.
    pub fn boolean(&self, spec: &ParamSpec) -> bool {
        matches!(self.value(spec), Some(ParamValue::Boolean(true)))
    }

    /// A string-list parameter.
    pub fn list(&self, spec: &ParamSpec) -> Vec<String> {
        match self.value(spec) {
            Some(ParamValue::List(v)) => v,
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static PORTS: ParamSpec = ParamSpec {
        name: "authorizedTcpPorts",
        kind: ParamKind::Ports,
        default: "80,443",
        help: "",
    };
    static DAYS: ParamSpec = ParamSpec {
        name: "maxDays",
        kind: ParamKind::Integer { min: 1, max: 3650 },
        default: "90",
        help: "",
    };
    static SPECS: [ParamSpec; 2] = [PORTS, DAYS];

    #[test]
    fn rule_parameters_in_every_spelling() {
        for text in ["", "null", "{}", "\"{}\"", "\"\""] {
            assert!(RawParams::parse(text).unwrap().is_empty(), "{text}");
        }
        let raw =
            RawParams::parse(r#"{"authorizedTCPPorts": "443", "maxDays": 30, "list": ["a","b"]}"#)
                .unwrap();
        assert_eq!(raw.get("authorizedTcpPorts"), Some("443"));
        assert_eq!(raw.get("maxdays"), Some("30"));
        assert_eq!(raw.get("list"), Some("a,b"));
    }

    #[test]
    fn resolve_fills_defaults_and_rejects_bad_values() {
        let params =
            Params::resolve(&SPECS, &RawParams::parse(r#"{"maxDays":"30"}"#).unwrap()).unwrap();
        assert_eq!(params.integer(&DAYS), 30);
        assert_eq!(
            params.ports(&PORTS),
            vec![PortRange::single(80), PortRange::single(443)]
        );
        let err =
            Params::resolve(&SPECS, &RawParams::parse(r#"{"maxDays":"0"}"#).unwrap()).unwrap_err();
        assert_eq!(err.name, "maxDays");
        assert!(err.message.contains("out of range"), "{err}");
        let err = Params::resolve(
            &SPECS,
            &RawParams::parse(r#"{"authorizedTcpPorts":"ssh"}"#).unwrap(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("authorizedTcpPorts"), "{err}");
    }
}

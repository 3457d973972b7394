//! What a deployed AWS Config rule runs. Each rule names its control in its `InputParameters`
//! (`{"controlId":"S3.2", …}`, which Config passes as `ruleParameters`); the other parameters
//! tune that control. Parameters are checked strictly: a misspelt threshold must fail the
//! invocation loudly rather than leave the default in force unnoticed.

use std::fmt;

use crate::control::Control;
use crate::engine::{Evaluator, Selected};
use crate::event::RuleEvent;
use crate::exemption::DEFAULT_TAG_KEY;
use crate::json::InputError;
use crate::params::RawParams;
use crate::registry;
use crate::timestamp::Timestamp;

/// The parameter naming the control.
pub const CONTROL_ID: &str = "controlId";
/// The parameter naming the exemption tag key (default `ourside:exempt`).
pub const EXEMPTION_TAG_KEY: &str = "exemptionTagKey";

/// The prefix of the Config rules ourside deploys (a deployment may choose another).
pub const RULE_PREFIX: &str = "ourside-";

/// The Config rule name that runs `control`: the prefix and the control id with `.` as `-`
/// (`ourside-S3-2`), so the name stays within what every AWS tool accepts.
pub fn rule_name(prefix: &str, control: &Control) -> String {
    format!("{prefix}{}", control.id.replace('.', "-"))
}

/// The control a rule name runs, when it is one of ours (`prefix` and a control's name).
pub fn control_of_rule(prefix: &str, name: &str) -> Option<&'static Control> {
    let suffix = name.strip_prefix(prefix)?;
    registry::CONTROLS
        .iter()
        .copied()
        .find(|c| c.id.replace('.', "-").eq_ignore_ascii_case(suffix))
}

/// The control a rule runs, with its parameters resolved.
#[derive(Debug, Clone)]
pub struct RuleConfig {
    pub selected: Selected,
    pub exemption_tag: String,
}

/// Why a rule's parameters cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleError {
    MissingControlId,
    UnknownControl(String),
    UnknownParameter {
        control: &'static str,
        name: String,
        accepted: Vec<&'static str>,
    },
    BadValue {
        control: &'static str,
        name: String,
        message: String,
    },
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleError::MissingControlId => write!(
                f,
                "ruleParameters.{CONTROL_ID}: missing; the rule's InputParameters must name the control it runs, e.g. {{\"{CONTROL_ID}\":\"S3.2\"}}"
            ),
            RuleError::UnknownControl(id) => write!(
                f,
                "ruleParameters.{CONTROL_ID}: no control {id:?}; `ourside controls` lists them"
            ),
            RuleError::UnknownParameter {
                control,
                name,
                accepted,
            } => write!(
                f,
                "ruleParameters.{name}: {control} has no such parameter; it accepts {}",
                accepted.join(", ")
            ),
            RuleError::BadValue {
                control,
                name,
                message,
            } => write!(f, "ruleParameters.{name}: {message} (control {control})"),
        }
    }
}

impl std::error::Error for RuleError {}

impl RuleConfig {
    /// Reads a rule's parameters.
    pub fn from_parameters(raw: &RawParams) -> Result<Self, RuleError> {
        let id = raw
            .get(CONTROL_ID)
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .ok_or(RuleError::MissingControlId)?;
        let control: &'static Control =
            registry::find(id).ok_or_else(|| RuleError::UnknownControl(id.to_string()))?;
        for name in raw.0.keys() {
            let known = name.eq_ignore_ascii_case(CONTROL_ID)
                || name.eq_ignore_ascii_case(EXEMPTION_TAG_KEY)
                || control
                    .params
                    .iter()
                    .any(|p| p.name.eq_ignore_ascii_case(name));
            if !known {
                let mut accepted = vec![CONTROL_ID, EXEMPTION_TAG_KEY];
                accepted.extend(control.params.iter().map(|p| p.name));
                return Err(RuleError::UnknownParameter {
                    control: control.id,
                    name: name.clone(),
                    accepted,
                });
            }
        }
        let selected = Selected::with_params(control, raw).map_err(|e| RuleError::BadValue {
            control: control.id,
            name: e.name.clone(),
            message: e.message.clone(),
        })?;
        let exemption_tag = raw
            .get(EXEMPTION_TAG_KEY)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .unwrap_or(DEFAULT_TAG_KEY)
            .to_string();
        Ok(RuleConfig {
            selected,
            exemption_tag,
        })
    }

    pub fn control(&self) -> &'static Control {
        self.selected.control
    }

    /// An evaluator running this rule's control at `now`.
    pub fn evaluator(&self, now: Timestamp) -> Evaluator {
        Evaluator::new(vec![self.selected.clone()], now).exemption_tag(self.exemption_tag.clone())
    }
}

/// The result token rdklib and the Config console use for runs whose evaluations are not kept.
pub const TEST_MODE_TOKEN: &str = "TESTMODE";

/// A custom-rule invocation, checked before anything is evaluated: the event, the rule it
/// runs and the token its evaluations are reported with.
#[derive(Debug, Clone)]
pub struct RuleInvocation {
    pub event: RuleEvent,
    pub rule: RuleConfig,
    pub result_token: String,
}

/// Why an invocation cannot be handled.
#[derive(Debug, Clone, PartialEq)]
pub enum InvocationError {
    Event(InputError),
    Rule(RuleError),
    NoResultToken,
}

impl fmt::Display for InvocationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvocationError::Event(e) => write!(f, "malformed AWS Config rule event: {e}"),
            InvocationError::Rule(e) => write!(f, "unusable rule parameters: {e}"),
            InvocationError::NoResultToken => f.write_str(
                "resultToken: missing or empty; AWS Config sends one with every invocation (TESTMODE for local runs)",
            ),
        }
    }
}

impl std::error::Error for InvocationError {}

impl RuleInvocation {
    /// Reads the Lambda event AWS Config sends.
    pub fn parse(text: &str) -> Result<Self, InvocationError> {
        let event = RuleEvent::parse(text).map_err(InvocationError::Event)?;
        let rule =
            RuleConfig::from_parameters(&event.rule_parameters).map_err(InvocationError::Rule)?;
        let result_token = event
            .result_token
            .clone()
            .filter(|t| !t.trim().is_empty())
            .ok_or(InvocationError::NoResultToken)?;
        Ok(RuleInvocation {
            event,
            rule,
            result_token,
        })
    }

    /// Whether Config is to check the evaluations without keeping them.
    pub fn test_mode(&self) -> bool {
        self.result_token == TEST_MODE_TOKEN
    }

    /// The time evaluations of this invocation are ordered by when the item gives none: the
    /// notification's, else `now`.
    pub fn notified_at(&self, now: Timestamp) -> Timestamp {
        self.event.notification_time.unwrap_or(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(text: &str) -> RawParams {
        RawParams::parse(text).unwrap()
    }

    #[test]
    fn control_and_its_parameters() {
        let rule = RuleConfig::from_parameters(&params(
            r#"{"controlId":"iam.3","maxAccessKeyAge":"60","exemptionTagKey":"acme:waiver"}"#,
        ))
        .unwrap();
        assert_eq!(rule.control().id, "IAM.3");
        assert_eq!(rule.exemption_tag, "acme:waiver");
        let rule = RuleConfig::from_parameters(&params(r#"{"controlId":" S3.2 "}"#)).unwrap();
        assert_eq!(rule.exemption_tag, DEFAULT_TAG_KEY);
    }

    #[test]
    fn invocations_need_an_event_a_rule_and_a_token() {
        let event = |params: &str, token: &str| {
            format!(
                r#"{{"invokingEvent":"{{\"messageType\":\"ScheduledNotification\",\"awsAccountId\":\"111122223333\",\"notificationCreationTime\":\"2026-06-01T00:00:00.000Z\"}}","ruleParameters":{},"resultToken":"{token}"}}"#,
                serde_json::to_string(params).unwrap()
            )
        };
        let ok = RuleInvocation::parse(&event(r#"{"controlId":"IAM.4"}"#, "TESTMODE")).unwrap();
        assert!(ok.test_mode());
        assert_eq!(ok.rule.control().id, "IAM.4");
        assert!(matches!(
            RuleInvocation::parse(&event(r#"{"controlId":"IAM.4"}"#, " ")),
            Err(InvocationError::NoResultToken)
        ));
        assert!(matches!(
            RuleInvocation::parse(&event("{}", "abc")),
            Err(InvocationError::Rule(RuleError::MissingControlId))
        ));
        let error = RuleInvocation::parse("{\"resultToken\":\"abc\"}").unwrap_err();
        assert!(error.to_string().contains("invokingEvent"), "{error}");
    }

    #[test]
    fn every_mistake_is_named() {
        for (text, expected) in [
            ("", "ruleParameters.controlId: missing"),
            (r#"{"maxAccessKeyAge":"60"}"#, "ruleParameters.controlId: missing"),
            (r#"{"controlId":""}"#, "ruleParameters.controlId: missing"),
            (r#"{"controlId":"S3.99"}"#, "no control \"S3.99\""),
            (
                r#"{"controlId":"IAM.3","maxAcessKeyAge":"60"}"#,
                "ruleParameters.maxAcessKeyAge: IAM.3 has no such parameter; it accepts controlId, exemptionTagKey, maxAccessKeyAge",
            ),
            (
                r#"{"controlId":"IAM.3","maxAccessKeyAge":"ninety"}"#,
                "ruleParameters.maxAccessKeyAge:",
            ),
        ] {
            let error = RuleConfig::from_parameters(&params(text)).unwrap_err().to_string();
            assert!(error.starts_with(expected) || error.contains(expected), "{text}: {error}");
        }
    }
}

//! The Lambda event AWS Config sends a custom rule, and the message inside it.
//!
//! `invokingEvent` and `ruleParameters` are JSON *strings* (objects are accepted too).
//! `ruleParameters` may be missing, `""`, `"{}"` or a JSON object string; unknown keys such as
//! `debug` or `evaluationMode` are ignored; partial events may carry only `invokingEvent`.

use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::item::{ConfigurationItem, RawItem};
use crate::json::{parse_str, Embedded, Expected, Flag, InputError, Object, Text};
use crate::params::RawParams;
use crate::timestamp::{MaybeTimestamp, Timestamp};

/// What the invocation is about.
#[derive(Debug, Clone)]
pub enum Message {
    /// `ConfigurationItemChangeNotification`: one item (old SNS-era messages carry a list).
    ItemChanged(Vec<ConfigurationItem>),
    /// `OversizedConfigurationItemChangeNotification`: only a summary; the item must be fetched
    /// with GetResourceConfigHistory. The summary is read into an item without configuration.
    Oversized(Box<ConfigurationItem>),
    /// `ScheduledNotification`: a periodic run for an account.
    Scheduled { account_id: Option<String> },
    /// Any other message type (e.g. `ConfigurationSnapshotDeliveryCompleted`, or a misspelling).
    Other(String),
}

/// A custom-rule invocation.
#[derive(Debug, Clone)]
pub struct RuleEvent {
    pub message: Message,
    pub message_type: String,
    pub notification_time: Option<Timestamp>,
    pub rule_parameters: RawParams,
    pub result_token: Option<String>,
    pub event_left_scope: bool,
    pub config_rule_name: Option<String>,
    pub config_rule_arn: Option<String>,
    pub account_id: Option<String>,
}

pub const CHANGE: &str = "ConfigurationItemChangeNotification";
pub const OVERSIZED: &str = "OversizedConfigurationItemChangeNotification";
pub const SCHEDULED: &str = "ScheduledNotification";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEvent {
    /// Decoded as it is read: the string holding it is the largest part of the event.
    invoking_event: Option<Embedded<Object<RawMessage>>>,
    #[serde(default)]
    rule_parameters: Option<Box<RawValue>>,
    #[serde(default)]
    result_token: Option<String>,
    #[serde(default)]
    event_left_scope: Option<Flag>,
    #[serde(default)]
    config_rule_name: Option<String>,
    #[serde(default)]
    config_rule_arn: Option<String>,
    #[serde(default)]
    account_id: Option<Text>,
}

impl Expected for RawEvent {
    const EXPECTED: &'static str =
        "an AWS Config rule event (a JSON object with invokingEvent, ruleParameters, resultToken)";
}

impl Expected for RawMessage {
    const EXPECTED: &'static str =
        "an invoking event (a JSON object with messageType, or a string holding one)";
}

/// The decoded `invokingEvent`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct RawMessage {
    message_type: Option<String>,
    configuration_item: Option<RawItems>,
    configuration_item_summary: Option<Box<RawValue>>,
    notification_creation_time: MaybeTimestamp,
    aws_account_id: Option<Text>,
}

impl RuleEvent {
    /// Parses the Lambda event.
    pub fn parse(text: &str) -> Result<Self, InputError> {
        let Object(raw) = parse_str::<Object<RawEvent>>(text)?;
        let Some(Embedded(Object(message))) = raw.invoking_event else {
            return Err(InputError::new(
                "invokingEvent",
                "missing: not an AWS Config rule event",
            ));
        };
        let rule_parameters = match raw.rule_parameters {
            None => RawParams::default(),
            Some(p) => RawParams::parse(p.get()).map_err(|e| e.within("ruleParameters"))?,
        };
        let (message_type, notification_time, decoded) = decode_message(message, "invokingEvent")?;
        Ok(RuleEvent {
            message: decoded,
            message_type,
            notification_time,
            rule_parameters,
            result_token: raw.result_token,
            event_left_scope: raw.event_left_scope.is_some_and(|f| f.0),
            config_rule_name: raw.config_rule_name,
            config_rule_arn: raw.config_rule_arn,
            account_id: raw.account_id.map(|t| t.0),
        })
    }
}

/// Reads a decoded invoking-event message (also what SNS notifications carry).
pub(crate) fn decode_message(
    raw: RawMessage,
    path: &str,
) -> Result<(String, Option<Timestamp>, Message), InputError> {
    let at = |field: &str| format!("{path}.{field}");
    let message_type = raw
        .message_type
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            InputError::new(
                at("messageType"),
                format!("missing: expected {CHANGE}, {OVERSIZED} or {SCHEDULED}"),
            )
        })?;
    let message = match message_type.as_str() {
        CHANGE => {
            let raw_item = raw.configuration_item.ok_or_else(|| {
                InputError::new(
                    at("configurationItem"),
                    "missing in a ConfigurationItemChangeNotification",
                )
            })?;
            Message::ItemChanged(items_of(raw_item, &at("configurationItem"))?)
        }
        OVERSIZED => {
            let summary = raw.configuration_item_summary.ok_or_else(|| {
                InputError::new(
                    at("configurationItemSummary"),
                    "missing in an OversizedConfigurationItemChangeNotification",
                )
            })?;
            let item = ConfigurationItem::parse(summary.get())
                .map_err(|e| e.within(&at("configurationItemSummary")))?;
            Message::Oversized(Box::new(item))
        }
        SCHEDULED => Message::Scheduled {
            account_id: raw.aws_account_id.map(|t| t.0),
        },
        other => Message::Other(other.to_string()),
    };
    Ok((message_type, raw.notification_creation_time.0, message))
}

/// `configurationItem`: one item, or a list of items (2014 SNS notifications), read in the
/// same pass as the message rather than kept as text and read again.
pub(crate) struct RawItems {
    items: Vec<RawItem>,
    listed: bool,
}

impl<'de> Deserialize<'de> for RawItems {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ItemsVisitor;
        impl<'de> Visitor<'de> for ItemsVisitor {
            type Value = RawItems;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a configuration item or a list of them")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawItems, A::Error> {
                Ok(RawItems {
                    items: vec![RawItem::deserialize(MapAccessDeserializer::new(map))?],
                    listed: false,
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawItems, A::Error> {
                let mut items = Vec::new();
                while let Some(Object(item)) = seq.next_element()? {
                    items.push(item);
                }
                Ok(RawItems {
                    items,
                    listed: true,
                })
            }
        }
        deserializer.deserialize_any(ItemsVisitor)
    }
}

/// The items, each checked as [`ConfigurationItem::parse`] checks one.
fn items_of(raw: RawItems, path: &str) -> Result<Vec<ConfigurationItem>, InputError> {
    raw.items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            item.into_item().map_err(|e| match raw.listed {
                true => e.within(&format!("{path}[{i}]")),
                false => e.within(path),
            })
        })
        .collect()
}

pub(crate) fn parse_message(
    text: &str,
    path: &str,
) -> Result<(String, Option<Timestamp>, Message), InputError> {
    let raw: RawMessage = parse_str::<Embedded<Object<RawMessage>>>(text)
        .map(|e| e.0 .0)
        .map_err(|e| e.within(path))?;
    decode_message(raw, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_event_with_string_payloads() {
        let inner = r#"{"configurationItem":{"resourceType":"AWS::EC2::Volume","resourceId":"vol-1","configuration":{"encrypted":true},"configurationItemCaptureTime":"2020-01-01T00:00:00.0Z"},"messageType":"ConfigurationItemChangeNotification","notificationCreationTime":"2020-01-01T00:00:01.000Z"}"#;
        let event = format!(
            r#"{{"invokingEvent":{},"ruleParameters":"{{\"maxDays\":\"30\"}}","resultToken":"TESTMODE","eventLeftScope":false,"debug":true}}"#,
            serde_json::to_string(inner).unwrap()
        );
        let e = RuleEvent::parse(&event).unwrap();
        assert_eq!(e.rule_parameters.get("maxDays"), Some("30"));
        assert_eq!(e.result_token.as_deref(), Some("TESTMODE"));
        match e.message {
            Message::ItemChanged(items) => {
                assert_eq!(items[0].resource_id.as_deref(), Some("vol-1"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn item_errors_name_the_item_and_its_field() {
        let event = |item: &str| {
            let inner = format!(
                r#"{{"messageType":"ConfigurationItemChangeNotification","configurationItem":{item}}}"#
            );
            format!(
                r#"{{"invokingEvent":{},"resultToken":"t"}}"#,
                serde_json::to_string(&inner).unwrap()
            )
        };
        let listed = event(r#"[{"resourceType":"AWS::EC2::Volume"},{"resourceId":"v"}]"#);
        let err = RuleEvent::parse(&listed).unwrap_err();
        assert_eq!(err.path, "invokingEvent.configurationItem[1].resourceType");
        let err = RuleEvent::parse(&event(r#"{"resourceId":"v"}"#)).unwrap_err();
        assert_eq!(err.path, "invokingEvent.configurationItem.resourceType");
        let err = RuleEvent::parse(&event("42")).unwrap_err();
        assert_eq!(err.path, "invokingEvent.configurationItem");
        assert!(
            err.message
                .contains("a configuration item or a list of them"),
            "{err}"
        );
        let err = RuleEvent::parse(&event(r#"{"resourceType":"AWS::EC2::Volume","tags":7}"#))
            .unwrap_err();
        assert_eq!(err.path, "invokingEvent.configurationItem.tags", "{err}");
    }

    #[test]
    fn not_json_invoking_event_is_a_clear_error() {
        let err = RuleEvent::parse(r#"{"invokingEvent":"{not json"}"#).unwrap_err();
        assert!(err.path.starts_with("invokingEvent"), "{err}");
        let err = RuleEvent::parse(r#"{"resultToken":"x"}"#).unwrap_err();
        assert_eq!(err.path, "invokingEvent");
    }

    #[test]
    fn a_missing_message_type_is_an_error() {
        for inner in [r#""{}""#, r#""{\"messageType\":\" \"}""#] {
            let err =
                RuleEvent::parse(&format!(r#"{{"invokingEvent":{inner},"resultToken":"t"}}"#))
                    .unwrap_err();
            assert_eq!(err.path, "invokingEvent.messageType", "{err}");
        }
    }

    #[test]
    fn unknown_message_types_are_kept_not_fatal() {
        let e = RuleEvent::parse(r#"{"invokingEvent":"{\"messageType\":\"ScheduledNxotification\"}","ruleParameters":""}"#).unwrap();
        assert!(matches!(e.message, Message::Other(ref t) if t == "ScheduledNxotification"));
    }
}

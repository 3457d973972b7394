//! Recognises every document that carries configuration items, so what the AWS CLI or a Config
//! delivery channel produced can be fed in as it is.
//!
//! Accepted, at the top level of a file or inside a JSON array:
//! - a custom-rule Lambda event (`invokingEvent`);
//! - a decoded invoking event (`messageType` + `configurationItem`), or an SNS notification
//!   wrapping one (`Type: "Notification"`, `Message`);
//! - a configuration item in either key flavour;
//! - `GetResourceConfigHistory` output and Config snapshot files (`configurationItems`);
//! - `BatchGetResourceConfig` / `BatchGetAggregateResourceConfig` output
//!   (`baseConfigurationItems` / `BaseConfigurationItems`);
//! - `SelectResourceConfig` / `SelectAggregateResourceConfig` output (`Results`, each a JSON
//!   string); a result without `resourceType` needs [`Hints::resource_type`];
//! - `GetAggregateResourceConfig` output (`ConfigurationItem`);
//! - a recorded SDK response wrapping any of these (`{"status_code": …, "data": …}`).
//!
//! Each item is read on its own: one unreadable item is reported and the others still count.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::event::{self, Message, RuleEvent};
use crate::item::ConfigurationItem;
use crate::json::{parse_str, InputError};
use crate::params::RawParams;
use crate::resource::ResourceType;

/// What a document yielded at one place in it.
#[derive(Debug, Clone)]
pub enum Content {
    /// An item to evaluate, with the rule context the document gave it.
    Item {
        item: Box<ConfigurationItem>,
        left_scope: bool,
        rule_parameters: RawParams,
    },
    /// A well-formed input with nothing to evaluate offline; the text says why.
    Skipped(String),
    /// An unreadable part of the input.
    Error(InputError),
}

/// One thing found in a document, and where (a JSON path; empty for the whole document).
#[derive(Debug, Clone)]
pub struct Entry {
    pub location: String,
    pub content: Content,
}

/// Facts the caller knows that the document may not state.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// The resource type of items that do not name one.
    pub resource_type: Option<ResourceType>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Probe {
    #[serde(rename = "invokingEvent")]
    invoking_event: Option<Box<RawValue>>,
    #[serde(rename = "messageType")]
    message_type: Option<Box<RawValue>>,
    #[serde(rename = "Type")]
    notification_type: Option<String>,
    #[serde(rename = "Message")]
    message: Option<Box<RawValue>>,
    #[serde(rename = "configurationItems")]
    configuration_items: Option<Box<RawValue>>,
    #[serde(rename = "baseConfigurationItems", alias = "BaseConfigurationItems")]
    base_configuration_items: Option<Box<RawValue>>,
    #[serde(rename = "Results")]
    results: Option<Box<RawValue>>,
    #[serde(
        rename = "unprocessedResourceKeys",
        alias = "UnprocessedResourceIdentifiers"
    )]
    unprocessed: Option<Box<RawValue>>,
    #[serde(rename = "ConfigurationItem")]
    aggregate_item: Option<Box<RawValue>>,
    status_code: Option<serde::de::IgnoredAny>,
    data: Option<Box<RawValue>>,
    #[serde(rename = "resourceType")]
    resource_type: Option<serde::de::IgnoredAny>,
    configuration: Option<serde::de::IgnoredAny>,
    #[serde(rename = "configurationItemStatus")]
    status: Option<serde::de::IgnoredAny>,
}

/// Reads a whole document. `Err` only when the text is not JSON at all or is no kind of Config
/// document; problems inside a recognised document are reported per entry.
pub fn read(text: &str, hints: &Hints) -> Result<Vec<Entry>, InputError> {
    if text.trim().is_empty() {
        return Err(InputError::new(
            "",
            "empty file: expected an AWS Config document",
        ));
    }
    let mut entries = Vec::new();
    read_into(text, "", hints, 0, &mut entries)?;
    Ok(entries)
}

/// How deep arrays and recorded-response wrappers may nest around a document.
const MAX_WRAPPING: usize = 8;

fn read_into(
    text: &str,
    location: &str,
    hints: &Hints,
    depth: usize,
    out: &mut Vec<Entry>,
) -> Result<(), InputError> {
    if depth > MAX_WRAPPING {
        return Err(InputError::new(
            location,
            format!(
                "nested more than {MAX_WRAPPING} arrays or recorded responses deep: not an AWS Config document"
            ),
        ));
    }
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        let list: Vec<Box<RawValue>> = parse_str(text).map_err(|e| e.within(location))?;
        if list.is_empty() {
            out.push(Entry {
                location: location.to_string(),
                content: Content::Skipped(
                    "an empty JSON array: no configuration items".to_string(),
                ),
            });
        }
        for (i, element) in list.iter().enumerate() {
            let at = format!("{location}[{i}]");
            if let Err(e) = read_into(element.get(), &at, hints, depth + 1, out) {
                out.push(Entry {
                    location: at,
                    content: Content::Error(e),
                });
            }
        }
        return Ok(());
    }
    if !trimmed.starts_with('{') {
        return Err(InputError::new(
            location,
            "expected a JSON object or array (an AWS Config event, item, API response or snapshot)",
        ));
    }
    let probe: Probe = parse_str(text).map_err(|e| e.within(location))?;
    let at = |field: &str| crate::json::join_path(location, field);

    if probe.invoking_event.is_some() {
        match RuleEvent::parse(text) {
            Ok(e) => push_event(e, location, out),
            Err(err) => out.push(error(location, err.within(location))),
        }
    } else if probe.message_type.is_some() {
        push_message(
            event::parse_message(text, location),
            location,
            RawParams::default(),
            out,
        );
    } else if probe.notification_type.as_deref() == Some("Notification") && probe.message.is_some()
    {
        let message = probe
            .message
            .as_deref()
            .map(RawValue::get)
            .unwrap_or("null");
        push_message(
            event::parse_message(message, &at("Message")),
            &at("Message"),
            RawParams::default(),
            out,
        );
    } else if let Some(list) = probe.configuration_items.or(probe.base_configuration_items) {
        let field = if text.contains("\"configurationItems\"") {
            "configurationItems"
        } else {
            "baseConfigurationItems"
        };
        push_item_list(list.get(), &at(field), hints, out)?;
        if let Some(keys) = probe
            .unprocessed
            .filter(|k| k.get().trim() != "[]" && k.get().trim() != "null")
        {
            out.push(error(
                &at("unprocessedResourceKeys"),
                InputError::new(
                    at("unprocessedResourceKeys"),
                    format!(
                        "Config did not return these resources, so they were not evaluated (call batch-get-resource-config again for them): {}",
                        clip(keys.get(), 200)
                    ),
                ),
            ));
        }
    } else if let Some(list) = probe.results {
        push_item_list(list.get(), &at("Results"), hints, out)?;
    } else if let Some(item) = probe.aggregate_item {
        push_item(item.get(), &at("ConfigurationItem"), hints, out, "");
    } else if let (Some(_), Some(data)) = (probe.status_code, probe.data) {
        read_into(data.get(), &at("data"), hints, depth + 1, out)?;
    } else if probe.resource_type.is_some()
        || probe.configuration.is_some()
        || probe.status.is_some()
    {
        push_item(text, location, hints, out, "");
    } else {
        return Err(InputError::new(
            location,
            "not an AWS Config document: expected a rule event (invokingEvent), an invoking event \
             (messageType), a configuration item (resourceType, configuration), a Config API response \
             (configurationItems, baseConfigurationItems, Results) or a snapshot file",
        ));
    }
    Ok(())
}

/// At most `max` bytes of `text`, cut on a character boundary.
fn clip(text: &str, max: usize) -> String {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if end < text.len() {
        format!("{}…", &text[..end])
    } else {
        text.to_string()
    }
}

fn error(location: &str, err: InputError) -> Entry {
    Entry {
        location: location.to_string(),
        content: Content::Error(err),
    }
}

fn push_event(event: RuleEvent, location: &str, out: &mut Vec<Entry>) {
    let at = crate::json::join_path(location, "invokingEvent");
    let RuleEvent {
        message,
        rule_parameters,
        event_left_scope,
        ..
    } = event;
    push_decoded(message, &at, rule_parameters, event_left_scope, out);
}

fn push_message(
    parsed: Result<(String, Option<crate::timestamp::Timestamp>, Message), InputError>,
    location: &str,
    rule_parameters: RawParams,
    out: &mut Vec<Entry>,
) {
    match parsed {
        Ok((_, _, message)) => push_decoded(message, location, rule_parameters, false, out),
        Err(e) => out.push(error(location, e)),
    }
}

fn push_decoded(
    message: Message,
    location: &str,
    rule_parameters: RawParams,
    left_scope: bool,
    out: &mut Vec<Entry>,
) {
    let item_at = crate::json::join_path(location, "configurationItem");
    match message {
        Message::ItemChanged(items) => {
            let many = items.len() > 1;
            for (i, item) in items.into_iter().enumerate() {
                out.push(Entry {
                    location: if many { format!("{item_at}[{i}]") } else { item_at.clone() },
                    content: Content::Item {
                        item: Box::new(item),
                        left_scope,
                        rule_parameters: rule_parameters.clone(),
                    },
                });
            }
        }
        Message::Oversized(summary) => out.push(Entry {
            location: crate::json::join_path(location, "configurationItemSummary"),
            content: Content::Skipped(format!(
                "oversized-item notification for {} {}: it carries only a summary; the deployed \
                 evaluator fetches the item with GetResourceConfigHistory (to evaluate it here, pass \
                 `aws configservice get-resource-config-history --limit 1` output)",
                summary.resource_type,
                summary.display_id()
            )),
        }),
        Message::Scheduled { .. } => out.push(Entry {
            location: location.to_string(),
            content: Content::Skipped(
                "periodic trigger (ScheduledNotification): it carries no configuration item; \
                 account-level controls run against the account itself"
                    .to_string(),
            ),
        }),
        Message::Other(t) if t == "ConfigurationSnapshotDeliveryCompleted" || t == "ConfigurationHistoryDeliveryCompleted" => {
            out.push(Entry {
                location: location.to_string(),
                content: Content::Skipped(format!("{t} notification: it carries no configuration item")),
            })
        }
        Message::Other(t) => out.push(error(
            &crate::json::join_path(location, "messageType"),
            InputError::new(
                crate::json::join_path(location, "messageType"),
                format!(
                    "unknown message type {t:?} (expected {}, {} or {})",
                    event::CHANGE,
                    event::OVERSIZED,
                    event::SCHEDULED
                ),
            ),
        )),
    }
}

fn push_item_list(
    text: &str,
    location: &str,
    hints: &Hints,
    out: &mut Vec<Entry>,
) -> Result<(), InputError> {
    let list: Vec<Box<RawValue>> = parse_str(text).map_err(|e| e.within(location))?;
    if list.is_empty() {
        out.push(Entry {
            location: location.to_string(),
            content: Content::Skipped("the list is empty: no configuration items".to_string()),
        });
    }
    for (i, raw) in list.iter().enumerate() {
        let at = format!("{location}[{i}]");
        // SelectResourceConfig returns each result as a JSON string.
        if raw.get().trim_start().starts_with('"') {
            match parse_str::<String>(raw.get()) {
                Ok(text) => push_item(&text, &at, hints, out, ENCODED),
                Err(e) => out.push(error(&at, e.within(&at))),
            }
        } else {
            push_item(raw.get(), &at, hints, out, "");
        }
    }
    Ok(())
}

/// Said of errors in an item that arrived as a JSON string.
const ENCODED: &str = " (in a configuration item encoded as a string)";

/// Reads one item; `context` is appended to the message of its error.
fn push_item(text: &str, location: &str, hints: &Hints, out: &mut Vec<Entry>, context: &str) {
    match ConfigurationItem::parse_with_type(text, hints.resource_type.as_ref()) {
        Ok(item) => out.push(Entry {
            location: location.to_string(),
            content: Content::Item {
                item: Box::new(item),
                left_scope: false,
                rule_parameters: RawParams::default(),
            },
        }),
        Err(mut e) => {
            e.message.push_str(context);
            if e.path == "resourceType"
                && e.message.starts_with("missing")
                && hints.resource_type.is_none()
            {
                e.message.push_str(
                    " (SelectResourceConfig results carry only the selected fields: add resourceType to \
                     the SELECT list, or pass --resource-type)",
                );
            }
            out.push(error(location, e.within(location)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str, hints: &Hints) -> Vec<String> {
        read(text, hints)
            .unwrap()
            .into_iter()
            .map(|e| match e.content {
                Content::Item { item, .. } => format!("item {} {}", e.location, item.display_id()),
                Content::Skipped(_) => format!("skipped {}", e.location),
                Content::Error(err) => format!("error {err}"),
            })
            .collect()
    }

    #[test]
    fn api_history_and_select_results() {
        let history = r#"{"configurationItems":[{"resourceType":"AWS::EC2::Volume","resourceId":"vol-1","configuration":"{}"},{"oops":1}],"nextToken":"x"}"#;
        assert_eq!(
            kinds(history, &Hints::default()),
            vec![
                "item configurationItems[0] vol-1".to_string(),
                "error configurationItems[1].resourceType: missing: a configuration item must name its resource type (SelectResourceConfig results carry only the selected fields: add resourceType to the SELECT list, or pass --resource-type)".to_string()
            ]
        );
        let select = r#"{"Results":["{\"configuration\":{\"groupId\":\"sg-1\"}}"],"QueryInfo":{}}"#;
        let hints = Hints {
            resource_type: Some(ResourceType::Ec2SecurityGroup),
        };
        assert_eq!(
            kinds(select, &hints),
            vec!["item Results[0] sg-1".to_string()]
        );
    }

    #[test]
    fn recorded_responses_arrays_and_notifications() {
        let recorded = r#"{"status_code":200,"data":{"baseConfigurationItems":[{"resourceType":"AWS::S3::Bucket","resourceId":"b","configuration":"{}"}]}}"#;
        assert_eq!(
            kinds(recorded, &Hints::default()),
            vec!["item data.baseConfigurationItems[0] b"]
        );
        let array =
            r#"[{"resourceType":"AWS::S3::Bucket","resourceId":"b","configuration":{}}, 7]"#;
        let k = kinds(array, &Hints::default());
        assert_eq!(k[0], "item [0] b");
        assert!(k[1].starts_with("error [1]"), "{k:?}");
        let sns = r#"{"Type":"Notification","Message":"{\"messageType\":\"ConfigurationItemChangeNotification\",\"configurationItem\":[{\"resourceType\":\"AWS::EC2::VOLUME\",\"resourceId\":\"vol-2\",\"configuration\":{}}]}"}"#;
        assert_eq!(
            kinds(sns, &Hints::default()),
            vec!["item Message.configurationItem vol-2"]
        );
    }

    #[test]
    fn not_a_config_document() {
        let err = read(r#"{"hello":"world"}"#, &Hints::default()).unwrap_err();
        assert!(err.message.contains("not an AWS Config document"), "{err}");
        let err = read("42", &Hints::default()).unwrap_err();
        assert!(err.message.contains("expected a JSON object"), "{err}");
        let err = read(r#"{"truncated": "#, &Hints::default()).unwrap_err();
        assert!(err.message.contains("EOF"), "{err}");
    }
}

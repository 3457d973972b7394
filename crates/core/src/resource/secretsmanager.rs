//! `AWS::SecretsManager::Secret`.
//!
//! Configuration keys are PascalCase (`RotationEnabled`, `RotationRules.AutomaticallyAfterDays`,
//! `RotationRules.RotationScheduleExpression`, `Deleted`), as the Config schema lists them; the
//! Secrets Manager API spells the expression `ScheduleExpression` and marks a secret scheduled
//! for deletion with `DeletedDate`. Both spellings, and camelCase, are read. The item never
//! carries the secret value, nor when it was last rotated.

use serde::Deserialize;

use crate::item::ConfigurationItem;
use crate::json::{Flag, InputError, Number, Present, Text};

use super::{flag, name_or_id, text, whole_number};

/// A secret, as far as controls look at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    pub name: String,
    pub rotation_enabled: Option<bool>,
    pub rotation_rules: RotationRules,
    /// Scheduled for deletion (`Deleted: true`, or a `DeletedDate`).
    pub deleted: bool,
}

/// `RotationRules`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RotationRules {
    /// Set by the user, or computed by Secrets Manager from a `cron(…)` schedule.
    pub automatically_after_days: Option<i64>,
    pub automatically_after_hours: Option<i64>,
    /// `rate(10 days)`, `rate(4 hours)` or `cron(…)`.
    pub schedule_expression: Option<String>,
}

/// How often a secret rotates, as far as its rotation rules tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// The longest interval the rules state, in hours, and the rule it comes from.
    Every { hours: i64, source: String },
    /// Only an expression whose interval cannot be read off (`cron(…)`).
    Unknown(String),
    /// No rotation rules at all.
    Unset,
}

impl RotationRules {
    /// The rotation interval: the longest of what `AutomaticallyAfterDays`,
    /// `AutomaticallyAfterHours` and a `rate(…)` expression say.
    pub fn schedule(&self) -> Schedule {
        let expression = self.schedule_expression.as_deref();
        let candidates = [
            self.automatically_after_days.map(|d| {
                (
                    d.saturating_mul(24),
                    "RotationRules.AutomaticallyAfterDays".to_string(),
                )
            }),
            self.automatically_after_hours
                .map(|h| (h, "RotationRules.AutomaticallyAfterHours".to_string())),
            expression.and_then(|e| rate_hours(e).map(|h| (h, format!("schedule {e}")))),
            expression.and_then(|e| {
                cron_hours(e).map(|h| {
                    (
                        h,
                        format!("schedule {e}, at most {} apart", describe_hours(h)),
                    )
                })
            }),
        ];
        match candidates.into_iter().flatten().max_by_key(|(h, _)| *h) {
            Some((hours, source)) => Schedule::Every { hours, source },
            None => match expression {
                Some(e) => Schedule::Unknown(e.to_string()),
                None => Schedule::Unset,
            },
        }
    }
}

/// The interval of a `rate(N days)` / `rate(N hours)` expression, in hours.
pub fn rate_hours(expression: &str) -> Option<i64> {
    let inner = expression
        .trim()
        .strip_prefix("rate(")?
        .strip_suffix(')')?
        .trim();
    let (number, unit) = inner.split_once(char::is_whitespace)?;
    let n: i64 = number.trim().parse().ok().filter(|n| *n > 0)?;
    match unit.trim().to_ascii_lowercase().as_str() {
        "day" | "days" => n.checked_mul(24),
        "hour" | "hours" => Some(n),
        _ => None,
    }
}

/// The longest possible gap between two runs of a `cron(min hour day-of-month month
/// day-of-week year)` expression that runs every month, in hours: a day for daily schedules, the
/// longest gap between listed weekdays or days of a (31-day) month otherwise, five weeks for
/// forms it does not read. `None` when the month field restricts the months.
pub fn cron_hours(expression: &str) -> Option<i64> {
    let inner = expression.trim().strip_prefix("cron(")?.strip_suffix(')')?;
    let fields: Vec<&str> = inner.split_whitespace().collect();
    let [_, _, day_of_month, month, day_of_week, ..] = fields.as_slice() else {
        return None;
    };
    let any = |f: &str| f == "*" || f == "?";
    if !any(month) {
        return None;
    }
    // Forms not read here (`L`, `W`, `SUN#1`, steps) run at least monthly: at most five weeks.
    const MONTHLY: i64 = 35;
    let days = match (any(day_of_month), any(day_of_week)) {
        (true, true) => 1,
        (true, false) => longest_gap(day_of_week, 7, weekday).unwrap_or(MONTHLY),
        (false, _) => longest_gap(day_of_month, 31, |d| d.parse().ok()).unwrap_or(MONTHLY),
    };
    Some(days * 24)
}

/// `MON`…`SUN` or `1`…`7`.
fn weekday(text: &str) -> Option<i64> {
    const NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    text.parse()
        .ok()
        .filter(|d| (1..=7).contains(d))
        .or_else(|| {
            NAMES
                .iter()
                .position(|n| n.eq_ignore_ascii_case(text))
                .map(|i| i as i64 + 1)
        })
}

/// The longest gap between the days a field lists (`1,15`, `MON-FRI`), going round a cycle of
/// `length` days; `None` for what it cannot read (`L`, `W`, `#`, steps).
fn longest_gap(field: &str, length: i64, day: impl Fn(&str) -> Option<i64>) -> Option<i64> {
    let mut listed = Vec::new();
    for part in field.split(',') {
        match part.split_once('-') {
            Some((from, to)) => {
                let (from, to) = (day(from)?, day(to)?);
                if from > to {
                    return None;
                }
                listed.extend(from..=to);
            }
            None => listed.push(day(part)?),
        }
    }
    listed.sort_unstable();
    listed.dedup();
    let first = *listed.first()?;
    let last = *listed.last()?;
    let inner = listed.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
    Some(inner.max(length - last + first))
}

/// `30 days`, `1 day`, `4 hours`.
pub fn describe_hours(hours: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    if hours % 24 == 0 {
        plural(hours / 24, "day")
    } else {
        plural(hours, "hour")
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawSecret {
    #[serde(alias = "name")]
    name: Option<String>,
    #[serde(alias = "rotationEnabled")]
    rotation_enabled: Option<Flag>,
    #[serde(alias = "rotationRules")]
    rotation_rules: Present<RawRotationRules>,
    #[serde(alias = "deleted")]
    deleted: Option<Flag>,
    #[serde(alias = "deletedDate")]
    deleted_date: Option<Text>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawRotationRules {
    #[serde(alias = "automaticallyAfterDays")]
    automatically_after_days: Option<Number>,
    #[serde(alias = "automaticallyAfterHours")]
    automatically_after_hours: Option<Number>,
    #[serde(
        alias = "ScheduleExpression",
        alias = "scheduleExpression",
        alias = "rotationScheduleExpression"
    )]
    rotation_schedule_expression: Option<String>,
}

impl Secret {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawSecret = item.configuration()?;
        let rules = raw.rotation_rules.0.unwrap_or_default();
        Ok(Secret {
            name: name_or_id(raw.name, item),
            rotation_enabled: flag(raw.rotation_enabled),
            rotation_rules: RotationRules {
                automatically_after_days: whole_number(
                    rules.automatically_after_days,
                    "configuration.RotationRules.AutomaticallyAfterDays",
                )?,
                automatically_after_hours: whole_number(
                    rules.automatically_after_hours,
                    "configuration.RotationRules.AutomaticallyAfterHours",
                )?,
                schedule_expression: text(rules.rotation_schedule_expression),
            },
            deleted: flag(raw.deleted) == Some(true)
                || raw.deleted_date.is_some_and(|d| !d.0.trim().is_empty()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn secret(configuration: &str) -> Result<Secret, InputError> {
        let text = format!(
            r#"{{"resourceType":"AWS::SecretsManager::Secret","resourceId":"arn:aws:secretsmanager:eu-west-1:111122223333:secret:acme-db-AbCdEf","resourceName":"acme-db","configuration":{configuration}}}"#
        );
        Secret::from_item(&ConfigurationItem::parse(&text).unwrap())
    }

    #[test]
    fn config_and_api_spellings() {
        let config = secret(
            r#"{"Name":"acme-db","RotationEnabled":true,"RotationRules":{"AutomaticallyAfterDays":30,"RotationScheduleExpression":null},"Deleted":false}"#,
        )
        .unwrap();
        assert_eq!(config.rotation_enabled, Some(true));
        assert_eq!(config.rotation_rules.automatically_after_days, Some(30));
        assert!(!config.deleted);
        let api = secret(
            r#""{\"Name\":\"acme-db\",\"RotationEnabled\":\"true\",\"RotationRules\":{\"ScheduleExpression\":\"rate(10 days)\"},\"DeletedDate\":1780000000.0}""#,
        )
        .unwrap();
        assert_eq!(
            api.rotation_rules.schedule_expression.as_deref(),
            Some("rate(10 days)")
        );
        assert!(api.deleted);
    }

    #[test]
    fn rotation_off_and_rules_absent() {
        let s = secret(r#"{"Name":"acme-db","RotationRules":"None"}"#).unwrap();
        assert_eq!(s.rotation_enabled, None);
        assert_eq!(s.rotation_rules.schedule(), Schedule::Unset);
        let err = secret(r#"{"RotationRules":{"AutomaticallyAfterDays":"monthly"}}"#).unwrap_err();
        assert_eq!(
            err.path,
            "configuration.RotationRules.AutomaticallyAfterDays"
        );
    }

    #[test]
    fn cron_schedules_have_a_longest_gap() {
        assert_eq!(cron_hours("cron(0 4 * * ? *)"), Some(24));
        assert_eq!(cron_hours("cron(0 16 1,15 * ? *)"), Some(17 * 24));
        assert_eq!(cron_hours("cron(0 0 ? * SUN *)"), Some(7 * 24));
        assert_eq!(cron_hours("cron(0 0 ? * MON-FRI *)"), Some(3 * 24));
        assert_eq!(cron_hours("cron(0 0 L * ? *)"), Some(35 * 24));
        assert_eq!(cron_hours("cron(0 4 ? * SUN#1 *)"), Some(35 * 24));
        assert_eq!(cron_hours("cron(0 0 1 1 ? *)"), None);
        assert_eq!(cron_hours("rate(1 day)"), None);
    }

    #[test]
    fn schedule_takes_the_longest_stated_interval() {
        let rules = RotationRules {
            automatically_after_days: Some(7),
            automatically_after_hours: None,
            schedule_expression: Some("rate(10 days)".into()),
        };
        assert_eq!(
            rules.schedule(),
            Schedule::Every {
                hours: 240,
                source: "schedule rate(10 days)".into()
            }
        );
        let twice_a_year = RotationRules {
            schedule_expression: Some("cron(0 16 1 1,7 ? *)".into()),
            ..RotationRules::default()
        };
        assert_eq!(
            twice_a_year.schedule(),
            Schedule::Unknown("cron(0 16 1 1,7 ? *)".into())
        );
        let computed = RotationRules {
            automatically_after_days: Some(180),
            ..twice_a_year
        };
        assert_eq!(
            computed.schedule(),
            Schedule::Every {
                hours: 180 * 24,
                source: "RotationRules.AutomaticallyAfterDays".into()
            }
        );
        let twice_a_month = RotationRules {
            schedule_expression: Some("cron(0 16 1,15 * ? *)".into()),
            automatically_after_days: Some(14),
            ..RotationRules::default()
        };
        assert_eq!(
            twice_a_month.schedule(),
            Schedule::Every {
                hours: 17 * 24,
                source: "schedule cron(0 16 1,15 * ? *), at most 17 days apart".into()
            }
        );
    }

    #[test]
    fn rate_expressions() {
        assert_eq!(rate_hours("rate(1 day)"), Some(24));
        assert_eq!(rate_hours(" rate( 4  Hours ) "), Some(4));
        assert_eq!(rate_hours("rate(0 days)"), None);
        assert_eq!(rate_hours("rate(2 weeks)"), None);
        assert_eq!(rate_hours("cron(0 8 * * ? *)"), None);
        assert_eq!(describe_hours(24), "1 day");
        assert_eq!(describe_hours(720), "30 days");
        assert_eq!(describe_hours(4), "4 hours");
    }

    proptest! {
        #[test]
        fn rate_round_trips(n in 1i64..100_000, days in any::<bool>()) {
            let unit = if days { "days" } else { "hours" };
            let hours = if days { n * 24 } else { n };
            prop_assert_eq!(rate_hours(&format!("rate({n} {unit})")), Some(hours));
        }

        #[test]
        fn any_text_gives_a_positive_interval_or_none(text in "\\PC{0,40}") {
            if let Some(hours) = rate_hours(&text) {
                prop_assert!(hours > 0);
            }
        }
    }
}

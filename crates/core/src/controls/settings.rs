//! Verdicts on one setting, shared by controls of several services: a switch that must be on
//! (or off), a value that must be set, a retention that must reach a minimum.
//!
//! A setting missing from the item is never taken as the compliant state: a switch that must be
//! on is off when absent (items recorded before a feature existed lack its key), and a switch
//! that must be off cannot be confirmed off when absent.

use crate::resource::ResourceType;
use crate::verdict::Verdict;

/// How a setting is named in annotations and what its two states mean.
pub(crate) struct Setting {
    /// The key as the item spells it, e.g. `storageEncrypted`.
    pub field: &'static str,
    /// What holds when the setting is as required, e.g. "storage is encrypted at rest".
    pub good: &'static str,
    /// What holds otherwise, e.g. "storage is not encrypted at rest".
    pub bad: &'static str,
}

impl Setting {
    /// COMPLIANT when the switch is `true`; absent counts as `false`.
    pub fn must_be_on(&self, value: Option<bool>) -> Verdict {
        let Setting { field, good, bad } = self;
        match value {
            Some(true) => Verdict::compliant(format!("{field} is true: {good}")),
            Some(false) => Verdict::non_compliant(format!("{field} is false: {bad}")),
            None => Verdict::non_compliant(format!("{field} is absent (treated as false): {bad}")),
        }
    }

    /// COMPLIANT when the switch is `false`; absent cannot be confirmed `false`.
    pub fn must_be_off(&self, value: Option<bool>) -> Verdict {
        let Setting { field, good, bad } = self;
        match value {
            Some(false) => Verdict::compliant(format!("{field} is false: {good}")),
            Some(true) => Verdict::non_compliant(format!("{field} is true: {bad}")),
            None => {
                Verdict::non_compliant(format!("{field} is absent: cannot confirm that {good}"))
            }
        }
    }

    /// COMPLIANT when the value is set (not absent, `null` or empty), naming it.
    pub fn must_be_set(&self, value: Option<&str>) -> Verdict {
        let Setting { field, good, bad } = self;
        match value {
            Some(v) => Verdict::compliant(format!("{good} ({field} {v})")),
            None => Verdict::non_compliant(format!("{field} is not set: {bad}")),
        }
    }

    /// COMPLIANT when a retention in days is at least `minimum` (the rule parameter `param`);
    /// 0 or absent means the feature is off.
    pub fn retention(&self, days: Option<i64>, minimum: i64, param: &str) -> Verdict {
        let Setting { field, good, bad } = self;
        match days {
            None => Verdict::non_compliant(format!("{field} is absent (treated as 0): {bad}")),
            Some(d) if d <= 0 => Verdict::non_compliant(format!("{field} is {d}: {bad}")),
            Some(d) if d < minimum => Verdict::non_compliant(format!(
                "{field} is {d} {}, below the minimum of {minimum} ({param})",
                days_word(d)
            )),
            Some(d) => Verdict::compliant(format!(
                "{field} is {d} {} (minimum {minimum}): {good}",
                days_word(d)
            )),
        }
    }
}

fn days_word(n: i64) -> &'static str {
    if n == 1 {
        "day"
    } else {
        "days"
    }
}

/// NOT_APPLICABLE for a view of another type (the engine never passes one).
pub(crate) fn not_a(resource_type: ResourceType) -> Verdict {
    Verdict::not_applicable(format!("not an {resource_type}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::Compliance;

    const BACKUPS: Setting = Setting {
        field: "backupRetentionPeriod",
        good: "automated backups are on",
        bad: "automated backups are off",
    };

    #[test]
    fn absent_is_never_compliant() {
        assert_eq!(
            BACKUPS.must_be_on(None).annotation,
            "backupRetentionPeriod is absent (treated as false): automated backups are off"
        );
        assert_eq!(
            BACKUPS.must_be_off(None).compliance,
            Compliance::NonCompliant
        );
        assert_eq!(
            BACKUPS.must_be_set(None).compliance,
            Compliance::NonCompliant
        );
        assert_eq!(
            BACKUPS.retention(None, 1, "p").compliance,
            Compliance::NonCompliant
        );
    }

    #[test]
    fn retention_thresholds() {
        assert_eq!(
            BACKUPS
                .retention(Some(0), 7, "backupRetentionMinimum")
                .annotation,
            "backupRetentionPeriod is 0: automated backups are off"
        );
        assert_eq!(
            BACKUPS
                .retention(Some(1), 7, "backupRetentionMinimum")
                .annotation,
            "backupRetentionPeriod is 1 day, below the minimum of 7 (backupRetentionMinimum)"
        );
        let at = BACKUPS.retention(Some(7), 7, "backupRetentionMinimum");
        assert_eq!(at.compliance, Compliance::Compliant);
        assert_eq!(
            at.annotation,
            "backupRetentionPeriod is 7 days (minimum 7): automated backups are on"
        );
    }
}

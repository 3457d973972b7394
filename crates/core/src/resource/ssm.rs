//! `AWS::SSM::PatchCompliance`.
//!
//! No public sample of this item exists; the shape follows what tools reading real Config
//! snapshots expect: `configuration."AWS:ComplianceItem".Content.Patch` is an object whose key
//! `ComplianceSummary` holds the summary (`Status`, `OverallSeverity`, `PatchBaselineId`,
//! `NonCompliantCriticalCount`…) and whose other keys are per-patch entries (`Id`, `Title`,
//! `Status`, `Severity`, `PatchState`…), with empty strings for missing values. The view is
//! lenient about the rest: `ComplianceSummary` is also looked for beside `Patch` and beside
//! `Content`, the patch entries may be a list, any level may be a JSON string, and counts may
//! be numbers or numeric strings.

use std::fmt;

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::item::ConfigurationItem;
use crate::json::{InputError, Present, Text};

/// Where the compliance data of an `AWS::SSM::PatchCompliance` item lives.
pub const ITEM_PATH: &str = "configuration.AWS:ComplianceItem";
/// Where the per-patch entries live.
pub const PATCH_PATH: &str = "configuration.AWS:ComplianceItem.Content.Patch";

/// The patch compliance of one managed instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchCompliance {
    /// Whether the item has an `AWS:ComplianceItem` at all.
    pub has_compliance_item: bool,
    /// The compliance summary, when the item carries one with a status.
    pub summary: Option<ComplianceSummary>,
    /// Per-patch entries, in item order.
    pub patches: Vec<PatchItem>,
}

/// `ComplianceSummary`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplianceSummary {
    /// Where it was found, relative to `configuration`, e.g. `AWS:ComplianceItem.Content.Patch.ComplianceSummary`.
    pub location: &'static str,
    /// `COMPLIANT`, `NON_COMPLIANT` or `UNSPECIFIED_DATA`.
    pub status: String,
    pub overall_severity: Option<String>,
    pub patch_baseline_id: Option<String>,
    /// Non-compliant patch counts by severity (`critical`, `high`…), non-zero ones only.
    pub non_compliant: Vec<(&'static str, u64)>,
    /// The sum of the `Compliant*Count` fields, when any is given.
    pub compliant: Option<u64>,
}

/// One per-patch entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchItem {
    /// `Id`, else the entry's key.
    pub id: String,
    /// `COMPLIANT`, `NON_COMPLIANT`…; `None` when absent or empty.
    pub status: Option<String>,
    /// `Severity`, else `PatchSeverity`.
    pub severity: Option<String>,
    /// `Installed`, `Missing`, `Failed`…
    pub state: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawConfiguration {
    #[serde(rename = "AWS:ComplianceItem", alias = "ComplianceItem")]
    compliance_item: Present<RawComplianceItem>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawComplianceItem {
    #[serde(rename = "Content", alias = "content")]
    content: Present<RawContent>,
    #[serde(rename = "ComplianceSummary", alias = "complianceSummary")]
    compliance_summary: Present<RawEntry>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawContent {
    #[serde(rename = "Patch", alias = "patch")]
    patch: Present<Entries>,
    #[serde(rename = "ComplianceSummary", alias = "complianceSummary")]
    compliance_summary: Present<RawEntry>,
}

/// A per-patch entry or a summary: both are flat objects of strings and counts.
#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "PascalCase", default)]
struct RawEntry {
    #[serde(alias = "id")]
    id: Option<Text>,
    #[serde(alias = "status")]
    status: Option<Text>,
    #[serde(alias = "severity")]
    severity: Option<Text>,
    #[serde(alias = "patchSeverity")]
    patch_severity: Option<Text>,
    #[serde(alias = "patchState")]
    patch_state: Option<Text>,
    #[serde(alias = "overallSeverity")]
    overall_severity: Option<Text>,
    #[serde(alias = "patchBaselineId")]
    patch_baseline_id: Option<Text>,
    #[serde(alias = "nonCompliantCriticalCount")]
    non_compliant_critical_count: Option<Text>,
    #[serde(alias = "nonCompliantHighCount")]
    non_compliant_high_count: Option<Text>,
    #[serde(alias = "nonCompliantMediumCount")]
    non_compliant_medium_count: Option<Text>,
    #[serde(alias = "nonCompliantLowCount")]
    non_compliant_low_count: Option<Text>,
    #[serde(alias = "nonCompliantInformationalCount")]
    non_compliant_informational_count: Option<Text>,
    #[serde(alias = "nonCompliantUnspecifiedCount")]
    non_compliant_unspecified_count: Option<Text>,
    #[serde(alias = "compliantCriticalCount")]
    compliant_critical_count: Option<Text>,
    #[serde(alias = "compliantHighCount")]
    compliant_high_count: Option<Text>,
    #[serde(alias = "compliantMediumCount")]
    compliant_medium_count: Option<Text>,
    #[serde(alias = "compliantLowCount")]
    compliant_low_count: Option<Text>,
    #[serde(alias = "compliantInformationalCount")]
    compliant_informational_count: Option<Text>,
    #[serde(alias = "compliantUnspecifiedCount")]
    compliant_unspecified_count: Option<Text>,
}

/// Entries keyed by patch id (an object) or listed (an array); keys are kept, in order.
struct Entries(Vec<(Option<String>, RawEntry)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("patch entries as an object keyed by patch id, or a list")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let entry: Present<RawEntry> = map.next_value()?;
                    if let Some(entry) = entry.0 {
                        entries.push((Some(key), entry));
                    }
                }
                Ok(Entries(entries))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = seq.next_element::<RawEntry>()? {
                    entries.push((None, entry));
                }
                Ok(Entries(entries))
            }
        }
        d.deserialize_any(EntriesVisitor)
    }
}

/// A non-empty text value.
fn text(value: Option<Text>) -> Option<String> {
    value
        .map(|t| t.0.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// A count: absent or empty is `None`; anything but a whole number is an error at `path`.
fn count(value: &Option<Text>, path: &str, field: &str) -> Result<Option<u64>, InputError> {
    let Some(t) = value.as_ref().map(|t| t.0.trim()).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let number = t
        .strip_suffix(".0")
        .unwrap_or(t)
        .parse::<u64>()
        .map_err(|_| {
            InputError::new(
                format!("configuration.{path}.{field}"),
                format!("{t:?} is not a count (expected a whole number)"),
            )
        })?;
    Ok(Some(number))
}

fn summary(raw: RawEntry, location: &'static str) -> Result<Option<ComplianceSummary>, InputError> {
    let non_compliant = [
        (
            "critical",
            &raw.non_compliant_critical_count,
            "NonCompliantCriticalCount",
        ),
        (
            "high",
            &raw.non_compliant_high_count,
            "NonCompliantHighCount",
        ),
        (
            "medium",
            &raw.non_compliant_medium_count,
            "NonCompliantMediumCount",
        ),
        ("low", &raw.non_compliant_low_count, "NonCompliantLowCount"),
        (
            "informational",
            &raw.non_compliant_informational_count,
            "NonCompliantInformationalCount",
        ),
        (
            "unspecified",
            &raw.non_compliant_unspecified_count,
            "NonCompliantUnspecifiedCount",
        ),
    ]
    .into_iter()
    .map(|(label, value, field)| Ok((label, count(value, location, field)?)))
    .collect::<Result<Vec<_>, InputError>>()?
    .into_iter()
    .filter_map(|(label, n)| n.filter(|n| *n > 0).map(|n| (label, n)))
    .collect();
    let compliant = [
        (&raw.compliant_critical_count, "CompliantCriticalCount"),
        (&raw.compliant_high_count, "CompliantHighCount"),
        (&raw.compliant_medium_count, "CompliantMediumCount"),
        (&raw.compliant_low_count, "CompliantLowCount"),
        (
            &raw.compliant_informational_count,
            "CompliantInformationalCount",
        ),
        (
            &raw.compliant_unspecified_count,
            "CompliantUnspecifiedCount",
        ),
    ]
    .into_iter()
    .map(|(value, field)| count(value, location, field))
    .collect::<Result<Vec<_>, InputError>>()?
    .into_iter()
    .flatten()
    .reduce(u64::saturating_add);
    Ok(text(raw.status).map(|status| ComplianceSummary {
        location,
        status,
        overall_severity: text(raw.overall_severity),
        patch_baseline_id: text(raw.patch_baseline_id),
        non_compliant,
        compliant,
    }))
}

impl PatchCompliance {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawConfiguration = item.configuration()?;
        let Some(compliance_item) = raw.compliance_item.0 else {
            return Ok(PatchCompliance {
                has_compliance_item: false,
                summary: None,
                patches: Vec::new(),
            });
        };
        let content = compliance_item.content.0.unwrap_or_default();
        let mut candidates: Vec<(RawEntry, &'static str)> = Vec::new();
        let mut patches = Vec::new();
        for (key, entry) in content.patch.0.map(|e| e.0).unwrap_or_default() {
            if key
                .as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case("ComplianceSummary"))
            {
                candidates.push((entry, "AWS:ComplianceItem.Content.Patch.ComplianceSummary"));
                continue;
            }
            let id = text(entry.id.clone())
                .or(key)
                .unwrap_or_else(|| format!("#{}", patches.len() + 1));
            patches.push(PatchItem {
                id,
                status: text(entry.status),
                severity: text(entry.severity).or_else(|| text(entry.patch_severity)),
                state: text(entry.patch_state),
            });
        }
        if let Some(entry) = content.compliance_summary.0 {
            candidates.push((entry, "AWS:ComplianceItem.Content.ComplianceSummary"));
        }
        if let Some(entry) = compliance_item.compliance_summary.0 {
            candidates.push((entry, "AWS:ComplianceItem.ComplianceSummary"));
        }
        let mut found = None;
        for (entry, location) in candidates {
            if let Some(s) = summary(entry, location)? {
                found = Some(s);
                break;
            }
        }
        Ok(PatchCompliance {
            has_compliance_item: true,
            summary: found,
            patches,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(configuration: &str) -> Result<PatchCompliance, InputError> {
        let text = format!(
            r#"{{"resourceType":"AWS::SSM::PatchCompliance","resourceId":"i-1","configuration":{configuration}}}"#
        );
        PatchCompliance::from_item(&ConfigurationItem::parse(&text).unwrap())
    }

    #[test]
    fn summary_inside_patch_with_string_counts_and_empty_values() {
        let p = view(
            r#"{"AWS:ComplianceItem":{"SchemaVersion":"1.0","Content":{"Patch":{
                "ComplianceSummary":{"Status":"NON_COMPLIANT","OverallSeverity":"CRITICAL","PatchGroup":"",
                    "NonCompliantCriticalCount":"2","NonCompliantHighCount":1,"NonCompliantLowCount":"",
                    "CompliantHighCount":40.0,"CompliantLowCount":"2"},
                "KB5034441":{"Id":"KB5034441","Status":"NON_COMPLIANT","Severity":"Critical","PatchState":"Missing"},
                "KB890830":{"Title":"Malicious Software Removal Tool","Status":"","Severity":""}}}}}"#,
        )
        .unwrap();
        let s = p.summary.unwrap();
        assert_eq!(s.status, "NON_COMPLIANT");
        assert_eq!(s.non_compliant, vec![("critical", 2), ("high", 1)]);
        assert_eq!(s.compliant, Some(42));
        assert_eq!(p.patches.len(), 2);
        assert_eq!(p.patches[1].id, "KB890830");
        assert_eq!(p.patches[1].status, None);
    }

    #[test]
    fn summary_beside_patch_content_as_string_and_patch_list() {
        let p = view(
            r#""{\"AWS:ComplianceItem\":{\"Content\":\"{\\\"ComplianceSummary\\\":{\\\"Status\\\":\\\"COMPLIANT\\\"},\\\"Patch\\\":[{\\\"Id\\\":\\\"openssl.x86_64:0:3.0.8-1\\\",\\\"Status\\\":\\\"COMPLIANT\\\"}]}\"}}""#,
        )
        .unwrap();
        assert_eq!(
            p.summary.unwrap().location,
            "AWS:ComplianceItem.Content.ComplianceSummary"
        );
        assert_eq!(p.patches[0].id, "openssl.x86_64:0:3.0.8-1");
    }

    #[test]
    fn missing_compliance_item_and_bad_counts() {
        assert!(!view("{}").unwrap().has_compliance_item);
        let err = view(
            r#"{"AWS:ComplianceItem":{"Content":{"Patch":{"ComplianceSummary":{"Status":"NON_COMPLIANT","NonCompliantHighCount":"many"}}}}}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.path,
            "configuration.AWS:ComplianceItem.Content.Patch.ComplianceSummary.NonCompliantHighCount"
        );
    }
}

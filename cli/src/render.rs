//! Scan output: a table for people, JSON lines for pipelines, ASFF for Security Hub.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use ourside_core::asff::{self, Producer};
use ourside_core::{Compliance, Owner, Severity};
use serde::Serialize;

use crate::scan::{Problem, ProblemKind, Record, Report};

/// ANSI colours, only when writing to a terminal and `NO_COLOR` is unset.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

fn status_word(compliance: Compliance) -> &'static str {
    match compliance {
        Compliance::NonCompliant => "FAIL",
        Compliance::Compliant => "PASS",
        Compliance::NotApplicable => "N/A",
    }
}

/// The human report: failures (or, with `all`, every evaluation) grouped by owner team and
/// severity, then a summary line.
pub fn table(report: &Report, all: bool, style: Style) -> String {
    let mut out = String::new();
    let mut groups: BTreeMap<Owner, Vec<&Record>> = BTreeMap::new();
    for record in &report.records {
        if all || record.verdict.compliance == Compliance::NonCompliant {
            groups.entry(record.control.owner).or_default().push(record);
        }
    }
    for records in groups.values_mut() {
        records.sort_by(|a, b| {
            (b.verdict.compliance == Compliance::NonCompliant)
                .cmp(&(a.verdict.compliance == Compliance::NonCompliant))
                .then(b.control.severity.cmp(&a.control.severity))
                .then(
                    ourside_core::control::Control::sort_key(a.control.id)
                        .cmp(&ourside_core::control::Control::sort_key(b.control.id)),
                )
                .then(a.subject.resource_id.cmp(&b.subject.resource_id))
        });
    }
    let id_width = report
        .records
        .iter()
        .map(|r| r.control.id.len())
        .max()
        .unwrap_or(6);
    let type_width = report
        .records
        .iter()
        .map(|r| r.subject.resource_type.config_name().len())
        .max()
        .unwrap_or(10);
    let resource_width = report
        .records
        .iter()
        .map(|r| r.subject.resource_id.chars().count().min(48))
        .max()
        .unwrap_or(10);
    for (owner, records) in &groups {
        let failing = records
            .iter()
            .filter(|r| r.verdict.compliance == Compliance::NonCompliant)
            .count();
        let _ = writeln!(
            out,
            "{}",
            style.paint("1", &format!("{owner} ({failing} failing)"))
        );
        for r in records {
            let severity = r.control.severity.label();
            let severity = match (r.verdict.compliance, r.control.severity) {
                (Compliance::NonCompliant, Severity::Critical | Severity::High) => {
                    style.paint("31", &format!("{severity:<8}"))
                }
                (Compliance::NonCompliant, _) => style.paint("33", &format!("{severity:<8}")),
                _ => format!("{severity:<8}"),
            };
            let status = status_word(r.verdict.compliance);
            let status = match r.verdict.compliance {
                Compliance::NonCompliant => style.paint("31", &format!("{status:<4}")),
                Compliance::Compliant => style.paint("32", &format!("{status:<4}")),
                Compliance::NotApplicable => style.paint("2", &format!("{status:<4}")),
            };
            let mut resource: String = r.subject.resource_id.chars().take(48).collect();
            if r.subject.resource_id.chars().count() > 48 {
                resource.pop();
                resource.push('…');
            }
            let _ = writeln!(
                out,
                "  {status}  {severity}  {:<id_width$}  {:<type_width$}  {resource:<resource_width$}  {}",
                r.control.id,
                r.subject.resource_type.config_name(),
                r.verdict.annotation,
            );
        }
        out.push('\n');
    }
    out.push_str(&summary(report));
    out.push('\n');
    out
}

/// `3 failing (1 critical, 2 high) · 40 passing · 5 not applicable · 12 items in 9 inputs · 2 skipped · 1 error`
pub fn summary(report: &Report) -> String {
    let count = |c: Compliance| {
        report
            .records
            .iter()
            .filter(|r| r.verdict.compliance == c)
            .count()
    };
    let mut by_severity: BTreeMap<std::cmp::Reverse<Severity>, usize> = BTreeMap::new();
    for r in report
        .records
        .iter()
        .filter(|r| r.verdict.compliance == Compliance::NonCompliant)
    {
        *by_severity
            .entry(std::cmp::Reverse(r.control.severity))
            .or_default() += 1;
    }
    let severities = by_severity
        .iter()
        .map(|(s, n)| format!("{n} {}", s.0.label().to_ascii_lowercase()))
        .collect::<Vec<_>>()
        .join(", ");
    let failing = count(Compliance::NonCompliant);
    let mut parts = vec![if failing > 0 {
        format!("{failing} failing ({severities})")
    } else {
        "0 failing".to_string()
    }];
    parts.push(format!("{} passing", count(Compliance::Compliant)));
    parts.push(format!(
        "{} not applicable",
        count(Compliance::NotApplicable)
    ));
    parts.push(format!(
        "{} item{} in {} input{}",
        report.items,
        if report.items == 1 { "" } else { "s" },
        report.inputs,
        if report.inputs == 1 { "" } else { "s" }
    ));
    let skipped = report
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Skipped)
        .count();
    if skipped > 0 {
        parts.push(format!("{skipped} skipped"));
    }
    let errors = report.errors();
    if errors > 0 {
        parts.push(format!(
            "{errors} error{}",
            if errors == 1 { "" } else { "s" }
        ));
    }
    parts.join(" · ")
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonRecord<'a> {
    control: &'a str,
    title: &'a str,
    resource_type: &'a str,
    resource_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    arn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    compliance: Compliance,
    annotation: &'a str,
    severity: Severity,
    owner: Owner,
    area: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    capture_time: Option<String>,
    source: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    location: &'a str,
}

/// One JSON object per evaluation.
pub fn jsonl(report: &Report) -> String {
    let mut out = String::new();
    for r in &report.records {
        let record = JsonRecord {
            control: r.control.id,
            title: r.control.title,
            resource_type: r.subject.resource_type.config_name(),
            resource_id: &r.subject.resource_id,
            arn: r.subject.arn.as_deref(),
            account_id: r.subject.account_id.as_deref(),
            region: r.subject.region.as_deref(),
            compliance: r.verdict.compliance,
            annotation: &r.verdict.annotation,
            severity: r.control.severity,
            owner: r.control.owner,
            area: r.control.area.name(),
            capture_time: r.subject.capture_time.map(|t| t.to_rfc3339()),
            source: &r.source,
            location: &r.location,
        };
        // Serialising plain data cannot fail.
        out.push_str(&serde_json::to_string(&record).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// The region most scanned regional resources are in (the first by name on a tie): where Config
/// most likely records the account's global resources.
pub fn main_region(report: &Report) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for region in report
        .records
        .iter()
        .filter_map(|r| r.subject.region.as_deref())
        .filter(|r| !r.is_empty() && *r != "global")
    {
        *counts.entry(region).or_default() += 1;
    }
    let most = counts.values().copied().max()?;
    counts
        .into_iter()
        .find(|(_, n)| *n == most)
        .map(|(region, _)| region.to_string())
}

/// The Security Hub findings, as a JSON array. Evaluations that cannot become findings (no
/// account or region) are returned as problems.
pub fn asff(report: &Report, producer: &Producer) -> (String, Vec<Problem>) {
    let mut findings = Vec::new();
    let mut problems = Vec::new();
    for r in &report.records {
        match asff::finding(r.control, &r.subject, &r.verdict, producer) {
            Ok(f) => findings.push(f),
            Err(e) => problems.push(Problem::error(
                &r.source,
                &r.location,
                format!(
                    "{} on {}: no finding: {e}{}",
                    r.control.id,
                    r.subject.resource_id,
                    if matches!(e, asff::AsffError::NoRegion(_)) {
                        " (pass --region REGION)"
                    } else {
                        ""
                    }
                ),
            )),
        }
    }
    let text = serde_json::to_string_pretty(&findings).unwrap_or_else(|_| "[]".to_string());
    (text + "\n", problems)
}

/// `ourside: path: location: message` lines for stderr.
pub fn problems(problems: &[Problem]) -> String {
    let mut out = String::new();
    for p in problems {
        let kind = match p.kind {
            ProblemKind::Error => "error",
            ProblemKind::Skipped => "skipped",
            ProblemKind::Note => "note",
        };
        // Decoding errors already start with their JSON path; say the location only once.
        let place = if p.location.is_empty() || p.message.starts_with(&p.location) {
            p.source.clone()
        } else {
            format!("{} at {}", p.source, p.location)
        };
        let _ = writeln!(out, "ourside: {place}: {kind}: {}", p.message);
    }
    out
}

//! `ourside controls` and `ourside explain`: the catalog, from the registry itself.

use std::fmt::Write as _;

use ourside_core::control::{Check, Control};
use ourside_core::frameworks::{nist_title, security_hub_control};
use ourside_core::params::ParamKind;
use ourside_core::registry::CONTROLS;
use serde::Serialize;

fn types(control: &Control) -> String {
    control
        .resource_types
        .iter()
        .map(|t| t.config_name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn trigger(control: &Control) -> &'static str {
    match (control.trigger, control.check) {
        (ourside_core::Trigger::Change, Check::Enriched(..)) => "change + API",
        (ourside_core::Trigger::Change, _) => "change",
        (ourside_core::Trigger::Periodic, _) => "periodic",
    }
}

/// A plain-text table.
pub fn table() -> String {
    let id_width = CONTROLS.iter().map(|c| c.id.len()).max().unwrap_or(6);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<id_width$}  {:<8}  {:<11}  {:<8}  TITLE",
        "ID", "SEVERITY", "OWNER", "TRIGGER"
    );
    for c in CONTROLS {
        let _ = writeln!(
            out,
            "{:<id_width$}  {:<8}  {:<11}  {:<8}  {}",
            c.id,
            c.severity.label(),
            c.owner.name(),
            trigger(c),
            c.title
        );
    }
    let _ = writeln!(out, "\n{} controls", CONTROLS.len());
    out
}

/// The Markdown table the README embeds.
pub fn markdown() -> String {
    let mut out = String::from(
        "| ID | Title | Severity | Owner | Resource types | Trigger |\n|---|---|---|---|---|---|\n",
    );
    for c in CONTROLS {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            c.id,
            c.title.replace('|', "\\|"),
            c.severity.label(),
            c.owner.name(),
            c.resource_types
                .iter()
                .map(|t| format!("`{}`", t.config_name()))
                .collect::<Vec<_>>()
                .join(", "),
            trigger(c)
        );
    }
    out
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ControlJson<'a> {
    id: &'a str,
    title: &'a str,
    severity: &'a str,
    owner: &'a str,
    area: &'a str,
    trigger: &'a str,
    resource_types: Vec<&'a str>,
    what_it_checks: String,
    why_it_matters: String,
    how_to_fix: String,
    remediation_url: &'a str,
    security_hub_control: Option<&'a str>,
    fsbp: bool,
    cis: Vec<String>,
    nist_800_53_r5: Vec<&'a str>,
    parameters: Vec<ParamJson<'a>>,
    /// What the control reads beyond the configuration item.
    fetches: Vec<&'a str>,
    /// The IAM actions that reading takes.
    iam_permissions: Vec<&'a str>,
}

#[derive(Serialize)]
struct ParamJson<'a> {
    name: &'a str,
    kind: ParamKind,
    default: &'a str,
    help: &'a str,
}

fn to_json(c: &'static Control) -> ControlJson<'static> {
    ControlJson {
        id: c.id,
        title: c.title,
        severity: c.severity.label(),
        owner: c.owner.name(),
        area: c.area.name(),
        trigger: trigger(c),
        resource_types: c.resource_types.iter().map(|t| t.config_name()).collect(),
        what_it_checks: c.doc_section("What it checks").unwrap_or_default(),
        why_it_matters: c.doc_section("Why it matters").unwrap_or_default(),
        how_to_fix: c.doc_section("How to fix").unwrap_or_default(),
        remediation_url: c.remediation.url,
        security_hub_control: c.mappings.security_hub,
        fsbp: c
            .mappings
            .security_hub
            .and_then(security_hub_control)
            .unwrap_or(false),
        cis: c
            .mappings
            .cis
            .iter()
            .map(|x| format!("v{} {}", x.version.name(), x.id))
            .collect(),
        nist_800_53_r5: c.mappings.nist.to_vec(),
        parameters: c
            .params
            .iter()
            .map(|p| ParamJson {
                name: p.name,
                kind: p.kind,
                default: p.default,
                help: p.help,
            })
            .collect(),
        fetches: c.check.needs().iter().map(|n| n.describe()).collect(),
        iam_permissions: c.check.permissions(),
    }
}

/// Every control with all its metadata, as a JSON array.
pub fn json() -> String {
    let all: Vec<_> = CONTROLS.iter().map(|c| to_json(c)).collect();
    serde_json::to_string_pretty(&all).unwrap_or_default() + "\n"
}

fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    for paragraph in text.split("\n\n") {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                let _ = writeln!(out, "{indent}{line}");
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            let _ = writeln!(out, "{indent}{line}");
        }
        out.push('\n');
    }
    out
}

/// Everything about one control, for people.
pub fn explain(c: &'static Control) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}\n", c.id, c.title);
    let _ = writeln!(out, "  Severity:        {}", c.severity.label());
    let _ = writeln!(out, "  Owner:           {}", c.owner.name());
    let _ = writeln!(
        out,
        "  Responsibility:  {} (customer side of the Shared Responsibility Model)",
        c.area.name()
    );
    let _ = writeln!(out, "  Resource types:  {}", types(c));
    let _ = writeln!(
        out,
        "  Trigger:         {}\n",
        match c.trigger {
            ourside_core::Trigger::Change =>
                "configuration change (and oversized-item notifications)",
            ourside_core::Trigger::Periodic => "periodic (scheduled)",
        }
    );
    let needs = c.check.needs();
    if !needs.is_empty() {
        let _ = writeln!(out, "Reads beyond the configuration item");
        for need in needs {
            let _ = writeln!(
                out,
                "  {} ({})",
                need.describe(),
                need.permissions().join(", ")
            );
        }
        if matches!(c.check, Check::Enriched(..)) {
            let _ = writeln!(
                out,
                "  Fetched by the deployed evaluator; `ourside scan` cannot judge this control offline."
            );
        }
        let _ = writeln!(out);
    }
    for heading in ["What it checks", "Why it matters", "How to fix"] {
        let _ = writeln!(out, "{heading}");
        out.push_str(&wrap(&c.doc_section(heading).unwrap_or_default(), 92, "  "));
    }
    let _ = writeln!(out, "  Remediation guide: {}\n", c.remediation.url);
    let _ = writeln!(out, "Mappings");
    match c.mappings.security_hub {
        Some(id) => {
            let fsbp = security_hub_control(id).unwrap_or(false);
            let _ = writeln!(
                out,
                "  Security Hub control {id}{}",
                if fsbp {
                    " (AWS Foundational Security Best Practices)"
                } else {
                    ""
                }
            );
        }
        None => {
            let _ = writeln!(out, "  No Security Hub control: an ourside control");
        }
    }
    for cis in c.mappings.cis {
        let _ = writeln!(out, "  {cis}");
    }
    for nist in c.mappings.nist {
        let _ = writeln!(
            out,
            "  NIST SP 800-53 Rev. 5 {nist} {}",
            nist_title(nist).unwrap_or_default()
        );
    }
    if !c.params.is_empty() {
        let _ = writeln!(
            out,
            "\nParameters (rule InputParameters, or --param {}:NAME=VALUE)",
            c.id
        );
        for p in c.params {
            let _ = writeln!(out, "  {} (default {:?}): {}", p.name, p.default, p.help);
        }
    }
    out
}

/// Ids close to `id`, for "did you mean".
pub fn suggestions(id: &str) -> Vec<&'static str> {
    let wanted = id.to_ascii_lowercase();
    let service = wanted.split('.').next().unwrap_or_default().to_string();
    CONTROLS
        .iter()
        .map(|c| c.id)
        .filter(|c| {
            let c = c.to_ascii_lowercase();
            c.starts_with(&format!("{service}.")) || c.contains(&wanted)
        })
        .take(8)
        .collect()
}

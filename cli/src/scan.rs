//! Scanning inputs: read every document, learn account-level facts from all of them, then
//! evaluate every item. Every input ends up either in the records or in the problems.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use ourside_core::asff::Subject;
use ourside_core::document::{self, Content, Hints};
use ourside_core::engine::{Evaluator, Selected};
use ourside_core::params::RawParams;
use ourside_core::{Control, Timestamp, Verdict};

/// One input document: where it came from and its text (or why it could not be read).
#[derive(Debug, Clone)]
pub struct Input {
    pub source: String,
    pub text: Result<String, String>,
}

impl Input {
    pub fn from_memory(source: &str, text: &str) -> Self {
        Input {
            source: source.to_string(),
            text: Ok(text.to_string()),
        }
    }

    fn from_file(path: &Path) -> Self {
        let text = fs::read(path).map_err(|e| e.to_string()).and_then(|bytes| {
            String::from_utf8(bytes).map_err(|e| {
                format!(
                    "not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                )
            })
        });
        Input {
            source: path.display().to_string(),
            text,
        }
    }
}

/// Expands paths: files as given, directories recursively (`*.json` files, sorted). Anything
/// else found in a directory is reported, not silently dropped.
pub fn collect_inputs(paths: &[PathBuf]) -> (Vec<Input>, Vec<Problem>) {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut inputs, &mut problems);
        } else {
            inputs.push(Input::from_file(path));
        }
    }
    (inputs, problems)
}

fn walk(dir: &Path, inputs: &mut Vec<Input>, problems: &mut Vec<Problem>) {
    let mut entries = match fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect::<Vec<_>>(),
        Err(e) => {
            problems.push(Problem::error(
                &dir.display().to_string(),
                "",
                e.to_string(),
            ));
            return;
        }
    };
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, inputs, problems);
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            inputs.push(Input::from_file(&path));
        } else {
            problems.push(Problem::skipped(
                &path.display().to_string(),
                "",
                "not a .json file",
            ));
        }
    }
}

/// One control's verdict on one resource.
#[derive(Debug, Clone)]
pub struct Record {
    pub source: String,
    pub location: String,
    pub subject: Subject,
    pub control: &'static Control,
    pub verdict: Verdict,
}

/// Whether a problem means something was lost (error) or simply not for us (skipped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    Error,
    Skipped,
}

/// An input (or part of one) that yielded no verdict, and why.
#[derive(Debug, Clone)]
pub struct Problem {
    pub source: String,
    pub location: String,
    pub kind: ProblemKind,
    pub message: String,
}

impl Problem {
    pub fn error(source: &str, location: &str, message: impl Into<String>) -> Self {
        Problem {
            source: source.to_string(),
            location: location.to_string(),
            kind: ProblemKind::Error,
            message: message.into(),
        }
    }

    pub fn skipped(source: &str, location: &str, message: impl Into<String>) -> Self {
        Problem {
            kind: ProblemKind::Skipped,
            ..Problem::error(source, location, message)
        }
    }
}

/// What a scan found.
#[derive(Debug, Default)]
pub struct Report {
    pub inputs: usize,
    pub items: usize,
    pub records: Vec<Record>,
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.kind == ProblemKind::Error)
            .count()
    }
}

/// How to scan.
#[derive(Debug, Clone)]
pub struct Options {
    pub controls: Vec<&'static Control>,
    /// Parameters given on the command line, per control id; they override `ruleParameters`.
    pub params: BTreeMap<&'static str, RawParams>,
    pub hints: Hints,
    pub exemption_tag: String,
    pub now: Timestamp,
}

struct Found {
    source: String,
    location: String,
    item: ourside_core::ConfigurationItem,
    left_scope: bool,
    rule_parameters: RawParams,
}

/// Scans `inputs`. Never fails as a whole: every problem is recorded against its input.
pub fn scan(inputs: Vec<Input>, options: &Options) -> Report {
    let mut report = Report {
        inputs: inputs.len(),
        ..Report::default()
    };
    let mut found = Vec::new();
    for input in inputs {
        let text = match input.text {
            Ok(text) => text,
            Err(e) => {
                report.problems.push(Problem::error(&input.source, "", e));
                continue;
            }
        };
        let entries = match document::read(&text, &options.hints) {
            Ok(entries) => entries,
            Err(e) => {
                report
                    .problems
                    .push(Problem::error(&input.source, "", e.to_string()));
                continue;
            }
        };
        for entry in entries {
            match entry.content {
                Content::Item {
                    item,
                    left_scope,
                    rule_parameters,
                } => found.push(Found {
                    source: input.source.clone(),
                    location: entry.location,
                    item: *item,
                    left_scope,
                    rule_parameters,
                }),
                Content::Skipped(why) => {
                    report
                        .problems
                        .push(Problem::skipped(&input.source, &entry.location, why))
                }
                Content::Error(e) => report.problems.push(Problem::error(
                    &input.source,
                    &entry.location,
                    e.to_string(),
                )),
            }
        }
    }
    report.items = found.len();

    let base = match evaluator(options, &RawParams::default()) {
        Ok(e) => e,
        Err(e) => {
            report
                .problems
                .push(Problem::error("(command line)", "", e));
            return report;
        }
    };
    let mut learner = base;
    for f in &found {
        if let Err(e) = learner.learn(&f.item) {
            report
                .problems
                .push(Problem::error(&f.source, &f.location, e.to_string()));
        }
    }
    // Rule events may carry their own parameters: one evaluator per distinct set.
    let mut by_params: BTreeMap<Vec<(String, String)>, Result<Evaluator, String>> = BTreeMap::new();
    let mut evaluated_per_source: BTreeMap<String, usize> = BTreeMap::new();
    let mut uncovered_per_source: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for f in found {
        let key: Vec<(String, String)> = f.rule_parameters.0.clone().into_iter().collect();
        let chosen = by_params.entry(key).or_insert_with(|| {
            evaluator(options, &f.rule_parameters).map(|e| e.with_facts_from(&learner))
        });
        let evaluator = match chosen {
            Ok(e) => e,
            Err(e) => {
                report.problems.push(Problem::error(
                    &f.source,
                    &f.location,
                    format!("ruleParameters: {e}"),
                ));
                continue;
            }
        };
        if !evaluator.covers(&f.item.resource_type) {
            *uncovered_per_source
                .entry(f.source.clone())
                .or_default()
                .entry(f.item.resource_type.config_name().to_string())
                .or_default() += 1;
            continue;
        }
        let subject = Subject::of(&f.item);
        for evaluation in evaluator.evaluate(&f.item, f.left_scope) {
            match evaluation.outcome {
                Ok(verdict) => {
                    *evaluated_per_source.entry(f.source.clone()).or_default() += 1;
                    report.records.push(Record {
                        source: f.source.clone(),
                        location: f.location.clone(),
                        subject: subject.clone(),
                        control: evaluation.control,
                        verdict,
                    });
                }
                Err(e) => report.problems.push(Problem::error(
                    &f.source,
                    &f.location,
                    format!(
                        "{} on {} {}: {e}",
                        evaluation.control.id, subject.resource_type, subject.resource_id
                    ),
                )),
            }
        }
    }
    for (source, types) in uncovered_per_source {
        if evaluated_per_source.contains_key(&source) {
            continue;
        }
        let list = types
            .iter()
            .map(|(t, n)| {
                if *n > 1 {
                    format!("{t} ×{n}")
                } else {
                    t.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        report.problems.push(Problem::skipped(
            &source,
            "",
            format!("no applicable control for {list}"),
        ));
    }
    report
}

/// The evaluator for the selected controls with `event_params` under the command-line ones.
fn evaluator(options: &Options, event_params: &RawParams) -> Result<Evaluator, String> {
    let selected = options
        .controls
        .iter()
        .map(|control| {
            let mut raw = RawParams::default();
            for spec in control.params {
                if let Some(v) = event_params.get(spec.name) {
                    raw.0.insert(spec.name.to_string(), v.to_string());
                }
                if let Some(v) = options
                    .params
                    .get(control.id)
                    .and_then(|p| p.get(spec.name))
                {
                    raw.0.insert(spec.name.to_string(), v.to_string());
                }
            }
            Selected::with_params(control, &raw).map_err(|e| format!("{}: {e}", control.id))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Evaluator::new(selected, options.now).exemption_tag(options.exemption_tag.clone()))
}

//! Scanning inputs: read every document, learn account-level facts from all of them, then
//! evaluate every item. Every input ends up either in the records or in the problems.

use std::collections::{BTreeMap, HashSet};
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
/// else found in a directory is reported, not silently dropped; a file reached twice (a path
/// given twice, a symbolic link, a link cycle) is read once.
pub fn collect_inputs(paths: &[PathBuf]) -> (Vec<Input>, Vec<Problem>) {
    let mut walk = Walk::default();
    for path in paths {
        if path.is_dir() {
            let before = walk.inputs.len();
            walk.dir(path);
            if walk.inputs.len() == before {
                walk.problems.push(Problem::error(
                    &path.display().to_string(),
                    "",
                    "no .json files in this directory",
                ));
            }
        } else {
            walk.file(path);
        }
    }
    (walk.inputs, walk.problems)
}

#[derive(Default)]
struct Walk {
    inputs: Vec<Input>,
    problems: Vec<Problem>,
    seen: HashSet<PathBuf>,
}

impl Walk {
    /// Whether `path` is new (by its canonical form, when it has one).
    fn first_visit(&mut self, path: &Path) -> bool {
        let key = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.seen.insert(key)
    }

    fn file(&mut self, path: &Path) {
        if self.first_visit(path) {
            self.inputs.push(Input::from_file(path));
        }
    }

    fn dir(&mut self, dir: &Path) {
        if !self.first_visit(dir) {
            return;
        }
        let mut entries = match fs::read_dir(dir) {
            Ok(entries) => entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .collect::<Vec<_>>(),
            Err(e) => {
                self.problems.push(Problem::error(
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
                self.dir(&path);
            } else if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            {
                self.file(&path);
            } else {
                self.problems.push(Problem::skipped(
                    &path.display().to_string(),
                    "",
                    "not a .json file",
                ));
            }
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
    /// Used, but not as the subject of an evaluation (account-level facts).
    Note,
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

    pub fn note(source: &str, location: &str, message: impl Into<String>) -> Self {
        Problem {
            kind: ProblemKind::Note,
            ..Problem::error(source, location, message)
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
    let found = latest_versions(found, &mut report.problems);
    report.items = found.len();
    note_controls_needing_api_data(options, &found, &mut report.problems);

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
        if Evaluator::learns_from(&f.item.resource_type) && !f.item.is_gone() {
            report.problems.push(Problem::note(
                &f.source,
                &f.location,
                format!(
                    "account-level S3 Block Public Access of account {} taken into account for its buckets",
                    f.item.account_id.as_deref().or(f.item.resource_id.as_deref()).unwrap_or("(unknown)")
                ),
            ));
        }
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
        if !evaluator.covers(&f.item.resource_type)
            && !Evaluator::learns_from(&f.item.resource_type)
        {
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

/// Selected controls that need data fetched by API cannot be judged from files: say so once,
/// for the controls whose resources the input holds, rather than leave them silently out.
fn note_controls_needing_api_data(options: &Options, found: &[Found], problems: &mut Vec<Problem>) {
    let unjudged: Vec<String> = options
        .controls
        .iter()
        .filter(|c| matches!(c.check, ourside_core::control::Check::Enriched(..)))
        .filter_map(|c| {
            let items = found
                .iter()
                .filter(|f| c.applies_to(&f.item.resource_type))
                .count();
            let needs: Vec<&str> = c.check.needs().iter().map(|n| n.describe()).collect();
            (items > 0).then(|| format!("{} on {items} items (needs {})", c.id, needs.join(", ")))
        })
        .collect();
    let scheduled: Vec<&str> = options
        .controls
        .iter()
        .filter(|c| matches!(c.check, ourside_core::control::Check::Account(..)))
        .map(|c| c.id)
        .collect();
    if !scheduled.is_empty() {
        problems.push(Problem::note(
            "(scan)",
            "",
            format!(
                "account-level controls run on a schedule against the account's APIs, not on files: {}",
                scheduled.join(", ")
            ),
        ));
    }
    if !unjudged.is_empty() {
        problems.push(Problem::note(
            "(scan)",
            "",
            format!(
                "not judged offline, the deployed evaluator fetches what they need: {}",
                unjudged.join("; ")
            ),
        ));
    }
}

/// Keeps the newest item of each resource (by capture time; the later input wins a tie): Config
/// history output lists every past version, and judging an old one would report a state that
/// no longer exists. Older versions are reported as skipped.
fn latest_versions(found: Vec<Found>, problems: &mut Vec<Problem>) -> Vec<Found> {
    type Key = (Option<String>, Option<String>, String, String);
    let key = |f: &Found| -> Option<Key> {
        let id = f.item.resource_id.clone()?;
        Some((
            f.item.account_id.clone(),
            f.item.region.clone(),
            f.item.resource_type.config_name().to_string(),
            id,
        ))
    };
    let mut newest: BTreeMap<Key, usize> = BTreeMap::new();
    for (i, f) in found.iter().enumerate() {
        if let Some(k) = key(f) {
            let keep = match newest.get(&k) {
                Some(&j) => f.item.capture_time >= found[j].item.capture_time,
                None => true,
            };
            if keep {
                newest.insert(k, i);
            }
        }
    }
    let mut kept = Vec::with_capacity(found.len());
    for (i, f) in found.iter().enumerate() {
        let winner = key(f).and_then(|k| newest.get(&k).copied()).unwrap_or(i);
        if winner == i {
            continue;
        }
        let newer = &found[winner];
        problems.push(Problem::skipped(
            &f.source,
            &f.location,
            format!(
                "an older version of {} {}: superseded by the item captured {} ({}{})",
                f.item.resource_type,
                f.item.display_id(),
                newer
                    .item
                    .capture_time
                    .map_or_else(|| "later".to_string(), |t| t.to_rfc3339()),
                newer.source,
                if newer.location.is_empty() {
                    String::new()
                } else {
                    format!(" at {}", newer.location)
                }
            ),
        ));
    }
    for (i, f) in found.into_iter().enumerate() {
        let winner = key(&f).and_then(|k| newest.get(&k).copied()).unwrap_or(i);
        if winner == i {
            kept.push(f);
        }
    }
    kept
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

//! The paths measured, on raw event bytes.

use std::borrow::Cow;

use ourside_aws::deliver::Retry;
use ourside_aws::memory::{MemoryConfig, MemoryLambda, MemoryQueue};
use ourside_aws::report::{Batch, Reportable};
use ourside_core::asff::Subject;
use ourside_core::event::{Message, RuleEvent};
use ourside_core::record::Origin;
use ourside_core::registry::CONTROLS;
use ourside_core::rule::RuleInvocation;
use ourside_core::{ConfigurationItem, Evaluator, InputError, Selected, Timestamp, Trigger};
use ourside_evaluator::{handle, Run, Services};
use serde::de::IgnoredAny;
use serde::Deserialize;

/// The physical limit on the same bytes: the event and its embedded invoking event read into
/// `IgnoredAny` (every byte looked at, nothing kept).
pub fn parse_ignored(event: &str) -> Result<(), serde_json::Error> {
    #[derive(Deserialize)]
    struct Outer<'a> {
        #[serde(rename = "invokingEvent", borrow)]
        invoking_event: Cow<'a, str>,
        #[serde(flatten)]
        _rest: IgnoredAny,
    }
    let outer: Outer = serde_json::from_str(event)?;
    serde_json::from_str::<IgnoredAny>(&outer.invoking_event)?;
    Ok(())
}

/// Event bytes → typed configuration items (what every invocation starts with).
pub fn parse_items(event: &str) -> Result<Vec<ConfigurationItem>, InputError> {
    let event = RuleEvent::parse(event)?;
    Ok(match event.message {
        Message::ItemChanged(items) => items,
        Message::Oversized(summary) => vec![*summary],
        _ => Vec::new(),
    })
}

/// What the evaluator's path produced for one event.
#[derive(Debug, Default)]
pub struct Judged {
    pub evaluations: usize,
    /// Evaluations that could not be decided (a field that does not fit).
    pub errors: usize,
    /// What goes to Config and, serialised, to the findings queue: built by the evaluator's
    /// own code ([`Reportable::new`]).
    pub reportables: Vec<Reportable>,
    /// One serialised finding record per evaluation, as the queue adapter sends it.
    pub records: Vec<String>,
}

/// The controls that run on change (one rule each in a deployment).
pub fn change_controls() -> Vec<Selected> {
    CONTROLS
        .iter()
        .filter(|c| c.trigger == Trigger::Change)
        .map(|c| Selected::with_defaults(c))
        .collect()
}

/// The evaluator's path for one event, with every change-triggered control (as if each rule
/// had been invoked on an already parsed event): parse it, judge each item with `every`, and
/// build what goes out with the evaluator's own code (what goes to Config, and the finding
/// records serialised as the queue adapter sends them). Oversized notices are parsed only (the
/// deployed evaluator fetches the item by API).
pub fn evaluate_event(event: &str, every: &Evaluator, now: Timestamp) -> Result<Judged, String> {
    let invocation = RuleInvocation::parse(event).map_err(|e| e.to_string())?;
    let items = match &invocation.event.message {
        Message::ItemChanged(items) => items.as_slice(),
        _ => &[],
    };
    let batch = Batch {
        origin: Origin::Change,
        rule_name: invocation.event.config_rule_name.as_deref(),
        evaluated_at: now,
    };
    let mut judged = Judged::default();
    for item in items {
        let subject = Subject::of(item);
        let observed = item.capture_time.unwrap_or(now);
        for evaluation in every.evaluate(item, invocation.event.event_left_scope) {
            let Ok(verdict) = evaluation.outcome else {
                judged.errors += 1;
                continue;
            };
            judged.evaluations += 1;
            let reportable = Reportable::new(
                evaluation.control,
                &subject,
                &verdict,
                observed,
                invocation.event.event_left_scope || item.is_gone(),
                batch,
            );
            judged
                .records
                .push(reportable.record.to_json().map_err(|e| e.to_string())?);
            judged.reportables.push(reportable);
        }
    }
    Ok(judged)
}

/// The deployed evaluator, in process: [`ourside_evaluator::handle`] with the in-memory Config,
/// Lambda and queue adapters, on a single-threaded runtime. One call is one rule invocation.
pub struct Deployed {
    config: MemoryConfig,
    lambda: MemoryLambda,
    queue: MemoryQueue,
    runtime: tokio::runtime::Runtime,
    now: Timestamp,
}

impl Deployed {
    pub fn new(now: Timestamp) -> std::io::Result<Self> {
        Ok(Deployed {
            config: MemoryConfig::default(),
            lambda: MemoryLambda::default(),
            queue: MemoryQueue::default(),
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()?,
            now,
        })
    }

    /// Handles one rule event; returns the evaluations it reported.
    pub fn invoke(&self, event: &str) -> Result<usize, String> {
        let services = Services {
            config: &self.config,
            lambda: &self.lambda,
            evaluations: &self.config,
            findings: &self.queue,
        };
        let run = Run {
            now: self.now,
            retry: Retry::default(),
        };
        let handled = self
            .runtime
            .block_on(handle(event, &services, run))
            .map_err(|e| e.to_string())?;
        Ok(handled.reported.evaluations.items)
    }

    /// Forgets what was reported so far (the adapters keep everything they are given).
    pub fn clear(&self) {
        self.config
            .accepted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.queue
            .messages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

//! Sending parked messages back on: what a dead-letter queue (or the functions' invocation
//! failure queue) holds goes back where it came from, once the cause is fixed.
//!
//! Each message is judged by its body. A Lambda destination record (what an asynchronous
//! invocation's on-failure destination receives: `requestContext.functionArn` and
//! `requestPayload`) re-invokes that function asynchronously with the original event, byte for
//! byte; any other body (a finding record, an EventBridge event) is sent as it is to the target
//! queue: `--to`, else the queue whose redrive policy parks messages here.
//!
//! Nothing is lost and nothing is sent twice within a run: a message is received with a
//! visibility timeout that hides it for the run, deleted only after its send or invocation
//! succeeded, and a message id seen twice (SQS delivers at least once) is handled once. A
//! message that fails, and every message of a dry run, is made visible again at the end of the
//! run, so none comes back within it.

mod memory;
mod sdk;

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::time::Duration;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::AwsError;

pub use memory::{MemoryDeadLetters, MemoryInvoker, MemorySender};
pub use sdk::{LambdaInvoker, SqsDeadLetters, SqsSender};

/// SQS's largest page of received messages.
pub const MAX_PER_RECEIVE: usize = 10;

/// How long a received message stays hidden by default: long enough for a run of thousands of
/// messages, short enough that an interrupted run's messages soon reappear.
pub const DEFAULT_VISIBILITY: Duration = Duration::from_secs(300);

/// One received message of the parked queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parked {
    pub message_id: String,
    /// This receipt's handle: what delete and release name.
    pub receipt_handle: String,
    pub body: String,
}

/// The queue messages are parked on.
pub trait DeadLetters {
    /// Receives at most `max` (≤ 10) messages, hidden from other receives for `visibility`.
    fn receive(
        &self,
        max: usize,
        visibility: Duration,
    ) -> impl Future<Output = Result<Vec<Parked>, AwsError>>;

    /// Deletes a received message.
    fn delete(&self, receipt_handle: &str) -> impl Future<Output = Result<(), AwsError>>;

    /// Makes a received message visible again at once.
    fn release(&self, receipt_handle: &str) -> impl Future<Output = Result<(), AwsError>>;

    /// The queues whose redrive policy names this queue (`ListDeadLetterSourceQueues`).
    fn source_queues(&self) -> impl Future<Output = Result<Vec<String>, AwsError>>;
}

/// Where plain bodies go: any SQS queue, by URL.
pub trait Sender {
    fn send(&self, queue_url: &str, body: &str) -> impl Future<Output = Result<(), AwsError>>;
}

/// Where destination records go: an asynchronous invocation (`InvocationType` `Event`).
pub trait Invoker {
    fn invoke_async(
        &self,
        function: &str,
        payload: &str,
    ) -> impl Future<Output = Result<(), AwsError>>;
}

/// What to replay and where.
#[derive(Debug, Clone)]
pub struct Options {
    /// The queue plain bodies go to; `None`: the parked queue's single source queue.
    pub to: Option<String>,
    /// The function destination records re-invoke, instead of the one each record names.
    pub function: Option<String>,
    /// List what would happen; change nothing.
    pub dry_run: bool,
    /// At most this many messages.
    pub max: usize,
    /// How long received messages stay hidden during the run.
    pub visibility: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            to: None,
            function: None,
            dry_run: false,
            max: 100,
            visibility: DEFAULT_VISIBILITY,
        }
    }
}

/// Where one message goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Queue(String),
    Function(String),
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Queue(url) => write!(f, "queue {url}"),
            Target::Function(name) => write!(f, "function {name}"),
        }
    }
}

/// What happened to one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Moved,
    WouldMove,
    /// Still parked (or, when only its deletion failed, already sent: the reason says so).
    Failed(String),
}

/// One line of the report: one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub message_id: String,
    /// `None` when no target could be found.
    pub target: Option<Target>,
    /// What the message is, never its content: the control and resource of a finding record,
    /// the function and condition of a destination record, the detail type and resource of an
    /// EventBridge event.
    pub description: String,
    pub outcome: Outcome,
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = match &self.outcome {
            Outcome::Moved => "moved",
            Outcome::WouldMove => "would move",
            Outcome::Failed(_) => "failed",
        };
        write!(f, "{status} {}", self.message_id)?;
        if let Some(target) = &self.target {
            write!(f, " -> {target}")?;
        }
        write!(f, " ({})", self.description)?;
        if let Outcome::Failed(reason) = &self.outcome {
            write!(f, ": {reason}")?;
        }
        Ok(())
    }
}

/// A run's result: one line per message, and what else went wrong.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub lines: Vec<Line>,
    /// Why the run stopped before `max` messages or an empty queue (a failed receive).
    pub stopped: Option<String>,
    /// Messages that could not be made visible again: they reappear when their visibility
    /// timeout ends.
    pub warnings: Vec<String>,
}

impl Report {
    fn count(&self, wanted: fn(&Outcome) -> bool) -> usize {
        self.lines.iter().filter(|l| wanted(&l.outcome)).count()
    }

    pub fn moved(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Moved))
    }

    pub fn would_move(&self) -> usize {
        self.count(|o| matches!(o, Outcome::WouldMove))
    }

    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed(_)))
    }

    /// Every message moved (or would move), and the run was not cut short.
    pub fn succeeded(&self) -> bool {
        self.failed() == 0 && self.stopped.is_none()
    }

    /// `2 moved, 0 would move, 1 failed`.
    pub fn summary(&self) -> String {
        format!(
            "{} moved, {} would move, {} failed",
            self.moved(),
            self.would_move(),
            self.failed()
        )
    }
}

/// An asynchronous invocation's record, as Lambda sends it to an on-failure destination.
#[derive(Deserialize)]
struct DestinationRecord<'a> {
    #[serde(rename = "requestContext")]
    request_context: RequestContext,
    /// The original event, exactly as it was.
    #[serde(rename = "requestPayload", borrow)]
    request_payload: &'a RawValue,
}

#[derive(Deserialize)]
struct RequestContext {
    #[serde(rename = "functionArn")]
    function_arn: String,
    #[serde(default)]
    condition: Option<String>,
    #[serde(rename = "approximateInvokeCount", default)]
    approximate_invoke_count: Option<u64>,
}

/// How a body is sent back on.
enum Kind<'a> {
    /// Re-invoke this function with this payload.
    Invoke { function: String, payload: &'a str },
    /// Send the body to the target queue.
    Send,
}

/// Where one message goes, with what.
enum Route<'a> {
    Invoke { function: String, payload: &'a str },
    Send { url: String },
}

impl Route<'_> {
    fn target(&self) -> Target {
        match self {
            Route::Invoke { function, .. } => Target::Function(function.clone()),
            Route::Send { url } => Target::Queue(url.clone()),
        }
    }
}

/// The function to invoke for a record's `functionArn`: the ARN as it is, except an explicit
/// `$LATEST`, which is what an unqualified name invokes anyway.
fn function_of(arn: &str) -> String {
    arn.strip_suffix(":$LATEST").unwrap_or(arn).to_string()
}

/// The name in a function ARN (`arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`).
fn function_name(arn: &str) -> &str {
    arn.split(':').nth(6).unwrap_or(arn)
}

/// What a body is (never what it holds), and how it goes back.
fn classify(body: &str) -> (Kind<'_>, String) {
    if let Ok(record) = serde_json::from_str::<DestinationRecord<'_>>(body) {
        let context = &record.request_context;
        let mut description = format!(
            "destination record of {}",
            function_name(&context.function_arn)
        );
        if let Some(condition) = &context.condition {
            description.push_str(&format!(", {condition}"));
        }
        if let Some(count) = context.approximate_invoke_count {
            description.push_str(&format!(" after {count} attempts"));
        }
        let kind = Kind::Invoke {
            function: function_of(&context.function_arn),
            payload: record.request_payload.get(),
        };
        return (kind, description);
    }
    let description = match serde_json::from_str::<serde_json::Value>(body) {
        Ok(value) => describe_json(&value, body.len()),
        Err(_) => format!("{} bytes, not JSON", body.len()),
    };
    (Kind::Send, description)
}

fn describe_json(value: &serde_json::Value, len: usize) -> String {
    let text = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).map(str::to_string);
    if let Some(control) = text(value.get("controlId")) {
        let mut description = format!("finding record {control}");
        if let Some(resource) = text(value.get("resourceId")) {
            description.push_str(&format!(" on {resource}"));
        }
        return description;
    }
    if let Some(detail_type) = text(value.get("detail-type")) {
        let mut description = format!("event {detail_type:?}");
        let resource = text(value.pointer("/detail/resourceId")).or_else(|| {
            text(
                value
                    .get("resources")
                    .and_then(|r| r.as_array())
                    .and_then(|r| r.first()),
            )
        });
        if let Some(resource) = resource {
            description.push_str(&format!(" for {resource}"));
        }
        return description;
    }
    format!("{len} bytes of JSON")
}

/// Replays at most `options.max` messages of `parked`: see the module's documentation.
pub async fn replay(
    parked: &impl DeadLetters,
    sender: &impl Sender,
    invoker: &impl Invoker,
    options: &Options,
) -> Report {
    let mut run = Run {
        parked,
        sender,
        invoker,
        options,
        report: Report::default(),
        seen: HashMap::new(),
        to_release: Vec::new(),
        source: None,
    };
    let mut idle = 0;
    while run.report.lines.len() < options.max {
        let want = (options.max - run.report.lines.len()).min(MAX_PER_RECEIVE);
        let page = match parked.receive(want, options.visibility).await {
            Ok(page) => page,
            Err(e) => {
                run.report.stopped = Some(e.to_string());
                break;
            }
        };
        if page.is_empty() {
            break;
        }
        let mut new = 0;
        for message in page {
            if run.handle(message).await {
                new += 1;
            }
        }
        // Pages of copies only, twice in a row: what is left was handled already.
        idle = if new == 0 { idle + 1 } else { 0 };
        if idle == 2 {
            break;
        }
    }
    run.release_held().await;
    run.report
}

/// How a message seen before was left, for the copies SQS may hand out again.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Seen {
    /// Sent (and deleted, unless that failed): a copy is deleted, never sent again.
    Sent,
    /// Left parked: a copy is released at the end like the first.
    Held,
}

struct Run<'a, D, S, I> {
    parked: &'a D,
    sender: &'a S,
    invoker: &'a I,
    options: &'a Options,
    report: Report,
    seen: HashMap<String, Seen>,
    /// Receipts to make visible again at the end: failed messages and a dry run's.
    to_release: Vec<(String, String)>,
    /// The parked queue's source queue, or why there is none: looked up once, when a plain
    /// body first needs it.
    source: Option<Result<String, String>>,
}

impl<D: DeadLetters, S: Sender, I: Invoker> Run<'_, D, S, I> {
    /// Handles one received message; `false` when it is a copy of one already handled.
    async fn handle(&mut self, message: Parked) -> bool {
        if let Some(seen) = self.seen.get(&message.message_id).copied() {
            match seen {
                Seen::Sent => {
                    if let Err(e) = self.parked.delete(&message.receipt_handle).await {
                        self.report.warnings.push(format!(
                            "{}: a second copy of a moved message is still parked: {e}",
                            message.message_id
                        ));
                    }
                }
                Seen::Held => self
                    .to_release
                    .push((message.message_id, message.receipt_handle)),
            }
            return false;
        }
        if self.report.lines.len() >= self.options.max {
            // Beyond --max (a page never holds more than asked; this is defence): left as it was.
            self.to_release
                .push((message.message_id, message.receipt_handle));
            return false;
        }
        let (kind, description) = classify(&message.body);
        let route = match kind {
            Kind::Invoke { function, payload } => Ok(Route::Invoke {
                function: self.options.function.clone().unwrap_or(function),
                payload,
            }),
            Kind::Send => self.queue_target().await.map(|url| Route::Send { url }),
        };
        let (outcome, sent) = match &route {
            Err(reason) => (Outcome::Failed(reason.clone()), false),
            Ok(_) if self.options.dry_run => (Outcome::WouldMove, false),
            Ok(route) => self.forward(route, &message).await,
        };
        if sent {
            self.seen.insert(message.message_id.clone(), Seen::Sent);
        } else {
            self.seen.insert(message.message_id.clone(), Seen::Held);
            self.to_release
                .push((message.message_id.clone(), message.receipt_handle));
        }
        self.report.lines.push(Line {
            message_id: message.message_id,
            target: route.as_ref().ok().map(Route::target),
            description,
            outcome,
        });
        true
    }

    /// Sends or invokes, then deletes. Says whether it was sent: a message sent but not
    /// deleted is not made visible again, so this run does not send it twice.
    async fn forward(&self, route: &Route<'_>, message: &Parked) -> (Outcome, bool) {
        let sent = match route {
            Route::Invoke { function, payload } => {
                self.invoker.invoke_async(function, payload).await
            }
            Route::Send { url } => self.sender.send(url, &message.body).await,
        };
        if let Err(e) = sent {
            return (Outcome::Failed(e.to_string()), false);
        }
        match self.parked.delete(&message.receipt_handle).await {
            Ok(()) => (Outcome::Moved, true),
            Err(e) => (
                Outcome::Failed(format!(
                    "sent, but still parked (a later run would send it again): {e}"
                )),
                true,
            ),
        }
    }

    /// `--to`, else the single source queue.
    async fn queue_target(&mut self) -> Result<String, String> {
        if let Some(to) = &self.options.to {
            return Ok(to.clone());
        }
        if self.source.is_none() {
            let found = match self.parked.source_queues().await {
                Err(e) => Err(format!("cannot find where it came from ({e}): pass --to URL")),
                Ok(queues) => match queues.as_slice() {
                    [one] => Ok(one.clone()),
                    [] => Err("no queue sends its failures here (ListDeadLetterSourceQueues found none): pass --to URL".to_string()),
                    several => Err(format!(
                        "{} queues send their failures here ({}): pass --to URL",
                        several.len(),
                        several.join(", ")
                    )),
                },
            };
            self.source = Some(found);
        }
        self.source
            .clone()
            .unwrap_or_else(|| Err("no target queue: pass --to URL".to_string()))
    }

    /// Makes every held message visible again.
    async fn release_held(&mut self) {
        for (message_id, receipt) in std::mem::take(&mut self.to_release) {
            if let Err(e) = self.parked.release(&receipt).await {
                self.report.warnings.push(format!(
                    "{message_id} stays hidden until its visibility timeout ends ({} s): {e}",
                    self.options.visibility.as_secs()
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests;

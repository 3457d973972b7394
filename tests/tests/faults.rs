//! Faults end to end: the functions' handlers with the real SDK clients, through the
//! fault-injecting proxy, against the local emulator (moto). Lambda's part — invoking the
//! evaluator asynchronously with two retries and an on-failure destination, polling the queues
//! in batches, deleting what a handler acknowledged and letting SQS redeliver the rest, then
//! dead-lettering after five receives — is played here as the template configures it, talking
//! to the emulator directly (it is AWS's own machinery, not ours).
//!
//! What is checked is what reached the services, read back from the emulator: every
//! evaluation in Config once per resource, every finding in Security Hub once per id, every
//! alert published once, with the right content — or parked where a replay sends it on.
//! Each scenario prints its figures (`cargo test --test faults -- --nocapture`).

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use futures_util::stream::{self, StreamExt};
use ourside_alerter::Ledger;
use ourside_aws::clients::Settings;
use ourside_aws::config::ConfigApi;
use ourside_aws::deliver::Retry;
use ourside_aws::emulator::{
    create_function, create_ledger_table, create_queue, create_queue_with_dlq, create_topic,
    receive_all, Moto, ACCOUNT_ID, REGION,
};
use ourside_aws::faults::{Fault, FaultProxy, Plan, Tally};
use ourside_aws::lambda::LambdaApi;
use ourside_aws::ledger::DynamoLedger;
use ourside_aws::memory::{MemoryConfig, MemoryHub, MemoryLambda, MemoryQueue};
use ourside_aws::replay::{self, replay, LambdaInvoker, SqsDeadLetters, SqsSender};
use ourside_aws::securityhub::SecurityHubApi;
use ourside_aws::sns::SnsTopic;
use ourside_aws::sqs::SqsQueue;
use ourside_core::Timestamp;
use ourside_lambda::events::{self, sqs_event, ComplianceChange, Rule};
use ourside_lambda::Run;
use serde_json::{json, Value};

const RULE: Rule<'static> = Rule {
    name: "ourside-S3-2",
    account_id: ACCOUNT_ID,
    region: REGION,
};
const NOW: &str = "2026-06-01T00:00:00Z";
const NOTIFIED_AT: &str = "2026-05-31T23:59:30.000Z";
/// The findings queue's redrive policy in the template (and [`create_queue_with_dlq`]'s).
const MAX_RECEIVES: i32 = 5;
/// Lambda's asynchronous invocations: the first and the template's two retries.
const ASYNC_ATTEMPTS: usize = 3;
/// The publisher's batch size in the template.
const BATCH_SIZE: usize = 100;
/// Invocations Lambda runs at once here.
const CONCURRENCY: usize = 16;
/// The clients' attempt timeout: long enough that a busy machine's emulator does not pass for a
/// slow answer (each would send its call again).
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(1_000);
/// Past the clients' attempt timeout.
const SLOW: Duration = Duration::from_millis(2_500);
/// The evaluator's function name.
const EVALUATOR: &str = "ourside-evaluator";

/// A bucket, public to read (S3.2 NON_COMPLIANT) or not.
fn bucket(i: usize) -> Value {
    let name = format!("backfill-{i:05}");
    let public = i % 5 < 3;
    let mut supplementary = json!({
        "PublicAccessBlockConfiguration": {
            "blockPublicAcls": true, "ignorePublicAcls": true,
            "blockPublicPolicy": !public, "restrictPublicBuckets": !public
        }
    });
    if public {
        let policy = json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
                "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{name}/*")
            }]
        });
        supplementary["BucketPolicy"] = json!({"policyText": policy.to_string()});
    }
    json!({
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": "2026-05-31T23:58:00.000Z",
        "configurationStateId": 1780271880000u64 + i as u64,
        "awsAccountId": ACCOUNT_ID,
        "configurationItemStatus": "OK",
        "resourceType": "AWS::S3::Bucket",
        "resourceId": name,
        "resourceName": name,
        "ARN": format!("arn:aws:s3:::{name}"),
        "awsRegion": REGION,
        "availabilityZone": "Regional",
        "tags": {"team": "data"},
        "relationships": [],
        "configuration": {"name": name, "owner": {"id": "8f2e4c0a7b1d"}},
        "supplementaryConfiguration": supplementary
    })
}

/// The rule's events for `count` buckets. The result token is the rule's name: the emulator
/// files evaluations under their token and answers for a rule with those under its name.
fn backfill(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            events::rule_event(
                RULE,
                &events::change(&bucket(i), NOTIFIED_AT),
                &json!({"controlId": "S3.2"}),
                RULE.name,
                false,
            )
        })
        .collect()
}

fn run(deadline: Duration) -> Run {
    Run {
        now: Timestamp::parse(NOW).unwrap(),
        retry: Retry {
            attempts: 4,
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(200),
            deadline: Some(Instant::now() + deadline),
        },
    }
}

/// What a fault-free run yields, in memory: the oracle.
struct Expected {
    /// (resource id, compliance) of every evaluation.
    evaluations: BTreeSet<(String, String)>,
    /// Finding id → its compliance status.
    findings: BTreeMap<String, String>,
}

async fn expected(events: &[String]) -> Expected {
    let config = MemoryConfig::default();
    let lambda = MemoryLambda::default();
    let queue = MemoryQueue::default();
    let services = ourside_evaluator::Services {
        config: &config,
        lambda: &lambda,
        evaluations: &config,
        findings: &queue,
    };
    for event in events {
        Box::pin(ourside_evaluator::handle(
            event,
            &services,
            run(Duration::from_secs(60)),
        ))
        .await
        .expect("judged in memory");
    }
    let hub = MemoryHub::default();
    let messages: Vec<(String, String)> = queue
        .messages()
        .into_iter()
        .enumerate()
        .map(|(i, body)| (format!("m{i}"), body))
        .collect();
    for chunk in messages.chunks(BATCH_SIZE) {
        Box::pin(ourside_publisher::handle(
            &sqs_event(chunk),
            &hub,
            REGION,
            run(Duration::from_secs(60)),
        ))
        .await
        .expect("published in memory");
    }
    let findings = hub
        .findings
        .lock()
        .unwrap()
        .iter()
        .map(|(id, f)| (id.clone(), compliance_status(f)))
        .collect();
    Expected {
        evaluations: config
            .accepted()
            .into_iter()
            .map(|e| (e.resource_id, e.compliance.as_str().to_string()))
            .collect(),
        findings,
    }
}

fn compliance_status(finding: &Value) -> String {
    finding["Compliance"]["Status"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The emulator, the proxy in front of it, and the deployment's queues.
struct Stack {
    _moto: Moto,
    proxy: FaultProxy,
    /// Straight to the emulator: Lambda's own machinery and the checks.
    direct: SdkConfig,
    /// Through the proxy: the functions' clients.
    faulty: SdkConfig,
    /// The same, for the clients built from settings (Security Hub's).
    faulty_settings: Settings,
    findings: String,
    findings_dlq: String,
    /// The evaluator's on-failure destination.
    invocation_failures: String,
}

impl Stack {
    async fn start(plan: Plan) -> Stack {
        let moto = Moto::start().expect("the emulator starts");
        // Lambda's machinery is patient with a busy emulator.
        let direct = Settings {
            max_attempts: 5,
            attempt_timeout: Duration::from_secs(30),
            operation_timeout: Duration::from_secs(120),
            ..moto.settings()
        }
        .sdk_config();
        let proxy = FaultProxy::start(&moto.endpoint(), plan).expect("the proxy starts");
        let faulty_settings = Settings {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(20),
            attempt_timeout: ATTEMPT_TIMEOUT,
            operation_timeout: Duration::from_secs(8),
            ..proxy.settings()
        };
        let faulty = faulty_settings.sdk_config();
        let (findings, findings_dlq) = create_queue_with_dlq(&direct, "ourside-findings").await;
        let invocation_failures = create_queue(&direct, "ourside-invocation-failures").await;
        // The function a replayed destination record re-invokes; the proxy records the
        // invocation, and Lambda's part here runs it.
        moto.lambda_without_docker()
            .expect("the emulator's Lambda runs no code");
        let role = moto
            .create_role("ourside-evaluator")
            .expect("the emulator creates the role");
        create_function(&direct, EVALUATOR, &role).await;
        aws_sdk_securityhub::Client::new(&direct)
            .enable_security_hub()
            .send()
            .await
            .expect("the emulator enables Security Hub");
        Stack {
            _moto: moto,
            proxy,
            direct,
            faulty,
            faulty_settings,
            findings,
            findings_dlq,
            invocation_failures,
        }
    }

    /// Lambda's asynchronous invocation of the evaluator: up to three attempts, then the event
    /// goes to the on-failure destination. Returns the attempts made and whether it was parked.
    async fn invoke_evaluator(&self, event: &str) -> (usize, bool) {
        let config = ConfigApi::new(&self.faulty);
        let lambda = LambdaApi::new(&self.faulty);
        let queue = SqsQueue::new(&self.faulty, self.findings.clone());
        let services = ourside_evaluator::Services {
            config: &config,
            lambda: &lambda,
            evaluations: &config,
            findings: &queue,
        };
        let mut last_error = String::new();
        for attempt in 1..=ASYNC_ATTEMPTS {
            match Box::pin(ourside_evaluator::handle(
                event,
                &services,
                run(Duration::from_secs(30)),
            ))
            .await
            {
                Ok(_) => return (attempt, false),
                Err(e) => last_error = e.to_string(),
            }
        }
        let record = json!({
            "version": "1.0",
            "timestamp": NOW,
            "requestContext": {
                "requestId": format!("{:x}", event.len()),
                "functionArn": format!("arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{EVALUATOR}:$LATEST"),
                "condition": "RetriesExhausted",
                "approximateInvokeCount": ASYNC_ATTEMPTS
            },
            "requestPayload": serde_json::from_str::<Value>(event).unwrap(),
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
            "responsePayload": {"errorType": "Failure", "errorMessage": last_error}
        });
        aws_sdk_sqs::Client::new(&self.direct)
            .send_message()
            .queue_url(&self.invocation_failures)
            .message_body(record.to_string())
            .send()
            .await
            .expect("the emulator takes the destination record");
        (ASYNC_ATTEMPTS, true)
    }

    /// Every event through the evaluator, [`CONCURRENCY`] at a time.
    async fn backfill(&self, events: &[String]) -> Invoked {
        let outcomes: Vec<(usize, bool)> = stream::iter(events)
            .map(|event| self.invoke_evaluator(event))
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        Invoked {
            invocations: outcomes.iter().map(|(attempts, _)| attempts).sum(),
            parked: outcomes.iter().filter(|(_, parked)| *parked).count(),
        }
    }

    /// Lambda's event source mapping for the publisher: batches of up to 100 messages, what
    /// the handler acknowledges deleted, the rest visible again at once (the time a visibility
    /// timeout takes, skipped); SQS dead-letters a message on its sixth receive.
    async fn drain_findings(&self) -> Drained {
        let sqs = aws_sdk_sqs::Client::new(&self.direct);
        let hub = SecurityHubApi::new(&self.faulty_settings);
        let mut drained = Drained::default();
        loop {
            let batch = receive_batch(&sqs, &self.findings).await;
            if batch.is_empty() {
                return drained;
            }
            drained.batches += 1;
            let (imported, failed) = self.publish(&sqs, &hub, &batch).await;
            drained.imported += imported.unwrap_or(0);
            drained.redelivered += failed;
            drained.acknowledged += batch.len() - failed;
        }
    }

    /// One batch through the publisher, settled as the event source mapping settles it:
    /// findings imported (`None` when the whole invocation failed) and messages left for
    /// redelivery.
    async fn publish(
        &self,
        sqs: &aws_sdk_sqs::Client,
        hub: &SecurityHubApi,
        batch: &[(String, String, String)],
    ) -> (Option<usize>, usize) {
        let messages: Vec<(String, String)> = batch
            .iter()
            .map(|(id, _, body)| (id.clone(), body.clone()))
            .collect();
        let handled = Box::pin(ourside_publisher::handle(
            &sqs_event(&messages),
            hub,
            REGION,
            run(Duration::from_secs(30)),
        ))
        .await;
        let (imported, failed): (Option<usize>, BTreeSet<String>) = match handled {
            Ok(published) => (
                Some(published.imported),
                published
                    .response
                    .failed_ids()
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
            ),
            Err(_) => (None, messages.into_iter().map(|(id, _)| id).collect()),
        };
        settle(sqs, &self.findings, batch, &failed).await;
        (imported, failed.len())
    }

    /// The operator's `ourside replay-dlq` once the outage is over: parked invocations
    /// re-invoke the evaluator (the proxy records the invocations and Lambda's part here runs
    /// them), parked finding records go back to the findings queue. Returns how many of each.
    async fn replay_parked(&self) -> (usize, usize) {
        let options = replay::Options {
            max: 10_000,
            ..replay::Options::default()
        };
        let sender = SqsSender::new(&self.faulty);
        let invoker = LambdaInvoker::new(&self.faulty);
        let invoked_before = self.proxy.delivered("lambda:Invoke").len();
        let invocations = replay(
            &SqsDeadLetters::new(&self.faulty, self.invocation_failures.clone()),
            &sender,
            &invoker,
            &options,
        )
        .await;
        assert!(invocations.succeeded(), "{}", invocations.summary());
        for payload in &self.proxy.delivered("lambda:Invoke")[invoked_before..] {
            let event = String::from_utf8(payload.clone()).expect("a JSON event");
            let (_, parked) = self.invoke_evaluator(&event).await;
            assert!(!parked, "the outage is over");
        }
        let findings = replay(
            &SqsDeadLetters::new(&self.faulty, self.findings_dlq.clone()),
            &sender,
            &invoker,
            &options,
        )
        .await;
        assert!(findings.succeeded(), "{}", findings.summary());
        (invocations.moved(), findings.moved())
    }

    /// Config's evaluations for the rule, as (resource id, compliance), each once.
    async fn config_evaluations(&self) -> Vec<(String, String)> {
        let config = aws_sdk_config::Client::new(&self.direct);
        let mut evaluations = Vec::new();
        let mut token = None;
        loop {
            let page = config
                .get_compliance_details_by_config_rule()
                .config_rule_name(RULE.name)
                .limit(100)
                .set_next_token(token)
                .send()
                .await
                .expect("the emulator lists the rule's evaluations");
            for result in page.evaluation_results() {
                let resource = result
                    .evaluation_result_identifier()
                    .and_then(|i| i.evaluation_result_qualifier())
                    .and_then(|q| q.resource_id())
                    .unwrap_or_default();
                let compliance = result
                    .compliance_type()
                    .map(|c| c.as_str().to_string())
                    .unwrap_or_default();
                evaluations.push((resource.to_string(), compliance));
            }
            token = page.next_token().map(str::to_string);
            if token.is_none() {
                return evaluations;
            }
        }
    }

    /// Security Hub's findings, as (id, compliance status), as many times as it holds each.
    async fn hub_findings(&self) -> Vec<(String, String)> {
        let hub = aws_sdk_securityhub::Client::new(&self.direct);
        let mut findings = Vec::new();
        let mut token = None;
        loop {
            let page = hub
                .get_findings()
                .max_results(100)
                .set_next_token(token)
                .send()
                .await
                .expect("the emulator lists its findings");
            for finding in page.findings() {
                findings.push((
                    finding.id().unwrap_or_default().to_string(),
                    finding
                        .compliance()
                        .and_then(|c| c.status())
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                ));
            }
            token = page.next_token().map(str::to_string);
            if token.as_deref().is_none_or(str::is_empty) {
                return findings;
            }
        }
    }

    async fn depth(&self, queue_url: &str) -> usize {
        let attributes = aws_sdk_sqs::Client::new(&self.direct)
            .get_queue_attributes()
            .queue_url(queue_url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::All)
            .send()
            .await
            .expect("the emulator answers");
        let count = |name: aws_sdk_sqs::types::QueueAttributeName| {
            attributes
                .attributes()
                .and_then(|a| a.get(&name))
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0)
        };
        count(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
            + count(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
    }
}

#[derive(Debug, Default)]
struct Invoked {
    invocations: usize,
    parked: usize,
}

#[derive(Debug, Default)]
struct Drained {
    batches: usize,
    imported: usize,
    acknowledged: usize,
    redelivered: usize,
}

/// Up to a batch of messages, as (message id, receipt handle, body).
async fn receive_batch(
    sqs: &aws_sdk_sqs::Client,
    queue_url: &str,
) -> Vec<(String, String, String)> {
    let mut batch = Vec::new();
    while batch.len() < BATCH_SIZE {
        let received = sqs
            .receive_message()
            .queue_url(queue_url)
            .max_number_of_messages(10)
            .visibility_timeout(300)
            .send()
            .await
            .expect("the emulator's queue answers");
        if received.messages().is_empty() {
            break;
        }
        for message in received.messages() {
            batch.push((
                message.message_id().unwrap_or_default().to_string(),
                message.receipt_handle().unwrap_or_default().to_string(),
                message.body().unwrap_or_default().to_string(),
            ));
        }
    }
    batch
}

/// Deletes what was acknowledged; what failed becomes visible again.
async fn settle(
    sqs: &aws_sdk_sqs::Client,
    queue_url: &str,
    batch: &[(String, String, String)],
    failed: &BTreeSet<String>,
) {
    for (id, handle, _) in batch {
        if failed.contains(id) {
            sqs.change_message_visibility()
                .queue_url(queue_url)
                .receipt_handle(handle)
                .visibility_timeout(0)
                .send()
                .await
                .expect("the emulator releases the message");
        } else {
            sqs.delete_message()
                .queue_url(queue_url)
                .receipt_handle(handle)
                .send()
                .await
                .expect("the emulator deletes the message");
        }
    }
}

/// The alerter behind its queue, as Lambda's event source mapping runs it (batches of 10).
struct Alerter<'a> {
    sqs: &'a aws_sdk_sqs::Client,
    queue: &'a str,
    topic: SnsTopic,
    ledger: Ledger<DynamoLedger>,
    policy: ourside_core::alert::AlertPolicy,
}

#[derive(Debug, Default)]
struct Round {
    acknowledged: usize,
}

impl Alerter<'_> {
    async fn enqueue(&self, event: &str) {
        self.sqs
            .send_message()
            .queue_url(self.queue)
            .message_body(event)
            .send()
            .await
            .expect("the emulator takes the event");
    }

    /// Hands everything on the queue to the alerter once; `None` when the queue is empty.
    async fn round(&self) -> Option<Round> {
        let messages = receive_all_batches(self.sqs, self.queue).await;
        if messages.is_empty() {
            return None;
        }
        let mut round = Round::default();
        for chunk in messages.chunks(10) {
            let batch: Vec<(String, String)> = chunk
                .iter()
                .map(|(id, _, body)| (id.clone(), body.clone()))
                .collect();
            let alerted = Box::pin(ourside_alerter::handle(
                &sqs_event(&batch),
                &self.topic,
                &self.ledger,
                &self.policy,
                run(Duration::from_secs(30)),
            ))
            .await
            .expect("a batch is handled");
            let failed: BTreeSet<String> = alerted
                .response
                .failed_ids()
                .into_iter()
                .map(str::to_string)
                .collect();
            round.acknowledged += chunk.len() - failed.len();
            settle(self.sqs, self.queue, chunk, &failed).await;
        }
        Some(round)
    }
}

/// Runs a scenario on its own thread with room for the handlers' futures, as unoptimised test
/// builds make them.
fn on_a_large_stack<F, Fut>(scenario: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    let thread = std::thread::Builder::new()
        .stack_size(32 << 20)
        .spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime")
                .block_on(scenario())
        })
        .expect("a thread");
    if let Err(panic) = thread.join() {
        std::panic::resume_unwind(panic);
    }
}

fn failed_calls(tallies: &BTreeMap<String, Tally>) -> usize {
    tallies.values().map(Tally::failed).sum()
}

fn print_tallies(scenario: &str, tallies: &BTreeMap<String, Tally>) {
    for (operation, tally) in tallies {
        println!(
            "{scenario}: {operation}: {} calls, {} failed by the proxy {:?}, {} reached the emulator",
            tally.calls,
            tally.failed(),
            tally.faults,
            tally.forwarded
        );
    }
}

/// Each (id, value) once, and how many came more than once.
fn counted(pairs: Vec<(String, String)>) -> (BTreeMap<String, String>, usize) {
    let mut seen = BTreeMap::new();
    let mut duplicates = 0;
    for (id, value) in pairs {
        if seen.insert(id, value).is_some() {
            duplicates += 1;
        }
    }
    (seen, duplicates)
}

#[test]
fn a_backfill_with_a_third_of_calls_failing_delivers_everything_exactly_once() {
    on_a_large_stack(
        a_backfill_with_a_third_of_calls_failing_delivers_everything_exactly_once_scenario,
    );
}

async fn a_backfill_with_a_third_of_calls_failing_delivers_everything_exactly_once_scenario() {
    const RESOURCES: usize = 2_000;
    let started = Instant::now();
    let events = backfill(RESOURCES);
    let expected = expected(&events).await;
    assert_eq!(expected.evaluations.len(), RESOURCES);
    assert!(!expected.findings.is_empty());

    let plan = Plan::seeded(2026)
        .fail("config:*", 0.3, &Fault::all(SLOW))
        .fail("sqs:*", 0.3, &Fault::all(SLOW))
        .fail("securityhub:*", 0.3, &Fault::all(SLOW))
        .record("lambda:*");
    let stack = Stack::start(plan).await;
    let invoked = stack.backfill(&events).await;
    let drained = stack.drain_findings().await;
    let tallies = stack.proxy.tallies();
    print_tallies("backfill", &tallies);
    for operation in [
        "config:PutEvaluations",
        "sqs:SendMessageBatch",
        "securityhub:GetFindings",
        "securityhub:BatchImportFindings",
    ] {
        let tally = &tallies[operation];
        let share = tally.failed() as f64 / tally.calls as f64;
        assert!((0.2..0.4).contains(&share), "{operation}: {tally:?}");
    }
    let parked_findings = stack.depth(&stack.findings_dlq).await;
    assert_eq!(
        stack.depth(&stack.invocation_failures).await,
        invoked.parked
    );

    // The outage is over: the operator replays what was parked, then Lambda's pollers drain
    // the findings queue again.
    stack.proxy.set_plan(Plan::seeded(2026).record("lambda:*"));
    let (replayed_invocations, replayed_findings) = stack.replay_parked().await;
    assert_eq!(replayed_invocations, invoked.parked);
    assert_eq!(replayed_findings, parked_findings);
    let drained_after = stack.drain_findings().await;

    // Any event handled again (Config re-sends, an operator replays) changes nothing.
    let again = stack.backfill(&events[..200]).await;
    assert_eq!(again.parked, 0);
    stack.drain_findings().await;

    let (evaluations, duplicate_evaluations) = counted(stack.config_evaluations().await);
    let (findings, duplicate_findings) = counted(stack.hub_findings().await);
    println!(
        "backfill: {RESOURCES} resources, {} evaluator invocations, {} parked after three \
         attempts, {} failed calls; {} publisher batches, {} messages redelivered, {} parked; \
         replayed {replayed_invocations} invocations and {replayed_findings} finding records \
         ({} more batches), 200 events handled twice; Config holds {} evaluations ({} \
         duplicates), Security Hub {} findings ({} duplicates); {:.1} s",
        invoked.invocations,
        invoked.parked,
        failed_calls(&tallies),
        drained.batches,
        drained.redelivered,
        parked_findings,
        drained_after.batches,
        evaluations.len(),
        duplicate_evaluations,
        findings.len(),
        duplicate_findings,
        started.elapsed().as_secs_f64()
    );
    assert_eq!(duplicate_evaluations, 0);
    assert_eq!(duplicate_findings, 0);
    for queue in [
        &stack.findings,
        &stack.findings_dlq,
        &stack.invocation_failures,
    ] {
        assert_eq!(stack.depth(queue).await, 0, "{queue}");
    }
    let evaluations: BTreeSet<(String, String)> = evaluations.into_iter().collect();
    assert_eq!(evaluations, expected.evaluations);
    assert_eq!(findings, expected.findings);
}

#[test]
fn with_security_hub_down_nothing_is_acknowledged_and_everything_lands_later() {
    on_a_large_stack(
        with_security_hub_down_nothing_is_acknowledged_and_everything_lands_later_scenario,
    );
}

async fn with_security_hub_down_nothing_is_acknowledged_and_everything_lands_later_scenario() {
    const RESOURCES: usize = 150;
    let events = backfill(RESOURCES);
    let expected = expected(&events).await;
    let down = Plan::seeded(7).fail(
        "securityhub:*",
        1.0,
        &[
            Fault::Unavailable,
            Fault::Throttle,
            Fault::InternalError,
            Fault::Dropped,
        ],
    );
    let stack = Stack::start(down).await;
    let invoked = stack.backfill(&events).await;
    assert_eq!(invoked.parked, 0);
    // One record per evaluation: a finding to import, or an archive record to check.
    assert_eq!(stack.depth(&stack.findings).await, RESOURCES);

    // Rounds of the outage, fewer than the redrive limit: without the stored state no record
    // can be judged, so nothing is acknowledged and every message comes back.
    let sqs = aws_sdk_sqs::Client::new(&stack.direct);
    let hub = SecurityHubApi::new(&stack.faulty_settings);
    for round in 1..MAX_RECEIVES {
        let before = stack.proxy.tally("securityhub:GetFindings").calls;
        let messages = receive_all_batches(&sqs, &stack.findings).await;
        assert_eq!(messages.len(), RESOURCES, "round {round}");
        let mut lookups = 0;
        for chunk in messages.chunks(BATCH_SIZE) {
            let (imported, failed) = stack.publish(&sqs, &hub, chunk).await;
            assert_eq!(imported, Some(0), "round {round}: a batch is handled");
            assert_eq!(failed, chunk.len(), "round {round}: all redelivered");
            lookups += chunk.len().div_ceil(20);
        }
        // Bounded retries: each lookup of 20 ids is tried at most three times by the client.
        let calls = stack.proxy.tally("securityhub:GetFindings").calls - before;
        assert!(
            calls <= lookups * 3,
            "round {round}: {calls} calls for {lookups} lookups"
        );
        println!("security hub down, round {round}: {calls} GetFindings calls for {lookups} lookups, nothing imported or acknowledged");
        assert_eq!(stack.depth(&stack.findings).await, RESOURCES);
    }
    assert_eq!(stack.hub_findings().await, vec![]);
    assert_eq!(
        stack.proxy.tally("securityhub:BatchImportFindings").calls,
        0,
        "nothing imported without the stored state"
    );

    // Security Hub is back: the redelivered messages land, each finding once.
    stack.proxy.set_plan(Plan::seeded(7));
    let drained = stack.drain_findings().await;
    let (findings, duplicates) = counted(stack.hub_findings().await);
    println!(
        "security hub back: {} batches, {} findings imported, {} duplicates",
        drained.batches,
        findings.len(),
        duplicates
    );
    assert_eq!(duplicates, 0);
    assert_eq!(findings, expected.findings);
    assert_eq!(stack.depth(&stack.findings).await, 0);
    assert_eq!(stack.depth(&stack.findings_dlq).await, 0);
}

/// Every message on the queue, received in batches, as (id, receipt handle, body).
async fn receive_all_batches(
    sqs: &aws_sdk_sqs::Client,
    queue_url: &str,
) -> Vec<(String, String, String)> {
    let mut all = Vec::new();
    loop {
        let batch = receive_batch(sqs, queue_url).await;
        if batch.is_empty() {
            return all;
        }
        all.extend(batch);
    }
}

#[test]
fn with_sns_failing_each_alert_is_retried_until_published_and_published_once() {
    on_a_large_stack(
        with_sns_failing_each_alert_is_retried_until_published_and_published_once_scenario,
    );
}

async fn with_sns_failing_each_alert_is_retried_until_published_and_published_once_scenario() {
    const RESOURCES: usize = 40;
    let moto = Moto::start().expect("the emulator starts");
    let direct = moto.settings().sdk_config();
    // Failures the caller can tell from success: an answer lost after SNS published (a slow
    // or cut answer) is the one case a standard topic cannot deduplicate.
    let failing = Plan::seeded(11).fail(
        "sns:Publish",
        0.5,
        &[
            Fault::Throttle,
            Fault::InternalError,
            Fault::Unavailable,
            Fault::Dropped,
        ],
    );
    let proxy = FaultProxy::start(
        &moto.endpoint(),
        Plan::seeded(11).fail("sns:*", 1.0, &[Fault::Unavailable]),
    )
    .expect("the proxy starts");
    let faulty = Settings {
        max_attempts: 2,
        initial_backoff: Duration::from_millis(20),
        ..proxy.settings()
    }
    .sdk_config();
    let sns = aws_sdk_sns::Client::new(&direct);
    let topic_arn = create_topic(&direct, "ourside-alerts").await;
    let inbox = create_queue(&direct, "on-call").await;
    sns.subscribe()
        .topic_arn(&topic_arn)
        .protocol("sqs")
        .endpoint(format!("arn:aws:sqs:{REGION}:{ACCOUNT_ID}:on-call"))
        .send()
        .await
        .unwrap();
    let alerts_queue = create_queue(&direct, "ourside-alerts-queue").await;
    create_ledger_table(&direct, "ourside-alert-ledger").await;
    let sqs = aws_sdk_sqs::Client::new(&direct);
    let names: Vec<String> = (0..RESOURCES).map(|i| format!("exposed-{i:03}")).collect();
    let events: Vec<String> = names
        .iter()
        .map(|name| {
            ComplianceChange {
                rule: RULE,
                resource_type: "AWS::S3::Bucket",
                resource_id: name,
                old: Some("COMPLIANT"),
                new: "NON_COMPLIANT",
                annotation: "the bucket policy lets anyone read (statement PublicRead)",
                at: "2026-06-01T10:00:00.000Z",
            }
            .event()
        })
        .collect();
    let alerter = Alerter {
        sqs: &sqs,
        queue: &alerts_queue,
        topic: SnsTopic::new(&faulty, topic_arn),
        ledger: Ledger {
            store: DynamoLedger::new(&faulty, "ourside-alert-ledger"),
            retention: Duration::from_secs(14 * 24 * 3600),
        },
        policy: ourside_core::alert::AlertPolicy {
            // One alert per resource, to count them one by one.
            digest_threshold: RESOURCES,
            ..ourside_alerter::policy_from(|_| None).unwrap()
        },
    };
    for event in &events {
        alerter.enqueue(event).await;
    }
    // SNS is down for the first round, then fails half the calls.
    let first = alerter.round().await.expect("a first round");
    assert_eq!(first.acknowledged, 0, "SNS down: nothing acknowledged");
    proxy.set_plan(failing);
    let mut rounds = 1;
    while alerter.round().await.is_some() {
        rounds += 1;
        assert!(rounds < 50, "the alerts never went out");
    }
    let published_calls = proxy.tally("sns:Publish").calls;

    // Every event delivered again (SQS's at-least-once, a replay from the dead-letter queue):
    // the ledger knows each was alerted.
    for event in &events {
        alerter.enqueue(event).await;
    }
    let mut replayed = 0;
    while let Some(round) = alerter.round().await {
        replayed += round.acknowledged;
    }
    assert_eq!(replayed, RESOURCES, "every replayed event acknowledged");
    assert_eq!(
        proxy.tally("sns:Publish").calls,
        published_calls,
        "nothing published for a replay"
    );
    let delivered: Vec<String> = receive_all(&direct, &inbox)
        .await
        .into_iter()
        .map(|(_, body)| body)
        .collect();
    let tally = proxy.tally("sns:Publish");
    println!(
        "sns failing: {} publish calls, {} failed by the proxy {:?}, {} rounds; every event replayed once more; {} alerts delivered for {RESOURCES} resources",
        tally.calls,
        tally.failed(),
        tally.faults,
        rounds,
        delivered.len()
    );
    for name in &names {
        let mentions = delivered
            .iter()
            .filter(|m| m.contains(name.as_str()))
            .count();
        assert_eq!(mentions, 1, "{name}: {mentions} alerts");
    }
    assert_eq!(delivered.len(), RESOURCES);
    assert!(tally.failed() > 0);
}

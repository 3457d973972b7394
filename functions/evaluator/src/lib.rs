//! The evaluator: the Lambda function AWS Config invokes for ourside's change-triggered
//! controls. One Config rule per control; the rule's `InputParameters` name the control
//! (`controlId`) and tune it.
//!
//! For every invocation it reads the event, gets the item (from the event, or from Config's
//! history when the notification was too large to carry it), fetches what the control needs
//! beyond the item, lets the core decide, and reports each verdict twice: to Config
//! (`PutEvaluations`) and to the findings queue (a finding record for the publisher). Nothing is
//! dropped: whatever cannot be decided or delivered fails the invocation, after everything
//! else was reported, so Lambda retries it and finally keeps it in the on-failure destination.

use std::borrow::Cow;
use std::time::{Duration, Instant};

use ourside_aws::ports::{ConfigReader, EvaluationsSink, FindingsQueue, LambdaReader};
use ourside_aws::report::{report, Batch, Reportable};
use ourside_aws::AwsError;
use ourside_core::asff::Subject;
use ourside_core::control::Check;
use ourside_core::engine::AccountFacts;
use ourside_core::event::Message;
use ourside_core::facts::{Enrichment, Unavailable};
use ourside_core::need::Need;
use ourside_core::record::Origin;
use ourside_core::resource::s3::account_public_access_block;
use ourside_core::rule::RuleInvocation;
use ourside_core::{ConfigurationItem, Control, Evaluator, ResourceType, Trigger, Verdict};
pub use ourside_lambda::{Failure, Handled, Run};

/// The IAM actions the function takes for every rule: reporting verdicts, queueing finding
/// records, and reading items (oversized notifications, the recorded account-level setting).
/// A rule's control adds the actions its needs take ([`permissions`]).
pub const PERMISSIONS: &[&str] = ourside_core::deploy::Function::Evaluator.base_permissions();

/// Every IAM action the function takes running `control`, sorted.
pub fn permissions(control: &Control) -> Vec<&'static str> {
    ourside_core::deploy::Function::Evaluator.permissions_for(control)
}

/// The AWS services an invocation uses.
pub struct Services<'a, C, L, S, Q> {
    /// Config, read: item history, recorded account settings, Systems Manager inventory.
    pub config: &'a C,
    pub lambda: &'a L,
    /// Config, written: `PutEvaluations`.
    pub evaluations: &'a S,
    pub findings: &'a Q,
}

/// Handles one invocation: `event` is the Lambda event AWS Config sent, as JSON text.
pub async fn handle<C, L, S, Q>(
    event: &str,
    services: &Services<'_, C, L, S, Q>,
    run: Run,
) -> Result<Handled, Failure>
where
    C: ConfigReader,
    L: LambdaReader,
    S: EvaluationsSink,
    Q: FindingsQueue,
{
    let invocation = RuleInvocation::parse(event).map_err(Failure::Invocation)?;
    let control = invocation.rule.control();
    if control.trigger != Trigger::Change {
        return Err(Failure::WrongFunction {
            control: control.id,
            belongs_to: "periodic",
        });
    }
    let mut handled = Handled {
        control: control.id,
        message_type: invocation.event.message_type.clone(),
        ..Handled::default()
    };
    let (items, origin) = match &invocation.event.message {
        Message::ItemChanged(items) => (Cow::Borrowed(items.as_slice()), Origin::Change),
        Message::Oversized(summary) if invocation.event.event_left_scope => {
            // Out of the rule's scope: the summary says all there is to say.
            (
                Cow::Borrowed(std::slice::from_ref(&**summary)),
                Origin::Oversized,
            )
        }
        Message::Oversized(summary) => (
            Cow::Owned(vec![oversized_item(summary, services.config).await?]),
            Origin::Oversized,
        ),
        Message::Scheduled { .. } => {
            handled.ignored = Some(format!(
                "{} is change-triggered: a scheduled notification has nothing for it to judge",
                control.id
            ));
            return Ok(handled);
        }
        Message::Other(kind) => {
            handled.ignored = Some(format!("message type {kind:?} carries no item to judge"));
            return Ok(handled);
        }
    };

    let batch = Batch {
        origin,
        rule_name: invocation.event.config_rule_name.as_deref(),
        evaluated_at: run.now,
    };
    let mut evaluator = invocation.rule.evaluator(run.now);
    let mut reportables = Vec::with_capacity(items.len());
    let mut problems = Vec::new();
    for item in items.iter() {
        match judge(item, &invocation, &mut evaluator, services, batch).await {
            Ok(reportable) => reportables.push(reportable),
            Err(problem) => problems.push(problem),
        }
    }
    handled.reported = report(
        services.evaluations,
        services.findings,
        &invocation.result_token,
        &reportables,
        run.retry,
    )
    .await
    .inspect_err(|_| ourside_lambda::log_unjudged(&problems))?;
    if problems.is_empty() {
        Ok(handled)
    } else {
        Err(Failure::NotEvaluated {
            reported: reportables.len(),
            problems,
        })
    }
}

/// The full item behind an oversized notification, from Config's history. A summary that
/// says the resource is gone is judged as it is: there is nothing more to fetch. History that
/// has not caught up with the notification (no item, or an older one) fails the invocation,
/// so Lambda retries it once it has.
async fn oversized_item<C: ConfigReader>(
    summary: &ConfigurationItem,
    config: &C,
) -> Result<ConfigurationItem, Failure> {
    if summary.is_gone() {
        return Ok(summary.clone());
    }
    let missing = || Failure::OversizedItemMissing {
        resource_type: summary.resource_type.config_name().to_string(),
        resource_id: summary.display_id().to_string(),
    };
    let resource_id = summary.resource_id.as_deref().ok_or_else(missing)?;
    let text = config
        .latest_item(summary.resource_type.config_name(), resource_id)
        .await?
        .ok_or_else(missing)?;
    let item = ConfigurationItem::parse(&text).map_err(|e| Failure::NotEvaluated {
        reported: 0,
        problems: vec![format!(
            "GetResourceConfigHistory item for {} {resource_id}: {e}",
            summary.resource_type
        )],
    })?;
    match (item.capture_time, summary.capture_time) {
        (Some(fetched), Some(notified)) if fetched < notified => Err(missing()),
        _ => Ok(item),
    }
}

/// One item's verdict, ready to report, or why there is none.
async fn judge<C, L, S, Q>(
    item: &ConfigurationItem,
    invocation: &RuleInvocation,
    evaluator: &mut Evaluator,
    services: &Services<'_, C, L, S, Q>,
    batch: Batch<'_>,
) -> Result<Reportable, String>
where
    C: ConfigReader,
    L: LambdaReader,
{
    let control = invocation.rule.control();
    let resource_id = item.resource_id.as_deref().ok_or_else(|| {
        format!(
            "{} item without resourceId: AWS Config cannot record an evaluation for it",
            item.resource_type
        )
    })?;
    if item.account_id.is_none() {
        return Err(format!(
            "{} {resource_id}: the item names no account (awsAccountId/accountId)",
            item.resource_type
        ));
    }
    let left_scope = invocation.event.event_left_scope;
    let observed_at = item
        .capture_time
        .unwrap_or_else(|| invocation.notified_at(batch.evaluated_at));
    let subject = Subject::of(item);
    if !control.applies_to(&item.resource_type) {
        // The rule's scope is wider than the control: say so rather than leave no result.
        let verdict = Verdict::not_applicable(format!(
            "{} judges {}, not {}",
            control.id,
            types(control),
            item.resource_type
        ));
        log_verdict(
            control,
            item,
            resource_id,
            &verdict,
            Instant::now(),
            Duration::ZERO,
        );
        return Ok(Reportable::new(
            control,
            &subject,
            &verdict,
            observed_at,
            true,
            batch,
        ));
    }
    let settled = left_scope || item.is_gone();
    let fetching = Instant::now();
    let enrichment = if settled {
        Enrichment::default()
    } else {
        fetch(control, item, resource_id, evaluator, services).await?
    };
    let fetched_in = fetching.elapsed();
    // The control's own time, apart from the time its data took to fetch.
    let started = Instant::now();
    let evaluation = evaluator
        .evaluate_enriched(item, left_scope, &enrichment)
        .into_iter()
        .next()
        .ok_or_else(|| {
            format!(
                "{} gave no evaluation for {}",
                control.id, item.resource_type
            )
        })?;
    let verdict = evaluation.outcome.map_err(|e| {
        format!(
            "{} on {} {resource_id}: {e}",
            control.id, item.resource_type
        )
    })?;
    log_verdict(control, item, resource_id, &verdict, started, fetched_in);
    Ok(Reportable::new(
        control,
        &subject,
        &verdict,
        observed_at,
        settled,
        batch,
    ))
}

fn types(control: &Control) -> String {
    control
        .resource_types
        .iter()
        .map(ResourceType::config_name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Fetches what the control needs beyond the item. A failed call leaves its fact unavailable
/// (saying which call and why), which fails this control on this item only.
async fn fetch<C, L, S, Q>(
    control: &Control,
    item: &ConfigurationItem,
    resource_id: &str,
    evaluator: &mut Evaluator,
    services: &Services<'_, C, L, S, Q>,
) -> Result<Enrichment, String>
where
    C: ConfigReader,
    L: LambdaReader,
{
    let failed = |e: AwsError| Unavailable::Failed(e.to_string());
    // Lambda accepts the ARN or the name; the ARN also pins the account and region.
    let function = item.arn.as_deref().unwrap_or(resource_id);
    let mut enrichment = Enrichment::default();
    let needs: &[Need] = match control.check {
        Check::Enriched(_, needs) | Check::ItemWithFacts(_, needs) => needs,
        _ => &[],
    };
    for need in needs {
        match need {
            Need::LambdaFunctionConfiguration => {
                enrichment.lambda_environment =
                    services.lambda.environment(function).await.map_err(failed);
            }
            Need::LambdaEventInvokeConfig => {
                enrichment.lambda_event_invoke = services
                    .lambda
                    .event_invoke_config(function)
                    .await
                    .map_err(failed);
            }
            Need::SsmManagedInstanceInventory => {
                enrichment.ssm_inventory = services
                    .config
                    .managed_instance_inventory(resource_id)
                    .await
                    .map_err(failed);
            }
            Need::RecordedAccountPublicAccessBlock => {
                if let Some(account) = &item.account_id {
                    if let Some(block) = recorded_account_block(services.config, account).await? {
                        evaluator.set_account_facts(
                            account.clone(),
                            AccountFacts {
                                s3_public_access_block: Some(block),
                            },
                        );
                    }
                }
            }
            // Account-level needs belong to periodic controls, which this function refuses.
            _ => {}
        }
    }
    Ok(enrichment)
}

/// The account-level Block Public Access AWS Config recorded, when it recorded one; the bucket
/// is then judged on its own settings, as offline. A failed read fails the item: a verdict
/// without a setting that exists could be wrong.
async fn recorded_account_block<C: ConfigReader>(
    config: &C,
    account: &str,
) -> Result<Option<ourside_core::resource::s3::PublicAccessBlock>, String> {
    const TYPE: &str = "AWS::S3::AccountPublicAccessBlock";
    let Some(text) = config
        .latest_item(TYPE, account)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(None);
    };
    let describe = |e: ourside_core::InputError| {
        format!("{TYPE} {account} from GetResourceConfigHistory: {e}")
    };
    let item = ConfigurationItem::parse(&text).map_err(describe)?;
    if item.is_gone() {
        // Deleted (or no longer recorded): the account has no such setting now.
        return Ok(None);
    }
    account_public_access_block(&item)
        .map(Some)
        .map_err(describe)
}

fn log_verdict(
    control: &Control,
    item: &ConfigurationItem,
    resource_id: &str,
    verdict: &Verdict,
    started: Instant,
    fetched_in: Duration,
) {
    tracing::info!(
        control = control.id,
        resource_type = item.resource_type.config_name(),
        resource_id,
        compliance = %verdict.compliance,
        annotation = verdict.annotation.as_str(),
        duration_us = started.elapsed().as_micros() as u64,
        fetch_us = fetched_in.as_micros() as u64,
        "evaluated"
    );
}

//! The periodic function: AWS Config invokes it on a schedule (`ScheduledNotification`) for
//! ourside's periodic controls, one Config rule per control. It reads what the control needs
//! from the account's APIs, lets the core decide, and reports every verdict to Config and to
//! the findings queue, as the evaluator does for changes.
//!
//! Account-level controls judge the account (`AWS::::Account`) or the resources the account
//! lists (users, VPCs, secrets); the ElastiCache and log-group controls judge resources AWS
//! Config does not record, listed by their service's API. A resource the rule judged before
//! and this run no longer finds is reported NOT_APPLICABLE (and its finding archived) rather
//! than left with a stale verdict; that is only done when the run judged everything, so a
//! failed call never makes live resources look gone.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use ourside_aws::ports::{AccountReader, ConfigReader, EvaluationsSink, FindingsQueue};
use ourside_aws::report::{report, Batch, Reportable};
use ourside_aws::AwsError;
use ourside_core::asff::Subject;
use ourside_core::control::{Check, Judgement};
use ourside_core::event::Message;
use ourside_core::facts::{AccountState, Fact, Unavailable};
use ourside_core::need::Need;
use ourside_core::record::Origin;
use ourside_core::rule::RuleInvocation;
use ourside_core::{
    ConfigurationItem, Control, Evaluator, ResourceType, Timestamp, Trigger, Verdict,
};
pub use ourside_lambda::{Failure, Handled, Run};

/// The IAM actions the function takes for every rule: reporting verdicts, queueing finding
/// records, and reading which resources the rule judged before. A rule's control adds the
/// actions its needs take ([`permissions`]).
pub const PERMISSIONS: &[&str] = ourside_core::deploy::Function::Periodic.base_permissions();

/// Every IAM action the function takes running `control`, sorted.
pub fn permissions(control: &Control) -> Vec<&'static str> {
    ourside_core::deploy::Function::Periodic.permissions_for(control)
}

/// The AWS services an invocation uses.
pub struct Services<'a, A, C, S, Q> {
    /// The account's APIs (IAM, EC2, S3 Control, CloudTrail, GuardDuty, Secrets Manager,
    /// ElastiCache, CloudWatch Logs, Config recorders).
    pub account: &'a A,
    /// Config, read: the resources the rule has verdicts for.
    pub config: &'a C,
    /// Config, written: `PutEvaluations`.
    pub evaluations: &'a S,
    pub findings: &'a Q,
    /// The region the function runs in, which the account-level facts are about.
    pub region: &'a str,
}

/// Handles one invocation: `event` is the Lambda event AWS Config sent, as JSON text.
pub async fn handle<A, C, S, Q>(
    event: &str,
    services: &Services<'_, A, C, S, Q>,
    run: Run,
) -> Result<Handled, Failure>
where
    A: AccountReader,
    C: ConfigReader,
    S: EvaluationsSink,
    Q: FindingsQueue,
{
    let invocation = RuleInvocation::parse(event).map_err(Failure::Invocation)?;
    let control = invocation.rule.control();
    if control.trigger != Trigger::Periodic {
        return Err(Failure::WrongFunction {
            control: control.id,
            belongs_to: "evaluator",
        });
    }
    let mut handled = Handled {
        control: control.id,
        message_type: invocation.event.message_type.clone(),
        ..Handled::default()
    };
    let account_id = match &invocation.event.message {
        Message::Scheduled { account_id } => account_id
            .clone()
            .or_else(|| invocation.event.account_id.clone())
            .ok_or_else(|| {
                Failure::Incomplete(
                    "invokingEvent.awsAccountId: missing in a ScheduledNotification (and no accountId beside it)"
                        .to_string(),
                )
            })?,
        other => {
            handled.ignored = Some(format!(
                "{} is periodic: a {} has nothing for it to judge",
                control.id,
                match other {
                    Message::Other(kind) => kind.as_str(),
                    _ => invocation.event.message_type.as_str(),
                }
            ));
            return Ok(handled);
        }
    };
    let rule_name = invocation.event.config_rule_name.as_deref().ok_or_else(|| {
        Failure::Incomplete(
            "configRuleName: missing; a periodic run needs it to retire the verdicts of resources it no longer finds"
                .to_string(),
        )
    })?;
    // Ordered by the notification's time, which is also when the facts were gathered.
    let observed_at = invocation.notified_at(run.now);
    let evaluator = invocation.rule.evaluator(run.now);
    let batch = Batch {
        origin: Origin::Periodic,
        rule_name: Some(rule_name),
        evaluated_at: run.now,
    };

    let mut judged = Vec::new();
    let mut problems = Vec::new();
    match control.check {
        Check::Account(_, needs) => {
            let state = gather(
                services.account,
                needs,
                &account_id,
                services.region,
                observed_at,
            )
            .await;
            let started = Instant::now();
            let judgements = evaluator.evaluate_account(&state);
            // One run of the control judges every subject: each verdict logs the run's time.
            let took = started.elapsed();
            for (control, judgement) in judgements {
                collect(control, judgement, took, &mut judged, &mut problems);
            }
        }
        Check::Listed(_, needs) => {
            for need in needs {
                // A listing that fails leaves the others judged (and nothing marked stale).
                match services
                    .account
                    .listed_items(*need, &account_id, observed_at)
                    .await
                {
                    Ok(items) => {
                        for text in items {
                            judge_listed(&evaluator, &text, &mut judged, &mut problems);
                        }
                    }
                    Err(e) => problems.push(format!("{}: {e}", need.describe())),
                }
            }
        }
        // Periodic controls are account-level or listed; anything else has no schedule.
        _ => {
            return Err(Failure::WrongFunction {
                control: control.id,
                belongs_to: "evaluator",
            })
        }
    }

    let mut reportables: Vec<Reportable> = judged
        .iter()
        .map(|(subject, verdict)| {
            Reportable::new(control, subject, verdict, observed_at, false, batch)
        })
        .collect();
    // Resources judged before and not found now; only after a run that judged everything.
    let mut stale_check_failed = None;
    if problems.is_empty() {
        match stale(
            services.config,
            rule_name,
            &judged,
            &account_id,
            services.region,
            observed_at,
        )
        .await
        {
            Ok(stale) => {
                handled.stale = stale.len();
                reportables.extend(stale.iter().map(|(subject, verdict)| {
                    Reportable::new(control, subject, verdict, observed_at, true, batch)
                }));
            }
            Err(e) => stale_check_failed = Some(e),
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
    if let Some(e) = stale_check_failed {
        return Err(Failure::Aws(e));
    }
    if problems.is_empty() {
        Ok(handled)
    } else {
        Err(Failure::NotEvaluated {
            reported: reportables.len(),
            problems,
        })
    }
}

/// Reads every fact `needs` names. A failed call leaves its fact unavailable, saying which
/// call failed and why; the controls that need it report that instead of a verdict.
pub async fn gather<A: AccountReader>(
    account: &A,
    needs: &[Need],
    account_id: &str,
    region: &str,
    observed_at: Timestamp,
) -> AccountState {
    fn fact<T>(result: Result<T, AwsError>) -> Fact<T> {
        result.map_err(|e| Unavailable::Failed(e.to_string()))
    }
    let mut state = AccountState::new(account_id, region, observed_at);
    for need in needs {
        match need {
            Need::AccountPublicAccessBlock => {
                state.s3_public_access_block =
                    fact(account.account_public_access_block(account_id).await)
            }
            Need::EbsEncryptionByDefault => {
                state.ebs_encryption_by_default = fact(account.ebs_encryption_by_default().await)
            }
            Need::PublicEbsSnapshots => {
                state.public_snapshots = fact(account.public_snapshots().await)
            }
            Need::IamAccountSummary => {
                state.account_summary = fact(account.account_summary().await);
                state.root_virtual_mfa = fact(account.root_virtual_mfa().await);
            }
            Need::IamPasswordPolicy => {
                state.password_policy = fact(account.password_policy().await)
            }
            Need::IamCredentialReport => {
                state.credential_report = fact(account.credential_report().await);
                state.users = fact(account.users().await);
            }
            Need::CloudTrailTrails => state.trails = fact(account.trails().await),
            Need::VpcFlowLogs => state.vpcs = fact(account.vpc_flow_logs().await),
            Need::ConfigRecorders => state.recorders = fact(account.recorders().await),
            Need::GuardDutyDetectors => state.detectors = fact(account.detectors().await),
            Need::SecretsRotation => state.secrets = fact(account.secrets().await),
            // Change-time needs and listings are not account facts.
            Need::LambdaFunctionConfiguration
            | Need::LambdaEventInvokeConfig
            | Need::SsmManagedInstanceInventory
            | Need::RecordedAccountPublicAccessBlock
            | Need::ElastiCacheClusters
            | Need::ElastiCacheReplicationGroups
            | Need::LogGroups => {}
        }
    }
    state
}

fn collect(
    control: &Control,
    judgement: Judgement,
    took: Duration,
    judged: &mut Vec<(Subject, Verdict)>,
    problems: &mut Vec<String>,
) {
    let subject = judgement.subject;
    match judgement.outcome {
        Ok(verdict) => {
            log_verdict(control, &subject, &verdict, took);
            judged.push((subject, verdict));
        }
        Err(e) => problems.push(format!(
            "{} on {} {}: {e}",
            control.id, subject.resource_type, subject.resource_id
        )),
    }
}

/// Judges one listed resource (an item built from its service's describe output).
fn judge_listed(
    evaluator: &Evaluator,
    text: &str,
    judged: &mut Vec<(Subject, Verdict)>,
    problems: &mut Vec<String>,
) {
    let item = match ConfigurationItem::parse(text) {
        Ok(item) => item,
        Err(e) => {
            problems.push(format!("a listed resource: {e}"));
            return;
        }
    };
    let started = Instant::now();
    let evaluations = evaluator.evaluate(&item, false);
    let took = started.elapsed();
    for evaluation in evaluations {
        collect(
            evaluation.control,
            Judgement {
                subject: Subject::of(&item),
                outcome: evaluation.outcome,
            },
            took,
            judged,
            problems,
        );
    }
}

/// The resources the rule has verdicts for that this run did not judge: gone since, or out
/// of the control's reach. Each becomes NOT_APPLICABLE.
async fn stale<C: ConfigReader>(
    config: &C,
    rule: &str,
    judged: &[(Subject, Verdict)],
    account_id: &str,
    region: &str,
    observed_at: Timestamp,
) -> Result<Vec<(Subject, Verdict)>, AwsError> {
    let current: BTreeSet<(&str, &str)> = judged
        .iter()
        .map(|(s, _)| (s.resource_type.config_name(), s.resource_id.as_str()))
        .collect();
    let previous = config.evaluated_resources(rule).await?;
    Ok(previous
        .into_iter()
        .filter(|(t, id)| !current.contains(&(t.as_str(), id.as_str())))
        .map(|(resource_type, resource_id)| {
            let subject = Subject {
                resource_type: ResourceType::from_config_name(&resource_type),
                resource_id,
                arn: None,
                account_id: Some(account_id.to_string()),
                region: Some(region.to_string()),
                capture_time: Some(observed_at),
                tags: Default::default(),
                details: None,
            };
            let verdict = Verdict::not_applicable(format!(
                "not found by the periodic run of {}: the resource no longer exists or is out of the control's scope",
                observed_at.to_rfc3339()
            ));
            (subject, verdict)
        })
        .collect())
}

fn log_verdict(control: &Control, subject: &Subject, verdict: &Verdict, took: Duration) {
    tracing::info!(
        control = control.id,
        resource_type = subject.resource_type.config_name(),
        resource_id = subject.resource_id.as_str(),
        compliance = %verdict.compliance,
        annotation = verdict.annotation.as_str(),
        duration_us = took.as_micros() as u64,
        "evaluated"
    );
}

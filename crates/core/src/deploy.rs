//! How ourside is deployed: the Lambda functions, which of them runs each control, where a
//! control's rule runs, and every IAM action each function's role must allow. The SAM template's
//! Config rules are generated from this and its roles are tested against it, so a control
//! cannot need an action its function may not take.

use crate::control::{Control, Trigger};
use crate::registry::CONTROLS;

/// A Lambda function of the deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Function {
    /// AWS Config's custom rules for change-triggered controls.
    Evaluator,
    /// AWS Config's custom rules for scheduled, account-level controls.
    Periodic,
    /// The findings queue → Security Hub.
    Publisher,
    /// Compliance-change events → the SNS alert topic.
    Alerter,
}

impl Function {
    pub const ALL: [Function; 4] = [
        Function::Evaluator,
        Function::Periodic,
        Function::Publisher,
        Function::Alerter,
    ];

    /// The function's resource in the SAM template.
    pub const fn logical_id(self) -> &'static str {
        match self {
            Function::Evaluator => "EvaluatorFunction",
            Function::Periodic => "PeriodicFunction",
            Function::Publisher => "PublisherFunction",
            Function::Alerter => "AlerterFunction",
        }
    }

    /// The function's IAM role in the SAM template.
    pub const fn role_logical_id(self) -> &'static str {
        match self {
            Function::Evaluator => "EvaluatorRole",
            Function::Periodic => "PeriodicRole",
            Function::Publisher => "PublisherRole",
            Function::Alerter => "AlerterRole",
        }
    }

    /// The Cargo binary that becomes the function's `bootstrap`.
    pub const fn binary(self) -> &'static str {
        match self {
            Function::Evaluator => "ourside-evaluator",
            Function::Periodic => "ourside-periodic",
            Function::Publisher => "ourside-publisher",
            Function::Alerter => "ourside-alerter",
        }
    }

    /// The actions the function's code takes on every invocation, whatever control it runs.
    pub const fn base_permissions(self) -> &'static [&'static str] {
        match self {
            // Verdicts, finding records, and items read back (oversized notifications).
            Function::Evaluator => &[
                "config:PutEvaluations",
                "config:GetResourceConfigHistory",
                "sqs:SendMessage",
            ],
            // Verdicts, finding records, and the resources the rule judged before.
            Function::Periodic => &[
                "config:PutEvaluations",
                "config:GetComplianceDetailsByConfigRule",
                "sqs:SendMessage",
            ],
            // Stored copies first (timestamps), then the import.
            Function::Publisher => &["securityhub:BatchImportFindings", "securityhub:GetFindings"],
            // The idempotency ledger's claims (conditional writes, released by deleting), then
            // the alert.
            Function::Alerter => &["dynamodb:DeleteItem", "dynamodb:PutItem", "sns:Publish"],
        }
    }

    /// The actions Lambda takes with the function's role: its logs and traces, the event
    /// source mapping's queue reads, the encrypted topic's key. (The rule functions'
    /// on-failure destination is a queue: `sqs:SendMessage`, already in their base.)
    pub fn platform_permissions(self) -> Vec<&'static str> {
        const LOGS_AND_TRACES: &[&str] = &[
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "xray:PutTelemetryRecords",
            "xray:PutTraceSegments",
        ];
        const QUEUE_CONSUMER: &[&str] = &[
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
            "sqs:ReceiveMessage",
        ];
        // Publishing to a topic encrypted with a customer managed key takes the key.
        const TOPIC_KEY: &[&str] = &["kms:Decrypt", "kms:GenerateDataKey"];
        let extra: &[&[&str]] = match self {
            Function::Evaluator | Function::Periodic => &[],
            Function::Publisher => &[QUEUE_CONSUMER],
            Function::Alerter => &[QUEUE_CONSUMER, TOPIC_KEY],
        };
        let mut actions = LOGS_AND_TRACES.to_vec();
        actions.extend(extra.iter().flat_map(|list| list.iter().copied()));
        actions
    }

    /// Every action the function takes running `control`: its base and what the control's
    /// needs read, sorted, without repeats.
    pub fn permissions_for(self, control: &Control) -> Vec<&'static str> {
        sorted(
            control
                .check
                .permissions()
                .into_iter()
                .chain(self.base_permissions().iter().copied()),
        )
    }

    /// The controls whose rules invoke the function.
    pub fn controls(self) -> impl Iterator<Item = &'static Control> {
        CONTROLS
            .iter()
            .copied()
            .filter(move |c| function_of(c) == self)
    }

    /// Every action the function's role must allow, sorted, without repeats.
    pub fn permissions(self) -> Vec<&'static str> {
        // The base too: the publisher and the alerter run no control.
        sorted(
            self.controls()
                .flat_map(|c| c.check.permissions())
                .chain(self.base_permissions().iter().copied())
                .chain(self.platform_permissions()),
        )
    }
}

fn sorted(actions: impl Iterator<Item = &'static str>) -> Vec<&'static str> {
    let mut actions: Vec<&'static str> = actions.collect();
    actions.sort_unstable();
    actions.dedup();
    actions
}

/// The function whose rule runs `control`.
pub fn function_of(control: &Control) -> Function {
    match control.trigger {
        Trigger::Change => Function::Evaluator,
        Trigger::Periodic => Function::Periodic,
    }
}

/// Whether the control's rule gives the same answer in every region, so one region runs it:
/// a scheduled control that reads only IAM, a global service (the credential report, the
/// password policy, the account summary). Running it everywhere would repeat every finding.
pub fn runs_in_one_region(control: &Control) -> bool {
    let actions = control.check.permissions();
    control.trigger == Trigger::Periodic
        && !actions.is_empty()
        && actions.iter().all(|a| a.starts_with("iam:"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry;

    fn find(id: &str) -> &'static Control {
        registry::find(id).unwrap()
    }

    #[test]
    fn every_control_runs_in_exactly_one_function() {
        let total: usize = Function::ALL.iter().map(|f| f.controls().count()).sum();
        assert_eq!(total, CONTROLS.len());
        assert!(Function::Publisher.controls().next().is_none());
        assert!(Function::Alerter.controls().next().is_none());
        assert_eq!(function_of(find("S3.2")), Function::Evaluator);
        assert_eq!(function_of(find("IAM.3")), Function::Periodic);
    }

    #[test]
    fn a_role_allows_what_its_controls_read_and_nothing_of_the_others() {
        let evaluator = Function::Evaluator.permissions();
        assert!(evaluator.contains(&"lambda:GetFunctionConfiguration"));
        assert!(evaluator.contains(&"config:BatchGetResourceConfig"));
        assert!(!evaluator.iter().any(|a| a.starts_with("iam:")));
        let periodic = Function::Periodic.permissions();
        assert!(periodic.contains(&"iam:GenerateCredentialReport"));
        assert!(periodic.contains(&"elasticache:DescribeReplicationGroups"));
        assert!(!periodic.contains(&"lambda:GetFunctionConfiguration"));
        assert_eq!(
            Function::Publisher.permissions(),
            [
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "securityhub:BatchImportFindings",
                "securityhub:GetFindings",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:ReceiveMessage",
                "xray:PutTelemetryRecords",
                "xray:PutTraceSegments",
            ]
        );
        for function in Function::ALL {
            let actions = function.permissions();
            assert!(actions.windows(2).all(|w| w[0] < w[1]), "{function:?}");
            assert!(
                actions.iter().all(|a| !a.contains('*')),
                "{function:?}: {actions:?}"
            );
        }
    }

    #[test]
    fn iam_account_checks_run_in_one_region_and_regional_ones_everywhere() {
        for id in [
            "IAM.3", "IAM.4", "IAM.5", "IAM.6", "IAM.7", "IAM.9", "IAM.22",
        ] {
            assert!(runs_in_one_region(find(id)), "{id}");
        }
        for id in [
            "S3.1",
            "EC2.7",
            "CloudTrail.1",
            "Config.1",
            "GuardDuty.1",
            "S3.2",
            "IAM.1",
        ] {
            assert!(!runs_in_one_region(find(id)), "{id}");
        }
    }
}

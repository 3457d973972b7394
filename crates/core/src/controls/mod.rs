//! The controls, one file each, grouped by service.

pub mod apigateway;
pub mod cloudfront;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod config;
pub mod dynamodb;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod eks;
pub mod elasticache;
pub mod guardduty;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod rds;
pub mod route53;
pub mod s3;
pub mod secretsmanager;
pub mod sns;
pub mod sqs;
pub mod ssm;
mod waf;

mod account;
#[cfg(test)]
mod account_test_support;
mod settings;

/// What every control file needs.
#[allow(unused_imports)]
pub(crate) mod prelude {
    pub use crate::control::{
        Check, Context, Control, Judgement, Mappings, Owner, Remediation, Severity, SrmArea,
        Trigger,
    };
    pub use crate::facts::AccountState;
    pub use crate::frameworks::Cis;
    pub use crate::json::InputError;
    pub use crate::need::Need;
    pub use crate::params::{ParamKind, ParamSpec, Params};
    pub use crate::resource::{section, Resource, ResourceType};
    pub use crate::verdict::{Outcome, Verdict};
}

//! The controls, one file each, grouped by service.

pub mod cloudtrail;
pub mod dynamodb;
pub mod ec2;
pub mod elasticache;
pub mod rds;
pub mod s3;
pub mod secretsmanager;

mod settings;

/// What every control file needs.
#[allow(unused_imports)]
pub(crate) mod prelude {
    pub use crate::control::{
        Check, Context, Control, Mappings, Owner, Remediation, Severity, SrmArea, Trigger,
    };
    pub use crate::frameworks::Cis;
    pub use crate::params::{ParamKind, ParamSpec, Params};
    pub use crate::resource::{section, Resource, ResourceType};
    pub use crate::verdict::{Outcome, Verdict};
}

//! The evaluation core of ourside: what AWS Config sends, the controls that judge it, and the
//! findings they become. Pure and synchronous: no AWS SDK, no I/O, no async runtime, so the
//! same code runs in the Lambda functions, the CLI and the benchmarks.

pub mod alert;
pub mod asff;
pub mod control;
pub mod controls;
pub mod deploy;
pub mod details;
pub mod document;
pub mod engine;
pub mod event;
pub mod exemption;
pub mod facts;
pub mod frameworks;
pub mod import;
pub mod item;
pub mod json;
pub mod need;
pub mod net;
pub mod params;
pub mod policy;
pub mod record;
pub mod registry;
pub mod resource;
pub mod rule;
pub mod secrets;
pub mod timestamp;
pub mod tree;
pub mod verdict;

pub use control::{Context, Control, Owner, Severity, SrmArea, Trigger};
pub use engine::{Evaluation, Evaluator, Selected};
pub use item::ConfigurationItem;
pub use json::InputError;
pub use resource::{Resource, ResourceType};
pub use timestamp::Timestamp;
pub use verdict::{Compliance, Outcome, Verdict};

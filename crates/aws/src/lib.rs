//! Every AWS call ourside makes, behind small traits ([`ports`]), with the batching and retries
//! that keep anything from being lost ([`deliver`]) and in-memory adapters for tests
//! ([`memory`]).

#[cfg(feature = "account")]
pub mod account;
pub mod clients;
pub mod config;
pub mod deliver;
pub mod emulator;
pub mod error;
pub mod faults;
mod http1;
pub mod lambda;
#[cfg(feature = "ledger")]
pub mod ledger;
pub mod logging;
pub mod memory;
mod paginate;
pub mod ports;
pub mod replay;
pub mod report;
#[cfg(any(feature = "securityhub", feature = "account"))]
mod rest;
#[cfg(feature = "securityhub")]
pub mod securityhub;
#[cfg(feature = "sns")]
pub mod sns;
pub mod sqs;

pub use error::AwsError;

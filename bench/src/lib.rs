//! What the benchmarks measure, shared by the criterion benches and the `bench` command: a
//! seeded generator of events, and the evaluator's path from raw event bytes to what it sends
//! (what goes to Config and the finding records), next to the parse-only paths that bound it;
//! and the Lambda functions' cold path.

pub mod cold;
pub mod generate;
pub mod path;

//! Logs for the functions: one JSON object per line on stdout, which CloudWatch Logs indexes.
//! Each line carries the invocation's span (with Lambda's `requestId`), so every verdict and
//! error can be traced to the invocation that produced it.

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Installs the JSON subscriber. The level comes from `AWS_LAMBDA_LOG_LEVEL` (set by Lambda's
/// advanced logging controls) or `RUST_LOG`: one level (`trace`, `debug`, `info`, `warn`,
/// `error`, `off`; Lambda's `fatal` counts as `error`), `info` when unset or unreadable. A
/// level, not per-module directives: a directive parser would double the binary's size.
pub fn init() {
    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_default();
    let level = level_filter(&level);
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_max_level(level)
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false)
        .finish()
        .with(targets(level));
    // Another subscriber (a test harness) may already be installed: keep it.
    let _ = subscriber.try_init();
}

/// What is logged at `level`: everything, except that the Lambda runtime logs at `DEBUG` at
/// most. At `TRACE` it logs each event it receives whole, and events carry configuration
/// items: tags, policies, environments, whatever credentials were put there.
pub fn targets(level: LevelFilter) -> Targets {
    Targets::new()
        .with_default(level)
        .with_target("lambda_runtime", level.min(LevelFilter::DEBUG))
}

/// The level a `AWS_LAMBDA_LOG_LEVEL` / `RUST_LOG` value names.
pub fn level_filter(text: &str) -> LevelFilter {
    match text.trim().to_ascii_lowercase().as_str() {
        // tracing reads an empty level as `error`; unset must mean the default.
        "" => LevelFilter::INFO,
        "fatal" => LevelFilter::ERROR,
        other => other.parse().unwrap_or(LevelFilter::INFO),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_read_as_lambda_and_rust_spell_them() {
        assert_eq!(level_filter("DEBUG"), LevelFilter::DEBUG);
        assert_eq!(level_filter("warn"), LevelFilter::WARN);
        assert_eq!(level_filter("FATAL"), LevelFilter::ERROR);
        assert_eq!(level_filter("off"), LevelFilter::OFF);
        assert_eq!(level_filter(""), LevelFilter::INFO);
        assert_eq!(level_filter("ourside=debug"), LevelFilter::INFO);
    }

    #[test]
    fn the_runtimes_trace_of_each_event_is_never_logged() {
        use tracing::Level;
        let trace = targets(LevelFilter::TRACE);
        assert!(!trace.would_enable("lambda_runtime::runtime", &Level::TRACE));
        assert!(trace.would_enable("lambda_runtime::runtime", &Level::DEBUG));
        assert!(trace.would_enable("ourside_evaluator", &Level::TRACE));
        assert!(trace.would_enable("aws_smithy_runtime::client", &Level::TRACE));
        let info = targets(LevelFilter::INFO);
        assert!(!info.would_enable("lambda_runtime::runtime", &Level::DEBUG));
        assert!(info.would_enable("lambda_runtime::runtime", &Level::INFO));
    }
}

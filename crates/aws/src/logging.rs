//! Logs for the functions: one JSON object per line on stdout, which CloudWatch Logs indexes.
//! Each line carries the invocation's span (with Lambda's `requestId`), so every verdict and
//! error can be traced to the invocation that produced it.

use tracing_subscriber::filter::LevelFilter;

/// Installs the JSON subscriber. The level comes from `AWS_LAMBDA_LOG_LEVEL` (set by Lambda's
/// advanced logging controls) or `RUST_LOG`: one level (`trace`, `debug`, `info`, `warn`,
/// `error`, `off`; Lambda's `fatal` counts as `error`), `info` when unset or unreadable. A
/// level, not per-module directives: a directive parser would double the binary's size.
pub fn init() {
    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_default();
    // Another subscriber (a test harness) may already be installed: keep it.
    let _ = tracing_subscriber::fmt()
        .json()
        .with_max_level(level_filter(&level))
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false)
        .try_init();
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
}

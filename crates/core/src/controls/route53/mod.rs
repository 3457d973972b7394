pub mod query_logging;

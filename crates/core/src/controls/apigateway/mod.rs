pub mod execution_logging;
pub mod waf_associated;

#[cfg(test)]
mod tests {
    use crate::engine::{Evaluator, Selected};
    use crate::item::ConfigurationItem;
    use crate::params::RawParams;
    use crate::timestamp::Timestamp;
    use crate::verdict::Outcome;

    fn judge(parameters: &str) -> Outcome {
        let item = ConfigurationItem::parse(
            r#"{"resourceType":"AWS::ApiGateway::Stage","resourceId":"arn:aws:apigateway:eu-west-1::/restapis/q7w1e2r3t4/stages/prod",
                "configuration":{"stageName":"prod","methodSettings":{"*/*":{"loggingLevel":"error"}}}}"#,
        )
        .unwrap();
        let raw = RawParams::parse(parameters).unwrap();
        let selected = Selected::with_params(&super::execution_logging::CONTROL, &raw).unwrap();
        let now = Timestamp::parse("2026-06-01T00:00:00Z").unwrap();
        let evaluator = Evaluator::new(vec![selected], now);
        evaluator.evaluate(&item, false).pop().unwrap().outcome
    }

    #[test]
    fn logging_level_parameter_is_checked_and_case_insensitive() {
        assert!(judge(r#"{"loggingLevel":"Error, info"}"#).is_ok());
        let err = judge(r#"{"loggingLevel":"ERROR,DEBUG"}"#).unwrap_err();
        assert_eq!(err.path, "ruleParameters.loggingLevel");
        assert!(err.message.contains("DEBUG"), "{err}");
        let err = judge(r#"{"loggingLevel":" , "}"#).unwrap_err();
        assert_eq!(err.path, "ruleParameters.loggingLevel");
    }
}

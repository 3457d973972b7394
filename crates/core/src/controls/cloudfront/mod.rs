pub mod access_logging;
pub mod default_root_object;
pub mod viewer_https;
pub mod waf_associated;

#[cfg(test)]
mod tests {
    use crate::control::Control;
    use crate::engine::Evaluator;
    use crate::item::ConfigurationItem;
    use crate::timestamp::Timestamp;
    use crate::verdict::{Compliance, Outcome};

    fn judge(control: &'static Control, distribution_config: &str) -> Outcome {
        let item = ConfigurationItem::parse(&format!(
            r#"{{"resourceType":"AWS::CloudFront::Distribution","resourceId":"E7GQ0W3KD5S9PL","configurationItemStatus":"OK",
                "configuration":{{"distributionConfig":{distribution_config}}}}}"#
        ))
        .unwrap();
        let now = Timestamp::parse("2026-06-01T00:00:00Z").unwrap();
        let evaluator = Evaluator::with_defaults(&[control], now);
        let mut evaluations = evaluator.evaluate(&item, false);
        evaluations.pop().unwrap().outcome
    }

    /// Published invoking events carry a `distributionConfig` with `webACLId` only: every
    /// control gives a verdict or names the missing field.
    #[test]
    fn sparse_items_give_a_verdict_or_name_the_missing_field() {
        let sparse = r#"{"webACLId":""}"#;
        let err = judge(&super::default_root_object::CONTROL, sparse).unwrap_err();
        assert_eq!(err.path, "configuration.distributionConfig.origins");
        let err = judge(&super::viewer_https::CONTROL, sparse).unwrap_err();
        assert_eq!(
            err.path,
            "configuration.distributionConfig.defaultCacheBehavior"
        );
        let verdict = judge(&super::access_logging::CONTROL, sparse).unwrap();
        assert_eq!(verdict.compliance, Compliance::NonCompliant);
        let verdict = judge(&super::waf_associated::CONTROL, sparse).unwrap();
        assert_eq!(verdict.compliance, Compliance::NonCompliant);
    }

    #[test]
    fn a_behavior_without_viewer_protocol_policy_is_named() {
        let config = r#"{"defaultCacheBehavior":{"viewerProtocolPolicy":"https-only"},
            "cacheBehaviors":{"quantity":1,"items":[{"pathPattern":"/img/*"}]}}"#;
        let err = judge(&super::viewer_https::CONTROL, config).unwrap_err();
        assert_eq!(
            err.path,
            "configuration.distributionConfig.cacheBehaviors.items[0].viewerProtocolPolicy"
        );
    }
}

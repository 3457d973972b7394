//! Naming web ACL references, shared by CloudFront.6 and APIGateway.4.

/// What kind of web ACL a `webACLId` / `webAclArn` value names: a WAFv2 ARN
/// (`arn:aws:wafv2:…`), a WAF Classic regional ARN (`arn:aws:waf-regional:…`), or a bare
/// WAF Classic web ACL id (CloudFront).
pub(crate) fn web_acl_kind(value: &str) -> &'static str {
    if value.contains(":wafv2:") {
        "AWS WAF web ACL"
    } else if value.contains(":waf-regional:") {
        "AWS WAF Classic regional web ACL"
    } else {
        "AWS WAF Classic web ACL"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(
            web_acl_kind("arn:aws:wafv2:us-east-1:111122223333:global/webacl/acme/1"),
            "AWS WAF web ACL"
        );
        assert_eq!(
            web_acl_kind("arn:aws:waf-regional:eu-west-1:111122223333:webacl/1"),
            "AWS WAF Classic regional web ACL"
        );
        assert_eq!(
            web_acl_kind("a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"),
            "AWS WAF Classic web ACL"
        );
    }
}

//! IAM policy documents in every encoding AWS uses (object, JSON string, URL-encoded string,
//! list of documents) and every question the controls ask of them: actions and services
//! covered, resources, principals and their accounts, restricting and deny-unless conditions.
//! Input that is not UTF-8 cannot be a policy document here (documents arrive inside JSON
//! text) and is skipped.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ourside_core::policy::{
    may_match_with_prefix, principal_account, wildcard_match, PolicyDocument,
};

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutBucketPolicy",
    "iam:PassRole",
    "kms:Decrypt",
    "sts:AssumeRole",
    "",
];
const PREFIXES: &[&str] = &["s3:", "kms:", "iam:", "*", ""];
const KEYS: &[&str] = &[
    "aws:SourceVpce",
    "aws:SourceIp",
    "aws:PrincipalOrgID",
    "aws:SecureTransport",
];

fn analyse(document: &PolicyDocument) {
    for (label, statement) in document.labelled() {
        assert!(!label.is_empty());
        for action in ACTIONS {
            let _ = statement.covers_action(action);
        }
        for prefix in PREFIXES {
            let _ = statement.covers_every_action_with_prefix(prefix);
        }
        let _ = statement.first_covered(ACTIONS);
        let _ = statement.covers_all_resources();
        let _ = statement.principal_is_anyone();
        let _ = statement.restricting_condition(KEYS);
        let _ = statement.deny_unless_condition(KEYS);
        for principal in statement.principal.iter().chain(&statement.not_principal) {
            let _ = principal.is_anyone();
            for kind in ["AWS", "Service", "Federated", "CanonicalUser"] {
                for value in principal.values(kind) {
                    let _ = principal_account(value);
                }
            }
        }
        for condition in &statement.conditions {
            let _ = condition.pins_fixed_values();
            let _ = condition.requires_match();
            let _ = condition.denies_all_but_fixed_values();
            let _ = condition.pins_values(|v| v.starts_with("arn:aws:iam::111122223333:"));
            let _ = condition.to_string();
        }
        // The document's own patterns against its own resources and actions.
        let patterns = statement
            .actions
            .iter()
            .chain(statement.not_actions.iter().flatten());
        for pattern in patterns.take(16) {
            for text in statement
                .resources
                .iter()
                .chain(&statement.actions)
                .take(16)
            {
                let _ = wildcard_match(pattern, text);
            }
            for prefix in PREFIXES {
                let _ = may_match_with_prefix(pattern, prefix);
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(document) = PolicyDocument::parse(text) {
        analyse(&document);
    }
    // The same text as a JSON string: how Config and IAM deliver documents, possibly
    // URL-encoded.
    let quoted = serde_json::to_string(text).expect("a string serialises");
    if let Ok(document) = PolicyDocument::parse(&quoted) {
        analyse(&document);
    }
    // Raw text as a wildcard pattern against each line, the way actions are matched.
    if let Some((pattern, subject)) = text.split_once('\n') {
        let matched = wildcard_match(pattern, subject);
        if pattern == "*" {
            assert!(matched);
        }
        if !pattern.contains(['*', '?']) {
            assert_eq!(
                matched,
                pattern.eq_ignore_ascii_case(subject) && pattern.len() == subject.len()
            );
        }
    }
});

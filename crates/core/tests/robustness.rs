//! Damaged input never panics: every fixture, truncated or with a byte replaced by JSON
//! punctuation, goes through the document reader and every control.

mod support;

use ourside_core::document::{self, Content, Hints};
use ourside_core::engine::Evaluator;
use ourside_core::registry::CONTROLS;
use proptest::prelude::*;
use proptest::sample::Index;

fn fixture_texts() -> &'static [String] {
    static TEXTS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    TEXTS.get_or_init(|| {
        support::cases()
            .iter()
            .map(|c| std::fs::read_to_string(&c.path).unwrap())
            .collect()
    })
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let evaluator = Evaluator::with_defaults(CONTROLS, support::now());
    let arrays = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    assert!(document::read(&arrays, &Hints::default()).is_ok_and(|e| !e.is_empty()));
    let mut wrapped = String::from(r#"{"resourceType":"AWS::S3::Bucket","configuration":{}}"#);
    for _ in 0..5000 {
        wrapped = format!(r#"{{"status_code":200,"data":{wrapped}}}"#);
    }
    read_and_evaluate(&wrapped, &evaluator);
    let deep_configuration = format!(
        r#"{{"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-1","configuration":{{"ipPermissions":{}{}}}}}"#,
        "[".repeat(5000),
        "]".repeat(5000)
    );
    read_and_evaluate(&deep_configuration, &evaluator);
}

/// Reads, evaluates and describes (finding details) whatever survives; the results do not
/// matter, only that nothing panics.
fn read_and_evaluate(text: &str, evaluator: &Evaluator) {
    let Ok(entries) = document::read(text, &Hints::default()) else {
        return;
    };
    for entry in entries {
        if let Content::Item {
            item, left_scope, ..
        } = entry.content
        {
            ourside_core::asff::Subject::of(&item);
            for evaluation in evaluator.evaluate(&item, left_scope) {
                if let Ok(verdict) = evaluation.outcome {
                    assert!(!verdict.annotation.is_empty() && verdict.annotation.len() <= 256);
                }
            }
        }
    }
}

/// The byte offset of a character boundary near `at`.
fn boundary(text: &str, at: usize) -> usize {
    let mut i = at.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn damaged_fixtures_never_panic(file: Index, cut: Index, at: Index, with in prop::sample::select(vec![
        "", "{", "}", "[", "]", ",", ":", "\"", "\\", "null", "-1", "1e400", "\"\\u0000\"", "\"None\"", "true",
        "€", "é", "\u{1F600}", "+a€", "%", "%7B", "\\u00e9", "[[[[[[[[[[[[", "{\"data\":", "0.0.0.0/0", "::/0",
    ])) {
        let text = file.get(fixture_texts());
        let evaluator = Evaluator::with_defaults(CONTROLS, support::now());
        let end = boundary(text, cut.index(text.len() + 1));
        read_and_evaluate(&text[..end], &evaluator);
        let start = boundary(text, at.index(text.len() + 1));
        let stop = text[start..].chars().next().map_or(start, |c| start + c.len_utf8());
        let replaced = format!("{}{with}{}", &text[..start], &text[stop..]);
        read_and_evaluate(&replaced, &evaluator);
    }
}

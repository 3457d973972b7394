//! The Lambda event AWS Config sends a custom rule: `RuleEvent::parse` and the checked
//! `RuleInvocation::parse` (rule parameters, result token), then the rule's control on every
//! item the event carries. The Lambda runtime hands the handler JSON text, so input that is not
//! UTF-8 never reaches the parser and is skipped here.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ourside_core::event::{Message, RuleEvent};
use ourside_core::rule::RuleInvocation;
use ourside_core::verdict::MAX_ANNOTATION_BYTES;
use ourside_core::Timestamp;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(event) = RuleEvent::parse(text) {
        let _ = event.message_type.len();
    }
    let Ok(invocation) = RuleInvocation::parse(text) else {
        return;
    };
    let now = Timestamp::parse("2026-06-01T00:00:00Z").expect("a valid timestamp");
    let _ = invocation.test_mode();
    let _ = invocation.notified_at(now);
    let evaluator = invocation.rule.evaluator(now);
    let items = match &invocation.event.message {
        Message::ItemChanged(items) => items.clone(),
        Message::Oversized(summary) => vec![(**summary).clone()],
        Message::Scheduled { .. } | Message::Other(_) => Vec::new(),
    };
    for item in &items {
        for evaluation in evaluator.evaluate(item, invocation.event.event_left_scope) {
            if let Ok(verdict) = evaluation.outcome {
                assert!(
                    verdict.annotation.len() <= MAX_ANNOTATION_BYTES,
                    "{verdict:?}"
                );
            }
        }
    }
});

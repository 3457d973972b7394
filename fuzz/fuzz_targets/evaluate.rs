//! Every control on whatever a document yields: the items `ourside scan` would judge, each
//! evaluated by every registered control (with no fetched data for the controls that need
//! some), and every verdict turned into a Security Hub finding. A verdict's annotation must
//! fit what AWS Config stores.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use ourside_core::asff::{self, Producer, Subject};
use ourside_core::document::{self, Content, Hints};
use ourside_core::facts::Enrichment;
use ourside_core::registry::CONTROLS;
use ourside_core::verdict::MAX_ANNOTATION_BYTES;
use ourside_core::{Evaluator, Timestamp};

fn now() -> Timestamp {
    Timestamp::parse("2026-06-01T00:00:00Z").expect("a valid timestamp")
}

fn evaluator() -> &'static Evaluator {
    static EVALUATOR: OnceLock<Evaluator> = OnceLock::new();
    EVALUATOR.get_or_init(|| Evaluator::with_defaults(CONTROLS, now()))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(entries) = document::read(text, &Hints::default()) else {
        return;
    };
    let mut evaluator = evaluator().clone();
    let items: Vec<_> = entries
        .into_iter()
        .filter_map(|entry| match entry.content {
            Content::Item {
                item, left_scope, ..
            } => Some((item, left_scope)),
            Content::Skipped(_) | Content::Error(_) => None,
        })
        .collect();
    for (item, _) in &items {
        let _ = evaluator.learn(item);
    }
    let producer = Producer {
        default_region: Some("eu-west-1"),
        now: now(),
    };
    let enrichment = Enrichment::default();
    for (item, left_scope) in &items {
        let subject = Subject::of(item);
        for evaluation in evaluator.evaluate_enriched(item, *left_scope, &enrichment) {
            let Ok(verdict) = evaluation.outcome else {
                continue;
            };
            assert!(
                !verdict.annotation.is_empty() && verdict.annotation.len() <= MAX_ANNOTATION_BYTES,
                "{}: {:?}",
                evaluation.control.id,
                verdict.annotation
            );
            let _ = asff::finding(evaluation.control, &subject, &verdict, &producer);
        }
    }
});

//! `cargo bench -p ourside-bench`: parse-only throughput per type and size (and the
//! `IgnoredAny` limit on the same bytes), each control on a pre-parsed item, the evaluator's
//! whole path from event bytes to what it sends, ASFF building, and the publisher's batching.
//! Inputs come from the seeded generator; `cargo test -p ourside-bench --benches` runs each
//! once (what CI does).

use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ourside_bench::generate::{self, Kind, Rng};
use ourside_bench::path::{self, change_controls, Deployed};
use ourside_core::asff::{self, Producer, Subject};
use ourside_core::import::{self, Message};
use ourside_core::record::{FindingRecord, Origin};
use ourside_core::{Evaluator, Selected, Timestamp};

const SIZES: [usize; 4] = [2_000, 13_000, 64_000, 250_000];
const SEED: u64 = 2026;

fn now() -> Timestamp {
    Timestamp::parse("2026-06-01T00:00:00Z").expect("a time")
}

fn event(kind: Kind, size: usize) -> String {
    let mut rng = Rng::new(SEED);
    let item = generate::item(&mut rng, kind, size);
    generate::change_event(generate::first_control(kind), &item)
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20);
    for kind in Kind::ALL {
        for size in SIZES {
            let event = event(kind, size);
            group.throughput(Throughput::Bytes(event.len() as u64));
            let label = format!("{}/{}KB", kind.name(), event.len() / 1000);
            group.bench_with_input(BenchmarkId::new("typed", &label), &event, |b, e| {
                b.iter(|| path::parse_items(black_box(e)).expect("parses"))
            });
            group.bench_with_input(BenchmarkId::new("ignored-any", &label), &event, |b, e| {
                b.iter(|| path::parse_ignored(black_box(e)).expect("parses"))
            });
        }
    }
    group.finish();
}

fn evaluate(c: &mut Criterion) {
    let mut group = c.benchmark_group("evaluate");
    group
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(500))
        .sample_size(20);
    for kind in Kind::ALL {
        let items = path::parse_items(&event(kind, 13_000)).expect("parses");
        let item = &items[0];
        for selected in change_controls() {
            if !selected.control.applies_to(&item.resource_type) {
                continue;
            }
            let id = selected.control.id;
            let evaluator = Evaluator::new(vec![selected], now());
            group.bench_function(BenchmarkId::new(id, kind.name()), |b| {
                b.iter(|| evaluator.evaluate(black_box(item), false))
            });
        }
    }
    group.finish();
}

fn evaluator_path(c: &mut Criterion) {
    let mut group = c.benchmark_group("evaluator-path");
    group
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20);
    let every = Evaluator::new(change_controls(), now());
    for kind in Kind::ALL {
        let event = event(kind, 13_000);
        group.throughput(Throughput::Bytes(event.len() as u64));
        let deployed = Deployed::new(now()).expect("a runtime");
        group.bench_with_input(BenchmarkId::new("one-rule", kind.name()), &event, |b, e| {
            b.iter(|| {
                let reported = deployed.invoke(black_box(e)).expect("evaluates");
                deployed.clear();
                reported
            })
        });
        group.bench_with_input(
            BenchmarkId::new("every-control", kind.name()),
            &event,
            |b, e| b.iter(|| path::evaluate_event(black_box(e), &every, now()).expect("evaluates")),
        );
    }
    group.finish();
}

fn findings(c: &mut Criterion) {
    let mut group = c.benchmark_group("findings");
    group
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20);
    let items = path::parse_items(&event(Kind::SecurityGroup, 13_000)).expect("parses");
    let item = &items[0];
    let subject = Subject::of(item);
    let selected = Selected::with_defaults(ourside_core::registry::find("EC2.13").expect("EC2.13"));
    let control = selected.control;
    let verdict = Evaluator::new(vec![selected], now()).evaluate(item, false)[0]
        .outcome
        .clone()
        .expect("a verdict");
    let producer = Producer {
        default_region: Some("eu-west-1"),
        now: now(),
    };
    group.bench_function("asff-build-and-serialise", |b| {
        b.iter(|| {
            let finding = asff::finding(control, black_box(&subject), &verdict, &producer)
                .expect("a finding");
            serde_json::to_string(&finding).expect("serialises")
        })
    });
    // A publisher batch: 1,000 records of 1,000 resources → collapsed, batched by 100 / 6 MB.
    let record = FindingRecord::new(control, &subject, &verdict, now(), now(), Origin::Change);
    let messages: Vec<Message> = (0..1000)
        .map(|i| {
            let mut record = record.clone();
            record.resource_id = format!("sg-{i:017}");
            record.arn = Some(format!(
                "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-{i:017}"
            ));
            Message {
                id: format!("m{i}"),
                body: serde_json::to_string(&record).expect("serialises"),
            }
        })
        .collect();
    group.throughput(Throughput::Elements(messages.len() as u64));
    group.bench_function("publisher-collapse-and-batch-1000", |b| {
        b.iter(|| {
            let collapsed = import::collapse(black_box(&messages), &producer);
            let pending: Vec<_> = collapsed.pending.iter().collect();
            let batches = import::import_batches(&pending);
            batches
                .iter()
                .map(|batch| {
                    import::import_body(batch.iter().map(|&i| pending[i].json.as_str())).len()
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

fn generator(c: &mut Criterion) {
    let mut group = c.benchmark_group("generator");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(1));
    group.bench_function("mix-100", |b| {
        b.iter(|| generate::mix(black_box(SEED), 100))
    });
    group.finish();
}

criterion_group!(
    benches,
    parse,
    evaluate,
    evaluator_path,
    findings,
    generator
);
criterion_main!(benches);

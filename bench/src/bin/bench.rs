//! `bench`: the figures of BENCHMARKS.md, measured on this machine.
//!
//! `cargo run --release -p ourside-bench --bin bench` (or `scripts/bench`, which also builds
//! the CLI and writes BENCHMARKS.md). Options: `--events N` (10,000), `--runs R` (5),
//! `--seed S`, `--cli PATH` (the `ourside` binary; by default the one beside this one),
//! `--write FILE`, `--quick` (a small set, one run: what CI checks), `--functions DIR` (the
//! Lambda functions' binaries, as `sam build` or cargo lays them out: cold start and package
//! size), `--functions-only` (only those).

use std::alloc::{GlobalAlloc, Layout};
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use mimalloc::MiMalloc;
use ourside_bench::cold;
use ourside_bench::generate::{self, Kind, Rng, Variant};
use ourside_bench::path::{self, change_controls};
use ourside_core::deploy::Function;
use ourside_core::{Evaluator, Timestamp};

/// Counts allocations, to report allocations per event; they are served by the allocator the
/// evaluator ships with.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the shipped allocator.
        unsafe { MiMalloc.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the shipped allocator.
        unsafe { MiMalloc.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the shipped allocator.
        unsafe { MiMalloc.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

struct Options {
    events: usize,
    runs: usize,
    seed: u64,
    cli: Option<PathBuf>,
    /// Where the functions' binaries are (`sam build`'s output or cargo's release directory).
    functions: Option<PathBuf>,
    write: Option<PathBuf>,
    quick: bool,
    /// Only the Lambda functions' rows.
    functions_only: bool,
}

impl Options {
    /// How many times each Lambda function is started.
    fn cold_starts(&self) -> usize {
        if self.quick {
            3
        } else {
            20
        }
    }
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        events: 10_000,
        runs: 5,
        seed: 2026,
        cli: None,
        functions: None,
        write: None,
        quick: false,
        functions_only: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--events" => options.events = number(&value("--events")?)?,
            "--runs" => options.runs = number(&value("--runs")?)?.max(1),
            "--seed" => options.seed = number(&value("--seed")?)? as u64,
            "--cli" => options.cli = Some(value("--cli")?.into()),
            "--functions" => options.functions = Some(value("--functions")?.into()),
            "--write" => options.write = Some(value("--write")?.into()),
            "--quick" => {
                options.quick = true;
                options.events = 300;
                options.runs = 1;
            }
            "--functions-only" => options.functions_only = true,
            "--one-event" => return Err("--one-event is internal".into()),
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    Ok(options)
}

fn number(text: &str) -> Result<usize, String> {
    text.parse()
        .map_err(|_| format!("{text:?} is not a number"))
}

fn now() -> Timestamp {
    Timestamp::parse("2026-06-01T00:00:00Z").expect("a time")
}

/// Median, min and max of a set of figures.
#[derive(Debug, Clone, Copy)]
struct Spread {
    median: f64,
    min: f64,
    max: f64,
}

fn spread(mut values: Vec<f64>) -> Spread {
    values.sort_by(|a, b| a.total_cmp(b));
    Spread {
        median: values[values.len() / 2],
        min: values[0],
        max: values[values.len() - 1],
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// The peak resident set of this process, from /proc (Linux), in MB.
fn peak_rss_mb() -> Option<f64> {
    cold::peak_rss_kib(std::process::id()).map(|kib| kib as f64 / 1024.0)
}

/// One row of the report.
struct Row {
    figure: String,
    value: String,
    target: &'static str,
    met: Option<bool>,
}

fn row(figure: impl Into<String>, value: String, target: &'static str, met: Option<bool>) -> Row {
    Row {
        figure: figure.into(),
        value,
        target,
        met,
    }
}

fn fmt_spread(s: Spread, unit: &str, digits: usize) -> String {
    format!(
        "{:.*} {unit} ({:.*}–{:.*})",
        digits, s.median, digits, s.min, digits, s.max
    )
}

/// `--one-event FILE`: evaluate one event with every control and print the peak RSS (so the
/// figure is not that of the 10k mix held in the parent).
fn one_event(file: &str) -> ExitCode {
    let Ok(event) = std::fs::read_to_string(file) else {
        eprintln!("{file}: unreadable");
        return ExitCode::from(2);
    };
    let every = Evaluator::new(change_controls(), now());
    match path::evaluate_event(&event, &every, now()) {
        Ok(judged) => {
            println!(
                "{} {:.2}",
                judged.evaluations,
                peak_rss_mb().unwrap_or(f64::NAN)
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{file}: {e}");
            ExitCode::from(1)
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--one-event") {
        return one_event(args.get(2).map_or("", String::as_str));
    }
    let options = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("bench: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: &Options) -> Result<(), String> {
    if options.functions_only {
        print!("{}", render(&function_rows(options)?));
        return Ok(());
    }
    let started = Instant::now();
    let samples = generate::mix(options.seed, options.events);
    let bytes: usize = samples.iter().map(|s| s.event.len()).sum();
    let mb = bytes as f64 / 1e6;
    eprintln!(
        "bench: {} events, {:.1} MB, generated in {:.1} s (seed {})",
        samples.len(),
        mb,
        started.elapsed().as_secs_f64(),
        options.seed
    );
    let every = Evaluator::new(change_controls(), now());

    let mut ignored_mbs = Vec::new();
    let mut typed_mbs = Vec::new();
    let mut eval_mbs = Vec::new();
    let mut evals_per_s = Vec::new();
    let mut invocations_per_s = Vec::new();
    let mut p50 = Vec::new();
    let mut p99 = Vec::new();
    let mut allocations = Vec::new();
    let mut evaluations_total = 0usize;
    for run in 0..options.runs {
        let t = Instant::now();
        for s in &samples {
            path::parse_ignored(&s.event).map_err(|e| format!("parse: {e}"))?;
        }
        ignored_mbs.push(mb / t.elapsed().as_secs_f64());

        let t = Instant::now();
        for s in &samples {
            path::parse_items(&s.event).map_err(|e| format!("parse: {e}"))?;
        }
        typed_mbs.push(mb / t.elapsed().as_secs_f64());

        // Every change-triggered control on each event: parse once, judge, build what goes out.
        let mut latencies = Vec::with_capacity(samples.len());
        let mut evaluations = 0usize;
        let mut errors = 0usize;
        let allocated_before = ALLOCATIONS.load(Ordering::Relaxed);
        let t = Instant::now();
        for s in &samples {
            let e = Instant::now();
            let judged = path::evaluate_event(&s.event, &every, now())?;
            latencies.push(e.elapsed());
            evaluations += judged.evaluations;
            errors += judged.errors;
        }
        let elapsed = t.elapsed().as_secs_f64();
        allocations.push(
            (ALLOCATIONS.load(Ordering::Relaxed) - allocated_before) as f64 / samples.len() as f64,
        );
        if errors > 0 {
            return Err(format!(
                "{errors} evaluations could not be decided on generated items"
            ));
        }
        evaluations_total = evaluations;
        eval_mbs.push(mb / elapsed);
        evals_per_s.push(evaluations as f64 / elapsed);
        latencies.sort();
        p50.push(percentile(&latencies, 0.50).as_secs_f64() * 1e6);
        p99.push(percentile(&latencies, 0.99).as_secs_f64() * 1e6);

        // As deployed: the evaluator's handler, one rule invocation per event (oversized
        // notices left out: the handler would fetch their item from Config).
        let deployed = path::Deployed::new(now()).map_err(|e| format!("runtime: {e}"))?;
        let t = Instant::now();
        let mut invocations = 0usize;
        for s in samples.iter().filter(|s| s.variant != Variant::Oversized) {
            deployed.invoke(&s.event)?;
            invocations += 1;
            if invocations % 1_000 == 0 {
                deployed.clear();
            }
        }
        invocations_per_s.push(invocations as f64 / t.elapsed().as_secs_f64());
        eprintln!("bench: run {} of {} done", run + 1, options.runs);
    }

    // Warm evaluation of a 13 KB item, every applicable control, on the parsed item.
    let mut rng = Rng::new(options.seed);
    let item13 = generate::item(&mut rng, Kind::SecurityGroup, 13_000);
    let event13 = generate::change_event("EC2.13", &item13);
    let parsed = path::parse_items(&event13).map_err(|e| e.to_string())?;
    let mut warm = Vec::new();
    let mut warm_path = Vec::new();
    let rounds = if options.quick { 50 } else { 2_000 };
    for _ in 0..options.runs.max(3) {
        let t = Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(every.evaluate(std::hint::black_box(&parsed[0]), false));
        }
        warm.push(t.elapsed().as_secs_f64() * 1e6 / rounds as f64);
        let t = Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(path::evaluate_event(&event13, &every, now())?);
        }
        warm_path.push(t.elapsed().as_secs_f64() * 1e6 / rounds as f64);
    }

    // One event in a fresh process: peak memory, and start → first evaluation through the CLI.
    let dir = std::env::temp_dir().join(format!("ourside-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let event_file = dir.join("event.json");
    std::fs::write(&event_file, &event13).map_err(|e| format!("{}: {e}", event_file.display()))?;
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut rss = Vec::new();
    for _ in 0..3 {
        let out = Command::new(&me)
            .arg("--one-event")
            .arg(&event_file)
            .output()
            .map_err(|e| format!("{}: {e}", me.display()))?;
        let text = String::from_utf8_lossy(&out.stdout);
        let value: f64 = text
            .split_whitespace()
            .nth(1)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("one event: unexpected output {text:?}"))?;
        rss.push(value);
    }
    let cli = options
        .cli
        .clone()
        .or_else(|| me.parent().map(|d| d.join("ourside")))
        .filter(|p| p.is_file());
    let mut start = Vec::new();
    if let Some(cli) = &cli {
        for _ in 0..if options.quick { 3 } else { 30 } {
            let t = Instant::now();
            let out = Command::new(cli)
                .args([
                    "scan",
                    "--format",
                    "jsonl",
                    "--control",
                    "EC2.13",
                    "--now",
                    "2026-06-01T00:00:00Z",
                ])
                .arg(&event_file)
                .output()
                .map_err(|e| format!("{}: {e}", cli.display()))?;
            let elapsed = t.elapsed().as_secs_f64() * 1e3;
            if out.stdout.is_empty() {
                return Err(format!("{} printed no evaluation", cli.display()));
            }
            start.push(elapsed);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);

    let ignored = spread(ignored_mbs);
    let eval = spread(eval_mbs);
    let per_core = spread(evals_per_s);
    let mut rows = vec![
        row(
            "evaluations/s on one core, the mix (every change control per event)",
            fmt_spread(per_core, "/s", 0),
            "≥ 25,000/s",
            Some(per_core.median >= 25_000.0),
        ),
        row(
            "rule invocations/s (the evaluator's handler, one control, as deployed)",
            fmt_spread(spread(invocations_per_s), "/s", 0),
            "",
            None,
        ),
        row(
            "events/s through the whole path",
            format!(
                "{:.0} /s",
                per_core.median * samples.len() as f64 / evaluations_total.max(1) as f64
            ),
            "",
            None,
        ),
        row(
            "per-event latency p50",
            fmt_spread(spread(p50), "µs", 1),
            "",
            None,
        ),
        row(
            "per-event latency p99",
            fmt_spread(spread(p99), "µs", 1),
            "",
            None,
        ),
        row(
            "throughput, whole path",
            fmt_spread(eval, "MB/s", 1),
            "",
            None,
        ),
        row(
            "throughput, typed parse only",
            fmt_spread(spread(typed_mbs), "MB/s", 1),
            "",
            None,
        ),
        row(
            "throughput, serde IgnoredAny (the limit)",
            fmt_spread(ignored, "MB/s", 1),
            "",
            None,
        ),
        row(
            "whole path as a share of IgnoredAny",
            format!("{:.0} %", 100.0 * eval.median / ignored.median),
            "≥ 50 %",
            Some(eval.median >= 0.5 * ignored.median),
        ),
        row(
            "allocations per event (whole path)",
            fmt_spread(spread(allocations), "", 0),
            "",
            None,
        ),
        row(
            "warm evaluation, 13 KB item, every applicable control",
            fmt_spread(spread(warm.clone()), "µs", 2),
            "≤ 30 µs",
            Some(spread(warm).median <= 30.0),
        ),
        row(
            "warm whole path, 13 KB event, every control",
            fmt_spread(spread(warm_path), "µs", 2),
            "",
            None,
        ),
        row(
            "peak RSS, one event in a fresh process",
            fmt_spread(spread(rss.clone()), "MB", 2),
            "≤ 10 MB",
            Some(spread(rss).median <= 10.0),
        ),
        match cli {
            Some(_) => {
                let s = spread(start.clone());
                row(
                    "CLI start → first evaluation (process wall time)",
                    fmt_spread(s, "ms", 2),
                    "≤ 3 ms",
                    Some(s.median <= 3.0),
                )
            }
            None => row(
                "CLI start → first evaluation",
                "not measured: no `ourside` binary beside this one (--cli PATH)".into(),
                "≤ 3 ms",
                None,
            ),
        },
    ];
    rows.extend(function_rows(options)?);
    let table = render(&rows);
    print!("{table}");
    if let Some(file) = &options.write {
        let report = report(options, samples.len(), mb, evaluations_total, &table);
        std::fs::write(file, report).map_err(|e| format!("{}: {e}", file.display()))?;
        eprintln!("bench: wrote {}", file.display());
    }
    Ok(())
}

/// The Lambda functions' cold start and package size, when `--functions` says where they are.
fn function_rows(options: &Options) -> Result<Vec<Row>, String> {
    let Some(dir) = &options.functions else {
        return Ok(vec![row(
            "Lambda functions",
            "not measured: give the built functions with --functions DIR".into(),
            "",
            None,
        )]);
    };
    let starts = options.cold_starts();
    let mut rows = Vec::new();
    for function in Function::ALL {
        let name = function.binary();
        let Some(binary) = cold::find(dir, function) else {
            rows.push(row(
                format!("{name}: cold start"),
                format!("not measured: no binary in {}", dir.display()),
                "",
                None,
            ));
            continue;
        };
        let package = cold::Package::read(function, binary.clone())?;
        let mut ready = Vec::new();
        let mut answered = Vec::new();
        let mut rss = Vec::new();
        for _ in 0..starts {
            let start = cold::cold_start(function, &binary)?;
            ready.push(start.ready.as_secs_f64() * 1e3);
            answered.push(start.answered.as_secs_f64() * 1e3);
            rss.push(start.peak_rss_mb);
        }
        let mb = |bytes: u64| bytes as f64 / 1e6;
        rows.extend([
            row(
                format!("{name}: start → ready for events (runtime, logging, SDK clients)"),
                fmt_spread(spread(ready), "ms", 2),
                "",
                None,
            ),
            row(
                format!("{name}: start → first event answered"),
                fmt_spread(spread(answered), "ms", 2),
                "",
                None,
            ),
            row(
                format!("{name}: peak RSS after the first event"),
                fmt_spread(spread(rss), "MB", 2),
                "",
                None,
            ),
            row(
                format!("{name}: bootstrap size, stripped"),
                format!("{:.2} MB", mb(package.stripped_bytes)),
                "≤ 8 MB",
                Some(package.stripped_bytes <= 8_000_000),
            ),
            row(
                format!("{name}: bootstrap size, zipped"),
                format!("{:.2} MB", mb(package.zipped_bytes)),
                "≤ 3.5 MB",
                Some(package.zipped_bytes <= 3_500_000),
            ),
        ]);
    }
    Ok(rows)
}

fn render(rows: &[Row]) -> String {
    let mut out = String::from("| figure | median (min–max) | target | met |\n|---|---|---|---|\n");
    for r in rows {
        let met = match r.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "",
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.figure, r.value, r.target, met
        ));
    }
    out
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!("{cpu}, {cores} cores, Linux {}", kernel.trim())
}

fn today() -> String {
    Timestamp::now().to_string().chars().take(10).collect()
}

const REPORT: &str = r#"# Benchmarks

Measured by `scripts/bench` on {date}, on {machine}. Every figure below was printed by that run
(`bench --write BENCHMARKS.md`); none is typed in by hand. Medians over {runs} runs, with the
minimum and maximum in brackets.

## Method

- Inputs: {events} AWS Config custom-rule events from the seeded generator
  (`bench/src/generate.rs`, seed {seed}, {mb} MB): security groups, S3 buckets in both key
  flavours (API flavour with JSON strings several levels deep), IAM policies with URL-encoded
  versions, EBS volumes, RDS instances, Lambda functions and CloudTrail trails, from about
  2 KB to about 250 KB (70% under 8 KB, 5% over 40 KB), 5% deleted and 1% oversized notices.
- Whole path: event bytes → `RuleInvocation::parse` → every change-triggered control that
  applies → what goes to Config and one serialised finding record per evaluation, built by
  the evaluator's own code ({evaluations} evaluations per run), one core, in process.
- Rule invocations: what a deployment does, one invocation per event: the evaluator's handler
  (`ourside_evaluator::handle`) with in-memory Config, Lambda and queue adapters in place of
  the SDK clients; it parses the event, runs the rule's control and reports (oversized
  notices left out: their item would be fetched from Config).
- The limit: the same bytes read by serde_json into `IgnoredAny` (the event and its embedded
  invoking event), which looks at every byte and keeps nothing.
- Memory is served by mimalloc, the allocator the evaluator, publisher, alerter and CLI ship
  with; allocations are counted by a global allocator wrapped around it. Peak RSS is `VmHWM`
  of a fresh process that evaluates one 13 KB event; CLI start is the wall time of
  `ourside scan --control EC2.13` on that event, process start to exit, release build.
- Per-type and per-size parse throughput, each control on a parsed item, ASFF building and
  the publisher's batching are criterion benches: `cargo bench -p ourside-bench`.
- Lambda functions (`bench --functions DIR`, {functions}): each `bootstrap` is
  started {starts} times as Lambda starts it, behind a local Runtime API, with an event it
  answers without an AWS call; ready is the time to its first request for an event (runtime,
  logging and SDK clients built, no network), peak RSS is `VmHWM` once it answered. Sizes are
  the binary as built and deflated as in the uploaded zip.

## Figures

{table}
## Reproduce

```sh
scripts/bench          # builds in release, runs, rewrites this file
```
"#;

fn report(options: &Options, events: usize, mb: f64, evaluations: usize, table: &str) -> String {
    REPORT
        .replace("{date}", &today())
        .replace("{machine}", &machine())
        .replace("{runs}", &options.runs.to_string())
        .replace("{events}", &events.to_string())
        .replace("{seed}", &options.seed.to_string())
        .replace("{mb}", &format!("{mb:.1}"))
        .replace("{evaluations}", &evaluations.to_string())
        .replace(
            "{functions}",
            &options.functions.as_ref().map_or_else(
                || "not given to this run".to_string(),
                |d| format!("here `{}`", d.display()),
            ),
        )
        .replace("{starts}", &options.cold_starts().to_string())
        .replace("{table}", table)
}

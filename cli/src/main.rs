//! `ourside`: run the controls on AWS Config data offline.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use ourside_cli::render::{self, Style};
use ourside_cli::scan::{self, Input, Options};
use ourside_cli::{catalog, examples, template};
use ourside_core::asff::Producer;
use ourside_core::document::Hints;
use ourside_core::exemption::DEFAULT_TAG_KEY;
use ourside_core::params::RawParams;
use ourside_core::registry::{self, CONTROLS};
use ourside_core::{Compliance, Control, ResourceType, Severity, Timestamp};

/// mimalloc: an event's parse allocates hundreds of short strings, which glibc's malloc serves
/// measurably slower (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit codes, as documented in the README.
const EXIT_FAILED_CONTROLS: u8 = 1;
const EXIT_USAGE: u8 = 2;
const EXIT_INPUT_ERRORS: u8 = 3;
/// `replay-dlq`: some message failed, or the queue could not be read.
const EXIT_REPLAY_FAILED: u8 = 1;

#[derive(Parser)]
#[command(
    name = "ourside",
    version,
    about = "Continuous compliance for the customer's side of the AWS Shared Responsibility Model",
    long_about = "Runs ourside's controls on AWS Config data: rule events, configuration items, \
                  Config API output (get-resource-config-history, batch-get-resource-config, \
                  select-resource-config) and snapshot files; sends a deployment's parked \
                  messages back on (replay-dlq, the only command that calls AWS).\n\n\
                  Exit codes of scan: 0 success; 1 a NON_COMPLIANT result at or above --fail-on; \
                  2 usage error; 3 some input could not be read or evaluated."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate files or directories of AWS Config data (the bundled example account if none).
    Scan(ScanArgs),
    /// List the controls.
    Controls {
        #[arg(long, value_enum, default_value = "table")]
        format: CatalogFormat,
    },
    /// Explain one control: what it checks, why it matters, how to fix it, its mappings.
    Explain {
        /// Control id, e.g. S3.2
        id: String,
    },
    /// Print the SAM template's AWS Config rules, one per control (or write them into it).
    Template(TemplateArgs),
    /// Send parked messages (dead-letter or invocation failure queue) back on; try --dry-run first.
    #[command(
        long_about = "Sends parked messages back on. A Lambda destination record (the invocation \
                      failure queue) re-invokes its function asynchronously with the original \
                      event; any other message goes to --to, else to the queue whose redrive \
                      policy parks messages on --queue. A message is deleted only once it was \
                      sent; one that fails stays parked.\n\n\
                      Exit codes: 0 every message moved (or would move); 1 some message failed \
                      or the queue could not be read; 2 usage error."
    )]
    ReplayDlq(ReplayArgs),
}

#[derive(clap::Args)]
struct ReplayArgs {
    /// The queue holding the parked messages (a dead-letter queue or the invocation failure queue).
    #[arg(long, value_name = "URL", value_parser = parse_queue_url)]
    queue: String,
    /// Where messages other than destination records go (default: the source queue of --queue).
    #[arg(long, value_name = "URL", value_parser = parse_queue_url)]
    to: Option<String>,
    /// The function destination records re-invoke (default: the function each record names).
    #[arg(long, value_name = "NAME")]
    function: Option<String>,
    /// List each message and where it would go; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// At most this many messages.
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..))]
    max: u32,
    /// The queues' region (default: AWS_REGION, else AWS_DEFAULT_REGION).
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
}

#[derive(clap::Args)]
struct TemplateArgs {
    /// A control parameter for its rule's InputParameters, as CONTROL:NAME=VALUE (repeatable).
    #[arg(long = "param", value_name = "CONTROL:NAME=VALUE")]
    params: Vec<String>,
    /// Replace the generated block of this template in place instead of printing it.
    #[arg(long, value_name = "TEMPLATE")]
    write: Option<PathBuf>,
}

#[derive(clap::Args)]
struct ScanArgs {
    /// Files or directories (*.json, recursively). Without any, the bundled example account.
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: ScanFormat,
    /// Run only this control (repeatable).
    #[arg(long = "control", value_name = "ID")]
    controls: Vec<String>,
    /// Exit with status 1 when a NON_COMPLIANT result of this severity or higher exists.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    fail_on: Option<Severity>,
    /// Table format: list every evaluation, not only failures.
    #[arg(long)]
    all: bool,
    /// A control parameter, as CONTROL:NAME=VALUE (repeatable), e.g. EC2.18:authorizedTcpPorts=443.
    #[arg(long = "param", value_name = "CONTROL:NAME=VALUE")]
    params: Vec<String>,
    /// Resource type of items that do not name one (select-resource-config output).
    #[arg(long, value_name = "TYPE")]
    resource_type: Option<String>,
    /// Tag key that exempts a resource from controls.
    #[arg(long, value_name = "KEY", default_value = DEFAULT_TAG_KEY)]
    exemption_tag: String,
    /// Region for findings about global resources (IAM) in --format asff (default: the region
    /// most scanned items are in).
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
    /// Evaluate as of this time (RFC 3339), instead of now.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    now: Option<Timestamp>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ScanFormat {
    Table,
    Jsonl,
    Asff,
}

#[derive(Clone, Copy, ValueEnum)]
enum CatalogFormat {
    Table,
    Markdown,
    Json,
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    Severity::parse(text)
        .ok_or_else(|| "expected one of informational, low, medium, high, critical".to_string())
}

fn parse_queue_url(text: &str) -> Result<String, String> {
    if text.starts_with("https://") || text.starts_with("http://") {
        Ok(text.to_string())
    } else {
        Err("expected a queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/NAME (the stack's outputs give them)".to_string())
    }
}

fn parse_time(text: &str) -> Result<Timestamp, String> {
    Timestamp::parse(text)
        .ok_or_else(|| "expected an RFC 3339 time such as 2026-06-01T00:00:00Z".to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Controls { format } => {
            print(&match format {
                CatalogFormat::Table => catalog::table(),
                CatalogFormat::Markdown => catalog::markdown(),
                CatalogFormat::Json => catalog::json(),
            });
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { id } => match registry::find(&id) {
            Some(control) => {
                print(&catalog::explain(control));
                Ok(ExitCode::SUCCESS)
            }
            None => Err(unknown_control(&id)),
        },
        Command::Template(args) => run_template(args),
        Command::ReplayDlq(args) => run_replay(args),
    };
    result.unwrap_or_else(|message| {
        eprintln!("ourside: {message}");
        ExitCode::from(EXIT_USAGE)
    })
}

/// Writes to stdout, ending quietly when the reader has gone (`ourside … | head`).
fn print(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn unknown_control(id: &str) -> String {
    let close = catalog::suggestions(id);
    if close.is_empty() {
        format!("unknown control {id:?} (see `ourside controls`)")
    } else {
        format!("unknown control {id:?}; did you mean {}?", close.join(", "))
    }
}

fn select_controls(ids: &[String]) -> Result<Vec<&'static Control>, String> {
    if ids.is_empty() {
        return Ok(CONTROLS.to_vec());
    }
    let mut selected: Vec<&'static Control> = Vec::new();
    for id in ids {
        let control = registry::find(id).ok_or_else(|| unknown_control(id))?;
        if !selected.iter().any(|c| std::ptr::eq(*c, control)) {
            selected.push(control);
        }
    }
    Ok(selected)
}

/// `EC2.18:authorizedTcpPorts=443` → per-control raw parameters, checked against declarations.
fn parse_params(specs: &[String]) -> Result<BTreeMap<&'static str, RawParams>, String> {
    let mut params: BTreeMap<&'static str, RawParams> = BTreeMap::new();
    for spec in specs {
        let (target, value) = spec
            .split_once('=')
            .ok_or_else(|| format!("--param {spec:?}: expected CONTROL:NAME=VALUE"))?;
        let (id, name) = target
            .split_once(':')
            .ok_or_else(|| format!("--param {spec:?}: expected CONTROL:NAME=VALUE"))?;
        let control = registry::find(id).ok_or_else(|| unknown_control(id))?;
        let declared = control
            .params
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                let known: Vec<_> = control.params.iter().map(|p| p.name).collect();
                if known.is_empty() {
                    format!("--param {spec:?}: {} has no parameters", control.id)
                } else {
                    format!(
                        "--param {spec:?}: {} has no parameter {name:?} (it has {})",
                        control.id,
                        known.join(", ")
                    )
                }
            })?;
        declared
            .parse(value)
            .map_err(|e| format!("--param {spec:?}: {e}"))?;
        params
            .entry(control.id)
            .or_default()
            .0
            .insert(declared.name.to_string(), value.to_string());
    }
    Ok(params)
}

fn run_template(args: TemplateArgs) -> Result<ExitCode, String> {
    let params = parse_params(&args.params)?;
    let block = template::rules(&params);
    let Some(path) = args.write else {
        print(&block);
        return Ok(ExitCode::SUCCESS);
    };
    let shown = path.display();
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{shown}: {e}"))?;
    let spliced = template::splice(&text, &block).map_err(|e| format!("{shown}: {e}"))?;
    if spliced != text {
        std::fs::write(&path, spliced).map_err(|e| format!("{shown}: {e}"))?;
        eprintln!("{shown}: rules updated");
    }
    Ok(ExitCode::SUCCESS)
}

fn run_replay(args: ReplayArgs) -> Result<ExitCode, String> {
    use ourside_aws::replay::{self, LambdaInvoker, SqsDeadLetters, SqsSender};
    let settings = ourside_aws::clients::Settings::from_env_in(args.region)
        .map_err(|e| format!("replay-dlq: {e}: pass --region"))?;
    let options = replay::Options {
        to: args.to,
        function: args.function,
        dry_run: args.dry_run,
        max: args.max as usize,
        ..replay::Options::default()
    };
    // One queue, one message at a time: a single thread is all this needs.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("replay-dlq: cannot start the async runtime: {e}"))?;
    let report = runtime.block_on(async {
        let sdk = settings.sdk_config();
        replay::replay(
            &SqsDeadLetters::new(&sdk, args.queue.clone()),
            &SqsSender::new(&sdk),
            &LambdaInvoker::new(&sdk),
            &options,
        )
        .await
    });
    let mut out = String::new();
    for line in &report.lines {
        out.push_str(&format!("{line}\n"));
    }
    let note = if options.dry_run {
        " (dry run: nothing changed)"
    } else {
        ""
    };
    out.push_str(&format!("{}{note}\n", report.summary()));
    print(&out);
    for warning in &report.warnings {
        eprintln!("ourside: replay-dlq: {warning}");
    }
    if let Some(reason) = &report.stopped {
        eprintln!(
            "ourside: replay-dlq: stopped reading {}: {reason}",
            args.queue
        );
    }
    Ok(if report.succeeded() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_REPLAY_FAILED)
    })
}

fn run_scan(args: ScanArgs) -> Result<ExitCode, String> {
    let controls = select_controls(&args.controls)?;
    let params = parse_params(&args.params)?;
    let resource_type = match args.resource_type.as_deref() {
        None => None,
        Some(name) => match ResourceType::from_config_name(name) {
            ResourceType::Other(_) => {
                return Err(format!(
                    "--resource-type {name:?}: not a resource type any control covers"
                ));
            }
            known => Some(known),
        },
    };
    let now = args.now.unwrap_or_else(Timestamp::now);
    let options = Options {
        controls,
        params,
        hints: Hints { resource_type },
        exemption_tag: args.exemption_tag,
        now,
    };

    let (inputs, mut problems) = if args.paths.is_empty() {
        let inputs = examples::EXAMPLES
            .iter()
            .map(|(name, text)| Input::from_memory(name, text))
            .collect();
        (inputs, Vec::new())
    } else {
        scan::collect_inputs(&args.paths)
    };
    let mut report = scan::scan(inputs, &options);
    report.problems.splice(0..0, problems.drain(..));

    let style = Style {
        color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    match args.format {
        ScanFormat::Table => print(&render::table(&report, args.all, style)),
        ScanFormat::Jsonl => print(&render::jsonl(&report)),
        ScanFormat::Asff => {
            // Config records global resources (IAM) in one region: without --region, the
            // region most scanned items are in.
            let home_region = args.region.clone().or_else(|| render::main_region(&report));
            let producer = Producer {
                default_region: home_region.as_deref(),
                now,
            };
            let (text, more) = render::asff(&report, &producer);
            report.problems.extend(more);
            print(&text);
        }
    }
    eprint!("{}", render::problems(&report.problems));

    let failed = args.fail_on.is_some_and(|threshold| {
        report.records.iter().any(|r| {
            r.verdict.compliance == Compliance::NonCompliant && r.control.severity >= threshold
        })
    });
    Ok(if failed {
        ExitCode::from(EXIT_FAILED_CONTROLS)
    } else if report.errors() > 0 {
        ExitCode::from(EXIT_INPUT_ERRORS)
    } else {
        ExitCode::SUCCESS
    })
}

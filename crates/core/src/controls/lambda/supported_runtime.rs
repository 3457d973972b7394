use crate::controls::prelude::*;

/// The managed rule's allowlist: when set, it replaces the dated table.
pub static RUNTIMES_ALLOWED: ParamSpec = ParamSpec {
    name: "runtime",
    kind: ParamKind::List,
    default: "",
    help: "Comma-separated runtime identifiers that pass, e.g. python3.12,nodejs22.x (as in the managed rule lambda-function-settings-check); empty judges by the dated runtime table instead.",
};

crate::control! {
    /// ## What it checks
    /// Whether a `.zip` function runs on a Lambda runtime that is still supported at the time of
    /// evaluation. The runtime must be in the table below and before its deprecation date:
    /// a runtime past that date fails naming the date, and a runtime the table does not know
    /// (`nodejs6.10`, a misspelling, a runtime newer than the table) fails too, as it does in
    /// Security Hub, whose list is fixed. Container-image functions (`packageType` `Image`) have
    /// no runtime to judge and are NOT_APPLICABLE, as in the managed rule.
    ///
    /// Where we differ from Security Hub's fixed list, on purpose: runtimes Lambda supports but
    /// the list has not caught up with (`dotnet10`, `ruby4.0`) and the OS-only runtimes
    /// `provided.al2023` and `provided.al2` (Go, Rust and custom runtimes; the OS is patched by
    /// AWS) pass until their deprecation date, saying that Security Hub's list omits them; and
    /// runtimes on the list fail once Lambda deprecates them (`nodejs20.x` on 2026-04-30), where
    /// Security Hub keeps passing them until its list changes. For exact parity with a fixed
    /// list, give the list as the `runtime` parameter: then only the runtimes it names pass.
    ///
    /// ## Why it matters
    /// Choosing and upgrading the runtime is the customer's side of the model. A deprecated
    /// runtime no longer receives security patches, and Lambda eventually blocks updates to
    /// functions that use it.
    ///
    /// ## How to fix
    /// Test the code on a current runtime of the same language and update the function
    /// (`aws lambda update-function-configuration --runtime …`). Plan upgrades ahead of the
    /// deprecation dates on the Lambda runtimes page.
    CONTROL = Control {
        id: "Lambda.2",
        title: "Lambda functions should use supported runtimes",
        resource_types: &[ResourceType::LambdaFunction],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::ServiceConfiguration,
        mappings: Mappings {
            security_hub: Some("Lambda.2"),
            cis: &[],
            nist: &["CA-9(1)", "CM-2", "SI-2", "SI-2(2)", "SI-2(4)", "SI-2(5)"],
        },
        remediation: Remediation {
            text: "Move the function to a supported runtime of its language after testing, before the runtime's deprecation date.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/lambda-controls.html#lambda-2",
        },
        params: &[RUNTIMES_ALLOWED],
        check: Check::Item(evaluate),
    }
}

/// A Lambda runtime identifier and the day Lambda deprecates it (end of security patches).
struct Runtime {
    id: &'static str,
    deprecated_on: &'static str,
    /// On the fixed list Security Hub's Lambda.2 accepts.
    security_hub_list: bool,
}

const fn runtime(
    id: &'static str,
    deprecated_on: &'static str,
    security_hub_list: bool,
) -> Runtime {
    Runtime {
        id,
        deprecated_on,
        security_hub_list,
    }
}

/// Lambda runtimes and their deprecation dates, from the Lambda developer guide's "Lambda
/// runtimes" page (docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html) as of 2026-07-24
/// (read through tflint-ruleset-aws's table generated from that page), and the `runtime` list
/// of Security Hub's Lambda.2 (Security Hub CSPM user guide, lambda-controls, 2026). Update both
/// columns together when either page changes.
const RUNTIMES: &[Runtime] = &[
    runtime("dotnet10", "2028-11-14", false),
    runtime("dotnet8", "2026-11-10", true),
    runtime("java25", "2029-06-30", true),
    runtime("java21", "2029-06-30", true),
    runtime("java17", "2027-06-30", true),
    runtime("java11", "2027-06-30", true),
    runtime("java8.al2", "2027-06-30", true),
    runtime("nodejs24.x", "2028-04-30", true),
    runtime("nodejs22.x", "2027-04-30", true),
    runtime("nodejs20.x", "2026-04-30", true),
    runtime("python3.14", "2029-06-30", true),
    runtime("python3.13", "2029-06-30", true),
    runtime("python3.12", "2028-10-31", true),
    runtime("python3.11", "2027-06-30", true),
    runtime("python3.10", "2026-10-31", true),
    runtime("ruby4.0", "2029-03-31", false),
    runtime("ruby3.4", "2028-03-31", true),
    runtime("ruby3.3", "2027-03-31", true),
    runtime("ruby3.2", "2026-03-31", true),
    runtime("provided.al2023", "2029-06-30", false),
    runtime("provided.al2", "2026-07-31", false),
    // Deprecated runtimes, so their failures can name the date.
    runtime("python3.9", "2025-12-15", false),
    runtime("nodejs18.x", "2025-09-01", false),
    runtime("dotnet6", "2024-12-20", false),
    runtime("python3.8", "2024-10-14", false),
    runtime("nodejs16.x", "2024-06-12", false),
    runtime("dotnet7", "2024-05-14", false),
    runtime("go1.x", "2024-01-08", false),
    runtime("java8", "2024-01-08", false),
    runtime("provided", "2024-01-08", false),
    runtime("ruby2.7", "2023-12-07", false),
    runtime("nodejs14.x", "2023-12-04", false),
    runtime("python3.7", "2023-12-04", false),
    runtime("dotnetcore3.1", "2023-04-03", false),
    runtime("nodejs12.x", "2023-03-31", false),
    runtime("python3.6", "2022-07-18", false),
    runtime("dotnetcore2.1", "2022-01-05", false),
    runtime("nodejs10.x", "2021-07-30", false),
    runtime("ruby2.5", "2021-07-30", false),
    runtime("python2.7", "2021-07-15", false),
    runtime("nodejs8.10", "2020-03-06", false),
    runtime("nodejs4.3", "2020-03-05", false),
    runtime("nodejs6.10", "2019-08-12", false),
];

fn evaluate(resource: &Resource, params: &Params, context: &Context) -> Outcome {
    let Resource::LambdaFunction(function) = resource else {
        return Ok(Verdict::not_applicable("not a Lambda function"));
    };
    if function.is_image() {
        return Ok(Verdict::not_applicable(
            "container-image function (packageType Image): its runtime is part of the image",
        ));
    }
    let Some(id) = function.runtime.as_deref() else {
        return Err(crate::json::InputError::new(
            "configuration.runtime",
            "missing: a .zip function must name its runtime",
        ));
    };
    let allowed = params.list(&RUNTIMES_ALLOWED);
    if !allowed.is_empty() {
        return Ok(if allowed.iter().any(|a| a.eq_ignore_ascii_case(id)) {
            Verdict::compliant(format!("runtime {id} is in the runtime parameter"))
        } else {
            Verdict::non_compliant(format!(
                "runtime {id} is not in the runtime parameter ({})",
                allowed.join(", ")
            ))
        });
    }
    let Some(known) = RUNTIMES.iter().find(|r| r.id.eq_ignore_ascii_case(id)) else {
        return Ok(Verdict::non_compliant(format!(
            "runtime {id:?} is not a supported Lambda runtime identifier"
        )));
    };
    let today = context.now.date_string();
    if today.as_str() >= known.deprecated_on {
        return Ok(Verdict::non_compliant(format!(
            "runtime {} was deprecated on {} (no more security patches)",
            known.id, known.deprecated_on
        )));
    }
    let note = match (known.security_hub_list, known.id.starts_with("provided")) {
        (true, _) => "",
        (false, true) => " (OS-only runtime; Security Hub's fixed Lambda.2 list omits it)",
        (false, false) => " (Security Hub's fixed Lambda.2 list does not include it yet)",
    };
    Ok(Verdict::compliant(format!(
        "runtime {} is supported until {}{note}",
        known.id, known.deprecated_on
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_dates_are_iso_dates_and_ids_unique() {
        for (i, r) in RUNTIMES.iter().enumerate() {
            assert!(
                crate::Timestamp::parse(r.deprecated_on).is_some() && r.deprecated_on.len() == 10,
                "{}",
                r.id
            );
            assert!(
                RUNTIMES[..i].iter().all(|o| o.id != r.id),
                "duplicate {}",
                r.id
            );
        }
    }
}

use crate::controls::prelude::*;
use crate::policy::{principal_account, Condition, Statement};

/// Apply the source-account test to every service principal, not only S3.
pub static ALL_SERVICES: ParamSpec = ParamSpec {
    name: "requireSourceAccountForAllServices",
    kind: ParamKind::Boolean,
    default: "false",
    help: "Fail a permission for any service principal (not only S3) that no aws:SourceAccount or aws:SourceArn ties to an account.",
};

crate::control! {
    /// ## What it checks
    /// Whether the function's resource-based policy lets anyone invoke or manage it. A statement
    /// is public when it allows an action to everyone (`"*"`, `{"AWS":"*"}`, an AWS principal
    /// with a wildcard such as `arn:aws:iam::*:root`, or `NotPrincipal`) without a condition
    /// pinning a restricting key (`aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOwner`,
    /// `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:SourceVpce`, `aws:SourceIp`…) to fixed
    /// values; values with wildcards or policy variables do not restrict, as AWS defines it. A
    /// function URL permission (`lambda:InvokeFunctionUrl` with `lambda:FunctionUrlAuthType`
    /// `NONE`) to everyone is public and said so.
    ///
    /// A permission for the S3 service principal is public too when nothing ties the invoking
    /// bucket to an account, as the managed rule judges it: S3 bucket ARNs carry no account, so
    /// it needs a fixed `aws:SourceAccount` (or `aws:SourceOwner`/`aws:SourceOrgID`). With
    /// `requireSourceAccountForAllServices` the same confused-deputy test applies to every
    /// service principal (`sns.amazonaws.com`, `events.amazonaws.com`…), where an
    /// `aws:SourceArn` in a fixed account also ties it; that is stricter than AWS, and some
    /// service permissions (Secrets Manager rotation, Alexa skills) are usually granted without
    /// a source. A function without a policy passes.
    ///
    /// ## Why it matters
    /// Resource policies are the customer's side of access control. A public function can be
    /// invoked by anyone, running your code with your role's permissions and at your cost; a
    /// service permission without a source account lets another account's bucket or topic
    /// trigger it.
    ///
    /// ## How to fix
    /// Remove the statement (`aws lambda remove-permission --function-name … --statement-id
    /// <Sid>`) and add it again with a principal account, or with `--source-account` and
    /// `--source-arn` for service principals. Use `AWS_IAM` auth for function URLs.
    CONTROL = Control {
        id: "Lambda.1",
        title: "Lambda function policies should prohibit public access",
        resource_types: &[ResourceType::LambdaFunction],
        trigger: Trigger::Change,
        severity: Severity::Critical,
        owner: Owner::Platform,
        area: SrmArea::IdentityAndAccess,
        mappings: Mappings {
            security_hub: Some("Lambda.1"),
            cis: &[],
            nist: &["AC-21", "AC-3", "AC-3(7)", "AC-4", "AC-4(21)", "AC-6", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(20)", "SC-7(21)", "SC-7(3)", "SC-7(4)", "SC-7(9)"],
        },
        remediation: Remediation {
            text: "Remove policy statements that grant access to everyone, and re-add service permissions with a source account (and source ARN) condition.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/lambda-controls.html#lambda-1",
        },
        params: &[ALL_SERVICES],
        check: Check::Item(evaluate),
    }
}

/// Keys whose fixed values keep a statement for everyone from being public.
const RESTRICTING_KEYS: &[&str] = &[
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOwner",
    "aws:SourceOrgID",
    "aws:PrincipalOrgID",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:userid",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceIp",
];

/// Keys whose fixed values tie a service's request to the accounts it comes from.
const SOURCE_ACCOUNT_KEYS: &[&str] = &["aws:SourceAccount", "aws:SourceOwner", "aws:SourceOrgID"];

fn evaluate(resource: &Resource, params: &Params, _: &Context) -> Outcome {
    let all_services = params.boolean(&ALL_SERVICES);
    let Resource::LambdaFunction(function) = resource else {
        return Ok(Verdict::not_applicable("not a Lambda function"));
    };
    let Some(policy) = section(&function.policy)? else {
        return Ok(Verdict::compliant(
            "the function has no resource-based policy",
        ));
    };
    let offences: Vec<String> = policy
        .labelled()
        .filter(|(_, s)| s.is_allow())
        .flat_map(|(label, s)| {
            let mut found: Vec<String> = public_grant(&label, s).into_iter().collect();
            found.extend(unbound_services(&label, s, all_services));
            found
        })
        .collect();
    let count = policy.statements.len();
    Ok(Verdict::from_offences(
        offences,
        format!(
            "no statement grants access to everyone or lets a service act without a source account ({count} statement{})",
            if count == 1 { "" } else { "s" }
        ),
    ))
}

/// `statement Sid "X" allows lambda:InvokeFunction to Principal "*" without a restricting
/// condition`, when the statement is a public grant.
fn public_grant(label: &str, statement: &Statement) -> Option<String> {
    let who = anyone(statement)?;
    if statement.restricting_condition(RESTRICTING_KEYS).is_some() {
        return None;
    }
    let url = if is_open_function_url(statement) {
        " (function URL with AuthType NONE)"
    } else {
        ""
    };
    Some(format!(
        "{label} allows {} to {who}{url} without a restricting condition",
        actions(statement)
    ))
}

/// How the statement names everyone, if it does.
fn anyone(statement: &Statement) -> Option<String> {
    if statement.not_principal.is_some() && statement.principal.is_none() {
        return Some("everyone (NotPrincipal)".into());
    }
    let principal = statement.principal.as_ref()?;
    principal.entries.iter().find_map(|(kind, value)| {
        let aws = kind.eq_ignore_ascii_case("AWS");
        match (kind.as_str(), value.as_str()) {
            ("*", _) => Some("Principal \"*\"".to_string()),
            (_, "*") if aws => Some("Principal {\"AWS\":\"*\"}".to_string()),
            (_, v) if aws && v.contains('*') => Some(format!("AWS principal {v}")),
            _ => None,
        }
    })
}

fn is_open_function_url(statement: &Statement) -> bool {
    statement.covers_action("lambda:InvokeFunctionUrl")
        && statement.conditions.iter().any(|c| {
            c.key.eq_ignore_ascii_case("lambda:FunctionUrlAuthType")
                && c.values.iter().any(|v| v.eq_ignore_ascii_case("NONE"))
        })
}

fn actions(statement: &Statement) -> String {
    match &statement.not_actions {
        Some(excluded) => format!("every action but {}", excluded.join(", ")),
        None if statement.actions.is_empty() => "no action".into(),
        None => statement.actions.join(", "),
    }
}

/// Service principals of the statement that any account's resources could make act.
fn unbound_services(label: &str, statement: &Statement, all_services: bool) -> Vec<String> {
    let Some(principal) = &statement.principal else {
        return Vec::new();
    };
    if statement.conditions.iter().any(binds_source_account) {
        return Vec::new();
    }
    principal
        .values("Service")
        .filter(|service| all_services || service.eq_ignore_ascii_case("s3.amazonaws.com"))
        .map(|service| {
            let why = if service.eq_ignore_ascii_case("s3.amazonaws.com") {
                "without aws:SourceAccount (S3 bucket ARNs name no account)"
            } else {
                "without aws:SourceAccount or an aws:SourceArn in a fixed account"
            };
            format!(
                "{label} allows {} to service {service} {why}",
                actions(statement)
            )
        })
        .collect()
}

/// A fixed source account, or source ARNs whose account field is a fixed account id.
fn binds_source_account(condition: &Condition) -> bool {
    let key = |k: &str| condition.key.eq_ignore_ascii_case(k);
    if SOURCE_ACCOUNT_KEYS.iter().any(|k| key(k)) {
        return condition.pins_fixed_values();
    }
    key("aws:SourceArn")
        && condition.requires_match()
        && !condition.values.is_empty()
        && condition.values.iter().all(|arn| {
            principal_account(arn)
                .is_some_and(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
        })
}

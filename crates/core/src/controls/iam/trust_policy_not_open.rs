use crate::controls::prelude::*;
use crate::json::InputError;
use crate::policy::{principal_account, Condition, PolicyDocument, Statement};

crate::control! {
    /// ## What it checks
    /// Whether the role's trust policy (`assumeRolePolicyDocument`) lets anyone assume it. Two
    /// cases fail:
    ///
    /// - an `Allow` statement covering `sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity` or
    ///   `sts:AssumeRoleWithSAML` (wildcards and `NotAction` included) for any principal
    ///   (`"*"`, `{"AWS": "*"}`, an ARN with `*` as its account such as `arn:aws:iam::*:root`)
    ///   without a condition that pins `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`,
    ///   `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceAccount`, `aws:SourceArn` or
    ///   `aws:SourceOrgID` with a positive operator (`StringEquals`, `StringLike`, `ArnLike`…;
    ///   not `…IfExists`, not `ForAllValues:`). Values must be fixed, except that a wildcard
    ///   may follow a literal account in an ARN (`arn:aws:iam::111122223333:role/*`) or a
    ///   literal organization at the start of an org path (`o-a1b2c3d4e5/*`). `sts:ExternalId`
    ///   alone does not restrict: it is a shared secret meant for one named account. A `Deny`
    ///   for everyone unless such a key matches neutralises the grant.
    /// - an `Allow` of `sts:AssumeRoleWithWebIdentity` to an IAM OIDC identity provider
    ///   (`Federated` `arn:…:oidc-provider/<host>`, e.g. GitHub Actions'
    ///   `token.actions.githubusercontent.com`) without a condition on `<host>:sub` whose
    ///   values start with a literal subject (for GitHub `repo:<owner>/…`; `repo:*` or `*` do
    ///   not pin anything). For the built-in web identity providers (`cognito-identity.amazonaws.com`,
    ///   `accounts.google.com`, `graph.facebook.com`, `www.amazon.com`) a pinned `:aud`,
    ///   `:app_id` or `:sub` key is accepted, as their audience is specific to the customer.
    ///
    /// Service-linked roles (path `/aws-service-role/`) are managed by AWS and NOT_APPLICABLE.
    /// There is no Security Hub control for this; IAM Access Analyzer reports such roles as
    /// external access.
    ///
    /// ## Why it matters
    /// Trust policies are the customer's side of the model, and a role anyone can assume hands
    /// its permissions to every AWS account in the world. The OIDC case is the GitHub Actions
    /// takeover: GitHub's audience is the same for every customer, so without a `sub`
    /// condition any repository on GitHub can obtain the role's credentials.
    ///
    /// ## How to fix
    /// Name the trusted accounts or roles in `Principal`, or add a condition pinning
    /// `aws:PrincipalOrgID` (or account/ARN) to your own values. For GitHub Actions, add
    /// `StringEquals`/`StringLike` on `token.actions.githubusercontent.com:sub` for your
    /// repository and branch or environment (`repo:acme/deploy:ref:refs/heads/main`), plus
    /// `token.actions.githubusercontent.com:aud` = `sts.amazonaws.com`.
    CONTROL = Control {
        id: "IAM.X1",
        title: "IAM role trust policies should not allow anyone to assume the role",
        resource_types: &[ResourceType::IamRole],
        trigger: Trigger::Change,
        severity: Severity::Critical,
        owner: Owner::Platform,
        area: SrmArea::IdentityAndAccess,
        mappings: Mappings {
            security_hub: None,
            cis: &[],
            nist: &["AC-3", "AC-6"],
        },
        remediation: Remediation {
            text: "Name the trusted principals in the trust policy or pin aws:PrincipalOrgID/aws:PrincipalAccount; for OIDC providers such as GitHub Actions, add a condition on the provider's :sub key.",
            url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

/// Keys whose pinned values keep a wildcard principal from being anyone.
const RESTRICTING_KEYS: &[&str] = &[
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
];

const ASSUME_ACTIONS: &[&str] = &[
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
];

const WEB_IDENTITY: &str = "sts:AssumeRoleWithWebIdentity";

/// Web identity providers built into STS, whose audience (`aud`/`app_id`) is the customer's own
/// application or identity pool.
const BUILT_IN_PROVIDERS: &[&str] = &[
    "cognito-identity.amazonaws.com",
    "accounts.google.com",
    "graph.facebook.com",
    "www.amazon.com",
];

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::IamRole(role) = resource else {
        return Ok(Verdict::not_applicable(format!(
            "not an {}",
            ResourceType::IamRole
        )));
    };
    if let Some(path) = role
        .path
        .as_deref()
        .filter(|p| p.starts_with("/aws-service-role/"))
    {
        return Ok(Verdict::not_applicable(format!(
            "service-linked role (path {path}): its trust policy is managed by AWS"
        )));
    }
    let Some(trust) = &role.trust_policy else {
        return Err(InputError::new(
            "configuration.assumeRolePolicyDocument",
            "missing: the trust policy decides this control",
        ));
    };
    let mut offences = Vec::new();
    let mut restricted = Vec::new();
    for (label, statement) in trust.labelled() {
        if !statement.is_allow() {
            continue;
        }
        let Some(action) = statement.first_covered(ASSUME_ACTIONS) else {
            continue;
        };
        if let Some(who) = anyone(statement) {
            match restriction(statement) {
                Some(condition) => {
                    restricted.push(format!("{label} limits {who} by {condition}"));
                }
                None => match denied_unless_restricted(action, trust) {
                    Some((deny, condition)) => restricted.push(format!(
                        "{label} grants {who} but {deny} denies everyone else ({condition})"
                    )),
                    None => offences.push(format!(
                    "{label} allows {action} to anyone ({who}) with no condition pinning the caller's organization, account or ARN"
                    )),
                },
            }
        }
        if statement.covers_action(WEB_IDENTITY) {
            for (pinned, text) in web_identities(statement) {
                let list = if pinned {
                    &mut restricted
                } else {
                    &mut offences
                };
                list.push(format!("{label} {text}"));
            }
        }
    }
    if !offences.is_empty() {
        return Ok(Verdict::from_offences(offences, ""));
    }
    Ok(Verdict::compliant(if restricted.is_empty() {
        "no trust statement lets anyone, or any identity of an OIDC provider, assume the role"
            .to_string()
    } else {
        restricted.join("; ")
    }))
}

/// How the statement names everyone, if it does: `Principal "*"`, `AWS "arn:aws:iam::*:root"`.
fn anyone(statement: &Statement) -> Option<String> {
    if statement.principal.is_none() && statement.not_principal.is_some() {
        return Some("NotPrincipal".to_string());
    }
    let principal = statement.principal.as_ref()?;
    principal
        .entries
        .iter()
        .find(|(kind, value)| {
            (kind == "*" && value == "*")
                || (kind.eq_ignore_ascii_case("AWS")
                    && (value == "*" || principal_account(value).is_some_and(|a| a.contains('*'))))
        })
        .map(|(kind, value)| match kind.as_str() {
            "*" => "Principal \"*\"".to_string(),
            _ => format!("{kind} {value:?}"),
        })
}

/// The condition that limits a wildcard principal to the customer's organization, accounts
/// or principals.
fn restriction(statement: &Statement) -> Option<&Condition> {
    statement
        .restricting_condition(RESTRICTING_KEYS)
        .or_else(|| {
            statement.conditions.iter().find(|c| {
                let key = c.key.to_ascii_lowercase();
                match key.as_str() {
                    "aws:principalarn" | "aws:sourcearn" => c.pins_values(arn_pins_account),
                    "aws:principalorgpaths" => c.pins_values(path_pins_organization),
                    _ => false,
                }
            })
        })
}

/// `arn:aws:iam::111122223333:role/*`: a literal account before any wildcard.
fn arn_pins_account(value: &str) -> bool {
    let parts: Vec<&str> = literal_prefix(value).splitn(6, ':').collect();
    // Six parts: the account field is complete (a `:` follows it before any wildcard).
    matches!(parts.as_slice(), ["arn", _, _, _, account, _]
        if account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
}

/// `o-a1b2c3d4e5/r-ab12/*`: a literal organization id and its `/` before any wildcard.
fn path_pins_organization(value: &str) -> bool {
    let literal = literal_prefix(value);
    literal.starts_with("o-") && literal.contains('/')
}

/// The part of a condition value before its first wildcard or policy variable.
fn literal_prefix(value: &str) -> &str {
    let value = value.trim();
    let end = [value.find('*'), value.find('?'), value.find("${")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(value.len());
    &value[..end]
}

/// The statement (label and condition) that denies `action` to everyone unless a restricting
/// key matches, if there is one.
fn denied_unless_restricted<'a>(
    action: &str,
    trust: &'a PolicyDocument,
) -> Option<(String, &'a Condition)> {
    trust.labelled().find_map(|(label, d)| {
        if !d.covers_action(action) {
            return None;
        }
        d.deny_unless_condition(RESTRICTING_KEYS)
            .map(|condition| (label, condition))
    })
}

/// The web identity providers the statement trusts, each with whether a condition pins the
/// subject (`true`, saying by which condition) or not (`false`, saying what is missing).
fn web_identities(statement: &Statement) -> Vec<(bool, String)> {
    let Some(principal) = &statement.principal else {
        return Vec::new();
    };
    principal
        .values("Federated")
        .filter_map(|provider| {
            let (host, keys): (&str, Vec<String>) =
                if let Some((_, host)) = provider.split_once(":oidc-provider/") {
                    (host, vec![format!("{host}:sub")])
                } else if BUILT_IN_PROVIDERS
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(provider))
                {
                    (
                        provider,
                        ["aud", "app_id", "sub"]
                            .iter()
                            .map(|k| format!("{provider}:{k}"))
                            .collect(),
                    )
                } else {
                    return None; // SAML providers and anything else: not a web identity
                };
            let on_keys: Vec<&Condition> = statement
                .conditions
                .iter()
                .filter(|c| keys.iter().any(|k| c.key.eq_ignore_ascii_case(k)))
                .collect();
            if let Some(c) = on_keys.iter().find(|c| c.pins_values(subject_is_pinned)) {
                return Some((true, format!("limits {host} identities by {c}")));
            }
            Some((
                false,
                match on_keys.first() {
                    Some(c) => format!(
                        "allows {WEB_IDENTITY} to {host} identities but condition {c} does not pin a subject"
                    ),
                    None => format!(
                        "allows {WEB_IDENTITY} to any {host} identity: no condition on {}",
                        keys.join("/")
                    ),
                },
            ))
        })
        .collect()
}

/// A subject with a literal start: for GitHub (`repo:…`) at least the owner and `/`.
fn subject_is_pinned(value: &str) -> bool {
    let literal = literal_prefix(value);
    match literal.strip_prefix("repo:") {
        Some(repository) => repository.contains('/') && !repository.starts_with('/'),
        None => !literal.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_values_that_still_pin() {
        assert!(arn_pins_account("arn:aws:iam::111122223333:role/*"));
        assert!(arn_pins_account("arn:aws:iam::111122223333:root"));
        assert!(!arn_pins_account("arn:aws:iam::*:role/admin"));
        assert!(!arn_pins_account("arn:aws:iam::1111*"));
        assert!(!arn_pins_account("arn:aws:iam::111122223333*"));
        assert!(path_pins_organization("o-a1b2c3d4e5/*"));
        assert!(!path_pins_organization("o-*"));
        assert!(subject_is_pinned("repo:acme/deploy:*"));
        assert!(subject_is_pinned("system:serviceaccount:payments:api"));
        assert!(!subject_is_pinned("repo:*"));
        assert!(!subject_is_pinned("repo:acme*"));
        assert!(!subject_is_pinned("*"));
        assert!(!subject_is_pinned("${aws:username}"));
    }
}

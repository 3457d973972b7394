//! Account states for the unit tests of account-level controls, and a runner that flattens
//! their judgements into what the tests compare.

use crate::control::{Check, Context, Control, Judgement};
use crate::facts::{
    AccessKeyState, AccountState, CredentialReport, CredentialRow, UserRef, NO_ENRICHMENT,
};
use crate::params::{Params, RawParams};
use crate::timestamp::Timestamp;
use crate::verdict::{Compliance, MAX_ANNOTATION_BYTES};

pub(crate) const ACCOUNT: &str = "111122223333";
pub(crate) const REGION: &str = "eu-west-1";

pub(crate) fn at(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap_or_else(|| panic!("bad test time {text}"))
}

/// When the tests judge: the fixtures' instant.
pub(crate) fn now() -> Timestamp {
    at("2026-06-01T00:00:00Z")
}

/// The evaluation context of a periodic run at [`now`].
pub(crate) fn context() -> Context<'static> {
    Context {
        now: now(),
        account: None,
        enrichment: &NO_ENRICHMENT,
    }
}

/// The control's judgements as it returns them, with default parameters.
pub(crate) fn judgements(control: &Control, state: &AccountState) -> Vec<Judgement> {
    let Check::Account(check, _) = control.check else {
        panic!("{} is not an account-level control", control.id);
    };
    check(state, &Params::defaults(control.params), &context())
}

/// An account about which nothing was fetched.
pub(crate) fn state() -> AccountState {
    AccountState::new(ACCOUNT, REGION, now())
}

/// One judgement, flattened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Seen {
    pub resource_type: String,
    pub id: String,
    /// `None`: the control reported an input error.
    pub compliance: Option<Compliance>,
    /// The annotation, or the error text.
    pub text: String,
}

/// Runs an account-level control with its default parameters.
pub(crate) fn run(control: &'static Control, state: &AccountState) -> Vec<Seen> {
    run_with(control, state, &[])
}

/// Runs an account-level control with the given rule parameters (defaults elsewhere).
pub(crate) fn run_with(
    control: &'static Control,
    state: &AccountState,
    params: &[(&str, &str)],
) -> Vec<Seen> {
    let Check::Account(check, _) = control.check else {
        panic!("{} is not an account-level control", control.id);
    };
    let raw = RawParams(
        params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    );
    let params = Params::resolve(control.params, &raw).expect("test parameters resolve");
    check(state, &params, &context())
        .into_iter()
        .map(|j| {
            assert_eq!(j.subject.account_id.as_deref(), Some(ACCOUNT));
            assert_eq!(j.subject.region.as_deref(), Some(REGION));
            assert_eq!(j.subject.capture_time, Some(state.observed_at));
            let (compliance, text) = match j.outcome {
                Ok(v) => {
                    assert!(
                        !v.annotation.is_empty() && v.annotation.len() <= MAX_ANNOTATION_BYTES,
                        "{}: {:?}",
                        control.id,
                        v.annotation
                    );
                    (Some(v.compliance), v.annotation)
                }
                Err(e) => (None, e.to_string()),
            };
            Seen {
                resource_type: j.subject.resource_type.config_name().to_string(),
                id: j.subject.resource_id,
                compliance,
                text,
            }
        })
        .collect()
}

/// The single judgement of a control about the account itself.
pub(crate) fn account_verdict(control: &'static Control, state: &AccountState) -> Seen {
    account_verdict_with(control, state, &[])
}

pub(crate) fn account_verdict_with(
    control: &'static Control,
    state: &AccountState,
    params: &[(&str, &str)],
) -> Seen {
    let mut seen = run_with(control, state, params);
    assert_eq!(seen.len(), 1, "{}: {seen:?}", control.id);
    let one = seen.remove(0);
    assert_eq!(
        (one.resource_type.as_str(), one.id.as_str()),
        ("AWS::::Account", ACCOUNT)
    );
    one
}

/// The credential report the user-level tests judge: generated 2 h 10 min before [`now`].
pub(crate) fn report(rows: Vec<CredentialRow>) -> CredentialReport {
    CredentialReport {
        generated_at: at("2026-05-31T21:50:00Z"),
        rows,
    }
}

/// What every annotation drawn from [`report`] ends with.
pub(crate) const REPORT_AGE: &str = "[credential report of 2026-05-31T21:50Z, 2 h 10 min old]";

/// A user created on 2024-01-15 without a password or access keys.
pub(crate) fn user(name: &str) -> CredentialRow {
    CredentialRow {
        user: name.to_string(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
        user_created: Some(at("2024-01-15T09:00:00Z")),
        access_keys: vec![key(1, false, None, None), key(2, false, None, None)],
        ..CredentialRow::default()
    }
}

/// An access key slot; times are RFC 3339 text.
pub(crate) fn key(
    slot: u8,
    active: bool,
    last_rotated: Option<&str>,
    last_used: Option<&str>,
) -> AccessKeyState {
    AccessKeyState {
        slot,
        active,
        last_rotated: last_rotated.map(at),
        last_used: last_used.map(at),
    }
}

/// `iam:ListUsers` for these names: ids `AIDA` + the upper-cased name.
pub(crate) fn listed(names: &[&str]) -> Vec<UserRef> {
    names
        .iter()
        .map(|name| UserRef {
            name: name.to_string(),
            id: user_id(name),
            arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
        })
        .collect()
}

pub(crate) fn user_id(name: &str) -> String {
    format!("AIDA{}", name.to_ascii_uppercase().replace('-', ""))
}

/// A state with this credential report, every row's user (not root) listed by `iam:ListUsers`.
pub(crate) fn with_users(rows: Vec<CredentialRow>) -> AccountState {
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r.user.as_str())
        .filter(|name| *name != CredentialReport::ROOT)
        .collect();
    let users = listed(&names);
    AccountState {
        credential_report: Ok(report(rows)),
        users: Ok(users),
        ..state()
    }
}

/// The one user judgement with this user id.
pub(crate) fn user_verdict(seen: &[Seen], name: &str) -> Seen {
    let id = user_id(name);
    let found: Vec<&Seen> = seen.iter().filter(|s| s.id == id).collect();
    assert_eq!(found.len(), 1, "{name}: {seen:?}");
    assert_eq!(found[0].resource_type, "AWS::IAM::User");
    found[0].clone()
}

/// Asserts the user's verdict and annotation; the report's age is appended to `text`.
pub(crate) fn expect_user(seen: &[Seen], name: &str, compliance: Compliance, text: &str) {
    let found = user_verdict(seen, name);
    assert_eq!(found.compliance, Some(compliance), "{name}: {}", found.text);
    assert_eq!(found.text, format!("{text} {REPORT_AGE}"), "{name}");
}

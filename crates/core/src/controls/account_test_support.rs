//! Account states for the unit tests of account-level controls, and a runner that flattens
//! their judgements into what the tests compare.

use crate::control::{Check, Context, Control, Judgement};
use crate::facts::{AccountState, NO_ENRICHMENT};
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

//! Shared by the account-level (periodic) controls: the subjects their judgements name (the
//! account, or a resource the account lists), the judgement when a fact could not be fetched,
//! and short renderings of dates and lists for annotations.

use crate::asff::{partition, Subject};
use crate::control::Judgement;
use crate::facts::{self, AccountState, Fact};
use crate::json::InputError;
use crate::need::Need;
use crate::resource::ResourceType;
use crate::timestamp::Timestamp;
use crate::verdict::{Outcome, Verdict};

/// The account itself (`AWS::::Account`, resource id = the account id), in the run's region.
pub(crate) fn account_subject(state: &AccountState) -> Subject {
    resource_subject(state, ResourceType::Account, &state.account_id, None)
}

/// A resource of the account, observed when the run's facts were gathered.
pub(crate) fn resource_subject(
    state: &AccountState,
    resource_type: ResourceType,
    id: &str,
    arn: Option<String>,
) -> Subject {
    Subject {
        resource_type,
        resource_id: id.to_string(),
        arn,
        account_id: Some(state.account_id.clone()),
        region: Some(state.region.clone()),
        capture_time: Some(state.observed_at),
        tags: Default::default(),
        details: None,
    }
}

/// The one judgement of an account-level control.
pub(crate) fn for_account(state: &AccountState, outcome: Outcome) -> Vec<Judgement> {
    vec![Judgement {
        subject: account_subject(state),
        outcome,
    }]
}

/// The fact a control needs, or the account's error judgement naming what is missing.
pub(crate) fn need<'a, T>(
    state: &AccountState,
    fact: &'a Fact<T>,
    need: Need,
) -> Result<&'a T, Vec<Judgement>> {
    facts::require(fact, need.describe()).map_err(|e| missing(state, e))
}

/// The account's judgement when the input could not be read.
pub(crate) fn missing(state: &AccountState, error: InputError) -> Vec<Judgement> {
    for_account(state, Err(error))
}

/// Judges the account from one fact: an error judgement when the fact is unavailable.
pub(crate) fn judge_account<T>(
    state: &AccountState,
    fact: &Fact<T>,
    what: Need,
    judge: impl FnOnce(&T) -> Verdict,
) -> Vec<Judgement> {
    match need(state, fact, what) {
        Ok(value) => for_account(state, Ok(judge(value))),
        Err(judgements) => judgements,
    }
}

/// The first of `items` with no shortfall, or NON_COMPLIANT saying why each falls short:
/// `no trail qualifies; a: not logging; b: not multi-Region, not logging`.
pub(crate) fn first_qualifying<'a, T, S: std::fmt::Display>(
    items: &'a [T],
    kind: &str,
    name: impl Fn(&T) -> &str,
    shortfalls: impl Fn(&T) -> Vec<S>,
) -> Result<&'a T, Verdict> {
    if let Some(good) = items.iter().find(|item| shortfalls(item).is_empty()) {
        return Ok(good);
    }
    let mut offences = vec![format!("no {kind} qualifies")];
    offences.extend(items.iter().map(|item| {
        let why: Vec<String> = shortfalls(item).iter().map(S::to_string).collect();
        format!("{}: {}", name(item), why.join(", "))
    }));
    Err(Verdict::from_offences(offences, ""))
}

/// `arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-0a1b…`, for resources whose facts carry no ARN.
pub(crate) fn arn(state: &AccountState, service: &str, resource: &str) -> String {
    format!(
        "arn:{}:{service}:{}:{}:{resource}",
        partition(&state.region),
        state.region,
        state.account_id
    )
}

/// `2026-05-31T22:10Z`: a time to the minute.
pub(crate) fn minute(t: Timestamp) -> String {
    let t = t.0;
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// How long before `now` something happened: `35 min`, `3 h 5 min`, `4 days`.
pub(crate) fn age(then: Timestamp, now: Timestamp) -> String {
    let minutes = (now.0 - then.0).whole_minutes().max(0);
    match minutes {
        m if m < 60 => format!("{m} min"),
        m if m < 48 * 60 => match m % 60 {
            0 => format!("{} h", m / 60),
            rest => format!("{} h {rest} min", m / 60),
        },
        m => format!("{} days", m / (24 * 60)),
    }
}

/// `1 day`, `90 days`.
pub(crate) fn days(n: i64) -> String {
    if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    }
}

/// `2026-03-02, 91 days ago`: a date and how many whole days before `now` it was.
pub(crate) fn dated(t: Timestamp, now: Timestamp) -> String {
    match t.days_until(now) {
        n if n < 1 => format!("{}, under a day ago", t.date_string()),
        n => format!("{}, {} ago", t.date_string(), days(n)),
    }
}

/// The first `shown` names, then how many more: `a, b, c (+4 more)`.
pub(crate) fn first_few(names: &[String], shown: usize) -> String {
    let listed = names.get(..shown).unwrap_or(names).join(", ");
    match names.len().saturating_sub(shown) {
        0 => listed,
        more => format!("{listed} (+{more} more)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    #[test]
    fn ages_and_dates_read_well() {
        let now = at("2026-06-01T00:00:00Z");
        assert_eq!(age(at("2026-05-31T23:25:00Z"), now), "35 min");
        assert_eq!(age(at("2026-05-31T21:00:00Z"), now), "3 h");
        assert_eq!(age(at("2026-05-31T20:55:00Z"), now), "3 h 5 min");
        assert_eq!(age(at("2026-05-27T00:00:00Z"), now), "5 days");
        assert_eq!(age(at("2026-06-01T01:00:00Z"), now), "0 min");
        assert_eq!(minute(at("2026-05-31T22:10:59.5Z")), "2026-05-31T22:10Z");
        assert_eq!(
            dated(at("2026-03-02T10:00:00Z"), now),
            "2026-03-02, 90 days ago"
        );
        assert_eq!(
            dated(at("2026-05-31T20:05:00Z"), now),
            "2026-05-31, under a day ago"
        );
        assert_eq!(days(1), "1 day");
    }

    #[test]
    fn lists_are_cut_with_a_count() {
        let names: Vec<String> = (1..=5).map(|i| format!("snap-{i}")).collect();
        assert_eq!(first_few(&names, 3), "snap-1, snap-2, snap-3 (+2 more)");
        assert_eq!(first_few(&names[..2], 3), "snap-1, snap-2");
    }
}

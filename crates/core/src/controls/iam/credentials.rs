//! The IAM credential report judged user by user, shared by IAM.3, IAM.5 and IAM.22.
//!
//! Each user of the report (the root row excluded) gets one judgement on `AWS::IAM::User`
//! named by the user id `iam:ListUsers` gives (the id AWS Config uses), with the ARN from the
//! report. Every annotation says how old the report is: IAM regenerates it at most every four
//! hours, so a change made since is not yet visible.

use crate::control::{Context, Judgement};
use crate::controls::account::{age, minute, need, resource_subject};
use crate::facts::{AccountState, CredentialRow};
use crate::need::Need;
use crate::resource::ResourceType;
use crate::verdict::Verdict;

/// One judgement per user: `judge` decides from the user's report row.
pub(in crate::controls) fn judge_users(
    state: &AccountState,
    context: &Context,
    judge: impl Fn(&CredentialRow) -> Verdict,
) -> Vec<Judgement> {
    let report = match need(state, &state.credential_report, Need::IamCredentialReport) {
        Ok(report) => report,
        Err(judgements) => return judgements,
    };
    let users = match need(state, &state.users, Need::IamCredentialReport) {
        Ok(users) => users,
        Err(judgements) => return judgements,
    };
    let freshness = format!(
        "credential report of {}, {} old",
        minute(report.generated_at),
        age(report.generated_at, context.now)
    );
    let mut judgements: Vec<Judgement> = report
        .users()
        .map(|row| {
            let listed = users.iter().find(|u| u.name == row.user);
            let arn = Some(row.arn.as_str())
                .filter(|a| !a.is_empty())
                .or(listed.map(|u| u.arn.as_str()).filter(|a| !a.is_empty()))
                .map(str::to_string);
            let mut verdict = judge(row);
            let id = match listed.map(|u| u.id.as_str()).filter(|id| !id.is_empty()) {
                Some(id) => id,
                None => {
                    verdict = verdict.with_remark(
                        "not listed by iam:ListUsers (deleted since the report?): named by user name",
                    );
                    row.user.as_str()
                }
            };
            Judgement {
                subject: resource_subject(state, ResourceType::IamUser, id, arn),
                outcome: Ok(verdict.with_remark(&freshness)),
            }
        })
        .collect();
    judgements.extend(
        users
            .iter()
            .filter(|u| !report.users().any(|row| row.user == u.name))
            .map(|u| Judgement {
                subject: resource_subject(
                    state,
                    ResourceType::IamUser,
                    if u.id.is_empty() { &u.name } else { &u.id },
                    Some(u.arn.clone()).filter(|a| !a.is_empty()),
                ),
                outcome: Ok(Verdict::not_applicable(format!(
                    "user {} is not in the {freshness}: created after it, judged once a newer report lists it",
                    u.name
                ))),
            }),
    );
    judgements
}

/// The slots of the user's active access keys.
pub(in crate::controls) fn active_keys(
    row: &CredentialRow,
) -> impl Iterator<Item = &crate::facts::AccessKeyState> {
    row.access_keys.iter().filter(|k| k.active)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account_test_support::*;
    use crate::facts::UserRef;
    use crate::verdict::Compliance;

    fn judge_all(state: &AccountState) -> Vec<Judgement> {
        judge_users(state, &context(), |row| {
            Verdict::compliant(format!("judged {}", row.user))
        })
    }

    #[test]
    fn users_are_named_by_id_and_dated_by_the_report() {
        let mut root = user(crate::facts::CredentialReport::ROOT);
        root.arn = format!("arn:aws:iam::{ACCOUNT}:root");
        let state = with_users(vec![root, user("alice")]);
        let judgements = judge_all(&state);
        assert_eq!(judgements.len(), 1, "the root row is skipped");
        let alice = &judgements[0];
        assert_eq!(alice.subject.resource_type, ResourceType::IamUser);
        assert_eq!(alice.subject.resource_id, "AIDAALICE");
        assert_eq!(
            alice.subject.arn.as_deref(),
            Some("arn:aws:iam::111122223333:user/alice")
        );
        assert_eq!(
            alice.outcome.as_ref().unwrap().annotation,
            format!("judged alice {REPORT_AGE}")
        );
    }

    #[test]
    fn users_missing_from_either_list_are_said_so() {
        let state = AccountState {
            credential_report: Ok(report(vec![user("gone")])),
            users: Ok(vec![UserRef {
                name: "new-hire".into(),
                id: "AIDANEWHIRE".into(),
                arn: format!("arn:aws:iam::{ACCOUNT}:user/new-hire"),
            }]),
            ..state()
        };
        let judgements = judge_all(&state);
        assert_eq!(judgements.len(), 2);
        assert_eq!(judgements[0].subject.resource_id, "gone");
        assert_eq!(
            judgements[0].outcome.as_ref().unwrap().annotation,
            format!("judged gone [not listed by iam:ListUsers (deleted since the report?): named by user name] {REPORT_AGE}")
        );
        let new = judgements[1].outcome.as_ref().unwrap();
        assert_eq!(judgements[1].subject.resource_id, "AIDANEWHIRE");
        assert_eq!(new.compliance, Compliance::NotApplicable);
        assert_eq!(
            new.annotation,
            "user new-hire is not in the credential report of 2026-05-31T21:50Z, 2 h 10 min old: created after it, judged once a newer report lists it"
        );
    }

    #[test]
    fn a_missing_report_or_user_list_is_one_error() {
        let no_report = AccountState {
            users: Ok(listed(&["alice"])),
            ..state()
        };
        let judgements = judge_all(&no_report);
        assert_eq!(judgements.len(), 1);
        assert_eq!(judgements[0].subject.resource_type, ResourceType::Account);
        assert_eq!(
            judgements[0].outcome.as_ref().unwrap_err().to_string(),
            "the IAM credential report: unavailable: not fetched in this run"
        );
        let no_users = AccountState {
            credential_report: Ok(report(vec![user("alice")])),
            ..state()
        };
        assert!(judge_all(&no_users)[0].outcome.is_err());
    }
}

//! The root user's MFA as the IAM account summary shows it, shared by IAM.6 and IAM.9.
//!
//! Security Hub passes both controls when the root user has no credentials at all (root access
//! removed centrally through AWS Organizations). Nothing fetched here shows that reliably: the
//! account summary has no password flag, and the credential report's root row always says
//! `password_enabled` `not_supported`. So absence is not inferred: a root user without MFA fails.

use crate::facts::AccountSummary;
use crate::verdict::Verdict;

/// NON_COMPLIANT when the root user has no MFA device; `None` when it has one.
pub(super) fn without_mfa(summary: &AccountSummary) -> Option<Verdict> {
    (!summary.root_mfa_enabled)
        .then(|| Verdict::non_compliant("the root user has no MFA device (AccountMFAEnabled 0)"))
}

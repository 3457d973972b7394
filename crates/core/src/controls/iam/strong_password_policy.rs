use crate::controls::account::judge_account;
use crate::controls::prelude::*;
use crate::facts::PasswordPolicy;

static REQUIRE_UPPERCASE: ParamSpec = ParamSpec {
    name: "RequireUppercaseCharacters",
    kind: ParamKind::Boolean,
    default: "true",
    help: "Require at least one uppercase letter (default true).",
};
static REQUIRE_LOWERCASE: ParamSpec = ParamSpec {
    name: "RequireLowercaseCharacters",
    kind: ParamKind::Boolean,
    default: "true",
    help: "Require at least one lowercase letter (default true).",
};
static REQUIRE_SYMBOLS: ParamSpec = ParamSpec {
    name: "RequireSymbols",
    kind: ParamKind::Boolean,
    default: "true",
    help: "Require at least one symbol (default true).",
};
static REQUIRE_NUMBERS: ParamSpec = ParamSpec {
    name: "RequireNumbers",
    kind: ParamKind::Boolean,
    default: "true",
    help: "Require at least one number (default true).",
};
static MINIMUM_LENGTH: ParamSpec = ParamSpec {
    name: "MinimumPasswordLength",
    kind: ParamKind::Integer { min: 8, max: 128 },
    default: "8",
    help: "Shortest allowed password (8 to 128; default 8, Security Hub's).",
};
static REUSE_PREVENTION: ParamSpec = ParamSpec {
    name: "PasswordReusePrevention",
    kind: ParamKind::Integer { min: 0, max: 24 },
    default: "0",
    help: "How many previous passwords may not be reused, at least (up to 24; Security Hub allows 12 to 24). 0, the default, does not check it, as Security Hub without a value.",
};
static MAX_AGE: ParamSpec = ParamSpec {
    name: "MaxPasswordAge",
    kind: ParamKind::Integer { min: 0, max: 90 },
    default: "0",
    help: "Most days a password may be used before it expires (1 to 90). 0, the default, does not check it, as Security Hub without a value.",
};

/// A character class the policy can require.
struct Class {
    param: &'static ParamSpec,
    required: fn(&PasswordPolicy) -> bool,
    name: &'static str,
}

const CLASSES: [Class; 4] = [
    Class {
        param: &REQUIRE_UPPERCASE,
        required: |p| p.require_uppercase,
        name: "uppercase",
    },
    Class {
        param: &REQUIRE_LOWERCASE,
        required: |p| p.require_lowercase,
        name: "lowercase",
    },
    Class {
        param: &REQUIRE_NUMBERS,
        required: |p| p.require_numbers,
        name: "numbers",
    },
    Class {
        param: &REQUIRE_SYMBOLS,
        required: |p| p.require_symbols,
        name: "symbols",
    },
];

crate::control! {
    /// ## What it checks
    /// Whether the account password policy (`iam:GetAccountPasswordPolicy`) meets the
    /// parameters, with Security Hub's defaults: uppercase letters, lowercase letters, numbers
    /// and symbols required (each a Boolean parameter, default `true`; `false` stops checking
    /// it), and `MinimumPasswordLength` at least 8. `PasswordReusePrevention` (the policy must
    /// remember at least that many passwords) and `MaxPasswordAge` (passwords must expire within
    /// that many days) are checked only when set above 0: Security Hub gives them no default and
    /// then ignores them. An account without a password policy fails, as the managed rule
    /// `iam-password-policy` marks the IAM default policy NON_COMPLIANT. A policy field the
    /// response leaves out counts as not set. One evaluation for the account (`AWS::::Account`);
    /// a failure names every setting that falls short, with the value found and the one
    /// required.
    ///
    /// ## Why it matters
    /// IAM users' passwords are the customer's to govern. Short or simple passwords fall to
    /// guessing and credential stuffing; the policy is the only place IAM enforces strength.
    ///
    /// ## How to fix
    /// Set a password policy that meets the parameters (IAM console → Account settings → Edit
    /// password policy, or `aws iam update-account-password-policy --minimum-password-length 14
    /// --require-uppercase-characters --require-lowercase-characters --require-numbers
    /// --require-symbols`). Better, move people to IAM Identity Center or federation.
    CONTROL = Control {
        id: "IAM.7",
        title: "Password policies for IAM users should have strong configurations",
        resource_types: &[ResourceType::Account],
        trigger: Trigger::Periodic,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::IdentityAndAccess,
        mappings: Mappings {
            security_hub: Some("IAM.7"),
            cis: &[],
            nist: &["AC-2(1)", "AC-2(3)", "AC-3(15)", "IA-5(1)"],
        },
        remediation: Remediation {
            text: "Set an account password policy requiring uppercase and lowercase letters, numbers and symbols and at least the minimum length, plus the reuse and expiry limits you configured.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-7",
        },
        params: &[REQUIRE_UPPERCASE, REQUIRE_LOWERCASE, REQUIRE_SYMBOLS, REQUIRE_NUMBERS, MINIMUM_LENGTH, REUSE_PREVENTION, MAX_AGE],
        check: Check::Account(evaluate, &[Need::IamPasswordPolicy]),
    }
}

fn evaluate(state: &AccountState, params: &Params, _: &Context) -> Vec<Judgement> {
    judge_account(
        state,
        &state.password_policy,
        Need::IamPasswordPolicy,
        |policy| match policy {
            Some(policy) => judge(policy, params),
            None => Verdict::non_compliant(
                "the account has no password policy (NoSuchEntity): IAM's default policy applies",
            ),
        },
    )
}

fn judge(policy: &PasswordPolicy, params: &Params) -> Verdict {
    let mut offences = Vec::new();
    let mut met = Vec::new();

    let minimum = params.integer(&MINIMUM_LENGTH);
    let name = MINIMUM_LENGTH.name;
    match policy.minimum_length {
        Some(n) if n >= minimum => met.push(format!("{name} {n} (at least {minimum})")),
        Some(n) => offences.push(format!("{name} is {n}, below {minimum}")),
        None => offences.push(format!("{name} is not set (required at least {minimum})")),
    }

    let mut required = Vec::new();
    for class in CLASSES {
        if !params.boolean(class.param) {
            continue;
        }
        if (class.required)(policy) {
            required.push(class.name);
        } else {
            offences.push(format!("{} is false", class.param.name));
        }
    }
    if !required.is_empty() {
        met.push(format!("{} required", required.join(", ")));
    }

    let reuse = params.integer(&REUSE_PREVENTION);
    let name = REUSE_PREVENTION.name;
    if reuse > 0 {
        match policy.reuse_prevention.filter(|n| *n > 0) {
            Some(n) if n >= reuse => met.push(format!("{name} {n} (at least {reuse})")),
            Some(n) => offences.push(format!("{name} is {n}, below {reuse}")),
            None => offences.push(format!("{name} is not set (required at least {reuse})")),
        }
    }

    let max_age = params.integer(&MAX_AGE);
    let name = MAX_AGE.name;
    if max_age > 0 {
        match policy.max_age_days.filter(|n| *n > 0) {
            Some(n) if n <= max_age => met.push(format!("{name} {n} (at most {max_age})")),
            Some(n) => offences.push(format!("{name} is {n}, over {max_age}")),
            None => offences.push(format!(
                "{name} is not set: passwords never expire (required at most {max_age})"
            )),
        }
    }

    Verdict::from_offences(
        offences,
        format!(
            "the password policy meets the parameters: {}",
            met.join("; ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account_test_support::*;
    use crate::verdict::Compliance;

    fn strong() -> PasswordPolicy {
        PasswordPolicy {
            minimum_length: Some(14),
            require_symbols: true,
            require_numbers: true,
            require_uppercase: true,
            require_lowercase: true,
            max_age_days: Some(90),
            reuse_prevention: Some(24),
        }
    }

    fn with(policy: Option<PasswordPolicy>) -> AccountState {
        AccountState {
            password_policy: Ok(policy),
            ..state()
        }
    }

    #[test]
    fn a_strong_policy_passes_with_security_hub_defaults() {
        let seen = account_verdict(&CONTROL, &with(Some(strong())));
        assert_eq!(seen.compliance, Some(Compliance::Compliant));
        assert_eq!(
            seen.text,
            "the password policy meets the parameters: MinimumPasswordLength 14 (at least 8); uppercase, lowercase, numbers, symbols required"
        );
    }

    #[test]
    fn every_shortfall_is_named() {
        let weak = PasswordPolicy {
            minimum_length: Some(6),
            require_symbols: false,
            require_uppercase: false,
            max_age_days: None,
            reuse_prevention: Some(5),
            ..strong()
        };
        let seen = account_verdict_with(
            &CONTROL,
            &with(Some(weak)),
            &[("PasswordReusePrevention", "24"), ("MaxPasswordAge", "90")],
        );
        assert_eq!(seen.compliance, Some(Compliance::NonCompliant));
        assert_eq!(
            seen.text,
            "MinimumPasswordLength is 6, below 8; RequireUppercaseCharacters is false; RequireSymbols is false; PasswordReusePrevention is 5, below 24; MaxPasswordAge is not set: passwords never expire (required at most 90)"
        );
    }

    #[test]
    fn optional_limits_are_checked_only_when_set() {
        let seen = account_verdict_with(
            &CONTROL,
            &with(Some(strong())),
            &[
                ("MinimumPasswordLength", "14"),
                ("PasswordReusePrevention", "12"),
                ("MaxPasswordAge", "60"),
                ("RequireSymbols", "false"),
            ],
        );
        assert_eq!(seen.compliance, Some(Compliance::NonCompliant));
        assert_eq!(seen.text, "MaxPasswordAge is 90, over 60");
        let relaxed = PasswordPolicy {
            require_symbols: false,
            minimum_length: None,
            ..strong()
        };
        let seen = account_verdict_with(
            &CONTROL,
            &with(Some(relaxed)),
            &[
                ("RequireSymbols", "false"),
                ("PasswordReusePrevention", "24"),
            ],
        );
        assert_eq!(
            seen.text,
            "MinimumPasswordLength is not set (required at least 8)"
        );
        let ok = account_verdict_with(
            &CONTROL,
            &with(Some(strong())),
            &[("PasswordReusePrevention", "24"), ("MaxPasswordAge", "90")],
        );
        assert_eq!(
            ok.text,
            "the password policy meets the parameters: MinimumPasswordLength 14 (at least 8); uppercase, lowercase, numbers, symbols required; PasswordReusePrevention 24 (at least 24); MaxPasswordAge 90 (at most 90)"
        );
    }

    #[test]
    fn no_policy_fails_and_unknown_policy_is_an_error() {
        let none = account_verdict(&CONTROL, &with(None));
        assert_eq!(none.compliance, Some(Compliance::NonCompliant));
        assert_eq!(
            none.text,
            "the account has no password policy (NoSuchEntity): IAM's default policy applies"
        );
        assert_eq!(account_verdict(&CONTROL, &state()).compliance, None);
    }
}

use crate::controls::account::{first_qualifying, judge_account};
use crate::controls::prelude::*;
use crate::facts::RecorderState;

static SERVICE_LINKED_ROLE_CHECK: ParamSpec = ParamSpec {
    name: "includeConfigServiceLinkedRoleCheck",
    kind: ParamKind::Boolean,
    default: "true",
    help: "Require the recorder to use the AWS Config service-linked role AWSServiceRoleForConfig (default true, as Security Hub).",
};

static GLOBAL_RESOURCE_REGIONS: ParamSpec = ParamSpec {
    name: "globalResourceTypesRegions",
    kind: ParamKind::List,
    default: "",
    help: "Regions whose recorder must also record global resource types such as IAM (comma-separated). Empty, the default, requires it in every Region, as the CIS benchmark does.",
};

/// The AWS Config service-linked role's name (the last part of its ARN).
const SERVICE_LINKED_ROLE: &str = "AWSServiceRoleForConfig";

crate::control! {
    /// ## What it checks
    /// Whether the Region has an AWS Config recorder (`config:DescribeConfigurationRecorders`
    /// and `DescribeConfigurationRecorderStatus`) that:
    /// is recording, and whose last recording status is not `FAILURE`;
    /// records all supported resource types (`allSupported`);
    /// records global resource types such as IAM users and roles
    /// (`includeGlobalResourceTypes`), in every Region unless `globalResourceTypesRegions`
    /// names the Regions that do (AWS recommends recording them in one Region only);
    /// and uses the service-linked role `AWSServiceRoleForConfig`, as the current Security Hub
    /// title asks, unless `includeConfigServiceLinkedRoleCheck` is `false`.
    /// Security Hub's own rule is not published; this follows its description and the CIS
    /// audit. One evaluation for the account (`AWS::::Account`); a failure says why each
    /// recorder falls short. A run of this control inside AWS Config itself can only happen
    /// while Config runs rules, so "no recorder" is mostly seen from the CLI.
    ///
    /// ## Why it matters
    /// Configuration history is the customer's compliance evidence: every change-triggered
    /// control, and every answer to "what did this look like last month", depends on a recorder
    /// that records everything.
    ///
    /// ## How to fix
    /// Turn on AWS Config in every Region you use, recording all supported resource types (and
    /// global ones in the chosen Region), with the service-linked role and a delivery channel
    /// (`aws configservice put-configuration-recorder --configuration-recorder
    /// name=default,roleARN=arn:aws:iam::…:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig
    /// --recording-group allSupported=true,includeGlobalResourceTypes=true`, then
    /// `start-configuration-recorder`).
    CONTROL = Control {
        id: "Config.1",
        title: "AWS Config should be enabled and use the service-linked role for resource recording",
        resource_types: &[ResourceType::Account],
        trigger: Trigger::Periodic,
        severity: Severity::Critical,
        owner: Owner::Security,
        area: SrmArea::ComplianceEvidence,
        mappings: Mappings {
            security_hub: Some("Config.1"),
            cis: &[Cis::v1_2("2.5"), Cis::v1_4("3.5"), Cis::v3("3.3")],
            nist: &["CM-3", "CM-6(1)", "CM-8", "CM-8(2)"],
        },
        remediation: Remediation {
            text: "Turn on an AWS Config recorder in the Region that records all supported resource types (global ones where required) with the AWSServiceRoleForConfig service-linked role.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/config-controls.html#config-1",
        },
        params: &[SERVICE_LINKED_ROLE_CHECK, GLOBAL_RESOURCE_REGIONS],
        check: Check::Account(evaluate, &[Need::ConfigRecorders]),
    }
}

/// What this Region's recorder must do.
struct Required {
    global_types: bool,
    service_linked_role: bool,
}

fn evaluate(state: &AccountState, params: &Params, _: &Context) -> Vec<Judgement> {
    let global_regions = params.list(&GLOBAL_RESOURCE_REGIONS);
    let required = Required {
        global_types: global_regions.is_empty()
            || global_regions
                .iter()
                .any(|r| r.eq_ignore_ascii_case(&state.region)),
        service_linked_role: params.boolean(&SERVICE_LINKED_ROLE_CHECK),
    };
    judge_account(
        state,
        &state.recorders,
        Need::ConfigRecorders,
        |recorders| judge(recorders, &required, &state.region),
    )
}

fn is_service_linked(role_arn: &str) -> bool {
    role_arn.rsplit_once(":role/").is_some_and(|(_, path)| {
        path.eq_ignore_ascii_case(&format!(
            "aws-service-role/config.amazonaws.com/{SERVICE_LINKED_ROLE}"
        ))
    })
}

/// Why a recorder does not qualify; empty when it does.
fn shortfalls(recorder: &RecorderState, required: &Required) -> Vec<String> {
    let mut why = Vec::new();
    if !recorder.recording {
        why.push("not recording".to_string());
    }
    if let Some(status) = &recorder.last_status {
        if status.eq_ignore_ascii_case("FAILURE") {
            why.push("last status FAILURE".to_string());
        }
    }
    if !recorder.all_supported {
        why.push("allSupported false".to_string());
    }
    if required.global_types && !recorder.include_global_resource_types {
        why.push("includeGlobalResourceTypes false".to_string());
    }
    if required.service_linked_role {
        match recorder.role_arn.as_deref().filter(|r| !r.is_empty()) {
            Some(role) if is_service_linked(role) => {}
            Some(role) => why.push(format!(
                "role {} is not {SERVICE_LINKED_ROLE}",
                role.rsplit('/').next().unwrap_or(role)
            )),
            None => why.push(format!("no role (need {SERVICE_LINKED_ROLE})")),
        }
    }
    why
}

fn judge(recorders: &[RecorderState], required: &Required, region: &str) -> Verdict {
    if recorders.is_empty() {
        return Verdict::non_compliant(format!("no AWS Config recorder in {region}"));
    }
    let good = match first_qualifying(
        recorders,
        "recorder",
        |r| &r.name,
        |r| shortfalls(r, required),
    ) {
        Ok(good) => good,
        Err(verdict) => return verdict,
    };
    let mut what = vec!["all supported resource types"];
    if required.global_types {
        what.push("global ones included");
    }
    if required.service_linked_role {
        what.push("with the service-linked role");
    }
    Verdict::compliant(format!(
        "recorder {} is recording {}",
        good.name,
        what.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account_test_support::*;
    use crate::verdict::Compliance;

    const SLR: &str = "arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig";

    fn good() -> RecorderState {
        RecorderState {
            name: "default".into(),
            recording: true,
            all_supported: true,
            include_global_resource_types: true,
            role_arn: Some(SLR.into()),
            last_status: Some("SUCCESS".into()),
        }
    }

    fn with(recorders: Vec<RecorderState>) -> AccountState {
        AccountState {
            recorders: Ok(recorders),
            ..state()
        }
    }

    #[test]
    fn a_complete_recorder_passes() {
        let seen = account_verdict(&CONTROL, &with(vec![good()]));
        assert_eq!(seen.compliance, Some(Compliance::Compliant));
        assert_eq!(
            seen.text,
            "recorder default is recording all supported resource types, global ones included, with the service-linked role"
        );
    }

    #[test]
    fn each_shortfall_is_named() {
        let custom_role = RecorderState {
            role_arn: Some("arn:aws:iam::111122223333:role/acme-config-recorder".into()),
            include_global_resource_types: false,
            ..good()
        };
        let stopped = RecorderState {
            name: "legacy".into(),
            recording: false,
            all_supported: false,
            last_status: Some("Failure".into()),
            ..good()
        };
        let seen = account_verdict(&CONTROL, &with(vec![custom_role, stopped]));
        assert_eq!(seen.compliance, Some(Compliance::NonCompliant));
        assert_eq!(
            seen.text,
            "no recorder qualifies; default: includeGlobalResourceTypes false, role acme-config-recorder is not AWSServiceRoleForConfig; legacy: not recording, last status FAILURE, allSupported false"
        );
        let none = account_verdict(&CONTROL, &with(vec![]));
        assert_eq!(none.text, "no AWS Config recorder in eu-west-1");
    }

    #[test]
    fn parameters_relax_global_types_and_the_role() {
        let regional = RecorderState {
            role_arn: Some("arn:aws:iam::111122223333:role/acme-config-recorder".into()),
            include_global_resource_types: false,
            ..good()
        };
        let seen = account_verdict_with(
            &CONTROL,
            &with(vec![regional.clone()]),
            &[
                ("globalResourceTypesRegions", "us-east-1"),
                ("includeConfigServiceLinkedRoleCheck", "false"),
            ],
        );
        assert_eq!(seen.compliance, Some(Compliance::Compliant));
        assert_eq!(
            seen.text,
            "recorder default is recording all supported resource types"
        );
        let home = account_verdict_with(
            &CONTROL,
            &with(vec![regional]),
            &[
                ("globalResourceTypesRegions", "us-east-1, EU-WEST-1"),
                ("includeConfigServiceLinkedRoleCheck", "false"),
            ],
        );
        assert_eq!(home.compliance, Some(Compliance::NonCompliant));
    }

    #[test]
    fn unavailable_recorders_are_an_error() {
        assert_eq!(account_verdict(&CONTROL, &state()).compliance, None);
    }
}

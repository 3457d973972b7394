use crate::controls::account::{arn, need, resource_subject};
use crate::controls::prelude::*;
use crate::facts::VpcFlowLogs;

/// The traffic Security Hub requires the flow log to capture (`trafficType`, not customizable).
const REQUIRED: &str = "REJECT";

crate::control! {
    /// ## What it checks
    /// Whether every VPC in the Region has an active flow log that captures rejected traffic
    /// (`ec2:DescribeVpcs` and `ec2:DescribeFlowLogs`). Security Hub runs the managed rule
    /// `vpc-flow-logs-enabled` with `trafficType` `REJECT`; a flow log of type `ALL` captures
    /// rejected traffic too and passes (Security Hub's remediation says to choose Reject or All),
    /// while one of type `ACCEPT` only does not. One evaluation per VPC (`AWS::EC2::VPC`, the
    /// VPC id). Flow logs that are not active (e.g. delivery failed to be set up) do not count,
    /// nor do flow logs on subnets or network interfaces only. A Region without VPCs gets no
    /// evaluation.
    ///
    /// ## Why it matters
    /// Network traffic records are the customer's to keep: without them nobody can tell after
    /// an incident what was probed, rejected or reached inside the VPC.
    ///
    /// ## How to fix
    /// Create a flow log for each VPC with traffic type REJECT or ALL, delivered to CloudWatch
    /// Logs or S3 (`aws ec2 create-flow-logs --resource-type VPC --resource-ids vpc-…
    /// --traffic-type ALL --log-destination-type s3 --log-destination arn:aws:s3:::…`).
    CONTROL = Control {
        id: "EC2.6",
        title: "VPC flow logging should be enabled in all VPCs",
        resource_types: &[ResourceType::Ec2Vpc],
        trigger: Trigger::Periodic,
        severity: Severity::Medium,
        owner: Owner::Sre,
        area: SrmArea::Logging,
        mappings: Mappings {
            security_hub: Some("EC2.6"),
            cis: &[Cis::v1_2("2.9"), Cis::v1_4("3.9"), Cis::v3("3.7")],
            nist: &["AC-4(26)", "AU-12", "AU-2", "AU-3", "AU-6(3)", "AU-6(4)", "CA-7", "SI-7(8)"],
        },
        remediation: Remediation {
            text: "Create a flow log with traffic type REJECT or ALL for the VPC, delivered to CloudWatch Logs or S3.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-6",
        },
        params: &[],
        check: Check::Account(evaluate, &[Need::VpcFlowLogs]),
    }
}

fn evaluate(state: &AccountState, _: &Params, _: &Context) -> Vec<Judgement> {
    let vpcs = match need(state, &state.vpcs, Need::VpcFlowLogs) {
        Ok(vpcs) => vpcs,
        Err(judgements) => return judgements,
    };
    vpcs.iter()
        .map(|vpc| Judgement {
            subject: resource_subject(
                state,
                ResourceType::Ec2Vpc,
                &vpc.vpc_id,
                Some(
                    vpc.arn
                        .clone()
                        .unwrap_or_else(|| arn(state, "ec2", &format!("vpc/{}", vpc.vpc_id))),
                ),
            ),
            outcome: Ok(judge(vpc)),
        })
        .collect()
}

fn judge(vpc: &VpcFlowLogs) -> Verdict {
    let mut types: Vec<String> = vpc
        .active_traffic_types
        .iter()
        .map(|t| t.trim().to_ascii_uppercase())
        .collect();
    types.sort();
    types.dedup();
    if let Some(good) = types.iter().find(|t| *t == "ALL" || *t == REQUIRED) {
        return Verdict::compliant(format!(
            "an active flow log captures {} traffic (trafficType {good})",
            if good == "ALL" { "all" } else { "rejected" }
        ));
    }
    if types.is_empty() {
        return Verdict::non_compliant("no active flow log on the VPC");
    }
    Verdict::non_compliant(format!(
        "active flow logs capture only trafficType {}: none of type REJECT or ALL",
        types.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account_test_support::*;
    use crate::verdict::Compliance;

    fn vpc(id: &str, types: &[&str]) -> VpcFlowLogs {
        VpcFlowLogs {
            vpc_id: id.to_string(),
            arn: None,
            active_traffic_types: types.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn one_judgement_per_vpc() {
        let state = AccountState {
            vpcs: Ok(vec![
                vpc("vpc-0a11", &["ALL"]),
                vpc("vpc-0b22", &["reject"]),
                vpc("vpc-0c33", &["ACCEPT"]),
                vpc("vpc-0d44", &[]),
            ]),
            ..state()
        };
        let seen = run(&CONTROL, &state);
        let verdicts: Vec<(&str, &str, Option<Compliance>, &str)> = seen
            .iter()
            .map(|s| {
                (
                    s.resource_type.as_str(),
                    s.id.as_str(),
                    s.compliance,
                    s.text.as_str(),
                )
            })
            .collect();
        assert_eq!(
            verdicts,
            vec![
                (
                    "AWS::EC2::VPC",
                    "vpc-0a11",
                    Some(Compliance::Compliant),
                    "an active flow log captures all traffic (trafficType ALL)"
                ),
                (
                    "AWS::EC2::VPC",
                    "vpc-0b22",
                    Some(Compliance::Compliant),
                    "an active flow log captures rejected traffic (trafficType REJECT)"
                ),
                (
                    "AWS::EC2::VPC",
                    "vpc-0c33",
                    Some(Compliance::NonCompliant),
                    "active flow logs capture only trafficType ACCEPT: none of type REJECT or ALL"
                ),
                (
                    "AWS::EC2::VPC",
                    "vpc-0d44",
                    Some(Compliance::NonCompliant),
                    "no active flow log on the VPC"
                ),
            ]
        );
    }

    #[test]
    fn vpcs_get_their_arn() {
        let state = AccountState {
            vpcs: Ok(vec![vpc("vpc-0a11", &["ALL"])]),
            ..state()
        };
        assert_eq!(
            judgements(&CONTROL, &state)[0].subject.arn.as_deref(),
            Some("arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-0a11")
        );
    }

    #[test]
    fn no_vpcs_no_judgements_and_unavailable_is_an_error() {
        let empty = AccountState {
            vpcs: Ok(vec![]),
            ..state()
        };
        assert!(run(&CONTROL, &empty).is_empty());
        let seen = account_verdict(&CONTROL, &state());
        assert_eq!(seen.compliance, None);
        assert!(seen.text.starts_with("VPC flow logs: unavailable"));
    }
}

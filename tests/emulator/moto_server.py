"""moto's server mode, with two gaps in its AWS Config closed.

- AWS Config's JSON protocol carries timestamps as epoch seconds. moto writes the capture and
  creation times of the items it serves (GetResourceConfigHistory, BatchGetResourceConfig) as
  Python date strings ("2026-06-01 10:00:00.123456+00:00"), which the Rust SDK rightly
  refuses. They are converted before they go out.
- moto's PutEvaluations accepts TestMode only, and it does not implement
  GetComplianceDetailsByConfigRule. Evaluations are now kept as Config keeps them: one per rule
  and resource, the one with the newest OrderingTimestamp winning (TestMode still keeps
  nothing). moto has no rule behind a result token, so an evaluation is filed under its
  ResultToken, and GetComplianceDetailsByConfigRule answers for a rule with what is filed under
  the rule's name (tests that read evaluations back pass the rule's name as the token; any
  other token is kept but never read).

- moto's Security Hub GetFindings ignores its filters and answers with every finding. A lookup
  by finding ids only (an Id filter of EQUALS values, what the publisher asks) now answers with
  those findings alone; any other filter is still ignored.

And two rules of Security Hub's BatchImportFindings that moto does not enforce:

- at most 100 findings per call (the whole call is refused beyond that);
- with the account's default product, each finding's AwsAccountId must be the calling account:
  any other finding is reported in FailedFindings (the rest are imported).

Everything else is moto as published.
"""

import datetime
import sys

import json

from moto.config.models import ConfigBackend
from moto.config.responses import ConfigResponse
from moto.securityhub.exceptions import InvalidInputException
from moto.securityhub.models import SecurityHubBackend
from moto.securityhub.responses import SecurityHubResponse
from moto.server import main

TIME_FIELDS = ("configurationItemCaptureTime", "resourceCreationTime")


def _epoch_seconds(value):
    if not isinstance(value, str):
        return value
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp()


def _with_epoch_times(method, key):
    def patched(self, *args, **kwargs):
        result = method(self, *args, **kwargs)
        for item in result.get(key, []):
            for field in TIME_FIELDS:
                if field in item:
                    item[field] = _epoch_seconds(item[field])
        return result

    return patched


ConfigBackend.get_resource_config_history = _with_epoch_times(
    ConfigBackend.get_resource_config_history, "configurationItems"
)
ConfigBackend.batch_get_resource_config = _with_epoch_times(
    ConfigBackend.batch_get_resource_config, "baseConfigurationItems"
)



def _evaluations(backend):
    if not hasattr(backend, "ourside_evaluations"):
        backend.ourside_evaluations = {}
    return backend.ourside_evaluations


def _put_evaluations(self):
    evaluations = self._get_param("Evaluations") or []
    token = self._get_param("ResultToken")
    if not evaluations or not token:
        # moto's own checks and messages.
        return ConfigBackend.put_evaluations(self.config_backend, evaluations, token, True)
    if self._get_param("TestMode"):
        return json.dumps({"FailedEvaluations": []})
    kept = _evaluations(self.config_backend)
    now = datetime.datetime.now(datetime.timezone.utc).timestamp()
    for evaluation in evaluations:
        key = (token, evaluation["ComplianceResourceType"], evaluation["ComplianceResourceId"])
        ordering = float(evaluation["OrderingTimestamp"])
        stored = kept.get(key)
        if stored is None or ordering >= stored["OrderingTimestamp"]:
            kept[key] = dict(evaluation, OrderingTimestamp=ordering, ResultRecordedTime=now)
    return json.dumps({"FailedEvaluations": []})


def _get_compliance_details_by_config_rule(self):
    rule = self._get_param("ConfigRuleName")
    wanted = self._get_param("ComplianceTypes") or []
    limit = int(self._get_param("Limit") or 100)
    start = int(self._get_param("NextToken") or 0)
    found = [
        {
            "EvaluationResultIdentifier": {
                "EvaluationResultQualifier": {
                    "ConfigRuleName": rule,
                    "ResourceType": resource_type,
                    "ResourceId": resource_id,
                },
                "OrderingTimestamp": evaluation["OrderingTimestamp"],
            },
            "ComplianceType": evaluation["ComplianceType"],
            "ResultRecordedTime": evaluation["ResultRecordedTime"],
            "ConfigRuleInvokedTime": evaluation["ResultRecordedTime"],
            "Annotation": evaluation.get("Annotation", ""),
        }
        for (token, resource_type, resource_id), evaluation in sorted(
            _evaluations(self.config_backend).items()
        )
        if token == rule and (not wanted or evaluation["ComplianceType"] in wanted)
    ]
    answer = {"EvaluationResults": found[start : start + limit]}
    if start + limit < len(found):
        answer["NextToken"] = str(start + limit)
    return json.dumps(answer)


ConfigResponse.put_evaluations = _put_evaluations
ConfigResponse.get_compliance_details_by_config_rule = _get_compliance_details_by_config_rule

def _checked_batch_import_findings(method):
    def patched(self, findings):
        if len(findings) > 100:
            raise InvalidInputException(
                op="BatchImportFindings",
                msg=f"{len(findings)} findings: at most 100 per call",
            )
        own = [f for f in findings if f.get("AwsAccountId") == self.account_id]
        failed = [
            {
                "Id": f.get("Id", ""),
                "ErrorCode": "AccessDeniedException",
                "ErrorMessage": f"AwsAccountId {f.get('AwsAccountId')} is not the calling account",
            }
            for f in findings
            if f.get("AwsAccountId") != self.account_id
        ]
        failed_count, success_count, more_failed = method(self, own)
        return failed_count + len(failed), success_count, failed + more_failed

    return patched


def _findings_by_id(method):
    def patched(self):
        filters = self._get_param("Filters") or {}
        ids = {
            f.get("Value")
            for f in filters.get("Id", [])
            if f.get("Comparison") == "EQUALS"
        }
        if not ids or set(filters) != {"Id"}:
            return method(self)
        found = [f.as_dict() for f in list(self.securityhub_backend.findings) if f.id in ids]
        return json.dumps({"Findings": found})

    return patched


SecurityHubResponse.get_findings = _findings_by_id(SecurityHubResponse.get_findings)

SecurityHubBackend.batch_import_findings = _checked_batch_import_findings(
    SecurityHubBackend.batch_import_findings
)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""moto's server mode, with two gaps in its AWS Config closed.

- AWS Config's JSON protocol carries timestamps as epoch seconds. moto writes the capture and
  creation times of the items it serves (GetResourceConfigHistory, BatchGetResourceConfig) as
  Python date strings ("2026-06-01 10:00:00.123456+00:00"), which the Rust SDK rightly
  refuses. They are converted before they go out.
- moto does not implement GetComplianceDetailsByConfigRule. It keeps no evaluations either
  (its PutEvaluations accepts TestMode only), so the answer consistent with its state is "no
  evaluations": that is what it now returns, in the service's response shape.

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



def _get_compliance_details_by_config_rule(self):
    return json.dumps({"EvaluationResults": []})


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


SecurityHubBackend.batch_import_findings = _checked_batch_import_findings(
    SecurityHubBackend.batch_import_findings
)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""moto's server mode, with two gaps in its AWS Config closed.

- AWS Config's JSON protocol carries timestamps as epoch seconds. moto writes the capture and
  creation times of the items it serves (GetResourceConfigHistory, BatchGetResourceConfig) as
  Python date strings ("2026-06-01 10:00:00.123456+00:00"), which the Rust SDK rightly
  refuses. They are converted before they go out.
- moto does not implement GetComplianceDetailsByConfigRule. It keeps no evaluations either
  (its PutEvaluations accepts TestMode only), so the answer consistent with its state is "no
  evaluations": that is what it now returns, in the service's response shape.

Everything else is moto as published.
"""

import datetime
import sys

import json

from moto.config.models import ConfigBackend
from moto.config.responses import ConfigResponse
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

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

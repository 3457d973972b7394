"""moto's server mode, with its configuration items sent the way AWS sends them.

AWS Config's JSON protocol carries timestamps as epoch seconds. moto writes the capture and
creation times of the items it serves (GetResourceConfigHistory, BatchGetResourceConfig) as
Python date strings ("2026-06-01 10:00:00.123456+00:00"), which the Rust SDK rightly refuses.
This converts them before they go out; everything else is moto as published.
"""

import datetime
import sys

from moto.config.models import ConfigBackend
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

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

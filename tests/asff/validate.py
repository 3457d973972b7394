"""Validate ourside's Security Hub findings with botocore's own parameter validation.

Reads a JSON array of findings (``ourside scan --format asff``) and checks, in batches of at most
100 (the BatchImportFindings limit), that each batch is a valid ``BatchImportFindings`` request for
the ``securityhub`` service model botocore ships. Also checks what the model cannot express:
ids are unique, Title <= 256 and Description <= 1024 characters, timestamps are RFC 3339 UTC.
Exits non-zero with every problem listed.
"""

import json
import re
import sys

import botocore.session
from botocore.validate import ParamValidator

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def main(path):
    with open(path, encoding="utf-8") as f:
        findings = json.load(f)
    if not isinstance(findings, list) or not findings:
        print(f"{path}: expected a non-empty JSON array of findings", file=sys.stderr)
        return 1
    model = botocore.session.get_session().get_service_model("securityhub")
    shape = model.operation_model("BatchImportFindings").input_shape
    validator = ParamValidator()
    problems = []
    for start in range(0, len(findings), 100):
        report = validator.validate({"Findings": findings[start:start + 100]}, shape)
        if report.has_errors():
            problems.append(report.generate_report())
    for f in findings:
        if len(f.get("Title", "")) > 256:
            problems.append(f"{f['Id']}: Title longer than 256 characters")
        if len(f.get("Description", "")) > 1024:
            problems.append(f"{f['Id']}: Description longer than 1024 characters")
        for key in ("CreatedAt", "UpdatedAt", "FirstObservedAt", "LastObservedAt"):
            if key in f and not RFC3339.match(f[key]):
                problems.append(f"{f['Id']}: {key} {f[key]!r} is not RFC 3339 UTC")
    ids = [f.get("Id") for f in findings]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"{len(duplicates)} finding ids appear more than once, e.g. {duplicates[0]}")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(f"{len(findings)} findings valid against botocore {botocore.__version__} securityhub model")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

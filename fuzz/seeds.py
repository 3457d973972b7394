#!/usr/bin/env python3
"""Builds each fuzz target's seed corpus from real AWS Config data and our fixtures.

usage: seeds.py OUT_DIR SOURCE_DIR...

Every JSON file under the source directories is a seed for the document targets. From them:
configuration items are taken out of events, invoking events and API output (for
`configuration_item` and `evaluate`); invoking events and fixture items are wrapped into rule
events naming a control that judges their type (for `rule_event`); policy documents and CIDR
blocks found anywhere become seeds for `policy` and `cidr`. Seeds are named by their content's
hash, so running this again adds nothing twice. Nothing here is a test: bad files are skipped.

It also writes OUT_DIR/json.dict, a libFuzzer dictionary of every object key, resource type and
message type found (JSON held in strings decoded), so that mutations can insert the field names
the parsers look for.
"""

import hashlib
import json
import os
import re
import sys

TARGETS = ("rule_event", "configuration_item", "evaluate", "policy", "cidr")
CIDR = re.compile(r"^[0-9a-fA-F:.]+(/\d{1,3})?$")
CONTROL_ID = re.compile(r"^[A-Za-z0-9]+\.[A-Za-z0-9]+$")


def decoded(value, depth=0):
    """A value with JSON held in strings decoded, as deep as it goes."""
    if depth > 8:
        return value
    if isinstance(value, str) and value.strip()[:1] in ("{", "[", '"'):
        try:
            return decoded(json.loads(value), depth + 1)
        except ValueError:
            return value
    if isinstance(value, dict):
        return {k: decoded(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [decoded(v, depth + 1) for v in value]
    return value


def walk(value):
    yield value
    if isinstance(value, dict):
        for v in value.values():
            yield from walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v)


def items_in(document):
    """Every configuration item a document carries, as published (strings left encoded)."""
    found = []
    for value in walk(document):
        if isinstance(value, dict):
            if "resourceType" in value and ("configuration" in value or "resourceId" in value):
                found.append(value)
            for key in ("invokingEvent", "Message"):
                if isinstance(value.get(key), str):
                    try:
                        found.extend(items_in(json.loads(value[key])))
                    except ValueError:
                        pass
            for result in value.get("Results", []) if isinstance(value.get("Results"), list) else []:
                if isinstance(result, str):
                    try:
                        found.extend(items_in(json.loads(result)))
                    except ValueError:
                        pass
    return found


def policies_in(document):
    """Policy documents (decoded objects and the raw strings they came in)."""
    found = []
    for value in walk(document):
        if isinstance(value, str) and ("Statement" in value or value.startswith("%7B")):
            found.append(value)
        elif isinstance(value, dict) and "Statement" in value:
            found.append(value)
    for value in walk(decoded(document)):
        if isinstance(value, dict) and "Statement" in value:
            found.append(value)
    return found


def cidrs_in(document):
    found = []
    for value in walk(decoded(document)):
        if isinstance(value, str) and CIDR.match(value) and ("." in value or ":" in value):
            found.append(value)
    return found


DICT_TOKEN = re.compile(r"^[A-Za-z0-9:._/%@*?${}+-]{2,64}$")


def tokens_in(document):
    """Object keys and the values that name types, for the dictionary."""
    found = set()
    for value in walk(decoded(document)):
        if isinstance(value, dict):
            found.update(k for k in value if isinstance(k, str))
            for key in ("resourceType", "messageType", "configurationItemStatus", "Effect"):
                if isinstance(value.get(key), str):
                    found.add(value[key])
    return {t for t in found if DICT_TOKEN.match(t)}


def controls_by_type(fixtures):
    """For each resource type, a control our fixtures show judging it."""
    by_type = {}
    controls = sorted(os.listdir(fixtures)) if os.path.isdir(fixtures) else []
    for control in filter(CONTROL_ID.match, controls):
        for root, _, files in os.walk(os.path.join(fixtures, control)):
            for name in sorted(files):
                try:
                    with open(os.path.join(root, name), encoding="utf-8") as f:
                        item = json.load(f)
                except (ValueError, OSError):
                    continue
                if isinstance(item, dict) and isinstance(item.get("resourceType"), str):
                    by_type.setdefault(item["resourceType"].lower(), control)
    return by_type


def rule_event(message, control):
    return {
        "invokingEvent": json.dumps(message),
        "ruleParameters": json.dumps({"controlId": control}),
        "resultToken": "TESTMODE",
        "eventLeftScope": False,
        "configRuleName": "ourside-" + control.replace(".", "-"),
        "accountId": "111122223333",
    }


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out, sources = sys.argv[1], sys.argv[2:]
    added = {t: 0 for t in TARGETS}

    def save(target, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        elif not isinstance(data, bytes):
            data = json.dumps(data).encode("utf-8")
        path = os.path.join(out, target, hashlib.sha1(data).hexdigest())
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
            added[target] += 1

    for target in TARGETS:
        os.makedirs(os.path.join(out, target), exist_ok=True)
    by_type = {}
    tokens = set()
    for source in sources:
        by_type.update(controls_by_type(source))
    for source in sources:
        for root, _, files in os.walk(source):
            for name in sorted(files):
                if not name.endswith(".json"):
                    continue
                with open(os.path.join(root, name), "rb") as f:
                    raw = f.read()
                try:
                    document = json.loads(raw)
                except ValueError:
                    continue
                tokens |= tokens_in(document)
                for target in ("configuration_item", "evaluate"):
                    save(target, raw)
                if isinstance(document, dict) and "invokingEvent" in document:
                    save("rule_event", raw)
                items = items_in(document)
                for item in items:
                    save("configuration_item", item)
                    save("evaluate", item)
                    control = by_type.get(str(item.get("resourceType", "")).lower(), "S3.2")
                    message = {
                        "configurationItem": item,
                        "messageType": "ConfigurationItemChangeNotification",
                        "notificationCreationTime": "2026-06-01T00:00:00.000Z",
                    }
                    if isinstance(document, dict) and "messageType" in document:
                        message = document
                    save("rule_event", rule_event(message, control))
                if isinstance(document, dict) and "messageType" in document and not items:
                    save("rule_event", rule_event(document, "IAM.4"))
                for policy in policies_in(document):
                    save("policy", policy if isinstance(policy, str) else json.dumps(policy))
                cidrs = cidrs_in(document)
                if cidrs:
                    save("cidr", "\n".join(sorted(set(cidrs))))
    save("cidr", "0.0.0.0/0\n10.0.0.0/8\n11.0.0.0/0\n::/0\n2001:db8::/32\n22\n80,443,1020-1025\n-1\ntcp\n")
    save("policy", "s3:Get*\ns3:GetObject")
    # libFuzzer's format: one quoted token per line, `\"` for a quote inside.
    literals = ["null", "true", "false", r"\"null\"", r"\"\"", "[]", "{}", "-1", "22.0", "%7B"]
    with open(os.path.join(out, "json.dict"), "w", encoding="ascii") as f:
        for token in sorted(tokens):
            f.write('"\\"' + token + '\\""\n')
        for token in literals:
            f.write('"' + token + '"\n')
    print(" ".join(f"{t}: {n} new seeds" for t, n in added.items()), f"dictionary: {len(tokens)} tokens")


if __name__ == "__main__":
    main()

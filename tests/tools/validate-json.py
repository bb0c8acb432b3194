#!/usr/bin/python3
"""validate-json.py - check JSON documents against docs/kb-search.schema.json.

    validate-json.py DEF FILE     every line of FILE (JSON lines) must be a
                                  valid #/$defs/DEF (e.g. response, request,
                                  search_response); prints one line per
                                  failure and exits 1 if any failed.
"""
import json
import sys

import jsonschema

schema_path = __file__.rsplit("/tests/", 1)[0] + "/docs/kb-search.schema.json"
with open(schema_path) as f:
    schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
definition = dict(schema)
definition["$ref"] = "#/$defs/" + sys.argv[1]
validator = jsonschema.Draft202012Validator(definition)
bad = 0
n = 0
with open(sys.argv[2]) as f:
    for lineno, line in enumerate(f, 1):
        if not line.strip():
            continue
        n += 1
        try:
            doc = json.loads(line)
        except ValueError as e:
            print(f"line {lineno}: not JSON: {e}")
            bad += 1
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: e.path)
        if errors:
            bad += 1
            print(f"line {lineno}: {errors[0].message[:300]}")
print(f"{n} documents, {bad} invalid")
sys.exit(1 if bad or n == 0 else 0)

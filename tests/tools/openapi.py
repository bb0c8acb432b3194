#!/usr/bin/python3
"""openapi.py - docs/openapi.json, generated from docs/kb-search.schema.json.

    tests/tools/openapi.py --write    regenerate docs/openapi.json
    tests/tools/openapi.py --check    exit 1 if docs/openapi.json is not what
                                      --write would write (tests run this)

The OpenAPI 3.1 document kb-search --http serves at /openapi.json (embedded
in the binary at build time).  Its components.schemas are the JSON schema's
$defs, unchanged but for the $ref paths (OpenAPI 3.1 schemas are JSON Schema
2020-12), so the two can never disagree; the paths are written here.
"""
import collections
import json
import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA = os.path.join(TOP, "docs", "kb-search.schema.json")
OUT = os.path.join(TOP, "docs", "openapi.json")


def rewrite(node):
    if isinstance(node, dict):
        out = collections.OrderedDict()
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str) and v.startswith("#/$defs/"):
                out[k] = "#/components/schemas/" + v[len("#/$defs/"):]
            else:
                out[k] = rewrite(v)
        return out
    if isinstance(node, list):
        return [rewrite(x) for x in node]
    return node


def ref(name):
    return {"$ref": "#/components/schemas/" + name}


def json_content(schema):
    return {"application/json": {"schema": schema}}


ERRORS = {
    "400": "Bad request: a parameter or the body is wrong (bad_request, bad_json)",
    "401": "No key, or an unknown key (unauthorized); only with --keys",
    "403": "The key lacks the scope (forbidden)",
    "404": "No such path or article (not_found)",
    "405": "Method not allowed (method_not_allowed); the Allow header lists the methods",
    "413": "Body over 64 KiB, or a query over 16 KiB (too_large)",
    "414": "URI over 8 KiB (uri_too_long)",
    "415": "The body is not Content-Type: application/json (bad_request)",
    "429": "Over the key's rate limit (rate_limited); Retry-After says when to retry",
    "431": "Headers over 16 KiB (headers_too_large)",
    "503": "The index cannot be read (index_error)",
}


def errors(*codes):
    return {c: {"description": ERRORS[c], "content": json_content(ref("http_error"))} for c in codes}


def param(name, desc, schema, required=False, where="query"):
    p = {"name": name, "in": where, "description": desc, "schema": schema}
    if required:
        p["required"] = True
    return p


def op(summary, desc, ok_schema, codes, params=(), secured=True, body=None, tag="search"):
    o = collections.OrderedDict()
    o["summary"] = summary
    o["description"] = desc
    o["tags"] = [tag]
    if params:
        o["parameters"] = list(params)
    if body:
        o["requestBody"] = body
    responses = collections.OrderedDict()
    responses["200"] = {"description": "OK", "content": json_content(ok_schema)}
    auth = ("401", "403", "429") if secured else ()
    responses.update(errors(*sorted(set(codes) | set(auth))))
    o["responses"] = responses
    if not secured:
        o["security"] = []
    return o


def paths():
    p = collections.OrderedDict()
    article_id = param("id", "An article id (never a path)", ref("article_id"), True, "path")
    p["/v1/search"] = {"get": op(
        "Search", "The object `kb-search --json` prints, plus `query_id`.",
        ref("search_response"), ("400", "404", "405", "413", "414", "431", "503"), [
            param("q", "The customer's words, with inline filters, \"phrases\" and -exclusions; "
                  "at most 1,024 bytes as typed (a longer paste: POST)", {"type": "string"}, True),
            param("limit", "Answers, 1-100 (default 5)", {"type": "integer", "minimum": 1,
                                                           "maximum": 100}),
            param("offset", "Skip this many answers", {"type": "integer", "minimum": 0,
                                                      "maximum": 10000}),
            param("category", "Only this category (repeat for any of several)",
                  {"type": "string"}),
            param("tag", "Only articles with this tag (repeat: all of them)", {"type": "string"}),
            param("explain", "Say which words matched (true/false)", {"type": "boolean"}),
            param("plain", "Baseline ranking (true/false)", {"type": "boolean"})])}
    p["/v1/search"]["post"] = op(
        "Search a pasted chat or email",
        "The same search with the request as a JSON body (the --serve request without "
        "\"id\" and \"op\"), for a q longer than a URI takes: up to 16,384 bytes. Over "
        "1,024 bytes kb searches the most telling words of the customer's part (the "
        "response's searched) and scans all of it for alerts.",
        ref("search_response"), ("400", "405", "413", "415", "503"),
        body={"required": True, "content": json_content(ref("request"))})
    p["/v1/suggest"] = {"get": op(
        "Type-ahead", "Titles and matched customer questions of the best answers to what is "
        "typed so far.", ref("suggest_response"), ("400", "405", "413", "414", "431", "503"), [
            param("q", "What is typed so far", {"type": "string"}, True),
            param("limit", "Suggestions, 1-20 (default 8)", {"type": "integer", "minimum": 1,
                                                              "maximum": 20})])}
    p["/v1/articles/{id}"] = {"get": op(
        "An article", "Its fields, sections with their steps, and the Markdown body (the "
        "--serve op show).", ref("show_response"), ("400", "404", "405", "503"), [article_id])}
    p["/v1/escalation/{id}"] = {"get": op(
        "An escalation path", "The article's escalation tier and the next ones, with "
        "contacts, hours, SLA and open now.", ref("escalation_response"),
        ("400", "404", "405", "503"), [article_id])}
    p["/v1/feedback"] = {"post": op(
        "Was this answer helpful?", "Appends one line to the feedback log.",
        ref("feedback_response"), ("400", "404", "405", "413", "503"), tag="feedback",
        body={"required": True, "content": json_content({
            "type": "object", "required": ["article", "helpful"],
            "properties": {"query_id": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,64}$"},
                           "q": {"type": "string"}, "article": ref("article_id"),
                           "helpful": {"type": "boolean"}}})})}
    p["/v1/health"] = {"get": op(
        "Health", "Index size and build time; never needs a key.", ref("health_response"),
        ("405", "503"), secured=False, tag="server")}
    p["/openapi.json"] = {"get": {"summary": "This document", "tags": ["server"],
                                  "security": [], "responses": {"200": {"description": "OK"}}}}
    p["/"] = {"get": {"summary": "The officer web panel (HTML)", "tags": ["server"],
                      "security": [], "responses": {"200": {"description": "OK", "content": {
                          "text/html": {"schema": {"type": "string"}}}}}}}
    return p


def build():
    with open(SCHEMA) as f:
        schema = json.load(f, object_pairs_hook=collections.OrderedDict)
    doc = collections.OrderedDict()
    doc["openapi"] = "3.1.0"
    doc["info"] = {
        "title": "kb-search HTTP JSON interface",
        "version": "1",
        "description": "kb-search --http: the operations of kb-search --serve over HTTP/1.1. "
                       "Each answer is the --serve object without \"id\". Generated by "
                       "tests/tools/openapi.py from docs/kb-search.schema.json.",
    }
    doc["jsonSchemaDialect"] = "https://json-schema.org/draft/2020-12/schema"
    doc["servers"] = [{"url": "http://127.0.0.1:8080"}]
    doc["security"] = [{"bearer": []}]
    doc["paths"] = paths()
    doc["components"] = {
        "securitySchemes": {"bearer": {
            "type": "http", "scheme": "bearer",
            "description": "A key from the --keys file; needed for /v1/ paths (not "
                           "/v1/health) when the server runs with --keys."}},
        "schemas": rewrite(schema["$defs"]),
    }
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def main():
    text = build()
    if sys.argv[1:] == ["--write"]:
        with open(OUT, "w") as f:
            f.write(text)
        return 0
    if sys.argv[1:] == ["--check"]:
        with open(OUT) as f:
            if f.read() != text:
                print("docs/openapi.json is not generated from the schema: "
                      "run tests/tools/openapi.py --write")
                return 1
        return 0
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

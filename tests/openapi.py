"""Zoom's OpenAPI document as a test oracle: validate request bodies and answers against it.

The document is not in the repository (Zoom's terms keep it out); it is read from
`../shared/zoom-openapi/ZoomMeetingAPISpec.json` next to the repository. When it is missing,
`require_spec()` skips the calling test with a reason that names the contract tests, so CI
(which greps for skipped contract tests) fails instead of passing on nothing.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

SPEC_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "zoom-openapi"
SPEC_PATH = SPEC_DIR / "ZoomMeetingAPISpec.json"

# The document lists weekly_days as one of "1".."7", but its own description and Zoom take a
# comma-separated list ("1,3"); see the README next to the document.
WEEKLY_DAYS_PATTERN = "^[1-7](,[1-7])*$"


@functools.cache
def _load() -> dict[str, Any] | None:
    if not SPEC_PATH.is_file():
        return None
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def require_spec() -> dict[str, Any]:
    """The parsed document, or skip the test (the reason says "contract" for CI to find)."""
    spec = _load()
    if spec is None:
        pytest.skip(f"Zoom contract tests need the OpenAPI document at {SPEC_PATH} (missing)")
    return spec


def operation(operation_id: str) -> tuple[str, str, dict[str, Any]]:
    """`(METHOD, path, operation)` for an operationId such as "meetingCreate"."""
    spec = require_spec()
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return method.upper(), path, op
    raise KeyError(f"no operation {operation_id!r} in the OpenAPI document")


def _resolve(node: Any, spec: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """A copy of `node` with every local `$ref` replaced by what it points to."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            if ref in seen:
                return {}  # a cycle: leave the inner level unchecked rather than loop
            target: Any = spec
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return _resolve(target, spec, (*seen, ref))
        return {key: _resolve(value, spec, seen) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve(item, spec, seen) for item in node]
    return node


def _adapt(node: Any, *, strict: bool) -> Any:
    """OpenAPI 3.0 schema → JSON Schema: `nullable`, the weekly_days fix and, when `strict`,
    no properties beyond those the document names (a misspelt field fails)."""
    if isinstance(node, list):
        return [_adapt(item, strict=strict) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _adapt(value, strict=strict) for key, value in node.items()}
    if node.pop("nullable", False) and isinstance(node.get("type"), str):
        node["type"] = [node["type"], "null"]
    properties = node.get("properties")
    if isinstance(properties, dict):
        days = properties.get("weekly_days")
        if isinstance(days, dict) and "enum" in days:
            days = dict(days)
            days.pop("enum")
            days["pattern"] = WEEKLY_DAYS_PATTERN
            properties["weekly_days"] = days
        if strict and node.get("type") == "object":
            node.setdefault("additionalProperties", False)
    return node


def request_schema(operation_id: str, *, strict: bool = True) -> dict[str, Any]:
    """The JSON Schema of the operation's JSON request body."""
    spec = require_spec()
    _, _, op = operation(operation_id)
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    return _adapt(_resolve(copy.deepcopy(schema), spec), strict=strict)


def response_schema(operation_id: str, status: str) -> dict[str, Any]:
    """The JSON Schema of the operation's JSON answer for `status` (e.g. "201")."""
    spec = require_spec()
    _, _, op = operation(operation_id)
    schema = op["responses"][status]["content"]["application/json"]["schema"]
    return _adapt(_resolve(copy.deepcopy(schema), spec), strict=False)


def validate_request(operation_id: str, body: Any) -> None:
    """Raise `jsonschema.ValidationError` unless `body` fits the operation's requestBody.

    Formats are not checked: the document marks `start_time` as date-time, yet Zoom takes
    (and zoombot sends) local time without an offset together with `timezone`.
    """
    jsonschema.validate(body, request_schema(operation_id), cls=jsonschema.Draft7Validator)


def validate_response(operation_id: str, status: str, body: Any) -> None:
    jsonschema.validate(body, response_schema(operation_id, status), cls=jsonschema.Draft7Validator)

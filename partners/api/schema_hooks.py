"""Schema post-processing of our own, after drf-standardized-errors' enum hook.

drf-standardized-errors documents an error inside a list (`legal_bases.0.basis`) with the
placeholder `legal_bases.INDEX.basis` as the only allowed `attr`, which no real answer matches.
Here each such enum becomes a pattern with a number in place of INDEX, so that clients (and the
schema fuzzing in tests/security) can validate the errors the API really returns.
"""

from __future__ import annotations

import re

PLACEHOLDER = "INDEX"


def _as_pattern(attr: str) -> str:
    parts = [r"\d+" if part == PLACEHOLDER else re.escape(part) for part in attr.split(".")]
    return "^" + r"\.".join(parts) + "$"


def nested_error_attrs(result, generator, request, public):
    for schema in result.get("components", {}).get("schemas", {}).values():
        attr = schema.get("properties", {}).get("attr") if isinstance(schema, dict) else None
        if not isinstance(attr, dict):
            continue
        values = attr.get("enum") or []
        if len(values) != 1 or f".{PLACEHOLDER}." not in f".{values[0]}.":
            continue
        attr.pop("enum")
        attr["pattern"] = _as_pattern(values[0])
        attr["description"] = f"`{values[0]}`, where {PLACEHOLDER} is the item's position from 0."
    return result

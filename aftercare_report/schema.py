"""The JSON Schema of profiles, for editors (autocomplete, inline errors)."""

from __future__ import annotations

import json
from typing import Any

from aftercare_report.model import Framework, Profile

SCHEMA_ID = "https://aftercare-report.invalid/schema/profile.schema.json"


def profile_schema(framework: Framework) -> dict[str, Any]:
    """Return the profile schema, naming the framework's component and risk factor ids.

    The model alone allows any id under ``components``; naming them lets an editor offer the
    twelve component ids and flag a typo before the validator runs.

    Args:
        framework: The framework whose ids profiles must use.
    """
    schema = Profile.model_json_schema()
    props = schema["properties"]
    for key, ids in (
        ("components", framework.components),
        ("risk_factors", framework.risk_factors),
    ):
        entry = props[key]["additionalProperties"]
        props[key] = {
            **{k: v for k, v in props[key].items() if k != "additionalProperties"},
            "properties": dict.fromkeys(ids, entry),
            "required": list(ids),
            "additionalProperties": False,
        }
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def profile_schema_json(framework: Framework) -> str:
    """Return :func:`profile_schema` as stable, indented JSON text."""
    return json.dumps(profile_schema(framework), indent=2, ensure_ascii=False)

"""Response filtering: the ``fields`` system parameter and the ``X-Goog-FieldMask`` header.

Every Google API answers with only the fields a caller selects when it sends either
(https://cloud.google.com/apis/docs/system-parameters). A selection is a comma-separated
list of paths; a path's parts are joined by ``.`` or ``/``, ``a(b,c)`` selects ``b`` and
``c`` under ``a``, and ``*`` selects everything at its level. A selection under a list
applies to each of its items. Naming a field the response's schema does not have is a
400, as with Google.
"""

from __future__ import annotations

from typing import Any

from .errors import ApiError
from .schema import camel

# A selection tree: field name -> what is selected under it (None: all of it).
Selection = dict[str, "Selection | None"]


def requested_selection(query_fields: str | None, header: str | None) -> str | None:
    """The selection a request makes (the query parameter wins), None when it makes none."""
    for raw in (query_fields, header):
        if raw is not None and raw.strip():
            return raw.strip()
    return None


def parse(text: str) -> Selection | None:
    """The tree of ``text``; None when it selects everything (``*``)."""
    position = 0

    def invalid() -> ApiError:
        return ApiError(400, f"Invalid field selection {text}", "INVALID_ARGUMENT")

    def selection(closing: str | None) -> Selection | None:
        nonlocal position
        tree: Selection = {}
        everything = False
        while True:
            start = position
            while position < len(text) and text[position] not in ",()":
                position += 1
            path = text[start:position].strip()
            if not path:
                raise invalid()
            parts = [part.strip() for part in path.replace("/", ".").split(".")]
            if any(not part for part in parts):
                raise invalid()
            below: Selection | None = None
            if position < len(text) and text[position] == "(":
                position += 1
                below = selection(")")
            if parts == ["*"] and below is None:
                everything = True
            else:
                _merge(tree, parts, below)
            if position < len(text) and text[position] == ",":
                position += 1
                continue
            if closing is not None:
                if position >= len(text) or text[position] != closing:
                    raise invalid()
                position += 1
            elif position < len(text):
                raise invalid()
            return None if everything else tree

    return selection(None)


def _merge(tree: Selection, parts: list[str], below: Selection | None) -> None:
    head, rest = camel(parts[0]), parts[1:]  # JSON names; proto names (snake_case) as their twins
    if head == "*":
        raise ApiError(400, "Invalid field selection: '*' selects a whole level only", "INVALID_ARGUMENT")
    if head in tree and tree[head] is None:
        return  # already all of it
    if not rest and below is None:
        tree[head] = None
        return
    inner = tree.get(head)
    if inner is None:
        inner = tree[head] = {}
    if rest:
        _merge(inner, rest, below)
    elif below is None:
        tree[head] = None
    else:
        for name, sub in below.items():
            _merge(inner, [name], sub)


def check(selection: Selection | None, schemas: dict[str, Any], schema_name: str | None) -> None:
    """A 400 for a field the response schema does not have."""
    if selection is None or schema_name is None:
        return
    _check(selection, schemas, schemas.get(schema_name, {}), "")


def _check(selection: Selection, schemas: dict[str, Any], schema: dict[str, Any], prefix: str) -> None:
    schema = _resolved(schemas, schema)
    properties = schema.get("properties")
    for name, below in selection.items():
        if properties is None:  # a map (or a free-form object): any key
            field = schema.get("additionalProperties", {})
        else:
            field = properties.get(name)
            if field is None:
                raise ApiError(400, f"Invalid field selection {prefix}{name}", "INVALID_ARGUMENT")
        if below is not None:
            field = _resolved(schemas, field)
            if field.get("type") == "array":
                field = _resolved(schemas, field.get("items", {}))
            _check(below, schemas, field, f"{prefix}{name}.")


def _resolved(schemas: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return schemas.get(ref, {}) if ref else schema


def apply(selection: Selection | None, value: Any) -> Any:
    """``value`` with only what ``selection`` selects (lists item by item)."""
    if selection is None:
        return value
    if isinstance(value, list):
        return [apply(selection, item) for item in value]
    if not isinstance(value, dict):
        return value
    return {name: apply(below, value[name]) for name, below in selection.items() if name in value}

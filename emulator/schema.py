"""Request and response bodies checked and encoded against discovery schemas.

One walker serves three purposes:

* ``parse_request`` — what Google's JSON parser does with a request body: unknown
  fields and bad enum values are a 400 naming the field, snake_case names are accepted
  as their camelCase twins, integer enums become names.
* ``encode_response`` — enum names become integers when the caller asked for
  ``$alt=json;enum-encoding=int`` (Google's GAPIC REST clients do).
* ``validate`` — used by tests: every field known, every enum valid, types right.

Enum numbers come from the generated proto classes where a Google client library for
the API is installed, because several Chat enums have gaps that the discovery
document's ordering does not show (ActionResponse.type, Membership.role, ...). Without
one, the document's order is the numbering.
"""

from __future__ import annotations

import functools
import importlib
import re
from typing import Any, Iterator

from .discovery import load_document
from .errors import ApiError, BAD_REQUEST_TYPE

# Proto modules holding the generated types of each API's schemas, with the prefix the
# discovery document puts before the proto message name.
_PROTO_MODULES: dict[str, list[tuple[str, str]]] = {
    "chat": [("google.apps.card_v1", "GoogleAppsCardV1"), ("google.apps.chat_v1", "")],
    "meet": [("google.apps.meet_v2", "")],
    "workspaceevents": [("google.apps.events_subscriptions_v1", "")],
}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def schemas(api: str) -> dict[str, Any]:
    return load_document(api)["schemas"]


@functools.cache
def _proto_class(api: str, schema_name: str) -> Any:
    for module_name, prefix in _PROTO_MODULES.get(api, []):
        if not schema_name.startswith(prefix):
            continue
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        cls = getattr(module, schema_name[len(prefix):], None)
        if cls is not None and hasattr(cls, "meta"):
            return cls
    return None


@functools.cache
def enum_numbers(api: str, schema_name: str, field_name: str) -> dict[str, int]:
    """Enum value name -> wire number for one field of one schema."""
    prop = schemas(api)[schema_name]["properties"][field_name]
    names: list[str] = prop.get("enum") or prop.get("items", {}).get("enum") or []
    cls = _proto_class(api, schema_name)
    if cls is not None:
        proto_field = cls.meta.fields.get(snake(field_name)) or cls.meta.fields.get(field_name)
        enum_type = getattr(proto_field, "enum", None) if proto_field is not None else None
        if enum_type is not None:
            try:
                return {name: enum_type[name].value for name in names}
            except (KeyError, TypeError):
                pass
    return {name: index for index, name in enumerate(names)}


def _kind(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        return "ref"
    return prop.get("type", "any")


class _Walker:
    """Walks a JSON value beside its schema, reporting problems with a field path."""

    def __init__(self, api: str, *, to_names: bool, to_ints: bool, strict: bool) -> None:
        self.api = api
        self.to_names = to_names  # integer enums in -> names out (requests)
        self.to_ints = to_ints  # names in -> integers out (int-encoded responses)
        self.strict = strict  # unknown fields and bad values are errors

    def fail(self, path: str, message: str) -> None:
        raise ApiError(
            400,
            message,
            "INVALID_ARGUMENT",
            details=[{"@type": BAD_REQUEST_TYPE, "fieldViolations": [{"field": path, "description": message}]}],
        )

    def value(self, value: Any, prop: dict[str, Any], path: str, schema_name: str, field_name: str) -> Any:
        kind = _kind(prop)
        if kind == "ref":
            return self.message(value, prop["$ref"], path)
        if kind == "array":
            if not isinstance(value, list):
                self.fail(path, f"Invalid value at '{path}', expected a list.")
            items = prop.get("items", {})
            return [self.value(item, items, f"{path}[{index}]", schema_name, field_name) for index, item in enumerate(value)]
        if kind == "object":
            if "additionalProperties" in prop:
                if not isinstance(value, dict):
                    self.fail(path, f"Invalid value at '{path}', expected an object.")
                inner = prop["additionalProperties"]
                return {key: self.value(item, inner, f"{path}[{key!r}]", schema_name, field_name) for key, item in value.items()}
            return value  # free-form object (google.protobuf.Struct and friends)
        if kind == "any":
            return value
        if "enum" in prop:
            return self.enum(value, path, schema_name, field_name)
        return self.scalar(value, prop, path)

    def enum(self, value: Any, path: str, schema_name: str, field_name: str) -> Any:
        numbers = enum_numbers(self.api, schema_name, field_name)
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.fail(path, f"Invalid value at '{path}', {value!r}")
        if isinstance(value, int):
            names = [name for name, number in numbers.items() if number == value]
            if not names:
                if self.strict:
                    self.fail(path, f"Invalid value at '{path}', {value}")
                return value
            return value if not self.to_names else names[0]
        if value not in numbers:
            if self.strict:
                self.fail(path, f'Invalid value at \'{path}\', "{value}"')
            return value
        return numbers[value] if self.to_ints else value

    def scalar(self, value: Any, prop: dict[str, Any], path: str) -> Any:
        kind, fmt = prop.get("type"), prop.get("format", "")
        if not self.strict:
            return value
        ok = True
        if kind == "string":
            ok = isinstance(value, str) or (fmt in {"int64", "uint64"} and isinstance(value, int) and not isinstance(value, bool))
        elif kind == "integer":
            ok = (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and value.lstrip("-").isdigit())
        elif kind == "number":
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        elif kind == "boolean":
            ok = isinstance(value, bool)
        if not ok:
            self.fail(path, f"Invalid value at '{path}' ({kind}), {value!r}")
        return value

    def message(self, value: Any, schema_name: str, path: str) -> Any:
        schema = schemas(self.api)[schema_name]
        if schema.get("type") != "object" or "properties" not in schema:
            return value  # Empty and free-form messages
        if not isinstance(value, dict):
            self.fail(path, f"Invalid value at '{path}' ({schema_name}), expected an object.")
        properties = schema["properties"]
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = key if key in properties else camel(key)
            if name not in properties:
                if self.strict:
                    where = f" at '{path}'" if path else ""
                    self.fail(path + ("." if path else "") + snake(key), f'Invalid JSON payload received. Unknown name "{key}"{where}: Cannot find field.')
                out[key] = item
                continue
            child = f"{path}.{snake(name)}" if path else snake(name)
            out[name] = self.value(item, properties[name], child, schema_name, name)
        return out


def parse_request(api: str, schema_name: str, body: Any, root: str | None = None) -> dict[str, Any]:
    """A request body as Google's parser accepts it, normalised to camelCase and enum names."""
    return _Walker(api, to_names=True, to_ints=False, strict=True).message(body, schema_name, root or snake(schema_name))


def encode_response(api: str, schema_name: str | None, body: Any, *, int_enums: bool) -> Any:
    if not int_enums or schema_name is None:
        return body
    return _Walker(api, to_names=False, to_ints=True, strict=False).message(body, schema_name, "")


def validate(api: str, schema_name: str, body: Any, path: str = "") -> None:
    """Raise ApiError if ``body`` has an unknown field, a bad enum or a wrong type."""
    _Walker(api, to_names=False, to_ints=False, strict=True).message(body, schema_name, path)


def output_only_fields(api: str, schema_name: str) -> Iterator[str]:
    for name, prop in schemas(api)[schema_name].get("properties", {}).items():
        if prop.get("readOnly") or prop.get("description", "").startswith("Output only"):
            yield name

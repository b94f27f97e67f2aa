"""Google's discovery documents as the emulator's source of truth.

The documents that ship inside google-api-python-client say which paths exist, which
HTTP verb each takes, which OAuth scopes each accepts and what every request and
response body looks like. The emulator routes, authorises and validates from them, so
a path, scope or field the document does not know cannot be served by accident.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

import googleapiclient

DOCUMENTS_DIR = os.path.join(os.path.dirname(googleapiclient.__file__), "discovery_cache", "documents")

# Emulated APIs: short name -> discovery document file.
DOCUMENTS = {"meet": "meet.v2.json", "chat": "chat.v1.json", "workspaceevents": "workspaceevents.v1.json",
             "people": "people.v1.json", "aiplatform": "aiplatform.v1beta1.json", "aiplatform.v1": "aiplatform.v1.json"}

# A document that is another version of an API: its calls and faults carry the API's
# name, and its methods share the API's handlers (Vertex AI serves v1 beside v1beta1).
API_OF_DOCUMENT = {"aiplatform.v1": "aiplatform"}

# Documents of which the emulator serves only a few methods (Vertex AI has thousands):
# only these are routed, so the rest stay a 404 and matching stays cheap.
_GENERATE_CONTENT = frozenset({"projects.locations.publishers.models.generateContent"})
# The People API: the two directory lookups the app makes (contacts are not emulated).
ROUTED_METHODS: dict[str, frozenset[str]] = {"aiplatform": _GENERATE_CONTENT, "aiplatform.v1": _GENERATE_CONTENT,
                                             "people": frozenset({"people.get", "people.getBatchGet"})}


@functools.cache
def load_document(api: str) -> dict[str, Any]:
    with open(os.path.join(DOCUMENTS_DIR, DOCUMENTS[api]), encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle)
    routed = ROUTED_METHODS.get(api)
    return document if routed is None else _pruned(document, routed)


def _refs(value: Any) -> set[str]:
    if isinstance(value, dict):
        found = {value["$ref"]} if isinstance(value.get("$ref"), str) else set()
        return found.union(*(_refs(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(_refs(item) for item in value))
    return set()


def _pruned(document: dict[str, Any], routed: frozenset[str]) -> dict[str, Any]:
    """Only the routed methods and the schemas they reach: the rest of a huge document
    (Vertex AI's is 4 MB, tens of MB parsed) would only cost memory and start-up time."""

    def keep(resources: dict[str, Any], prefix: str) -> dict[str, Any]:
        kept: dict[str, Any] = {}
        for name, resource in resources.items():
            methods = {m: spec for m, spec in resource.get("methods", {}).items() if f"{prefix}{name}.{m}" in routed}
            children = keep(resource.get("resources", {}), f"{prefix}{name}.")
            if methods or children:
                kept[name] = {**({"methods": methods} if methods else {}), **({"resources": children} if children else {})}
        return kept

    resources = keep(document.get("resources", {}), "")
    schemas, todo = document.get("schemas", {}), _refs(resources)
    reached: dict[str, Any] = {}
    while todo:
        name = todo.pop()
        if name not in reached and name in schemas:
            reached[name] = schemas[name]
            todo |= _refs(schemas[name]) - set(reached)
    return {**document, "resources": resources, "schemas": reached}


@dataclass(frozen=True)
class ApiMethod:
    """One method of one API, as its discovery document describes it."""

    api: str
    id: str  # e.g. "spaces.create" (the document's id without the API prefix)
    http_method: str
    flat_path: str
    path_regex: re.Pattern[str]
    parameters: dict[str, dict[str, Any]]
    scopes: frozenset[str]
    request_schema: str | None
    response_schema: str | None
    description: str = field(default="", compare=False)
    document: str = field(default="", compare=False)  # the DOCUMENTS key it comes from (schemas)

    @property
    def full_id(self) -> str:
        return f"{self.api}.{self.id}"

    def page_size_limits(self) -> tuple[int, int] | None:
        """(default, maximum) page size as the pageSize description states them."""
        description = self.parameters.get("pageSize", {}).get("description", "")
        return parse_page_size_limits(description)


_PAGE_DEFAULT = re.compile(
    r"(?:If unspecified(?: or set to `?0`?)?,|If not specified,|If empty,|defaults? to|default(?: value)? is|at most)\s+"
    r"(?:at most\s+|up to\s+|a maximum of\s+|the default is\s+)?(\d[\d,]*)",
    re.IGNORECASE,
)
_PAGE_MAXIMUM = re.compile(r"maximum(?: value| page size| allowed value)?(?: is|:)?\s+(\d[\d,]*)", re.IGNORECASE)


def parse_page_size_limits(description: str) -> tuple[int, int] | None:
    maximum = _PAGE_MAXIMUM.search(description)
    default = _PAGE_DEFAULT.search(description)
    if not maximum and not default:
        return None
    max_value = int(maximum.group(1).replace(",", "")) if maximum else None
    default_value = int(default.group(1).replace(",", "")) if default else None
    if max_value is None:
        max_value = default_value
    if default_value is None:
        default_value = max_value
    assert default_value is not None and max_value is not None
    return default_value, max_value


def _path_regex(flat_path: str) -> re.Pattern[str]:
    pattern = ""
    for literal, name in re.findall(r"([^{]*)(?:\{([^}]+)\})?", flat_path):
        pattern += re.escape(literal)
        if name:
            pattern += f"(?P<{name}>[^/:]+)"
    return re.compile(f"^/{pattern}$")


def _walk_methods(document: str, resources: dict[str, Any], prefix: str = "") -> list[ApiMethod]:
    methods: list[ApiMethod] = []
    for resource_name, resource in resources.items():
        for method_name, method in resource.get("methods", {}).items():
            flat_path = method.get("flatPath") or method["path"]
            methods.append(
                ApiMethod(
                    api=API_OF_DOCUMENT.get(document, document),
                    id=f"{prefix}{resource_name}.{method_name}",
                    http_method=method["httpMethod"],
                    flat_path=flat_path,
                    path_regex=_path_regex(flat_path),
                    parameters=method.get("parameters", {}),
                    scopes=frozenset(method.get("scopes", [])),
                    request_schema=(method.get("request") or {}).get("$ref"),
                    response_schema=(method.get("response") or {}).get("$ref"),
                    description=method.get("description", ""),
                    document=document,
                )
            )
        methods.extend(_walk_methods(document, resource.get("resources", {}), f"{prefix}{resource_name}."))
    return methods


@functools.cache
def api_methods(api: str) -> tuple[ApiMethod, ...]:
    methods = _walk_methods(api, load_document(api)["resources"])
    routed = ROUTED_METHODS.get(api)
    return tuple(method for method in methods if routed is None or method.id in routed)


def find_method(api: str, method_id: str) -> ApiMethod:
    for method in api_methods(api):
        if method.id == method_id:
            return method
    raise KeyError(f"{api}.{method_id}")


def match_path(apis: list[str], http_method: str, path: str) -> tuple[ApiMethod | None, dict[str, str], bool]:
    """Find the method serving ``http_method path``.

    Returns (method, path parameters, path_known); ``path_known`` is true when the path
    exists under another verb, so the caller can tell 404 from 405.
    """
    path_known = False
    candidates: list[tuple[ApiMethod, dict[str, str]]] = []
    for api in apis:
        prefix = "/" + load_document(api).get("version", "") + "/"
        if not path.startswith(prefix):
            continue
        for method in api_methods(api):
            match = method.path_regex.match(path)
            if match:
                path_known = True
                if method.http_method == http_method:
                    candidates.append((method, match.groupdict()))
    if not candidates:
        return None, {}, path_known
    # The most literal template wins (``spaces:search`` over ``spaces/{id}``).
    candidates.sort(key=lambda item: -len(re.sub(r"\{[^}]+\}", "", item[0].flat_path)))
    return candidates[0][0], candidates[0][1], True

"""Vertex AI ``generateContent`` on a publisher model (Gemini), as the google-genai SDK calls it.

``POST /v1beta1/projects/{project}/locations/{location}/publishers/google/models/{model}:generateContent``
(the SDK's default with ``vertexai=True``) and the same under ``/v1/``. Discovery method
``aiplatform.projects.locations.publishers.models.generateContent``; calls and faults
name it ``api: "aiplatform"``, ``method: "projects.locations.publishers.models.generateContent"``.

The dispatcher has already authenticated the bearer token, checked its scopes against
the method's (``cloud-platform``, ``cloud-platform.read-only`` or ``aiplatform``: a
user's Workspace token without them is 403, as the app must call Vertex AI as its
service account) and refused unknown fields. This handler applies what Vertex AI checks
beyond the schema, then answers with the next queued answer (:mod:`.model`).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from ..api import ApiContext, ApiRouter
from ..discovery import load_document
from ..errors import invalid_argument, not_found
from .model import VertexStore, build_response, default_answer, estimate_tokens, prompt_text

METHOD_ID = "projects.locations.publishers.models.generateContent"
# Gemini model ids as Vertex AI publishes them (gemini-2.5-flash, gemini-2.0-flash-001, …).
MODEL_ID = re.compile(r"gemini-[0-9][0-9a-z.\-]*")
ROLES = ("user", "model")
JSON_MIME_TYPES = ("application/json", "text/x.enum")


def _store(ctx: ApiContext) -> VertexStore:
    store: VertexStore = ctx.state.vertex
    return store


def _model(ctx: ApiContext) -> str:
    params = ctx.path_params
    name = (f"projects/{params['projectsId']}/locations/{params['locationsId']}/publishers/"
            f"{params['publishersId']}/models/{params['modelsId']}")
    if params["publishersId"] != "google" or not MODEL_ID.fullmatch(params["modelsId"]):
        raise not_found(f"Publisher Model `{name}` was not found or your project does not have access to it. "
                        "Please ensure you are using a valid model version. For more information, see: "
                        "https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions")
    return params["modelsId"]


def _check_contents(body: dict[str, Any]) -> None:
    contents = body.get("contents") or []
    if not contents:
        raise invalid_argument("Unable to submit request because it has an empty contents field. Learn more: "
                               "https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/gemini",
                               "contents")
    for index, content in enumerate(contents):
        role = content.get("role", "")
        if role and role not in ROLES:
            raise invalid_argument(f"Please use a valid role: {', '.join(ROLES)}.", f"contents[{index}].role")
        parts = content.get("parts") or []
        if not parts or not all(any(value not in (None, "", {}) for value in part.values()) for part in parts):
            raise invalid_argument("Unable to submit request because it must include at least one parts field, "
                                   "which describes the prompt input. Learn more: "
                                   "https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/gemini",
                                   f"contents[{index}].parts")


def _check_generation_config(config: dict[str, Any]) -> None:
    mime = config.get("responseMimeType")
    if "responseSchema" in config and "responseJsonSchema" in config:
        raise invalid_argument("response_schema and response_json_schema cannot both be set.",
                               "generation_config.response_json_schema")
    for field in ("responseSchema", "responseJsonSchema"):
        if field in config and mime not in JSON_MIME_TYPES:
            raise invalid_argument(f"{field} is only supported when response_mime_type is one of "
                                   f"{', '.join(JSON_MIME_TYPES)}.", "generation_config.response_mime_type")
    if "responseJsonSchema" in config and not isinstance(config["responseJsonSchema"], dict):
        raise invalid_argument("response_json_schema must be a JSON object.", "generation_config.response_json_schema")


def generate_content(ctx: ApiContext) -> dict[str, Any]:
    model = _model(ctx)
    _check_contents(ctx.body)
    generation_config = ctx.body.get("generationConfig") or {}
    _check_generation_config(generation_config)
    store = _store(ctx)
    queued = store.next_answer()
    answer = queued or default_answer(generation_config)
    now = ctx.state.clock.time()
    store.record({
        "model": ctx.resource,
        "apiVersion": load_document(ctx.method.document)["version"],
        "principal": ctx.principal.email,
        "request": copy.deepcopy(ctx.body),
        "answer": {**answer.to_json(), "queued": queued is not None},
        "time": now,
    })
    return build_response(answer, model=model, prompt_tokens=estimate_tokens(prompt_text(ctx.body)), timestamp=now)


def routes(router: ApiRouter) -> None:
    """Serve Vertex AI's methods with the handlers above."""
    router.add("aiplatform", {
        METHOD_ID: generate_content,
    })

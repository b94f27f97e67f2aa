"""Scripted Gemini answers and the requests Vertex AI received.

The emulator has no model: tests say what "Gemini" answers next through
``POST /_emulator/vertex/responses``, one queued item per coming ``generateContent``
call, and read back what the app asked through ``GET /_emulator/vertex/requests``.
With nothing queued, the answer is a documented default that a well-behaved client can
parse: JSON matching the request's response schema with every array empty (so a
summariser run without scripted answers finds nothing), or a short fixed text.

The response is built as Vertex AI writes it (``GoogleCloudAiplatformV1beta1GenerateContentResponse``):
one candidate with ``content.role == "model"`` and the text in one part, a
``finishReason``, ``usageMetadata`` with token counts, ``modelVersion``, ``createTime``
and ``responseId``; a blocked prompt has ``promptFeedback.blockReason`` and no candidates.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

from ..clock import rfc3339
from ..discovery import load_document
from ..errors import invalid_argument

DEFAULT_TEXT = "This is the Vertex AI emulator's default answer: no response was queued."

_RESPONSE_SCHEMAS = load_document("aiplatform")["schemas"]
FINISH_REASONS = tuple(name for name in _RESPONSE_SCHEMAS["GoogleCloudAiplatformV1beta1Candidate"]["properties"]
                       ["finishReason"]["enum"] if not name.endswith("_UNSPECIFIED"))
BLOCK_REASONS = tuple(name for name in _RESPONSE_SCHEMAS["GoogleCloudAiplatformV1beta1GenerateContentResponsePromptFeedback"]
                      ["properties"]["blockReason"]["enum"] if not name.endswith("_UNSPECIFIED"))
ANSWER_FIELDS = ("text", "json", "finishReason", "blockReason")

# The rating a safety block carries (Vertex names the category that tripped).
_BLOCKING_RATING = {"category": "HARM_CATEGORY_HARASSMENT", "probability": "HIGH", "probabilityScore": 0.93,
                    "severity": "HARM_SEVERITY_HIGH", "severityScore": 0.87, "blocked": True}


@dataclass(frozen=True)
class ScriptedAnswer:
    """What the next ``generateContent`` call answers."""

    text: str | None = None  # the candidate's text (None: a candidate without content)
    finish_reason: str = "STOP"
    block_reason: str | None = None  # the prompt is blocked: no candidates at all

    @classmethod
    def from_json(cls, item: Any, position: int) -> "ScriptedAnswer":
        where = f"responses[{position}]"
        if not isinstance(item, dict) or not item:
            raise invalid_argument(f"{where} must be a non-empty JSON object with one of: "
                                   f"{', '.join(ANSWER_FIELDS)}.", where)
        unknown = [key for key in item if key not in ANSWER_FIELDS]
        if unknown:
            raise invalid_argument(f"{where}: unknown field(s) {', '.join(unknown)}. Allowed: "
                                   f"{', '.join(ANSWER_FIELDS)}.", f"{where}.{unknown[0]}")
        if "text" in item and "json" in item:
            raise invalid_argument(f"{where}: give text or json, not both.", f"{where}.json")
        text = item.get("text")
        if text is not None and not isinstance(text, str):
            raise invalid_argument(f"{where}.text must be a string.", f"{where}.text")
        if "json" in item:
            text = json.dumps(item["json"])  # any JSON value: the model's text is its serialisation
        block = item.get("blockReason")
        if block is not None:
            if block not in BLOCK_REASONS:
                raise invalid_argument(f"{where}.blockReason must be one of {', '.join(BLOCK_REASONS)}.",
                                       f"{where}.blockReason")
            if len(item) > 1:
                raise invalid_argument(f"{where}: a blocked prompt has no candidate; blockReason stands alone.",
                                       f"{where}.blockReason")
            return cls(block_reason=block)
        finish = item.get("finishReason", "STOP")
        if finish not in FINISH_REASONS:
            raise invalid_argument(f"{where}.finishReason must be one of {', '.join(FINISH_REASONS)}.",
                                   f"{where}.finishReason")
        return cls(text=text, finish_reason=finish)

    def to_json(self) -> dict[str, Any]:
        if self.block_reason:
            return {"blockReason": self.block_reason}
        body: dict[str, Any] = {"finishReason": self.finish_reason}
        if self.text is not None:
            body["text"] = self.text
        return body


class VertexStore:
    """The answers queued for coming calls and every request that reached the model."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[ScriptedAnswer] = deque()
        self._requests: list[dict[str, Any]] = []

    def enqueue(self, answers: list[ScriptedAnswer]) -> int:
        with self._lock:
            self._queue.extend(answers)
            return len(self._queue)

    def next_answer(self) -> ScriptedAnswer | None:
        with self._lock:
            return self._queue.popleft() if self._queue else None

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [answer.to_json() for answer in self._queue]

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._requests.append(entry)

    def requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._requests)


# -- the default answer -------------------------------------------------------------------
def default_answer(generation_config: dict[str, Any]) -> ScriptedAnswer:
    """The answer when nothing is queued: the emptiest value the response schema allows."""
    # ``responseFormat`` (a list; its ``text`` entry is ``{mimeType, schema}``) is what the
    # discovery documents offer in place of the deprecated responseMimeType/responseSchema.
    text_format: dict[str, Any] = next((entry["text"] for entry in generation_config.get("responseFormat") or []
                                        if isinstance(entry, dict) and isinstance(entry.get("text"), dict)), {})
    mime = generation_config.get("responseMimeType", "")
    wants_json = mime == "application/json" or text_format.get("mimeType") == "APPLICATION_JSON"
    schema = (generation_config.get("responseJsonSchema") or generation_config.get("responseSchema")
              or text_format.get("schema"))
    if isinstance(schema, dict):
        value = minimal_instance(schema, schema)
        if mime == "text/x.enum":
            return ScriptedAnswer(text=str(value))
        return ScriptedAnswer(text=json.dumps(value))
    if wants_json:
        return ScriptedAnswer(text="{}")
    return ScriptedAnswer(text=DEFAULT_TEXT)


def _types(schema: dict[str, Any]) -> list[str]:
    """The schema's type(s), lower-cased: Vertex's Schema says OBJECT, JSON Schema object."""
    raw = schema.get("type")
    names = raw if isinstance(raw, list) else [raw] if isinstance(raw, str) else []
    return [str(name).lower() for name in names if name]


def _resolve(ref: str, root: dict[str, Any]) -> dict[str, Any]:
    """``#/$defs/Name`` (JSON Schema) or ``#/defs/Name`` (Vertex Schema.ref) in the root."""
    name = ref.rsplit("/", 1)[-1]
    for key in ("$defs", "defs", "definitions"):
        found = (root.get(key) or {}).get(name)
        if isinstance(found, dict):
            return found
    return {}


def minimal_instance(schema: dict[str, Any], root: dict[str, Any], depth: int = 0) -> Any:
    """A valid value of ``schema`` (Vertex's OpenAPI subset or JSON Schema), as empty as
    the schema allows: arrays empty, strings empty, numbers at their minimum, nullable
    values null, every declared property of an object present."""
    if depth > 32:  # a recursive schema: stop with the emptiest value
        return None
    ref = schema.get("$ref") or schema.get("ref")
    if isinstance(ref, str):
        return minimal_instance(_resolve(ref, root), root, depth + 1)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        options = schema.get(key)
        if isinstance(options, list) and options and isinstance(options[0], dict):
            return minimal_instance(options[0], root, depth + 1)
    types = _types(schema)
    if schema.get("nullable") is True or "null" in types:
        return None
    kind = types[0] if types else ("object" if "properties" in schema else "array" if "items" in schema else "")
    if kind == "object":
        properties = schema.get("properties") or {}
        order = [name for name in schema.get("propertyOrdering") or [] if name in properties]
        order += [name for name in properties if name not in order]
        return {name: minimal_instance(properties[name], root, depth + 1) for name in order
                if isinstance(properties[name], dict)}
    if kind == "array":
        count = int(schema.get("minItems") or 0)
        raw_items = schema.get("items")
        items: dict[str, Any] = raw_items if isinstance(raw_items, dict) else {}
        return [minimal_instance(items, root, depth + 1) for _ in range(count)]
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date":
            return "1970-01-01"
        if fmt == "date-time":
            return "1970-01-01T00:00:00Z"
        return "" if not schema.get("minLength") else "x" * int(schema["minLength"])
    if kind in ("integer", "number"):
        minimum = schema.get("minimum")
        return (int(minimum) if kind == "integer" else minimum) if isinstance(minimum, (int, float)) else 0
    if kind == "boolean":
        return False
    return None


# -- the response -------------------------------------------------------------------------
def estimate_tokens(text: str) -> int:
    """Gemini's tokenizer averages about four characters a token on English text."""
    return max(1, (len(text) + 3) // 4) if text else 0


def prompt_text(body: dict[str, Any]) -> str:
    parts = [part for content in body.get("contents", []) for part in content.get("parts", [])]
    parts += (body.get("systemInstruction") or {}).get("parts", [])
    return "".join(part.get("text", "") for part in parts if isinstance(part, dict))


def build_response(answer: ScriptedAnswer, *, model: str, prompt_tokens: int, timestamp: float) -> dict[str, Any]:
    """``GenerateContentResponse`` JSON for one answer."""
    usage: dict[str, Any] = {"promptTokenCount": prompt_tokens, "trafficType": "ON_DEMAND",
                             "promptTokensDetails": [{"modality": "TEXT", "tokenCount": prompt_tokens}]}
    response: dict[str, Any] = {}
    if answer.block_reason:
        feedback: dict[str, Any] = {"blockReason": answer.block_reason,
                                    "blockReasonMessage": f"The prompt was blocked ({answer.block_reason})."}
        if answer.block_reason == "SAFETY":
            feedback["safetyRatings"] = [dict(_BLOCKING_RATING)]
        response["promptFeedback"] = feedback
        usage["totalTokenCount"] = prompt_tokens
    else:
        candidate: dict[str, Any] = {}
        output_tokens = estimate_tokens(answer.text or "")
        if answer.text is not None:
            candidate["content"] = {"role": "model", "parts": [{"text": answer.text}]}
        candidate["finishReason"] = answer.finish_reason
        if answer.finish_reason == "SAFETY":
            candidate["safetyRatings"] = [dict(_BLOCKING_RATING)]
            candidate["finishMessage"] = "The response was blocked because it contained unsafe content."
        elif answer.text is not None:
            candidate["avgLogprobs"] = -0.1
        response["candidates"] = [candidate]
        usage["candidatesTokenCount"] = output_tokens
        usage["candidatesTokensDetails"] = [{"modality": "TEXT", "tokenCount": output_tokens}]
        usage["totalTokenCount"] = prompt_tokens + output_tokens
    response["usageMetadata"] = usage
    response["modelVersion"] = model
    response["createTime"] = rfc3339(timestamp)
    response["responseId"] = secrets.token_urlsafe(15)
    return response

"""Vertex AI generateContent: the real google-genai SDK against the emulator, and raw HTTP for errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from emulator import schema
from emulator.clock import parse_rfc3339
from emulator.discovery import api_methods, find_method
from emulator.vertex.model import DEFAULT_TEXT
from tests.support import MEET_SCOPE, Emulator

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
METHOD = "projects.locations.publishers.models.generateContent"
MODEL = "gemini-2.5-flash"
PROJECT = "emulated-project"
PATH = f"/v1beta1/projects/{PROJECT}/locations/global/publishers/google/models/{MODEL}:generateContent"
RESPONSE_SCHEMA = "GoogleCloudAiplatformV1beta1GenerateContentResponse"

# The digest's schema, in Vertex's OpenAPI subset and as JSON Schema.
OPENAPI_SCHEMA = {
    "type": "OBJECT",
    "properties": {
        "action_items": {"type": "ARRAY", "items": {"type": "OBJECT", "properties": {
            "owner": {"type": "STRING"}, "due": {"type": "STRING", "nullable": True, "format": "date"},
            "entry_index": {"type": "INTEGER"}}}},
        "decisions": {"type": "ARRAY", "items": {"type": "STRING"}},
        "title": {"type": "STRING"},
        "kind": {"type": "STRING", "enum": ["weekly", "ad hoc"]},
        "count": {"type": "INTEGER", "minimum": 1},
    },
    "propertyOrdering": ["title", "action_items", "decisions", "kind", "count"],
    "required": ["action_items", "decisions"],
}
JSON_SCHEMA = {
    "type": "object",
    "properties": {
        "key_points": {"type": "array", "items": {"$ref": "#/$defs/note"}},
        "due": {"type": ["string", "null"]},
        "flag": {"type": "boolean"},
        "nested": {"type": "object", "properties": {"more": {"type": "array", "items": {"type": "integer"}}}},
        "choice": {"anyOf": [{"type": "number"}, {"type": "string"}]},
    },
    "$defs": {"note": {"type": "object", "properties": {"text": {"type": "string"}}}},
}


@pytest.fixture
def credentials(emulator: Emulator) -> Any:
    """The app's service account with cloud-platform, as the summariser uses it."""
    return emulator.app_credentials([CLOUD_PLATFORM])


_clients: list[genai.Client] = []


def client(emulator: Emulator, credentials: Any, *, location: str = "global", timeout_ms: int = 10_000,
           api_version: str | None = None) -> genai.Client:
    options = types.HttpOptions(base_url=emulator.url, timeout=timeout_ms, api_version=api_version)
    made = genai.Client(vertexai=True, project=PROJECT, location=location, credentials=credentials,
                        http_options=options)
    # A genai.Client closes its HTTP connections when collected, and ``client(…).models``
    # keeps no reference to it: hold each until the test ends.
    _clients.append(made)
    return made


@pytest.fixture(autouse=True)
def _close_clients() -> Any:
    yield
    while _clients:
        _clients.pop().close()


def candidate(reply: types.GenerateContentResponse) -> types.Candidate:
    assert reply.candidates, reply
    return reply.candidates[0]


def queue(emulator: Emulator, *items: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = emulator.control("POST", "vertex/responses", {"responses": list(items)})
    return result


def received(emulator: Emulator) -> list[dict[str, Any]]:
    requests_: list[dict[str, Any]] = emulator.control("GET", "vertex/requests")["requests"]
    return requests_


def bearer(credentials: Any) -> dict[str, str]:
    from google.auth.transport import requests as google_requests

    if not credentials.token:
        credentials.refresh(google_requests.Request())
    return {"Authorization": f"Bearer {credentials.token}"}


def post(emulator: Emulator, body: Any, headers: dict[str, str] | None = None, path: str = PATH,
         **kwargs: Any) -> requests.Response:
    data = body if isinstance(body, str) else json.dumps(body)
    return requests.post(emulator.url + path, data=data, timeout=10,
                         headers={"Content-Type": "application/json", **(headers or {})}, **kwargs)


def error_of(response: requests.Response, status: int, reason: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == status and error["status"] == reason and error["message"], error
    return error


HELLO = {"contents": [{"role": "user", "parts": [{"text": "hello"}]}]}


# -- the method, as discovery describes it ---------------------------------------------------
def test_only_generate_content_is_routed_in_both_versions() -> None:
    beta, ga = find_method("aiplatform", METHOD), find_method("aiplatform.v1", METHOD)
    assert beta.api == ga.api == "aiplatform" and beta.full_id == ga.full_id == f"aiplatform.{METHOD}"
    assert (beta.document, ga.document) == ("aiplatform", "aiplatform.v1")
    assert CLOUD_PLATFORM in beta.scopes and MEET_SCOPE not in beta.scopes
    assert [m.id for m in api_methods("aiplatform")] == [METHOD]


def test_other_vertex_paths_are_404(emulator: Emulator, credentials: Any) -> None:
    response = requests.get(f"{emulator.url}/v1beta1/projects/{PROJECT}/locations/global/endpoints", timeout=5,
                            headers=bearer(credentials))
    error_of(response, 404, "NOT_FOUND")
    response = requests.get(emulator.url + PATH, headers=bearer(credentials), timeout=5)
    error_of(response, 405, "UNIMPLEMENTED")


# -- the SDK's calls --------------------------------------------------------------------------
def test_sdk_call_lands_on_googles_path_with_the_service_account(emulator: Emulator, credentials: Any) -> None:
    reply = client(emulator, credentials).models.generate_content(model=MODEL, contents="hello")
    assert reply.text == DEFAULT_TEXT
    assert reply.candidates and reply.candidates[0].finish_reason == types.FinishReason.STOP
    assert reply.candidates[0].content and reply.candidates[0].content.role == "model"
    assert reply.model_version == MODEL and reply.response_id
    usage = reply.usage_metadata
    assert usage and usage.prompt_token_count and usage.candidates_token_count
    assert usage.total_token_count == usage.prompt_token_count + usage.candidates_token_count
    assert reply.create_time is not None
    assert abs(reply.create_time.timestamp() - emulator.state.clock.time()) < 60
    [call] = emulator.calls("aiplatform")
    assert call["method"] == METHOD and call["path"] == PATH and call["status"] == 200
    assert call["principal"] == emulator.state.config.app_service_account
    [seen] = received(emulator)
    assert seen["model"] == PATH[len("/v1beta1/"):].split(":")[0] and seen["apiVersion"] == "v1beta1"
    assert seen["request"]["contents"] == [{"role": "user", "parts": [{"text": "hello"}]}]
    assert seen["answer"] == {"finishReason": "STOP", "text": DEFAULT_TEXT, "queued": False}


def test_v1_and_regional_locations_are_served_too(emulator: Emulator, credentials: Any) -> None:
    reply = client(emulator, credentials, location="us-central1", api_version="v1").models.generate_content(
        model="gemini-2.0-flash-001", contents="hello")
    assert reply.text == DEFAULT_TEXT
    [call] = emulator.calls("aiplatform")
    assert call["path"] == (f"/v1/projects/{PROJECT}/locations/us-central1/publishers/google/models/"
                            "gemini-2.0-flash-001:generateContent")
    assert received(emulator)[0]["apiVersion"] == "v1"


def test_raw_response_is_valid_against_the_discovery_schema(emulator: Emulator, credentials: Any) -> None:
    queue(emulator, {"text": "fine"}, {"blockReason": "SAFETY"}, {"finishReason": "SAFETY"},
          {"finishReason": "MAX_TOKENS", "text": "cut"})
    for expected in ("STOP", None, "SAFETY", "MAX_TOKENS"):
        response = post(emulator, HELLO, bearer(credentials))
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
        body = response.json()
        schema.validate("aiplatform", RESPONSE_SCHEMA, body)
        assert {"usageMetadata", "modelVersion", "createTime", "responseId"} <= set(body)
        parse_rfc3339(body["createTime"])
        if expected is None:
            assert "candidates" not in body and body["promptFeedback"]["blockReason"] == "SAFETY"
        else:
            assert body["candidates"][0]["finishReason"] == expected


# -- queued answers ---------------------------------------------------------------------------
def test_queued_answers_come_back_in_order_each_of_its_kind(emulator: Emulator, credentials: Any) -> None:
    pending = queue(emulator, {"text": "first"}, {"json": {"action_items": [{"task": "x"}]}},
                    {"finishReason": "MAX_TOKENS", "text": '{"action_items": [{"ta'},
                    {"finishReason": "SAFETY"}, {"blockReason": "SAFETY"})["pending"]
    assert len(pending) == 5 and pending[0] == {"finishReason": "STOP", "text": "first"}
    models = client(emulator, credentials).models

    first = models.generate_content(model=MODEL, contents="a")
    assert first.text == "first" and candidate(first).finish_reason == types.FinishReason.STOP

    as_json = models.generate_content(model=MODEL, contents="b")
    assert json.loads(as_json.text or "") == {"action_items": [{"task": "x"}]}

    truncated = models.generate_content(model=MODEL, contents="c")
    assert candidate(truncated).finish_reason == types.FinishReason.MAX_TOKENS
    assert truncated.text == '{"action_items": [{"ta'

    unsafe = models.generate_content(model=MODEL, contents="d")
    assert candidate(unsafe).finish_reason == types.FinishReason.SAFETY
    assert unsafe.text is None and (candidate(unsafe).safety_ratings or [])[0].blocked

    blocked = models.generate_content(model=MODEL, contents="e")
    assert not blocked.candidates and blocked.text is None
    assert blocked.prompt_feedback and blocked.prompt_feedback.block_reason == types.BlockedReason.SAFETY

    # The queue is spent: the default answer again.
    assert models.generate_content(model=MODEL, contents="f").text == DEFAULT_TEXT
    assert [seen["answer"]["queued"] for seen in received(emulator)] == [True] * 5 + [False]


def test_one_bare_item_is_queued_and_listed(emulator: Emulator) -> None:
    assert emulator.control("POST", "vertex/responses", {"text": "solo"})["pending"] == [
        {"finishReason": "STOP", "text": "solo"}]
    assert emulator.control("GET", "vertex/responses")["pending"] == [{"finishReason": "STOP", "text": "solo"}]


@pytest.mark.parametrize("body, field", [
    ({"responses": []}, "responses"),
    ({"responses": [{"text": "a", "json": {}}]}, "responses[0].json"),
    ({"responses": [{"text": 3}]}, "responses[0].text"),
    ({"responses": [{"finishReason": "DONE"}]}, "responses[0].finishReason"),
    ({"responses": [{"blockReason": "RUDE"}]}, "responses[0].blockReason"),
    ({"responses": [{"blockReason": "SAFETY", "text": "x"}]}, "responses[0].blockReason"),
    ({"responses": [{"text": "ok"}, {"txt": "typo"}]}, "responses[1].txt"),
    ({"answers": [{"text": "a"}]}, "answers"),
])
def test_bad_queue_items_are_400_and_queue_nothing(emulator: Emulator, body: dict[str, Any], field: str) -> None:
    error = emulator.control("POST", "vertex/responses", body, expect=400)["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["details"][0]["fieldViolations"][0]["field"] == field
    assert emulator.control("GET", "vertex/responses")["pending"] == []


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain"])
def test_control_plane_takes_json_only(emulator: Emulator, content_type: str) -> None:
    response = requests.post(f"{emulator.url}/_emulator/vertex/responses", data='{"text": "sneaky"}',
                             headers={"Content-Type": content_type}, timeout=5)
    assert response.status_code == 415
    assert emulator.control("GET", "vertex/responses")["pending"] == []


def test_reset_clears_answers_and_requests(emulator: Emulator, credentials: Any) -> None:
    queue(emulator, {"text": "a"}, {"text": "b"})
    client(emulator, credentials).models.generate_content(model=MODEL, contents="x")
    emulator.control("POST", "reset")
    assert emulator.control("GET", "vertex/responses")["pending"] == []
    assert received(emulator) == []


# -- the default answer follows the response schema ------------------------------------------
def test_default_answer_matches_a_vertex_response_schema(emulator: Emulator, credentials: Any) -> None:
    config = types.GenerateContentConfig(response_mime_type="application/json", response_schema=OPENAPI_SCHEMA)
    reply = client(emulator, credentials).models.generate_content(model=MODEL, contents="x", config=config)
    value = json.loads(reply.text or "")
    assert value == {"title": "", "action_items": [], "decisions": [], "kind": "weekly", "count": 1}
    assert list(value) == OPENAPI_SCHEMA["propertyOrdering"]
    sent = received(emulator)[0]["request"]["generationConfig"]
    assert sent["responseMimeType"] == "application/json"
    assert sent["responseSchema"]["properties"]["action_items"]["type"] == "ARRAY"


def test_default_answer_matches_a_json_schema(emulator: Emulator, credentials: Any) -> None:
    config = types.GenerateContentConfig(response_mime_type="application/json", response_json_schema=JSON_SCHEMA,
                                         system_instruction="rules")
    reply = client(emulator, credentials).models.generate_content(model=MODEL, contents="x", config=config)
    assert json.loads(reply.text or "") == {"key_points": [], "due": None, "flag": False, "nested": {"more": []},
                                            "choice": 0}
    request = received(emulator)[0]["request"]
    assert request["generationConfig"]["responseJsonSchema"] == JSON_SCHEMA
    assert request["systemInstruction"]["parts"] == [{"text": "rules"}]


def test_default_answer_without_a_schema(emulator: Emulator, credentials: Any) -> None:
    config = types.GenerateContentConfig(response_mime_type="application/json")
    assert client(emulator, credentials).models.generate_content(model=MODEL, contents="x", config=config).text == "{}"


# -- authentication and authorisation --------------------------------------------------------
def test_no_token_is_401(emulator: Emulator) -> None:
    error = error_of(post(emulator, HELLO), 401, "UNAUTHENTICATED")
    assert error["details"][0]["reason"] == "CREDENTIALS_MISSING"


def test_forged_token_is_401(emulator: Emulator) -> None:
    error_of(post(emulator, HELLO, {"Authorization": "Bearer ya29.forged"}), 401, "UNAUTHENTICATED")


def test_user_token_without_cloud_platform_is_403(emulator: Emulator) -> None:
    emulator.add_user("alice@example.com")
    alice = emulator.authorize("alice@example.com", scopes=[MEET_SCOPE])
    response = post(emulator, HELLO, {"Authorization": f"Bearer {alice.token}"})
    error = error_of(response, 403, "PERMISSION_DENIED")
    assert error["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    assert "insufficient_scope" in response.headers["WWW-Authenticate"]
    with pytest.raises(genai_errors.ClientError) as caught:
        client(emulator, alice).models.generate_content(model=MODEL, contents="x")
    assert caught.value.code == 403 and caught.value.status == "PERMISSION_DENIED"


def test_service_account_with_another_scope_is_403(emulator: Emulator) -> None:
    chat_only = emulator.app_credentials()  # chat.bot
    with pytest.raises(genai_errors.ClientError) as caught:
        client(emulator, chat_only).models.generate_content(model=MODEL, contents="x")
    assert caught.value.code == 403
    assert received(emulator) == []


# -- bad requests -----------------------------------------------------------------------------
@pytest.mark.parametrize("body, field", [
    ({**HELLO, "temprature": 0.2}, "temprature"),
    ({**HELLO, "generationConfig": {"temprature": 0.2}}, "temprature"),
    ({"contents": [{"role": "user", "parts": [{"txt": "hi"}]}]}, "txt"),
])
def test_unknown_fields_are_400_naming_them(emulator: Emulator, credentials: Any, body: Any, field: str) -> None:
    error = error_of(post(emulator, body, bearer(credentials)), 400, "INVALID_ARGUMENT")
    assert field in error["message"]


@pytest.mark.parametrize("body, field", [
    ({}, "contents"),
    ({"contents": []}, "contents"),
    ({"contents": [{"role": "user", "parts": []}]}, "contents[0].parts"),
    ({"contents": [{"role": "user", "parts": [{"text": ""}]}]}, "contents[0].parts"),
    ({"contents": [{"role": "assistant", "parts": [{"text": "hi"}]}]}, "contents[0].role"),
    ({**HELLO, "generationConfig": {"responseSchema": {"type": "OBJECT"}}}, "generation_config.response_mime_type"),
    ({**HELLO, "generationConfig": {"responseMimeType": "application/json", "responseSchema": {"type": "OBJECT"},
                                    "responseJsonSchema": {"type": "object"}}},
     "generation_config.response_json_schema"),
])
def test_requests_vertex_refuses_are_400(emulator: Emulator, credentials: Any, body: Any, field: str) -> None:
    queue(emulator, {"text": "kept"})
    error = error_of(post(emulator, body, bearer(credentials)), 400, "INVALID_ARGUMENT")
    assert error["details"][0]["fieldViolations"][0]["field"] == field
    assert emulator.control("GET", "vertex/responses")["pending"] == [{"finishReason": "STOP", "text": "kept"}]


def test_malformed_json_and_bad_types_are_400(emulator: Emulator, credentials: Any) -> None:
    error_of(post(emulator, "{not json", bearer(credentials)), 400, "INVALID_ARGUMENT")
    error_of(post(emulator, {**HELLO, "generationConfig": {"temperature": "hot"}}, bearer(credentials)), 400,
             "INVALID_ARGUMENT")


def test_unknown_model_or_publisher_is_404(emulator: Emulator, credentials: Any) -> None:
    for path in (PATH.replace(MODEL, "gpt-4"), PATH.replace("publishers/google", "publishers/meta")):
        error = error_of(post(emulator, HELLO, bearer(credentials), path=path), 404, "NOT_FOUND")
        assert "Publisher Model" in error["message"]


# -- faults -----------------------------------------------------------------------------------
@pytest.mark.parametrize("status, reason, kind", [
    (429, "RESOURCE_EXHAUSTED", genai_errors.ClientError),
    (500, "INTERNAL", genai_errors.ServerError),
    (503, "UNAVAILABLE", genai_errors.ServerError),
])
def test_faults_fail_the_next_calls_then_clear(emulator: Emulator, credentials: Any, status: int, reason: str,
                                               kind: type[Exception]) -> None:
    queue(emulator, {"text": "after the fault"})
    emulator.control("POST", "faults", {"api": "aiplatform", "method": METHOD, "status": status, "times": 1})
    models = client(emulator, credentials).models
    with pytest.raises(kind) as caught:
        models.generate_content(model=MODEL, contents="x")
    assert isinstance(caught.value, genai_errors.APIError)
    assert caught.value.code == status and caught.value.status == reason
    assert models.generate_content(model=MODEL, contents="x").text == "after the fault"  # not consumed
    assert [call["status"] for call in emulator.calls("aiplatform")] == [status, 200]


def test_fault_named_with_the_api_prefix_applies_to_v1_too(emulator: Emulator, credentials: Any) -> None:
    emulator.control("POST", "faults", {"api": "aiplatform", "method": f"aiplatform.{METHOD}", "status": 429,
                                        "times": 1})
    with pytest.raises(genai_errors.ClientError):
        client(emulator, credentials, api_version="v1").models.generate_content(model=MODEL, contents="x")


def test_a_stall_outlasts_the_clients_timeout(emulator: Emulator, credentials: Any) -> None:
    emulator.control("POST", "faults", {"api": "aiplatform", "method": METHOD, "delayMs": 1500, "times": 1})
    with pytest.raises(Exception) as caught:  # the SDK's HTTP transport (httpx or its fork httpx2) times out
        client(emulator, credentials, timeout_ms=300).models.generate_content(model=MODEL, contents="x")
    assert "Timeout" in type(caught.value).__name__

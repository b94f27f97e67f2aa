"""Paging, the one way every emulated list method does it (emulator.pagination)."""

from __future__ import annotations


import pytest

from emulator.api import EMULATED_APIS
from emulator.app import google_apis
from emulator.discovery import api_methods, find_method
from emulator.errors import ApiError
from emulator.pagination import paginate, query_binding
from emulator.config import EmulatorConfig
from emulator.state import EmulatorState

ITEMS = list(range(12))


@pytest.fixture
def sealer() -> EmulatorState:
    return EmulatorState(EmulatorConfig())


def walk(sealer: EmulatorState, size: str | None, binding: list[str]) -> list[list[int]]:
    pages, token = [], None
    while True:
        page = paginate(sealer, ITEMS, page_size=size, page_token=token, limits=(5, 7), binding=binding)
        pages.append(page.items)
        token = page.next_token
        if token is None:
            return pages


def test_sizes_default_and_cap(sealer: EmulatorState) -> None:
    assert walk(sealer, None, ["q"]) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11]]
    assert walk(sealer, "0", ["q"]) == walk(sealer, "", ["q"]) == walk(sealer, None, ["q"])  # 0: the default
    assert walk(sealer, "1000", ["q"]) == [list(range(7)), list(range(7, 12))]  # capped at the maximum
    assert walk(sealer, "6", ["q"]) == [list(range(6)), list(range(6, 12))]
    last = paginate(sealer, ITEMS, page_size="12", page_token=None, limits=(5, 20), binding=["q"])
    assert last.items == ITEMS and last.next_token is None  # no token when nothing follows
    for bad in ("-1", "many"):
        with pytest.raises(ApiError) as raised:
            paginate(sealer, ITEMS, page_size=bad, page_token=None, limits=(5, 7), binding=["q"])
        assert raised.value.code == 400 and raised.value.status == "INVALID_ARGUMENT"


def test_token_is_bound_to_its_query_and_emulator(sealer: EmulatorState) -> None:
    token = paginate(sealer, ITEMS, page_size="5", page_token=None, limits=(5, 7), binding=["q", "filter=a"]).next_token
    assert token is not None and "filter" not in token
    # pageSize may change between pages (AIP-158); the query may not.
    again = paginate(sealer, ITEMS, page_size="2", page_token=token, limits=(5, 7), binding=["q", "filter=a"])
    assert again.items == [5, 6]
    other_emulator = EmulatorState(EmulatorConfig())
    for owner, binding, forged in ((sealer, ["q", "filter=b"], token), (other_emulator, ["q", "filter=a"], token),
                                   (sealer, ["q", "filter=a"], token[:9] + ("A" if token[9] != "A" else "B") + token[10:]),
                                   (sealer, ["q", "filter=a"], sealer.seal("q@5"))):
        with pytest.raises(ApiError) as raised:
            paginate(owner, ITEMS, page_size=None, page_token=forged, limits=(5, 7), binding=binding)
        assert raised.value.code == 400 and raised.value.message == "Invalid page token."


def test_binding_reads_absent_parameters_as_their_defaults() -> None:
    parameters = find_method("chat", "spaces.messages.list").parameters

    def bound(query: dict[str, str]) -> list[str]:
        return query_binding(parameters, query, lambda name: [])

    assert bound({}) == bound({"showDeleted": "false", "markupSyntax": "MARKUP_SYNTAX_UNSPECIFIED", "filter": ""})
    assert bound({"pageSize": "3", "pageToken": "t"}) == bound({})  # paging parameters are not the query
    assert bound({"showDeleted": "true"}) != bound({})
    assert bound({"orderBy": "create_time DESC"}) != bound({})
    assert not any(part.startswith("parent=") for part in bound({}))  # the path is bound as the resource


# Meet's list methods: (default, maximum) page size as each method's reference page states them.
MEET_PAGE_LIMITS = {
    "conferenceRecords.list": (25, 100),
    "conferenceRecords.participants.list": (100, 250),
    "conferenceRecords.participants.participantSessions.list": (100, 250),
    "conferenceRecords.recordings.list": (10, 100),
    "conferenceRecords.transcripts.list": (10, 100),
    "conferenceRecords.transcripts.entries.list": (10, 100),
    "conferenceRecords.smartNotes.list": (10, 100),
    "spaces.members.list": (250, 500),
}


def test_every_served_list_method_has_page_sizes() -> None:
    served = google_apis().methods()
    listing = {m.full_id: m.page_size_limits() for api in EMULATED_APIS for m in api_methods(api)
               if m.full_id in served and "pageSize" in m.parameters}
    assert listing == {
        **{f"meet.{method_id}": limits for method_id, limits in MEET_PAGE_LIMITS.items()},
        "chat.spaces.members.list": (100, 1000),
        "chat.spaces.messages.list": (25, 1000),
        "workspaceevents.subscriptions.list": (50, 100),
    }

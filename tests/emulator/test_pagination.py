"""Paging (emulator.pagination) and two emulator apps in one process."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from emulator import BackgroundServer, EmulatorConfig, create_emulator
from emulator.api import EMULATED_APIS
from emulator.app import google_apis
from emulator.discovery import api_methods, find_method
from emulator.errors import ApiError
from emulator.pagination import paginate, query_binding
from emulator.state import EmulatorState
from tests.emulator.test_meet_support import expect_error, person
from tests.support import Emulator

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


def test_every_served_list_method_has_page_sizes() -> None:
    served = google_apis().methods()
    listing = {m.full_id: m.page_size_limits() for api in EMULATED_APIS for m in api_methods(api)
               if m.full_id in served and "pageSize" in m.parameters}
    assert listing == {
        **{f"meet.{method_id}": limits for method_id, limits in {
            "conferenceRecords.list": (25, 100),
            "conferenceRecords.participants.list": (100, 250),
            "conferenceRecords.participants.participantSessions.list": (100, 250),
            "conferenceRecords.recordings.list": (10, 100),
            "conferenceRecords.transcripts.list": (10, 100),
            "conferenceRecords.transcripts.entries.list": (10, 100),
            "conferenceRecords.smartNotes.list": (10, 100),
            "spaces.members.list": (250, 500)}.items()},
        "chat.spaces.members.list": (100, 1000),
        "chat.spaces.messages.list": (25, 1000),
        "workspaceevents.subscriptions.list": (50, 100),
    }


@pytest.fixture
def second_emulator() -> Iterator[Emulator]:
    app = create_emulator(EmulatorConfig(auto_consent=True))
    with BackgroundServer(app) as server:
        yield Emulator(server.url, app.extensions["emulator"])


def _conferences(emulator: Emulator, count: int) -> Any:
    _, alice = person(emulator, "alice@example.com", "Alice")
    meet = emulator.meet(alice)
    space = meet.spaces().create(body={}).execute()
    state = emulator.state
    with state.lock:
        live, user = state.meet.get_space(space["name"]), state.find_user("alice@example.com")
        for _ in range(count):
            state.meet.join(live, user=user)
            state.clock.advance(1)
            state.meet.end_conference(live)
    return meet


def test_two_emulators_in_one_process_share_nothing(emulator: Emulator, second_emulator: Emulator) -> None:
    first, second = _conferences(emulator, 3), _conferences(second_emulator, 1)
    page = first.conferenceRecords().list(pageSize=1).execute()
    assert len(page["conferenceRecords"]) == 1 and page["nextPageToken"]
    assert len(second.conferenceRecords().list().execute()["conferenceRecords"]) == 1
    # The same user and query on the other emulator: its token means nothing there.
    expect_error(second.conferenceRecords().list(pageToken=page["nextPageToken"]), 400, "INVALID_ARGUMENT")
    rest = first.conferenceRecords().list(pageSize=5, pageToken=page["nextPageToken"]).execute()
    assert len(rest["conferenceRecords"]) == 2 and "nextPageToken" not in rest
    assert google_apis() is not google_apis()  # each app builds its own router

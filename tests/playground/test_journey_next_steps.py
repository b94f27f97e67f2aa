"""Next steps from the transcript, the way a newcomer sees them in the playground.

The real app and the emulator (``LocalStack``) run for this module, with domain-wide
delegation so ``/meet`` needs no consent click. In one page Alice types ``/meet``, Alice
and Bob join from the Meet panel, Alice ends the call with the planning sample
(``emulator/playground/static/transcripts.json``) and advances the clock; the summary in
the meeting's thread then grows a "Next steps" section naming who does what.
With UPDATE_SCREENSHOTS=1 the picture goes to ``docs/screenshots/playground-next-steps.png``.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

from local.stack import LocalStack
from tests.playground.conftest import screenshot, watch

pytestmark = pytest.mark.browser

TITLE = "Checkout launch"


@pytest.fixture(scope="module")
def stack_and_page(browser_context: Any) -> Iterator[tuple[LocalStack, dict[str, Any], Any]]:
    directory = tempfile.mkdtemp(prefix="playground-next-steps-")
    stack = LocalStack(directory=directory, auth_mode="delegation").start()
    try:
        seeded = stack.seed()
        page = browser_context.new_page()
        page.goto(stack.emulator_url + "/")
        yield stack, seeded, page
        page.close()
    finally:
        stack.stop()
        shutil.rmtree(directory, ignore_errors=True)


def test_the_planning_sample_gives_the_summary_a_next_steps_section(
        stack_and_page: tuple[LocalStack, dict[str, Any], Any]) -> None:
    stack, seeded, page = stack_and_page
    errors = watch(page)
    people = {p["displayName"].split()[0]: p for p in seeded["people"]}

    def act_as(first_name: str) -> None:
        page.select_option("#user-switch", people[first_name]["name"])
        page.wait_for_function("(n) => document.body.dataset.viewer === n", arg=people[first_name]["name"])

    act_as("Alice")
    page.locator(".msg", has_text="Thanks for adding me").wait_for()
    box = page.get_by_role("combobox", name="Message")
    box.fill(f"/meet {TITLE}")
    box.press("Escape")  # no suggestion: send as typed
    box.press("Enter")
    card = page.locator(".card", has=page.locator(".card-title", has_text=TITLE)).first
    card.wait_for(timeout=30_000)

    panel = page.locator("section.meeting", has=page.locator(".meeting-title", has_text=TITLE))
    panel.get_by_role("button", name="Join as Alice").click()
    act_as("Bob")
    panel.get_by_role("button", name="Join as Bob").click()
    panel.locator(".in-call li").nth(1).wait_for()
    act_as("Alice")
    page.get_by_role("button", name="+10 min").click()  # a ten-minute call

    panel.get_by_role("button", name="End call").click()
    dialog = page.get_by_role("dialog", name=re.compile("^End the call"))
    dialog.get_by_role("radio", name=re.compile("^Planning meeting")).check()
    preview = dialog.get_by_role("list", name="Transcript preview")
    assert "Bob, can you update the release notes by Friday?" in preview.inner_text()
    dialog.get_by_role("button", name="End the call").click()
    dialog.wait_for(state="detached")
    card.locator(".dt-text", has_text="Ended").wait_for(timeout=30_000)

    page.get_by_role("button", name="+10 min").click()  # Meet finishes the transcript; the app reads it
    thread = page.locator(".thread", has=card)
    summary = thread.locator(".replies .card", has=page.locator(".card-subtitle", has_text="Meeting summary"))
    # The section first says the transcript is being prepared; the items replace that line.
    next_steps = summary.locator(".card-section", has=page.locator(".section-header", has_text=re.compile(r"^Next steps$")),
                                 has_not_text="when the transcript is ready")
    next_steps.wait_for(timeout=60_000)
    more = next_steps.get_by_role("button", name=re.compile("^Show more"))
    if more.count():
        more.click()  # a collapsible section: read every item
    text = next_steps.inner_text()
    # Bob accepted the release notes; Alice (speaking the sample's first and third voices) took the rest.
    assert "Bob Brown" in text and "Alice Anders" in text, text
    assert re.search(r"release notes", text, re.IGNORECASE), text
    assert len(summary_messages(stack, seeded)) == 1  # one summary, edited in place
    next_steps.scroll_into_view_if_needed()
    screenshot(page, "playground-next-steps")
    assert list(errors) == []


def summary_messages(stack: LocalStack, seeded: dict[str, Any]) -> list[dict[str, Any]]:
    space_id = seeded["space"]["name"].split("/", 1)[1]
    return [m for m in stack.control("GET", f"chat/spaces/{space_id}/messages")["messages"]
            if m["sender"]["type"] == "BOT" and "Meeting summary" in str(m.get("cardsV2"))]

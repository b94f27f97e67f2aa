"""The whole product in the playground, in a real browser: the journey a newcomer takes.

The real app and the emulator (``LocalStack``, per-user OAuth, consent clicked by hand)
run once for this module; one page plays Alice, Bob and a phone participant through the
user switcher and the Meet panel. The steps run in order and share the page, as a person
would: authorize, ``/meet``, people join, the card updates, a refused click, the settings
dialog, the end, the summary with its links. Screenshots of the main states go to
``docs/screenshots/`` (with UPDATE_SCREENSHOTS=1; otherwise a temporary folder).
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

TITLE = "Weekly sync"


class Journey:
    def __init__(self, stack: LocalStack, seeded: dict[str, Any], page: Any) -> None:
        self.stack, self.page = stack, page
        self.people = {p["displayName"].split()[0]: p for p in seeded["people"]}
        self.space = seeded["space"]
        self.errors = watch(page)
        self.failed_loads: list[str] = []  # every HTTP answer >= 400, of the page and its popups

    def watch_loads(self, context: Any) -> None:
        context.on("response", lambda response: self.failed_loads.append(f"{response.status} {response.url}")
                   if response.status >= 400 else None)

    def act_as(self, first_name: str) -> None:
        self.page.select_option("#user-switch", self.people[first_name]["name"])
        self.page.wait_for_function("(n) => document.body.dataset.viewer === n", arg=self.people[first_name]["name"])

    def join_card(self) -> Any:
        return self.page.locator(".card", has=self.page.locator(".card-title", has_text=TITLE)).first

    def meeting_panel(self) -> Any:
        return self.page.locator("section.meeting").first

    def app_messages(self) -> list[dict[str, Any]]:
        space_id = self.space["name"].split("/", 1)[1]
        return [m for m in self.stack.control("GET", f"chat/spaces/{space_id}/messages")["messages"]
                if m["sender"]["type"] == "BOT"]


@pytest.fixture(scope="module")
def journey(browser_context: Any) -> Iterator[Journey]:
    directory = tempfile.mkdtemp(prefix="playground-journey-")
    stack = LocalStack(directory=directory, auto_consent=False).start()
    try:
        seeded = stack.seed()
        page = browser_context.new_page()
        journey = Journey(stack, seeded, page)
        journey.watch_loads(browser_context)
        page.goto(stack.emulator_url + "/")
        yield journey
        page.close()
    finally:
        stack.stop()
        shutil.rmtree(directory, ignore_errors=True)


def test_the_page_shows_the_space_and_suggests_commands(journey: Journey) -> None:
    page = journey.page
    journey.act_as("Alice")
    page.get_by_role("button", name="Team").wait_for()
    page.locator(".msg", has_text="Thanks for adding me").wait_for()
    box = page.get_by_role("combobox", name="Message")
    box.fill("/me")
    options = page.get_by_role("listbox", name="Slash commands").get_by_role("option")
    options.first.wait_for()
    names = [text.split()[0] for text in options.all_inner_texts()]
    assert names == ["/meet", "/meethelp", "/meetsettings", "/meetlogout", "/meetrecent"]
    assert box.get_attribute("aria-expanded") == "true"
    screenshot(page, "playground-commands")
    box.press("Enter")  # takes the highlighted suggestion
    assert box.input_value() == "/meet "
    assert box.get_attribute("aria-expanded") == "false"
    box.type(TITLE)
    box.press("Enter")  # sends
    page.locator(".msg", has_text=f"/meet {TITLE}").wait_for()


def boxes_overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and \
        a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def assert_toasts_cover_no_control(page: Any) -> None:
    """Each note on screen leaves every button and field of the page uncovered."""
    toasts = [box for box in page.locator(".toast").evaluate_all(
        "(els) => els.map((el) => { const r = el.getBoundingClientRect(); "
        "return {x: r.x, y: r.y, width: r.width, height: r.height}; })")]
    assert toasts, "no note on screen to check"
    # Each control's visible part: its box clipped by the scrolling panes it sits in.
    controls = page.locator("button:visible, select:visible, input:visible").evaluate_all("""(els) => els
        .filter((el) => !el.closest('.toast')).map((el) => {
            let {left, top, right, bottom} = el.getBoundingClientRect();
            for (let pane = el.parentElement; pane; pane = pane.parentElement) {
                if (getComputedStyle(pane).overflowY === 'visible') continue;
                const clip = pane.getBoundingClientRect();
                left = Math.max(left, clip.left); top = Math.max(top, clip.top);
                right = Math.min(right, clip.right); bottom = Math.min(bottom, clip.bottom);
            }
            return {x: left, y: top, width: Math.max(0, right - left), height: Math.max(0, bottom - top),
                    label: el.innerText || el.getAttribute('aria-label') || el.id};
        })""")
    covered = [c["label"] for c in controls for t in toasts if c["width"] and c["height"] and boxes_overlap(t, c)]
    assert covered == [], f"a note covers {covered}"


def test_the_authorization_prompt_is_private_and_its_configure_button_links_the_account(journey: Journey) -> None:
    page = journey.page
    prompt = page.locator(".config-prompt")
    prompt.wait_for()
    assert "needs your permission" in prompt.inner_text()
    assert page.locator(".msg.private", has=prompt).locator(".private-badge").inner_text() == "Only visible to you"

    journey.act_as("Bob")  # neither the prompt nor Alice's pending command is Bob's to see
    page.locator(".msg", has_text="Thanks for adding me").wait_for()
    assert page.locator(".config-prompt").count() == 0
    assert page.locator(".msg", has_text=f"/meet {TITLE}").count() == 0

    journey.act_as("Alice")
    # First she changes her mind on the consent page: Cancel.
    with page.expect_popup() as opened:
        page.locator(".config-prompt").get_by_role("button", name="Configure").click()
    consent = opened.value
    consent.wait_for_load_state()
    assert "/o/oauth2/auth" in consent.url
    consent.get_by_text("allow access?").wait_for()
    assert consent.evaluate("() => document.querySelector('link[rel~=icon]').getAttribute('href')") == "/favicon.ico"
    assert consent.request.get(journey.stack.emulator_url + "/favicon.ico").ok  # the icon a browser asks for
    screenshot(consent, "playground-consent")
    consent.get_by_role("button", name="Cancel").click()  # -> the app's callback with error=access_denied
    consent.get_by_role("heading", name="You did not allow access").wait_for()
    assert "click Configure" in consent.inner_text("main")
    assert consent.evaluate("() => document.querySelector('link[rel~=icon]').href").startswith("data:image/svg+xml")
    consent.close()
    assert page.locator(".config-prompt").count() == 1  # the prompt is still there, and still works

    with page.expect_popup() as opened:
        page.locator(".config-prompt").get_by_role("button", name="Configure").click()
    consent = opened.value
    consent.get_by_text("allow access?").wait_for()
    with consent.expect_event("close", timeout=30_000):
        consent.get_by_role("button", name="Allow").click()  # -> app callback -> Chat's config-complete

    card = journey.join_card()
    card.wait_for()
    assert "Waiting for people to join" in card.inner_text()
    page.locator(".config-prompt").wait_for(state="detached")
    assert page.locator(".msg.private").count() == 0  # the command became public
    screenshot(page, "playground-join-card")


def test_people_join_from_the_meet_panel_and_the_card_follows(journey: Journey) -> None:
    page = journey.page
    panel = journey.meeting_panel()
    panel.wait_for()
    assert TITLE in panel.locator(".meeting-title").inner_text()
    panel.get_by_role("button", name="Join as Alice").click()
    panel.locator(".in-call", has_text="Alice Anders").wait_for()
    journey.act_as("Bob")
    panel.get_by_role("button", name="Join as Bob").click()
    panel.get_by_role("button", name="Join by phone").click()
    panel.locator(".in-call li").nth(2).wait_for()
    assert panel.get_by_role("button", name="Leave as Bob").is_visible()

    card = journey.join_card()
    card.locator(".dt-top", has_text="In the call (3)").wait_for(timeout=30_000)
    text = card.inner_text()
    assert "In progress" in text and "Alice Anders" in text and "Bob Brown" in text
    screenshot(page, "playground-in-call")


def private_answers(journey: Journey, words: str) -> Any:
    return journey.page.locator(".msg.private", has=journey.page.locator(".private-badge")).filter(has_text=words)


def test_a_non_organizer_cannot_use_the_controls(journey: Journey) -> None:
    page = journey.page
    journey.act_as("Bob")
    card = journey.join_card()
    # Every refused button answers in the same place: a message only Bob sees, in the card's thread.
    for name, verb in (("End for everyone", "end"), ("Lock", "lock"), ("Settings", "change the settings of")):
        card.get_by_role("button", name=name, exact=True).click()
        refusal = private_answers(journey, f"Only the organizer, Alice Anders, can {verb} this meeting.")
        refusal.wait_for()
        page.wait_for_function("(el) => { const r = el.getBoundingClientRect(), "
                               "pane = document.getElementById('messages').getBoundingClientRect(); "
                               "return r.bottom > pane.top && r.top < pane.bottom; }",
                               arg=refusal.element_handle())  # brought into view in the messages pane
        assert page.get_by_role("dialog").count() == 0 and page.locator(".toast").count() == 0
    assert "In progress" in journey.join_card().inner_text()  # nothing ended
    space = journey.stack.control("GET", f"meet/spaces/{journey.meeting_panel().get_attribute('data-meeting')}")
    assert "activeConference" in space and space["config"].get("accessType") != "RESTRICTED"


def test_the_settings_dialog_round_trip(journey: Journey) -> None:
    page = journey.page
    journey.act_as("Alice")
    box = page.get_by_role("combobox", name="Message")
    box.fill("/meetsettings")
    box.press("Escape")
    box.press("Enter")
    dialog = page.get_by_role("dialog")
    dialog.wait_for(timeout=10_000)  # /meetsettings opens the settings dialog
    radios = dialog.get_by_role("radio")
    assert radios.count() >= 2, dialog.inner_text()
    target = next(i for i in range(radios.count()) if not radios.nth(i).is_checked())
    label = radios.nth(target).evaluate("(el) => el.closest('label').innerText")
    radios.nth(target).check()
    screenshot(page, "playground-settings-dialog")
    dialog.get_by_role("button", name=re.compile("^Save$")).click()
    dialog.wait_for(state="detached")

    box.fill("/meetsettings")
    box.press("Escape")
    box.press("Enter")
    dialog.wait_for()
    chosen = dialog.get_by_role("radio", name=label.strip())
    assert chosen.is_checked(), f"{label!r} was not kept"
    page.keyboard.press("Escape")  # closes (and cancels) the dialog
    dialog.wait_for(state="detached")


def test_ending_the_call_posts_the_summary_and_its_links_arrive_with_the_clock(journey: Journey) -> None:
    page = journey.page
    journey.act_as("Alice")
    panel = journey.meeting_panel()
    page.get_by_role("button", name="+10 min").click()  # ten minutes into the call, Bob leaves
    page.locator(".toast", has_text="Clock advanced by 10 min").wait_for()
    assert_toasts_cover_no_control(page)  # the clock buttons, the Meet panel, the card stay usable
    journey.act_as("Bob")
    assert page.locator(".toast").count() == 0  # Alice's notes went with her
    journey.act_as("Alice")
    panel.get_by_role("button", name="Bob Brown leaves").click()
    journey.join_card().locator(".dt-top", has_text="In the call (2)").wait_for(timeout=30_000)
    page.get_by_role("button", name="+10 min").click()
    panel.get_by_role("button", name="End call").click()  # a dialog: which transcript, recording, smart notes
    dialog = page.get_by_role("dialog", name=re.compile("^End the call"))
    dialog.get_by_role("radio", name=re.compile("^Planning meeting")).check()
    assert dialog.get_by_role("checkbox", name="Recording").is_checked()
    assert dialog.get_by_role("checkbox", name="Smart notes").is_checked()
    screenshot(page, "playground-end-call")
    dialog.get_by_role("button", name="End the call").click()
    dialog.wait_for(state="detached")
    card = journey.join_card()
    card.locator(".dt-text", has_text="Ended").wait_for(timeout=30_000)

    thread = page.locator(".thread", has=card)
    summary = thread.locator(".replies .card", has=page.locator(".card-subtitle", has_text="Meeting summary"))
    summary.wait_for(timeout=30_000)
    assert "being prepared" in summary.inner_text()
    screenshot(page, "playground-summary-pending")

    page.get_by_role("button", name="+10 min").click()  # Meet finishes the files; the summary links them
    page.wait_for_function("() => !document.querySelector('.replies .card').innerText.includes('being prepared')",
                           timeout=45_000)
    text = summary.inner_text()
    assert "Alice Anders" in text and "Bob Brown" in text and "Carol Chen" in text  # Carol didn't join
    assert "20 min" in text
    links = summary.get_by_role("link", name="Open")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) == 3 and all(href.startswith("https://") for href in hrefs), hrefs  # recording, transcript, notes
    assert all(links.nth(i).get_attribute("target") == "_blank" for i in range(links.count()))
    summary_messages = [m for m in journey.app_messages() if "Meeting summary" in str(m.get("cardsV2"))]
    assert len(summary_messages) == 1
    thread.scroll_into_view_if_needed()
    screenshot(page, "playground-summary")


def test_the_page_fits_a_phone_screen(journey: Journey) -> None:
    page = journey.page
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        journey.join_card().scroll_into_view_if_needed()
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{overflow}px of horizontal scrolling"
        screenshot(page, "playground-narrow")
    finally:
        page.set_viewport_size({"width": 1360, "height": 900})


def test_refresh_refused_is_a_private_message_too(journey: Journey) -> None:
    page = journey.page
    journey.act_as("Alice")
    box = page.get_by_role("combobox", name="Message")
    box.fill("/meetlogout")
    box.press("Escape")
    box.press("Enter")  # the organizer unlinks her account: nobody can read the meeting now
    journey.act_as("Bob")
    journey.join_card().get_by_role("button", name="Refresh", exact=True).click()
    refusal = private_answers(journey, "needs to link their Google account again")
    refusal.wait_for()
    assert "Alice Anders (the organizer)" in refusal.inner_text()
    assert page.locator(".toast").count() == 0


def test_no_script_errors_on_the_way(journey: Journey) -> None:
    assert list(journey.errors) == []


def test_nothing_failed_to_load_on_the_way(journey: Journey) -> None:
    assert journey.failed_loads == []

"""The playground's Cards v2 renderer, its HTML sanitizer and its dialogs, in a real browser.

A fake Chat app (``fake_app.py``) answers through the real emulator with every widget
and a dialog holding every input kind, and records the events the page caused. The
sanitizer and the placeholder for unknown widgets are checked by rendering cards the
emulator would refuse (it validates answers), straight through the page's renderer.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from emulator import BackgroundServer, EmulatorConfig, create_emulator
from tests.playground.conftest import screenshot, watch
from tests.playground.fake_app import GALLERY_COMMAND, SETTINGS_COMMAND, create_fake_app

pytestmark = pytest.mark.browser


class World:
    def __init__(self, url: str, received: list[dict[str, Any]], page: Any) -> None:
        self.url, self.received, self.page = url, received, page
        self.errors = watch(page)

    def control(self, method: str, path: str, body: Any = None) -> Any:
        response = requests.request(method, f"{self.url}/_emulator/{path}", json=body, timeout=30)
        assert response.status_code < 400, response.text
        return response.json()

    def say(self, text: str) -> None:
        box = self.page.get_by_role("combobox", name="Message")
        box.fill(text)
        box.press("Escape")  # no suggestion: send as typed
        box.press("Enter")

    def act_as(self, user: dict[str, Any]) -> None:
        self.page.select_option("#user-switch", user["name"])
        self.page.wait_for_function("(n) => document.body.dataset.viewer === n", arg=user["name"])

    def open_the_form(self) -> tuple[Any, Any]:
        """The gallery card's "Open a form" button, clicked, and the dialog it opened."""
        page = self.page
        card = page.locator(".card", has=page.locator(".card-title", has_text="Widget gallery"))
        opener = card.get_by_role("button", name="Open a form")
        opener.click()
        dialog = page.get_by_role("dialog", name="Meeting form")
        dialog.wait_for()
        return opener, dialog

    def clicks(self, function: str) -> list[dict[str, Any]]:
        return [e for e in self.received if e.get("type") == "CARD_CLICKED"
                and (e.get("common") or {}).get("invokedFunction") == function]


@pytest.fixture(scope="module")
def world(browser_context: Any) -> Iterator[World]:
    fake = create_fake_app()
    app_server = BackgroundServer(fake).start()
    emulator = create_emulator(EmulatorConfig(app_url=app_server.url + "/", auto_consent=True,
                                              commands={"meetsettings": SETTINGS_COMMAND, "gallery": GALLERY_COMMAND}))
    server = BackgroundServer(emulator).start()
    try:
        page = browser_context.new_page()
        world = World(server.url, fake.extensions["received"], page)
        world.dana = world.control("POST", "users", {"email": "dana@example.com", "displayName": "Dana Diaz"})
        world.eve = world.control("POST", "users", {"email": "eve@example.com", "displayName": "Eve Evans"})
        world.control("POST", "chat/spaces", {"displayName": "Lab", "spaceType": "SPACE",
                                              "members": [world.dana["name"], world.eve["name"]]})
        page.goto(server.url + "/")
        world.act_as(world.dana)
        page.locator(".msg", has_text="Hello!").wait_for()
        yield world
        page.close()
    finally:
        server.stop()
        app_server.stop()


def test_the_composer_suggests_the_registered_commands(world: World) -> None:
    box = world.page.get_by_role("combobox", name="Message")
    box.fill("/")
    options = world.page.get_by_role("listbox", name="Slash commands").get_by_role("option")
    options.first.wait_for()
    assert [t.split()[0] for t in options.all_inner_texts()] == ["/meetsettings", "/gallery"]
    box.press("ArrowDown")
    assert world.page.locator("#suggestion-1").get_attribute("aria-selected") == "true"
    box.press("Tab")
    assert box.input_value() == "/gallery "
    box.fill("")


def test_every_widget_of_the_gallery_is_rendered(world: World) -> None:
    page = world.page
    world.say("/gallery")
    card = page.locator(".card", has=page.locator(".card-title", has_text="Widget gallery"))
    card.wait_for()
    rendered = set(card.locator("[data-widget]").evaluate_all("(els) => els.map((e) => e.dataset.widget)"))
    assert {"textParagraph", "decoratedText", "divider", "buttonList", "columns", "chipList", "image",
            "grid"} <= rendered, rendered
    assert card.locator(".card-subtitle").inner_text() == "Every Cards v2 widget"
    # The image (or, offline, the grey box that replaces it) is labelled with its alt text.
    assert card.get_by_role("img", name="Gallery avatar").count() == 1
    assert card.locator(".placeholder").count() == 0

    paragraph = card.locator(".w-text").first
    for tag, text in (("b", "bold"), ("i", "italic"), ("u", "under"), ("s", "struck")):
        assert paragraph.locator(tag, has_text=text).count() == 1, tag
    assert paragraph.locator("span.html-font").evaluate("(el) => getComputedStyle(el).color") == "rgb(217, 48, 37)"
    link = paragraph.get_by_role("link", name="a link")
    assert link.get_attribute("href") == "https://example.com/docs" and link.get_attribute("target") == "_blank"
    assert "noopener" in link.get_attribute("rel")
    assert paragraph.locator("br").count() == 1
    decorated = card.locator(".w-decorated").first
    assert [decorated.locator(c).inner_text() for c in (".dt-top", ".dt-bottom")] == ["Top label", "Bottom label"]
    assert decorated.locator("svg.icon").get_attribute("data-icon") == "star"
    assert card.get_by_role("switch", name="With a switch").is_checked()
    docs = card.get_by_role("link", name="Docs")
    assert docs.get_attribute("href") == "https://example.com/docs" and docs.get_attribute("target") == "_blank"
    for name, style in (("Filled", "btn-filled"), ("Outlined", "btn-outlined"), ("Borderless", "btn-borderless")):
        assert style in card.get_by_role("button", name=name, exact=True).get_attribute("class")

    toggle = card.get_by_role("button", name="Show more ▾")  # a collapsible section: one widget, then the rest
    assert card.get_by_text("Chip one").is_hidden()
    toggle.click()
    assert card.get_by_role("button", name="Show less ▴").get_attribute("aria-expanded") == "true"
    assert card.get_by_text("Chip one").is_visible()
    assert card.locator(".w-grid .grid-title").all_inner_texts() == ["First", "Second"]
    card.scroll_into_view_if_needed()
    screenshot(page, "playground-widgets")


def test_a_card_button_posts_a_click_as_the_current_user(world: World) -> None:
    page = world.page
    world.act_as(world.eve)
    card = page.locator(".card", has=page.locator(".card-title", has_text="Widget gallery"))
    card.locator(".w-decorated").get_by_role("button", name="Ping").click()
    page.locator(".msg", has_text="Pong for Eve Evans from gallery").wait_for()
    click = world.clicks("ping")[-1]
    assert click["user"]["name"] == world.eve["name"]
    assert click["common"]["parameters"] == {"from": "gallery"}
    # Chat sends the card's inputs with a click: the switch is on.
    assert click["common"]["formInputs"]["notify"] == {"stringInputs": {"value": ["yes"]}}
    world.act_as(world.dana)


def test_a_dialog_shows_every_input_refuses_then_saves_what_was_chosen(world: World) -> None:
    page = world.page
    world.say("/meetsettings")
    dialog = page.get_by_role("dialog", name="Meeting form")
    dialog.wait_for()
    assert dialog.get_by_label("Title").evaluate("(el) => el === document.activeElement")  # focus moves in
    dialog.get_by_role("button", name="Save").click()
    alert = dialog.get_by_role("alert")
    alert.wait_for()
    assert alert.inner_text() == "A title is required."  # refused: the dialog stays, with the reason

    dialog.get_by_label("Title").fill("Retro")
    assert dialog.get_by_label("Notes").input_value() == "first line"
    dialog.get_by_label("Size").select_option("l")
    dialog.get_by_role("radio", name="Restricted").check()
    dialog.get_by_role("checkbox", name="Snacks").check()
    dialog.get_by_role("switch", name="Transcribe").check()
    dialog.get_by_role("switch", name="Remind me").check()
    assert dialog.get_by_label("When").input_value() == "2026-01-01T12:00"
    dialog.get_by_label("When").fill("2026-03-04T09:30")
    dialog.get_by_label("Day").fill("2026-03-05")
    dialog.get_by_label("At").fill("14:15")
    screenshot(page, "playground-dialog")
    dialog.get_by_role("button", name="Save").click()
    dialog.wait_for(state="detached")
    page.locator(".toast", has_text="Saved Retro.").wait_for()

    inputs = world.clicks("save")[-1]["common"]["formInputs"]
    strings = {name: value["stringInputs"]["value"] for name, value in inputs.items() if "stringInputs" in value}
    assert strings == {"title": ["Retro"], "notes": ["first line"], "size": ["l"], "access": ["RESTRICTED"],
                       "extras": ["snacks", "music"], "auto": ["transcription"], "remind": ["on"]}
    assert inputs["when"] == {"dateTimeInput": {"msSinceEpoch": "1772616600000", "hasDate": True, "hasTime": True}}
    assert inputs["day"] == {"dateInput": {"msSinceEpoch": "1772668800000"}}
    assert inputs["at"] == {"timeInput": {"hours": 14, "minutes": 15}}
    assert world.clicks("save")[-1]["dialogEventType"] == "SUBMIT_DIALOG"


def test_a_button_opens_a_dialog_and_escape_cancels_it(world: World) -> None:
    page = world.page
    opener, dialog = world.open_the_form()
    assert world.clicks("open_form")[-1]["dialogEventType"] == "REQUEST_DIALOG"
    page.keyboard.press("Tab")
    assert dialog.evaluate("(el) => el.contains(document.activeElement)")  # focus stays in the dialog
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")
    assert opener.evaluate("(el) => el === document.activeElement")  # and comes back
    page.wait_for_function("() => true")
    world.page.wait_for_timeout(300)
    assert any(e.get("dialogEventType") == "CANCEL_DIALOG" for e in world.received)
    assert world.control("GET", "chat/dialogs")["dialogs"] == []


def test_a_late_answer_from_before_a_dialog_closed_does_not_bring_it_back(world: World) -> None:
    page = world.page
    _, dialog = world.open_the_form()
    held: list[tuple[Any, Any]] = []

    def hold_the_first(route: Any) -> None:  # the page's next look, answered as of now (dialog open) but late
        if held:
            route.continue_()
        else:
            held.append((route, route.fetch()))

    page.route("**/_emulator/playground/state*", hold_the_first)
    for _ in range(50):  # the page looks every second
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the page did not look at the state"
    page.keyboard.press("Escape")  # closed here; the close reaches the app, and newer looks see no dialog
    dialog.wait_for(state="detached")
    page.wait_for_timeout(300)
    assert world.control("GET", "chat/dialogs")["dialogs"] == []
    with page.expect_response(lambda r: "/_emulator/playground/state" in r.url):
        pass  # a look that began after the close has been answered
    route, answer = held[0]
    route.fulfill(response=answer)  # the look from before the close answers last
    page.wait_for_timeout(1500)  # past the next look too
    page.unroute("**/_emulator/playground/state*", hold_the_first)
    assert dialog.count() == 0


def test_a_dialog_chat_no_longer_holds_closes_on_the_page_too(world: World) -> None:
    page = world.page
    _, dialog = world.open_the_form()
    # Closed somewhere else (another tab of the same person, the app): Chat holds it no more.
    world.control("POST", "chat/dialogs", {"user": world.dana["name"], "cancel": True})
    assert world.control("GET", "chat/dialogs")["dialogs"] == []
    dialog.wait_for(state="detached", timeout=5_000)  # the next look closes it here too
    assert page.locator(".dialog-backdrop").count() == 0


HOSTILE_CARD = {
    "header": {"title": "<img src=x onerror=window.pwned=1>", "subtitle": "plain <b>text</b>"},
    "sections": [{"header": "<script>window.pwned=2</script>Section", "widgets": [
        {"textParagraph": {"text": '<img src=x onerror="window.pwned=3">img <a href="javascript:window.pwned=4">js</a> '
                                   '<a href="https://example.com" onclick="window.pwned=5">ok</a> '
                                   '<font color="red;background:url(https://evil.test)">font</font> '
                                   '<b onmouseover="window.pwned=6">b</b><iframe src="https://evil.test"></iframe>'
                                   '<style>body{display:none}</style><div><p>unwrapped</p></div>'}},
        {"carouselWidget": {"items": []}},
        {"horizontalAlignment": "CENTER"},
        {"buttonList": {"buttons": [{"text": "Evil link", "onClick": {"openLink": {"url": "javascript:window.pwned=7"}}}]}},
        {"image": {"imageUrl": "javascript:window.pwned=8", "altText": "x"}},
    ]}],
}


def test_card_html_is_sanitized_and_unknown_widgets_show_a_placeholder(world: World) -> None:
    page = world.page
    errors_before = len(world.errors)
    result = page.evaluate("""(card) => {
        const host = document.createElement('div');
        host.id = 'hostile';
        document.body.append(host);
        host.append(window.Cards.renderCard(card, {onAction: () => {}}));
        host.querySelectorAll('*').forEach((el) => { el.dispatchEvent(new MouseEvent('mouseover')); });
        const all = Array.from(host.querySelectorAll('*'));
        return {
            text: host.innerText,
            tags: Array.from(new Set(all.map((el) => el.tagName.toLowerCase()))).sort(),
            handlers: all.flatMap((el) => el.getAttributeNames().filter((a) => a.startsWith('on'))),
            urls: all.flatMap((el) => ['href', 'src'].map((a) => el.getAttribute(a)).filter(Boolean)),
            styles: all.map((el) => el.getAttribute('style')).filter(Boolean),
        };
    }""", HOSTILE_CARD)
    page.wait_for_timeout(300)  # give any injected handler a chance to run
    assert page.evaluate("() => window.pwned") is None
    assert result["handlers"] == []
    assert result["urls"] == ["https://example.com/"], result["urls"]  # only the https link survived
    assert not {"img", "iframe", "script", "style", "p"} & set(result["tags"]), result["tags"]
    assert all("url(" not in style for style in result["styles"])  # the bad colour was dropped
    text = result["text"]
    assert "<img src=x onerror=window.pwned=1>" in text  # a plain field shows its text literally
    assert "plain <b>text</b>" in text
    assert "Not rendered by the playground: widget “carouselWidget”" in text
    assert "Not rendered by the playground: an empty widget" in text
    assert "Image not shown" in text
    assert "unwrapped" in text and "Section" in text and "window.pwned=2" not in text
    hostile = page.locator("#hostile")
    assert hostile.locator("a", has_text="js").count() == 0 and "img js" in text
    assert hostile.locator("a", has_text="Evil link").count() == 0
    page.evaluate("() => document.getElementById('hostile').remove()")
    # Chromium reports the handlers it refused to compile while parsing: the page's CSP at work.
    new_errors = world.errors[errors_before:]
    assert all("Content Security Policy" in error for error in new_errors), new_errors
    del world.errors[errors_before:]


def test_chat_text_formatting_is_rendered_safely(world: World) -> None:
    fragment = world.page.evaluate("""(name) => {
        const host = document.createElement('div');
        host.append(window.Cards.chatText(
            '*bold* _it_ ~gone~ `code` <https://example.com|site> <javascript:alert(1)|bad> <' + name + '> <b>raw</b>',
            (n) => n === name ? 'Dana Diaz' : n));
        return {html: host.innerHTML, text: host.innerText};
    }""", world.dana["name"])
    html = fragment["html"]
    assert "<b>bold</b>" in html and "<i>it</i>" in html and "<s>gone</s>" in html and "<code>code</code>" in html
    assert '<a href="https://example.com/" target="_blank" rel="noopener noreferrer">site</a>' in html
    assert "javascript" not in html.replace("&lt;javascript:alert(1)|bad&gt;", "")
    assert "@Dana Diaz" in fragment["text"] and "&lt;b&gt;raw&lt;/b&gt;" in html


CARDS_PACKAGE = Path(__file__).resolve().parents[2] / "cards"


def icons_the_app_uses() -> set[str]:
    """Every Material Symbols name the app's cards can carry: ``icon="…"`` arguments,
    ``material_icon("…")`` calls and the values of the ``…_ICONS`` tables in ``cards/``."""
    names: set[str] = set()
    for source in CARDS_PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "icon" and isinstance(keyword.value, ast.Constant) and keyword.value.value:
                        names.add(keyword.value.value)
                if getattr(node.func, "id", None) == "material_icon" and node.args and \
                        isinstance(node.args[0], ast.Constant):
                    names.add(node.args[0].value)
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and any(
                    isinstance(target, ast.Name) and target.id.endswith("_ICONS") for target in node.targets):
                names.update(value.value for value in node.value.values if isinstance(value, ast.Constant))
    return names


def test_every_icon_the_app_uses_is_drawn_not_lettered(world: World) -> None:
    names = sorted(icons_the_app_uses())
    assert {"person_off", "event_available", "videocam", "call_end"} <= set(names), names  # the walk finds them
    drawn = world.page.evaluate("""(names) => names.map((name) => {
        const host = document.createElement('div');
        document.body.append(host);
        const svg = window.Cards.icon({materialIcon: {name}});
        host.append(svg);
        const shapes = Array.from(svg.children).filter((el) => el.tagName !== 'title');
        const box = svg.getBBox();
        host.remove();
        return {name, letters: svg.querySelectorAll('text').length, shapes: shapes.length, width: box.width};
    })""", names)
    lettered = [icon["name"] for icon in drawn if icon["letters"] or not icon["shapes"]]
    assert lettered == [], f"drawn as a letter in a circle (unknown to cards.js): {lettered}"
    # A glyph, not a one-letter stand-in: it spans most of its 24-unit box.
    assert all(icon["width"] >= 10 for icon in drawn), drawn


def test_no_script_errors(world: World) -> None:
    # Card images point at example.com, unreachable offline: those load failures are expected.
    assert [e for e in world.errors if "ERR_" not in e and "Failed to load resource" not in e] == []


def test_a_card_past_100_widgets_loses_the_crossing_section_and_all_after_it(world: World) -> None:
    """Chat's rule (GoogleAppsCardV1Card): the section whose widgets push the count above 100
    is ignored with every section after it. The page applies it to any card it renders
    (a dialog's body as much as a message's card)."""
    sizes = [60, 30, 20, 5]
    card = {"header": {"title": "Big"}, "sections": [
        {"header": f"Section {s}", "widgets": [{"textParagraph": {"text": f"s{s} w{i}"}} for i in range(size)]}
        for s, size in enumerate(sizes)]}
    shown = world.page.evaluate("""(card) => {
        const el = window.Cards.renderCard(card, {onAction: () => {}});
        return {sections: Array.from(el.querySelectorAll('.card-section .section-header')).map((h) => h.textContent),
                widgets: el.querySelectorAll('.widget').length,
                kept: window.Cards.sectionsWithinLimit(card.sections).length,
                exactly100: window.Cards.sectionsWithinLimit([{widgets: new Array(100).fill({})}]).length};
    }""", card)
    assert shown["sections"] == ["Section 0", "Section 1"]
    assert shown["widgets"] == 90 and shown["kept"] == 2 and shown["exactly100"] == 1

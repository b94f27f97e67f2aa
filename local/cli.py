"""``python main.py`` (local mode) and ``python main.py demo`` (a scripted meeting)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from typing import Any, Mapping

import requests

from bot.log import configure_logging

from .stack import LocalStack


def describe_message(message: dict[str, Any], names: Mapping[str, str] | None = None) -> str:
    """A Chat message as readable text: its text (mentions and links as Chat shows them),
    or its cards' header and widgets. ``names``: display names by user resource name."""
    known = names or {}
    lines: list[str] = []
    if message.get("text"):
        lines.append(chat_text(str(message["text"]), known).replace("\n", "\n    "))
    for entry in message.get("cardsV2") or []:
        card = entry.get("card") or {}
        header = card.get("header") or {}
        if header.get("title"):
            lines.append(f"[{header['title']}]" + (f" {header['subtitle']}" if header.get("subtitle") else ""))
        for section in card.get("sections") or []:
            if section.get("header"):
                lines.append(f"-- {_plain(section['header'])}")
            for widget in section.get("widgets") or []:
                lines.extend(_widget_lines(widget))
    viewer = (message.get("privateMessageViewer") or {}).get("name")
    prefix = f"(only visible to {known.get(viewer, viewer)}) " if viewer else ""
    return prefix + "\n    ".join(lines)


_MENTION = re.compile(r"<(users/[^>|\s]+)>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>\s]+)\|([^>]*)>")


def chat_text(text: str, names: Mapping[str, str]) -> str:
    """Chat's text markup as a person reads it: ``<users/…>`` as @Name, ``<url|label>``
    as ``label (url)``."""
    text = _MENTION.sub(lambda found: "@" + names.get(found.group(1), "all" if found.group(1) == "users/all"
                                                       else found.group(1)), text)
    return _LINK.sub(lambda found: f"{found.group(2)} ({found.group(1)})", text)


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"<br\s*/?>", " / ", re.sub(r"<(?!br)[^>]+>", "", markup)))


def _widget_lines(widget: dict[str, Any]) -> list[str]:
    if "decoratedText" in widget:
        text = widget["decoratedText"]
        label = f"{text['topLabel']}: " if text.get("topLabel") else ""
        below = f" ({_plain(text['bottomLabel'])})" if text.get("bottomLabel") else ""
        return [label + _plain(text.get("text", "")) + below]
    if "textParagraph" in widget:
        return [_plain(widget["textParagraph"].get("text", ""))]
    if "buttonList" in widget:
        return ["  ".join(f"<{b.get('text', '')}>" for b in widget["buttonList"].get("buttons", []))]
    return []


def configure_url(reply: Any) -> str | None:
    """The Configure link of Chat's private authorization prompt, if that is the answer."""
    if not isinstance(reply, dict):
        return None
    action = reply.get("actionResponse") or {}
    if action.get("type") == "REQUEST_CONFIG":
        return str(action.get("url") or "") or None
    return None


def wait_for(condition: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        time.sleep(0.2)


def app_messages(stack: LocalStack, space: str) -> list[dict[str, Any]]:
    space_id = space.split("/", 1)[1]
    messages = stack.control("GET", f"chat/spaces/{space_id}/messages")["messages"]
    return [m for m in messages if (m.get("sender") or {}).get("type") == "BOT"]


def link_alice(stack: LocalStack, answer: dict[str, Any]) -> None:
    """Follow the app's authorization prompt as Alice's browser would (the demo's
    emulator approves at once, as if she clicked Allow)."""
    prompt = ((answer.get("reply") or {}).get("actionResponse") or {})
    if prompt.get("type") == "REQUEST_CONFIG":
        response = requests.get(prompt["url"], timeout=60)
        response.raise_for_status()


# Production settings that mean something locally too: taken from the environment as
# they are (the rest of local mode's configuration is fixed by LocalStack).
LOCAL_SETTINGS = ("AUTH_MODE", "SUMMARIZER", "GEMINI_MODEL", "SUMMARIZER_BUDGET_SECONDS", "LOG_LEVEL")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def local_settings(environ: Mapping[str, str]) -> dict[str, str]:
    return {key: environ[key] for key in LOCAL_SETTINGS if environ.get(key)}


EVENT_FORMATS = ("classic", "addon")


def event_format(environ: Mapping[str, str]) -> str:
    """``CHAT_EVENT_FORMAT``: how the emulated Chat talks to the app, as a Chat app is
    configured in Google Cloud: ``classic`` (an interaction-event Chat app, the default)
    or ``addon`` (a Google Workspace add-on). The app itself accepts both."""
    chosen = (environ.get("CHAT_EVENT_FORMAT") or "classic").strip().lower()
    if chosen not in EVENT_FORMATS:
        raise SystemExit(f"CHAT_EVENT_FORMAT must be one of {', '.join(EVENT_FORMATS)} "
                         f"(got {environ['CHAT_EVENT_FORMAT']!r})")
    return chosen


def local_logging(environ: Mapping[str, str]) -> None:
    """``LOG_LEVEL`` locally: every logger's records (the app's, the emulator's and the
    libraries'), redacted as in production, as readable lines on stderr. Without it only
    warnings and errors, so the console shows the URLs and what went wrong."""
    level = (environ.get("LOG_LEVEL") or "WARNING").strip().upper()
    if level not in LOG_LEVELS:
        raise SystemExit(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)} (got {environ['LOG_LEVEL']!r})")
    configure_logging(level, stream=sys.stderr, console=True)


def run_local(*, app_port: int = 8080, emulator_port: int = 8085) -> int:
    chosen_format = event_format(os.environ)  # first: a bad setting starts nothing
    local_logging(os.environ)
    directory = ".local"
    database = os.path.join(directory, "meetbot.db")
    # The emulator keeps its world in memory, so a database left by an earlier run
    # would describe meetings that no longer exist: start both afresh.
    for leftover in (database, database + "-wal", database + "-shm"):
        if os.path.exists(leftover):
            os.remove(leftover)
    stack = LocalStack(directory=directory, app_port=app_port, emulator_port=emulator_port,
                       auto_consent=os.environ.get("EMULATOR_AUTO_CONSENT") == "1", event_format=chosen_format,
                       extra_env=local_settings(os.environ)).start()
    seeded = stack.seed()
    print(f"Google Workspace emulator and playground: {stack.emulator_url}/", flush=True)
    print(f"Chat app (POST / for Chat events):      {stack.app_url}/", flush=True)
    print(f"Chat events: {'Google Workspace add-on' if chosen_format == 'addon' else 'classic Chat app'} format "
          f"(CHAT_EVENT_FORMAT); authorization: {stack.config.auth_mode} (AUTH_MODE).", flush=True)
    print(f"Seeded people: {', '.join(p['email'] for p in seeded['people'])}; "
          f"Chat space {seeded['space']['name']} ({seeded['space']['displayName']}).", flush=True)
    if stack.config.auth_mode == "oauth":
        print("The first /meet of each person asks them to link their Google account: the link opens the "
              "emulator's consent page, as Google's would.", flush=True)
    print("Press Ctrl-C to stop.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("\nStopping.", flush=True)
    finally:
        stack.stop()
    return 0


def demo_transcript(alice: str, bob: str) -> list[dict[str, str]]:
    """What Alice and Bob say in the demo's meeting: a commitment, an accepted request, a decision."""
    return [
        {"user": alice, "text": "Let's start. The main topic is the launch of the new onboarding flow."},
        {"user": bob, "text": "The pilot went well, sign-ups were up eighteen percent in the test group."},
        {"user": alice, "text": "Great. We agreed to roll it out to everyone on Monday."},
        {"user": alice, "text": "Bob, could you write the announcement for the blog by Friday?"},
        {"user": bob, "text": "Sure, I can do that."},
        {"user": alice, "text": "And I'll check the support macros with the help desk tomorrow."},
    ]


def run_demo(*, app_port: int = 0, emulator_port: int = 0) -> int:
    """The scripted meeting; a port of 0 is any free one."""
    local_logging(os.environ)
    directory = tempfile.mkdtemp(prefix="meetbot-demo-")
    try:
        stack = LocalStack(directory=directory, app_port=app_port, emulator_port=emulator_port, auto_consent=True,
                           event_format=event_format(os.environ), extra_env=local_settings(os.environ)).start()
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    try:
        seeded = stack.seed()
        space = seeded["space"]["name"]
        alice = seeded["people"][0]
        names = {person["name"]: person["displayName"] for person in seeded["people"]}
        seen: set[str] = set()
        print(f"Google Workspace emulator on {stack.emulator_url}/ (EMULATOR_PORT), Chat app on {stack.app_url}/ "
              f"(PORT){'' if app_port and emulator_port else '; unset ports are any free one'}.", flush=True)

        def show(step: str) -> None:
            print(f"\n== {step}", flush=True)
            for message in app_messages(stack, space):
                key = message["name"] + str(message.get("lastUpdateTime", ""))
                if key not in seen:
                    seen.add(key)
                    print("  " + describe_message(message, names), flush=True)

        show("The app is added to the space 'Team'")
        answer = stack.control("POST", "chat/messages", {"space": space, "sender": alice["name"],
                                                         "text": "/meet Weekly sync @Bob Brown"})
        show("Alice types: /meet Weekly sync @Bob Brown")
        link_alice(stack, answer)
        show("Alice allows access on Google's consent page; her /meet finishes by itself")
        card = next(m for m in app_messages(stack, space) if m.get("cardsV2"))
        code = card["clientAssignedMessageId"][len("client-meet-"):]
        bob, carol = seeded["people"][1], seeded["people"][2]

        def settle(step: str, done: Any) -> None:
            wait_for(lambda: done(app_messages(stack, space)))
            show(step)

        for person in (alice, bob):
            stack.control("POST", "meet/join", {"space": code, "user": person["name"]})
        stack.control("POST", "meet/join", {"space": code, "phone": "+1 650 555 0123"})
        settle("Alice, Bob and a phone participant join", lambda ms: "In the call (3)" in json.dumps(ms))
        stack.control("POST", "clock", {"advanceSeconds": 20 * 60})  # twenty minutes of meeting
        stack.control("POST", "meet/leave", {"space": code, "user": bob["name"]})
        settle("Twenty minutes in, Bob leaves", lambda ms: "In the call (2)" in json.dumps(ms))
        stack.control("POST", "clock", {"advanceSeconds": 15 * 60})
        stack.control("POST", "meet/end", {"space": code, "recording": True, "smartNotes": True,
                                           "transcript": demo_transcript(alice["name"], bob["name"])})
        settle("The meeting ends with a recording, a transcript and smart notes",
               lambda ms: "Meeting summary" in json.dumps(ms))
        stack.control("POST", "clock", {"advanceSeconds": 600})
        settle("Ten minutes later Meet has the files; the transcript's next steps are in the summary and "
               "their owners are told",
               lambda ms: json.dumps(ms).count("being prepared") == 0
               and any(m.get("clientAssignedMessageId", "").startswith("client-nextsteps-") for m in ms))
        _ = carol
        print("\nDemo finished.", flush=True)
        return 0
    finally:
        stack.stop()
        shutil.rmtree(directory, ignore_errors=True)

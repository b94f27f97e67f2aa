"""A small Chat app for the renderer and dialog tests: it answers with every Cards v2 widget.

The real app shows only the widgets it needs; this one shows all of them, through the
real emulator (so every card is validated against Chat's schema on the way), and
remembers each event it received so tests can check what the page sent.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request

SETTINGS_COMMAND, GALLERY_COMMAND = 3, 7
IMAGE = "https://example.com/cat.png"  # never loaded successfully offline: the alt text shows


def gallery_card() -> dict[str, Any]:
    ping = {"action": {"function": "ping", "parameters": [{"key": "from", "value": "gallery"}]}}
    return {
        "header": {"title": "Widget gallery", "subtitle": "Every Cards v2 widget", "imageUrl": IMAGE,
                   "imageType": "CIRCLE", "imageAltText": "Gallery avatar"},
        "sections": [
            {"header": "Text <b>and</b> decorations", "widgets": [
                {"textParagraph": {"text": 'Plain, <b>bold</b>, <i>italic</i>, <u>under</u>, <s>struck</s>, '
                                           '<font color="#d93025">red</font>, <a href="https://example.com/docs">a link'
                                           '</a><br>and a second line'}},
                {"decoratedText": {"topLabel": "Top label", "text": "<b>Decorated</b> text",
                                   "bottomLabel": "Bottom label", "startIcon": {"knownIcon": "STAR"},
                                   "button": {"text": "Ping", "onClick": ping}}},
                {"decoratedText": {"text": "With a switch", "startIcon": {"materialIcon": {"name": "tune"}},
                                   "switchControl": {"name": "notify", "value": "yes", "selected": True,
                                                     "controlType": "SWITCH"}}},
                {"divider": {}},
                {"buttonList": {"buttons": [
                    {"text": "Filled", "type": "FILLED", "onClick": ping},
                    {"text": "Outlined", "type": "OUTLINED", "onClick": ping},
                    {"text": "Borderless", "type": "BORDERLESS", "onClick": ping},
                    {"text": "Docs", "icon": {"materialIcon": {"name": "open_in_new"}},
                     "onClick": {"openLink": {"url": "https://example.com/docs"}}},
                    {"text": "Open a form", "onClick": {"action": {"function": "open_form",
                                                                   "interaction": "OPEN_DIALOG"}}},
                ]}},
            ]},
            {"header": "Layout", "collapsible": True, "uncollapsibleWidgetsCount": 1, "widgets": [
                {"columns": {"columnItems": [
                    {"horizontalSizeStyle": "FILL_AVAILABLE_SPACE", "widgets": [
                        {"textParagraph": {"text": "Left column"}}]},
                    {"horizontalSizeStyle": "FILL_AVAILABLE_SPACE", "widgets": [
                        {"textParagraph": {"text": "Right column"}}]},
                ]}},
                {"chipList": {"chips": [{"label": "Chip one", "onClick": ping},
                                        {"label": "Chip docs", "onClick": {"openLink": {"url": "https://example.com"}}}]}},
                {"image": {"imageUrl": IMAGE, "altText": "A cat"}},
                {"grid": {"title": "A grid", "columnCount": 2, "items": [
                    {"id": "a", "title": "First", "subtitle": "one", "image": {"imageUri": IMAGE, "altText": "first"}},
                    {"id": "b", "title": "Second", "subtitle": "two", "image": {"imageUri": IMAGE, "altText": "second"}},
                ], "onClick": ping}},
            ]},
        ],
    }


def form_card(error: str | None = None) -> dict[str, Any]:
    widgets: list[dict[str, Any]] = []
    if error:
        widgets.append({"textParagraph": {"text": f'<font color="#d93025">{error}</font>'}})
    widgets += [
        {"textInput": {"name": "title", "label": "Title", "hintText": "Required"}},
        {"textInput": {"name": "notes", "label": "Notes", "type": "MULTIPLE_LINE", "value": "first line"}},
        {"selectionInput": {"name": "size", "label": "Size", "type": "DROPDOWN", "items": [
            {"text": "Small", "value": "s", "selected": True}, {"text": "Large", "value": "l"}]}},
        {"selectionInput": {"name": "access", "label": "Access", "type": "RADIO_BUTTON", "items": [
            {"text": "Open", "value": "OPEN", "selected": True}, {"text": "Restricted", "value": "RESTRICTED"}]}},
        {"selectionInput": {"name": "extras", "label": "Extras", "type": "CHECK_BOX", "items": [
            {"text": "Snacks", "value": "snacks"}, {"text": "Music", "value": "music", "selected": True}]}},
        {"selectionInput": {"name": "auto", "label": "Automatically", "type": "SWITCH", "items": [
            {"text": "Record", "value": "recording"}, {"text": "Transcribe", "value": "transcription"}]}},
        {"decoratedText": {"text": "Remind me", "switchControl": {"name": "remind", "value": "on", "selected": False}}},
        {"dateTimePicker": {"name": "when", "label": "When", "type": "DATE_AND_TIME",
                            "valueMsEpoch": "1767268800000"}},  # 2026-01-01 12:00 UTC
        {"dateTimePicker": {"name": "day", "label": "Day", "type": "DATE_ONLY"}},
        {"dateTimePicker": {"name": "at", "label": "At", "type": "TIME_ONLY"}},
    ]
    return {"header": {"title": "Meeting form"}, "sections": [{"widgets": widgets}],
            "fixedFooter": {"primaryButton": {"text": "Save", "onClick": {"action": {"function": "save"}}}}}


def _dialog(card: dict[str, Any]) -> dict[str, Any]:
    return {"actionResponse": {"type": "DIALOG", "dialogAction": {"dialog": {"body": card}}}}


def _status(code: str, message: str | None = None) -> dict[str, Any]:
    status: dict[str, Any] = {"statusCode": code}
    if message:
        status["userFacingMessage"] = message
    return {"actionResponse": {"type": "DIALOG", "dialogAction": {"actionStatus": status}}}


def create_fake_app() -> Flask:
    app = Flask("fake_chat_app")
    received: list[dict[str, Any]] = []
    app.extensions["received"] = received

    @app.post("/")
    def events() -> Any:
        event = request.get_json(force=True)
        received.append(event)
        kind = event.get("type")
        if kind == "ADDED_TO_SPACE":
            return {"text": "Hello! Try */gallery* or */meetsettings*."}
        if kind == "MESSAGE":
            command = ((event.get("message") or {}).get("slashCommand") or {}).get("commandId")
            if command == str(SETTINGS_COMMAND):
                return _dialog(form_card())
            if command == str(GALLERY_COMMAND):
                return {"cardsV2": [{"cardId": "gallery", "card": gallery_card()}]}
            return {"text": "I only know /gallery and /meetsettings."}
        if kind == "CARD_CLICKED":
            function = (event.get("common") or {}).get("invokedFunction")
            if event.get("dialogEventType") == "CANCEL_DIALOG":
                return _status("OK")
            if function == "open_form":
                return _dialog(form_card())
            if function == "save":
                inputs = (event.get("common") or {}).get("formInputs") or {}
                title = ((inputs.get("title") or {}).get("stringInputs") or {}).get("value") or [""]
                if not title[0].strip():
                    return _status("INVALID_ARGUMENT", "A title is required.")
                return _status("OK", f"Saved {title[0]}.")
            if function == "ping":
                parameters = (event.get("common") or {}).get("parameters") or {}
                return {"text": f"Pong for {event['user']['displayName']} from {parameters.get('from')}"}
        return {}

    return app

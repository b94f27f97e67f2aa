"""Small builders for Cards v2 JSON (``GoogleAppsCardV1*`` in the Chat discovery document).

Each returns plain dicts in the camelCase field names Chat expects. Text arguments
named ``html`` go to fields Chat renders as HTML: callers escape user text first
(:func:`cards.markup.escape`). Arguments named ``label``/``title``/``text`` of plain
fields are used as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

Json = dict[str, Any]

# Chat's limits for a message with cards (Chat API usage limits): the whole message
# must stay under 32,000 bytes and a card may hold at most 100 widgets.
MAX_MESSAGE_BYTES = 32_000
MAX_WIDGETS = 100


@dataclass(frozen=True)
class CardAction:
    """A button on a card: either opens a link or invokes one of the app's functions.

    The join card's buttons are a list of these, so the meeting controls (End for
    everyone, Lock/Unlock, Settings, Refresh) slot in as data, not as new card code.
    ``parameters`` identify the target (for example the meeting); handlers must never
    treat them as proof of who may act, since a client can forge them.
    """

    label: str
    function: str | None = None  # invoked function (CARD_CLICKED / buttonClickedPayload)
    parameters: tuple[tuple[str, str], ...] = ()
    url: str | None = None  # open this link instead of invoking a function
    icon: str | None = None  # Material Symbols name, e.g. "videocam"
    filled: bool = False  # the primary action of the card
    opens_dialog: bool = False  # Chat shows a dialog with the function's answer

    def __post_init__(self) -> None:
        if (self.function is None) == (self.url is None):
            raise ValueError("a CardAction needs exactly one of function or url")

    @classmethod
    def invoke(cls, label: str, function: str, parameters: Mapping[str, str] | None = None,
               **options: Any) -> "CardAction":
        """A button that calls ``function`` with ``parameters`` (a convenience over tuples)."""
        return cls(label, function=function, parameters=tuple((parameters or {}).items()), **options)


def material_icon(name: str) -> Json:
    """An ``Icon`` from Google Material Symbols (works for Chat apps)."""
    return {"materialIcon": {"name": name}}


def button(action: CardAction) -> Json:
    """A ``GoogleAppsCardV1Button`` for one action."""
    on_click: Json
    if action.url is not None:
        on_click = {"openLink": {"url": action.url}}
    else:
        invoked: Json = {"function": action.function}
        if action.parameters:
            invoked["parameters"] = [{"key": key, "value": value} for key, value in action.parameters]
        if action.opens_dialog:
            invoked["interaction"] = "OPEN_DIALOG"
        on_click = {"action": invoked}
    result: Json = {"text": action.label, "onClick": on_click}
    if action.icon:
        result["icon"] = material_icon(action.icon)
    if action.filled:
        result["type"] = "FILLED"
    return result


def button_list(actions: Iterable[CardAction]) -> Json:
    """A ``buttonList`` widget, buttons in the given order."""
    return {"buttonList": {"buttons": [button(action) for action in actions]}}


def decorated_text(html: str, *, top_label: str | None = None, icon: str | None = None,
                   wrap: bool = True) -> Json:
    """A ``decoratedText`` widget. ``html`` is rendered as HTML; ``top_label`` must be app text."""
    widget: Json = {"text": html, "wrapText": wrap}
    if top_label:
        widget["topLabel"] = top_label
    if icon:
        widget["startIcon"] = material_icon(icon)
    return {"decoratedText": widget}


def text_paragraph(html: str) -> Json:
    """A ``textParagraph`` widget; its text is rendered as HTML."""
    return {"textParagraph": {"text": html}}


def divider() -> Json:
    return {"divider": {}}


def section(widgets: Sequence[Json], *, header_html: str | None = None) -> Json:
    """A card section; ``header_html`` is rendered as HTML."""
    result: Json = {"widgets": list(widgets)}
    if header_html:
        result["header"] = header_html
    return result


def card(title: str, sections: Sequence[Json], *, subtitle: str | None = None) -> Json:
    """A ``GoogleAppsCardV1Card``. ``title`` and ``subtitle`` are plain text in Chat."""
    header: Json = {"title": title}
    if subtitle:
        header["subtitle"] = subtitle
    return {"header": header, "sections": [s for s in sections if s["widgets"]]}


def card_with_id(card_id: str, card_json: Json) -> Json:
    """One entry of ``Message.cardsV2`` (``CardWithId``). A stable id lets edits replace it."""
    return {"cardId": card_id, "card": card_json}


def card_message(entry: Json, fallback_text: str) -> Json:
    """A ``Message`` body carrying one card, with the plain text notifications show."""
    return {"fallbackText": fallback_text, "cardsV2": [entry]}


def widget_count(card_json: Json) -> int:
    """How many widgets a card holds, for checking against :data:`MAX_WIDGETS`."""
    return sum(len(s.get("widgets", [])) for s in card_json.get("sections", []))


@dataclass(frozen=True)
class Choice:
    """One item of a selection input: what the person sees, what the form sends back."""

    text: str
    value: str
    selected: bool = False


def selection_input(name: str, label: str, choices: Sequence[Choice], *, kind: str = "DROPDOWN") -> Json:
    """A ``selectionInput`` widget (``kind``: DROPDOWN, RADIO_BUTTON, CHECK_BOX or SWITCH).

    The form sends the values of the selected items under ``name``; with nothing
    selected it sends nothing at all, which readers must treat as "none selected".
    """
    return {"selectionInput": {"name": name, "label": label, "type": kind, "items": [
        {"text": choice.text, "value": choice.value, "selected": choice.selected} for choice in choices]}}


def dialog_card(title: str, sections: Sequence[Json]) -> Json:
    """A ``GoogleAppsCardV1Card`` for a dialog (no card id: dialogs are not messages)."""
    return {"header": {"title": title}, "sections": [s for s in sections if s["widgets"]]}

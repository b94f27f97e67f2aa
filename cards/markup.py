"""Text helpers for Chat cards: escaping user text, and the little HTML the cards use.

Which card fields render markup (Chat API discovery document ``chat.v1`` and the
"Format messages" guide, developers.google.com/workspace/chat/format-messages):

* Rendered as HTML (a subset: ``<b> <i> <u> <s> <font color> <a href> <br>``):
  ``decoratedText.text`` ("Supports simple formatting"), ``textParagraph.text``
  (``textSyntax`` defaults to HTML: "The text is rendered as HTML if unspecified"),
  ``section.header`` ("Supports simple HTML formatted text").
* Plain text, shown literally: ``cardHeader.title`` / ``subtitle``, ``button.text``,
  ``Message.fallbackText`` ("A plain-text description of the message's cards").
* Not stated either way: ``decoratedText.topLabel`` / ``bottomLabel``. The builders
  put only the app's own fixed words there, never user text, so the question does not
  arise.

So: user text (titles, display names) and anything that came from another system is
passed through :func:`escape` exactly when it lands in an HTML field, and never escaped
in a plain field (where ``&amp;`` would be shown as five characters).

Chat *text messages* (``Message.text``) use a different syntax (``*bold*``, ``_italic_``,
``<url|label>``, ``<users/123>``) that has no escape mechanism at all; the one builder
that puts user text there (the owners' reply, ``cards.digest.next_steps_reply``) first
swaps the syntax's characters for look-alikes (``cards.digest.chat_text``).
"""

from __future__ import annotations

import json
from typing import Sequence

# Quotes are escaped too so escaped text is also safe inside an attribute value
# (``href="…"``). Decimal ``&#39;`` rather than ``&#x27;`` (what ``html.escape`` emits)
# because the decimal form is the one every HTML-subset renderer decodes.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})


def escape(text: str) -> str:
    """``text`` made inert for an HTML card field: it renders literally, never as markup."""
    return text.translate(_ESCAPES)


def single_line(text: str) -> str:
    """Whitespace runs (newlines, tabs) collapsed to one space, ends trimmed.

    A title is one line on the card; a newline in it would only push the rest of the
    header out of its fixed two-line height.
    """
    return " ".join(text.split())


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, with an ellipsis when something was cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "…"


def bold(html: str) -> str:
    """Bold markup around text that is already HTML (escape user text first)."""
    return f"<b>{html}</b>"


def link(url: str, label: str) -> str:
    """An ``<a href>`` for an HTML card field; both the URL and the label are escaped."""
    return f'<a href="{escape(url)}">{escape(label)}</a>'


def lines(*html_lines: str) -> str:
    """HTML lines joined with ``<br>``, the line break the card HTML subset documents."""
    return "<br>".join(html_lines)


# -- what text costs as sent ----------------------------------------------------------------
def fit_lines(items: Sequence[str], *, max_items: int, max_bytes: int, separator: str = "<br>") -> list[str]:
    """The longest prefix of ``items`` within ``max_items`` and ``max_bytes`` (as sent).

    A prefix, never a selection: the list keeps its order and the count of the rest is
    exact.
    """
    shown: list[str] = []
    used = 0
    for item in items[:max_items]:
        cost = wire_bytes(item) + (wire_bytes(separator) if shown else 0)
        if used + cost > max_bytes:
            break
        shown.append(item)
        used += cost
    return shown


def json_bytes(value: object) -> int:
    """Bytes ``value`` takes as JSON with non-ASCII escaped (the larger encoding)."""
    return len(json.dumps(value))


def wire_bytes(text: str) -> int:
    """Bytes ``text`` takes inside a JSON string (:func:`json_bytes` without the quotes)."""
    return json_bytes(text) - 2

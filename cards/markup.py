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
``<url|label>``, ``<users/123>``) that has no escape mechanism at all; the builders
therefore never put user text into ``Message.text``.
"""

from __future__ import annotations

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

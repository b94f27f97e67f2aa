from cards.markup import clip, escape, link, single_line
from tests.cards.support import EVIL, parse_html


def test_escape_turns_markup_into_text():
    escaped = escape(EVIL)
    assert escaped == "&lt;a href=&quot;https://evil&quot;&gt;x&lt;/a&gt; &amp; &lt;b&gt;"
    parsed = parse_html(escaped)
    assert parsed.tags == [] and parsed.hrefs == []
    assert parsed.text == EVIL  # a renderer shows exactly what was typed


def test_escape_quotes_and_does_not_unescape():
    assert escape("Alex's \"sync\"") == "Alex&#39;s &quot;sync&quot;"
    assert escape("&amp;") == "&amp;amp;"  # an entity typed by a user stays visible as typed
    assert escape("plain words 123") == "plain words 123"


def test_link_escapes_both_url_and_label():
    html = link('https://x.example/"onmouseover=', "<b>label</b>")
    parsed = parse_html(html)
    assert parsed.tags == ["a"]
    assert parsed.hrefs == ['https://x.example/"onmouseover=']
    assert parsed.text == "<b>label</b>"


def test_single_line_and_clip():
    assert single_line("  Weekly\n\tsync  ") == "Weekly sync"
    assert clip("abcdef", 10) == "abcdef"
    assert clip("abcdef", 4) == "abc…" and len(clip("abcdef", 4)) == 4

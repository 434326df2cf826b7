"""HTML to plain text: entities decoded, scripts and styles dropped, blocks become line breaks."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from newsdesk.ingest.normalize import replace_unsafe

BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "pre",
    "hr",
    "dd",
    "dt",
    "figure",
    "figcaption",
}
DROP_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "svg", "head", "title"}
_TAG_HINT = re.compile(r"<[a-zA-Z!/][^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\x1c-\x1f]+")
_BLANKS = re.compile(r"\n\s*\n+")
# A tag of HTML's own vocabulary left in the text: the markup was escaped twice (``&amp;lt;p&amp;gt;``).
_ESCAPED_MARKUP = re.compile(
    r"</?(?:p|br|div|span|a|b|i|em|strong|img|ul|ol|li|h[1-6]|table|tr|td|blockquote|figure|iframe|script)"
    r"(?:\s[^<>]*)?/?>",
    re.I,
)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in DROP_TAGS:
            self.dropping += 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_startendtag(self, tag, attrs) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag) -> None:
        if tag in DROP_TAGS:
            self.dropping = max(0, self.dropping - 1)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_data(self, data) -> None:
        if not self.dropping:
            self.parts.append(data)


def html_to_text(value: str | None) -> str:
    """Plain text of an HTML fragment (or of plain text with stray entities); paragraphs are kept
    as blank-line breaks, other whitespace collapsed. Markup escaped twice (``&amp;lt;p&amp;gt;``,
    which reads as the text ``<p>``) is unescaped and stripped once more."""
    text = _to_text(value)
    for _ in range(3):
        if "<" in text and _ESCAPED_MARKUP.search(text):
            text = _to_text(text)
        elif "&lt;" in text and _ESCAPED_MARKUP.search(unescape(text)):
            text = _to_text(unescape(text))
        else:
            break
    return text


def _to_text(value: str | None) -> str:
    if not value:
        return ""
    if not _TAG_HINT.search(value):
        text = value
    else:
        parser = _TextExtractor()
        try:
            parser.feed(value)
            parser.close()
            text = "".join(parser.parts)
        except Exception:  # malformed markup: fall back to stripping tags
            text = unescape(re.sub(r"<[^>]*>", " ", value))
    text = replace_unsafe(text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    text = "\n".join(lines)
    text = _BLANKS.sub("\n\n", text).strip()
    return re.sub(r"(?<!\n)\n(?!\n)", " ", text)

"""Narrative markup (FHIR XHTML, C-CDA narrative blocks) as plain text with its line breaks.

Blocks (paragraphs, list items, table rows) end a line and a row's cells are joined with " | ",
so the extractors see a table row as the report's row, as they do in a PDF's text.
"""

from __future__ import annotations

from html.parser import HTMLParser
from xml.etree.ElementTree import Element

# Elements of XHTML and of the C-CDA narrative block (CDA R2 StrucDoc) that end a line.
_BLOCKS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "table",
        "thead",
        "tbody",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "paragraph",
        "item",
        "list",
        "caption",
        "content_block",
    }
)
_CELLS = frozenset({"td", "th"})


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[list[str]] = [[]]

    def handle_starttag(self, tag: str, _attrs: list[tuple[str, str | None]]) -> None:
        _start(self.lines, tag)

    def handle_endtag(self, tag: str) -> None:
        _end(self.lines, tag)

    def handle_data(self, data: str) -> None:
        self.lines[-1].append(data)


def _start(lines: list[list[str]], tag: str) -> None:
    if tag in _CELLS and "".join(lines[-1]).strip():
        lines[-1].append(" | ")
    elif tag in _BLOCKS and lines[-1]:
        lines.append([])


def _end(lines: list[list[str]], tag: str) -> None:
    if tag in _BLOCKS and lines[-1]:
        lines.append([])


def _joined(lines: list[list[str]]) -> str:
    text_lines = (" ".join("".join(parts).split()) for parts in lines)
    return "\n".join(line for line in text_lines if line.strip(" |"))


def xhtml_text(markup: str) -> str:
    """The text of an XHTML fragment, one line per block."""
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    return _joined(collector.lines)


def element_text(element: Element) -> str:
    """The text of a parsed narrative element (C-CDA `section/text`), one line per block."""
    lines: list[list[str]] = [[]]

    def walk(node: Element) -> None:
        tag = node.tag.rsplit("}", 1)[-1].lower() if isinstance(node.tag, str) else ""
        _start(lines, tag)
        if node.text:
            lines[-1].append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                lines[-1].append(child.tail)
        _end(lines, tag)

    walk(element)
    return _joined(lines)

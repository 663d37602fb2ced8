"""``metrics.markup.plain``: data shown through Markdown reads as written and makes no markup.

A CommonMark parser (markdown-it, the reference implementation's port) reads the escaped text:
every token it finds must be plain text equal to the input, whatever the input holds.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from metrics.markup import plain

MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
HOSTILE = [
    "![t](http://example.org/x.png)", "[click](javascript:alert(1))", "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>", "**bold** _it_ `code`", "# heading", "1. list", "- item", "+ item",
    "> quote", "| a | b |", "~~gone~~", "$x^2$", ":red[text]", ":material/home:", "&lt;b&gt;",
    "<https://example.org>", "www.example.org", "someone@example.org", "\\[escaped\\]",
    "Peer groups: MSG (2024).csv", "2024-25 Q1 to 2026-27 Q2", "line\nbreak\r\nand\ttab", "nul\x00byte",
]


def rendered_text(source: str) -> tuple[list[str], str]:
    """The token types the parser finds in ``source`` and the text it would show."""
    blocks = MD.parse(source)
    kinds = [t.type for t in blocks]
    shown = []
    for block in blocks:
        for child in block.children or []:
            kinds.append(child.type)
            shown.append(child.content)
    return kinds, "".join(shown)


def expected(value: str) -> str:
    """What the reader should see: the value, with line breaks and control characters as spaces."""
    return "".join(" " if not c.isprintable() else c for c in value.replace("\x00", "")).strip()


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_is_only_text(value):
    kinds, shown = rendered_text(plain(value))
    assert set(kinds) <= {"paragraph_open", "inline", "paragraph_close", "text"}, (value, kinds)
    assert shown == expected(value)


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_any_text_is_only_text(value):
    escaped = plain(value)
    kinds, shown = rendered_text(escaped)
    assert set(kinds) <= {"paragraph_open", "inline", "paragraph_close", "text"}, (value, kinds)
    assert shown == expected(value).strip()
    # what a GFM renderer would turn into a link by itself (not parsed by commonmark above)
    assert not re.search(r"(?i)(?<!\\)(https?|ftp|mailto):|www\.|(?<!\\)@", escaped)


def test_ordinary_words_and_numbers_read_the_same():
    assert plain("2024-25 Q1, 12.5% of 1,200") == "2024-25 Q1, 12.5% of 1,200"
    assert plain(None) == ""

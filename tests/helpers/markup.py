"""What an AppTest run would render as Markdown, and a check that none of it is markup from data.

Streamlit renders as Markdown every text element (markdown, captions, titles, headers,
notices), widget labels, help and options, expander labels and page links. ``markdown_texts``
collects them from the app's element tree (the source as the app wrote it);
``markup_found`` parses each with a CommonMark parser and names what would become an image,
raw HTML or a link to ``host``.
"""

from __future__ import annotations

from collections.abc import Iterator

from google.protobuf.json_format import MessageToDict
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_TEXT_FIELDS = {"body", "label", "help", "options", "placeholder", "caption"}


def _strings(value, key: str | None = None) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, key)
    elif isinstance(value, str) and key in _TEXT_FIELDS:
        yield value


def markdown_texts(at: AppTest) -> list[str]:
    """Every string the run gave Streamlit to render as Markdown, main area and sidebar."""
    found: list[str] = []
    stack = [at._tree]
    while stack:
        node = stack.pop()
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            found.extend(_strings(MessageToDict(proto, preserving_proto_field_name=True)))
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            stack.extend(children.values())
    return found


def _tokens(source: str):
    for block in _MD.parse(source):
        yield block
        yield from block.children or []


def markup_found(texts: list[str], host: str) -> list[str]:
    """Each source that would render an image, raw HTML, or a link or bare address to ``host``."""
    bad = []
    for source in texts:
        for token in _tokens(source):
            href = str(token.attrs.get("href") or token.attrs.get("src") or "")
            if token.type in ("image", "html_inline", "html_block") or host in href:
                bad.append(f"{token.type}: {source[:200]!r}")
        # what GFM (Streamlit's Markdown) turns into a link by itself, which CommonMark does not
        if f"http://{host}" in source or f"https://{host}" in source or f"www.{host}" in source:
            bad.append(f"bare address: {source[:200]!r}")
    return bad

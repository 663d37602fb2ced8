"""Text from data, made inert for Streamlit's Markdown: the one escape every page uses.

Why: release labels are built from ingested file names, peer group names come from a loaded
file, and notices echo what an address held. Streamlit renders titles, captions, notices,
widget labels and table cells as Markdown (with its own additions: ``:red[...]`` colours,
``$...$`` formulas, ``:material/...:`` icons), so a file named ``![t](http://host/x.png)`` made
every page fetch an image, and ``<b>`` or ``[link](...)`` in a group name would have become
markup. A backslash before a punctuation character is that character in CommonMark, so the
text shows as written. Escaped: every character that opens markup anywhere in a line (links,
images, HTML, code, emphasis, tables, formulas, directives, entities) and what makes a bare
address a link (``http:``, ``www.``, ``a@b``); a leading ``-``, ``+`` or ``1.`` that would
start a list. Hyphens, full stops and commas elsewhere stay as they are, so periods and numbers
read the same in the Markdown source. Line breaks and control characters become spaces: data
never starts a heading, a list or a block, and the text is trimmed. Only data goes through here; the product's own
wording keeps its Markdown. Bottom layer (no Streamlit), so the URL parser can use it too.
"""

from __future__ import annotations

import re

_MARKUP = frozenset("\\`*_[](){}<>#|~$:!@^&+=")
_WWW = re.compile(r"(?i)(www)\.")
_LIST_START = re.compile(r"^(\d+)([.)])|^([-+])")


def plain(value: object) -> str:
    """``value`` as text that Markdown shows as written: no link, image, HTML, emphasis or block."""
    out = []
    for c in "" if value is None else str(value):
        if c in _MARKUP:
            out.append("\\" + c)
        elif c == "\x00":
            continue
        elif not c.isprintable():  # line breaks, tabs, other control and format characters
            out.append(" ")
        else:
            out.append(c)
    text = _WWW.sub(r"\1\\.", "".join(out)).strip()  # leading spaces would make a code block
    return _LIST_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)

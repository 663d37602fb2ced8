"""RESULTS.md holds one section per benchmark; a new run replaces its own section only."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def write_section(name: str, body: str) -> None:
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    head = f"## {name}\n"
    if head in text:
        before, rest = text.split(head, 1)
        after = rest[rest.find("\n## ") + 1:] if "\n## " in rest else ""
        text = before + head + body.rstrip("\n") + "\n\n" + after
    else:
        text = text.rstrip("\n") + "\n\n" + head + body
    RESULTS.write_text(text.rstrip("\n") + "\n")

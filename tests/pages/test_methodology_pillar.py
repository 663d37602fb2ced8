"""The methodology page's pillar choice (AppTest): `pillar=N` shows that pillar's measures and
says so, a selector writes the choice to the address; and its text tables wrap (st.table), so
long meanings are not cut off."""

from __future__ import annotations

from components.page_registry import METHODOLOGY, PAGE_KEYS
from components.reference import PILLARS
from helpers.app import assert_clean, open_app, texts
from metrics.dictionary import column_rows
from metrics.registry import METRICS

PAGE = METHODOLOGY.file
NAMES = {i: name for i, name, *_ in PILLARS}


def _pillar_headings(at) -> list[str]:
    return [s for s in texts(at, "subheader") if s.startswith("Pillar ")]


def _measures_shown(at) -> set[str]:
    body = " ".join(texts(at, "markdown"))
    return {m.id for m in METRICS if f"(`{m.id}`)" in body}


def test_methodology_reads_and_writes_pillar():
    assert "pillar" in PAGE_KEYS[METHODOLOGY.url_path]


def test_without_pillar_every_pillar_is_shown(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, PAGE)
    assert_clean(at)
    assert _pillar_headings(at) == [f"Pillar {i}: {n}" for i, n in NAMES.items()]
    assert _measures_shown(at) == {m.id for m in METRICS}
    assert at.selectbox(key="meth_pillar").value is None


def test_pillar_3_shows_pillar_3_and_says_so(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, PAGE, pillar="3")
    assert_clean(at)
    assert _pillar_headings(at) == [f"Pillar 3: {NAMES[3]}"]
    wanted = {m.id for m in METRICS if m.pillar == 3}
    assert wanted and _measures_shown(at) == wanted  # and none of another pillar
    assert any(i.startswith(f"Showing pillar 3 only: {NAMES[3]}") for i in texts(at, "info"))
    assert at.selectbox(key="meth_pillar").value == 3


def test_choosing_a_pillar_writes_it_to_the_address(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, PAGE)
    at.selectbox(key="meth_pillar").set_value(1).run()
    assert_clean(at)
    assert at.query_params["pillar"] in ("1", ["1"])
    assert _pillar_headings(at) == [f"Pillar 1: {NAMES[1]}"]
    expected = {m.id for m in METRICS if m.pillar == 1}
    assert _measures_shown(at) == expected
    at.selectbox(key="meth_pillar").set_value(None).run()  # cleared: all pillars, key gone
    assert_clean(at)
    assert "pillar" not in at.query_params
    assert len(_pillar_headings(at)) == len(PILLARS)


def test_a_bad_pillar_gives_a_notice_and_all_pillars(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, PAGE)
    at.query_params["pillar"] = "9"  # arrives on this page (notices show where the address is read)
    at.run()
    assert_clean(at)
    assert any(w.startswith("Ignored `pillar`") for w in texts(at, "warning"))
    assert len(_pillar_headings(at)) == len(PILLARS)


def test_long_text_tables_are_static_tables_that_wrap(small_db, monkeypatch):
    """st.dataframe draws one-line cells that a 1400 px screen cut off; st.table wraps them."""
    at = open_app(monkeypatch, small_db, PAGE)
    assert_clean(at)
    tables = [t.value for t in at.table]
    columns = next(t for t in tables if list(t.columns) == ["Column", "Meaning"])
    longest = max(column_rows(), key=lambda r: len(r["meaning"]))
    shown = [m.replace("\\", "") for m in columns["Meaning"]]
    assert longest["meaning"] in shown  # whole, not cut short
    releases = next(t for t in tables if "Rows loaded" in t.columns)
    assert releases["Rows loaded"].str.replace("\\", "", regex=False).str.contains("case record: ").any()
    assert not [d for d in at.dataframe if {"Column", "Meaning"} <= set(d.value.columns)
                or "Rows loaded" in d.value.columns]

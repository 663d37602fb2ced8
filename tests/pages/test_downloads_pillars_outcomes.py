"""Every download /pillars and /outcomes offer, read back with a plain reader (issue 11 gaps).

Each file is taken from the button the page rendered and read with ``pandas.read_csv`` (and
``polars.read_csv``) with no options: numbers are number columns, a hidden cell is empty with its
symbol in ``flag``, the release, data status, licence and citation travel in every row, and the
figures are the ones the page shows beside the button (the file's numbers, written the page's
way, give the table on screen cell for cell; the grid's file gives each cell of the linked grid).
"""

from __future__ import annotations

import re

import pandas as pd
import polars as pl
import pytest
import streamlit as st

from components.page_registry import OUTCOMES, PILLARS
from helpers.app import assert_clean, open_app, texts
from helpers.downloads import NUMBERS, assert_typed, read_back
from metrics.format import fmt_value
from metrics.registry import METRICS_BY_ID, metric, metrics_for_pillar
from queries.export import LICENCE, PUBLISHED_STATUS, SYNTHETIC_STATUS
from words.tables import reading_table

REAL_DOWNLOAD_BUTTON = st.download_button
DAYS = ("cases", "p10", "p25", "p50", "p75", "p90")
HIDDEN = ("[c]", "[x]", "[z]")  # a figure left empty: hidden, missing, not applicable
RELEASE = re.compile(r"^Showing release (\d+):")
GRID_ROW = re.compile(r"^\| \[(.+?)\]\([^)]*\) \| (.*) \|$")


def _open(monkeypatch, engine, page, **params):
    """The page in AppTest and, by button key, the bytes and file name of each download it rendered."""
    captured: dict[str, tuple[str, bytes]] = {}

    def spy(label, data, file_name=None, *args, **kwargs):
        captured[kwargs.get("key")] = (file_name, data() if callable(data) else data)  # written when pressed
        return REAL_DOWNLOAD_BUTTON(label, data, *args, file_name=file_name, **kwargs)

    monkeypatch.setattr(st, "download_button", spy)
    at = open_app(monkeypatch, engine, page, **params)
    assert_clean(at)
    keys = [b.key for b in at.get("download_button")]
    assert len(keys) == len(set(keys)) and keys
    return at, {k: captured[k] for k in keys}


def _siblings(node, key):
    """The elements of the block (an expander) that holds the download button ``key``."""
    children = list(getattr(node, "children", {}).values())
    if any(getattr(c, "type", "") == "download_button" and c.key == key for c in children):
        return children
    for c in children:
        if (found := _siblings(c, key)) is not None:
            return found
    return None


def _release(at) -> int:
    return int(next(m.group(1) for t in texts(at, "caption") if (m := RELEASE.match(t))))


def _unit_and_metric(key: str, days_metric: str):
    """What each chart's numbers are, as the page passes them to its table."""
    name = key.removeprefix("download-")
    if name.startswith(("pillar-trend-", "pillar-funnel-", "pillar-spread-")):
        m = METRICS_BY_ID[name.split("-", 2)[2]]
        return m.unit, m
    if name.startswith("days-"):
        return "days", metric(days_metric)
    return "percent", None


def _check_file(pdf: pd.DataFrame, plf: pl.DataFrame, *, release: int, status: str) -> None:
    """Typed numbers, hidden cells empty with their symbol in flag, the metadata in every row."""
    assert plf.height > 0
    assert_typed(pdf, plf, numbers=[*NUMBERS, "count", "share", *DAYS])
    numbers = [c for c in (*NUMBERS, "count", "share", *DAYS) if c in pdf.columns]
    for row in pdf.to_dict("records"):
        flag = row["flag"] if isinstance(row["flag"], str) else None
        if flag in HIDDEN and "value" in row:
            assert pd.isna(row["value"]), row
        if "value" in row and pd.isna(row["value"]):
            assert flag in HIDDEN, row  # an empty figure always says why
        for col in numbers:
            assert pd.isna(row[col]) or isinstance(row[col], int | float), (col, row[col])
    assert set(pdf["release"]) == {release}
    assert set(pdf["data_status"]) == {status}
    assert set(pdf["licence"]) == {LICENCE}
    assert pdf["citation"].notna().all() and all(f"release {release}" in c for c in pdf["citation"])


def _check_period(key: str, file_name: str, pdf: pd.DataFrame, params: dict) -> None:
    """A file spanning the whole release (outcome mix, journey, yearly days) claims no chosen
    period, in a column or its name; the by-force medians are of the chosen period and say so."""
    if key == "download-days-by-force" or not key.startswith(("download-mix", "download-journey", "download-days")):
        if "period" in params and key == "download-days-by-force":
            assert params["period"].lower() in file_name and set(pdf["period"]) == {params["period"]}
        return
    assert pdf["period"].nunique() > 1 if "period" in pdf.columns else "cohort" in pdf.columns, key
    assert "period" not in params or params["period"].lower() not in file_name, file_name


def _check_table_matches(siblings, pdf: pd.DataFrame, unit: str, m) -> None:
    """The file's numbers, formatted as the page formats them, are the table beside the button."""
    [screen] = [c.value for c in siblings if getattr(c, "type", "") == "dataframe"]
    assert len(screen) == len(pdf)
    # the file leaves 'no symbol' empty; the page's frame holds it as ''
    again = reading_table(pl.from_pandas(pdf.assign(flag=[f if isinstance(f, str) else "" for f in pdf["flag"]])), unit, m).to_pandas()
    for col in screen.columns:
        assert col in again.columns, (col, list(again.columns))
        assert [str(v) for v in screen[col]] == [str(v) for v in again[col]], col


def _grid_cells(siblings) -> dict[tuple[str, str], str]:
    """(force name, indicator label) -> the cell text of the linked grid table."""
    [table] = [c.value for c in siblings if getattr(c, "type", "") == "markdown" and c.value.startswith("| Force |")]
    lines = table.splitlines()
    header = [re.sub(r"\\(.)", r"\1", h) for h in lines[0].strip("| ").split(" | ")][1:]
    cells = {}
    for line in lines[2:]:
        name, rest = GRID_ROW.match(line).groups()
        for label, cell in zip(header, rest.split(" | "), strict=True):
            cells[(re.sub(r"\\(.)", r"\1", name), label)] = re.sub(r"\\(.)", r"\1", cell)
    return cells


def _check_grid(siblings, pdf: pd.DataFrame, pillar: int) -> None:
    cells = _grid_cells(siblings)
    labels = {m.id: m.label for m in metrics_for_pillar(pillar)}
    assert len(pdf) == len(cells) and set(pdf["metric"]) <= set(labels)
    for row in pdf.to_dict("records"):
        cell = cells[(row["name"], labels[row["metric"]])]
        if pd.isna(row["value"]):
            assert cell.startswith(row["flag"]), (cell, row["flag"])
        else:
            assert cell.split(" ")[0] == fmt_value(row["value"], METRICS_BY_ID[row["metric"]].unit).split(" ")[0], \
                (cell, row["value"])


SYNTHETIC_VIEWS = [
    (PILLARS.file, {"pillar": "3", "metric": "isva_referral_rate"}),
    (PILLARS.file, {"pillar": "1", "metric": "charge_rate", "offence": "rape"}),
    (OUTCOMES.file, {"basis": "recorded", "force": "E23000036", "metric": "median_days_to_outcome"}),
    (OUTCOMES.file, {"basis": "closed", "offence": "rape", "period": "2024-25"}),
]
PUBLISHED_VIEWS = [(PILLARS.file, {"pillar": "3"}), (PILLARS.file, {"pillar": "5"}),
                   (OUTCOMES.file, {"basis": "recorded"})]


def _ids(views):
    return [f"{page.split('/')[-1][:-3]}-{'-'.join(p.values())}" for page, p in views]


def _check_view(monkeypatch, engine, page, params, status) -> None:
    at, files = _open(monkeypatch, engine, page, **params)
    release = _release(at)
    days_metric = params.get("metric", "median_days_to_charge")
    for key, (file_name, data) in files.items():
        assert file_name.endswith(".csv") and f"release-{release}" in file_name, file_name
        pdf, plf = read_back(data)
        _check_file(pdf, plf, release=release, status=status)
        _check_period(key, file_name, pdf, params)
        siblings = _siblings(at.main, key)
        if key == "download-pillar-grid":
            _check_grid(siblings, pdf, int(params["pillar"]))
        else:
            unit, m = _unit_and_metric(key, days_metric)
            _check_table_matches(siblings, pdf, unit, m)
    expected = ({"download-pillar-grid"} if page == PILLARS.file else
                {"download-mix-over-time"} | ({"download-mix-open"} if params["basis"] == "recorded" else set()))
    assert expected <= set(files)


@pytest.mark.parametrize(("page", "params"), SYNTHETIC_VIEWS, ids=_ids(SYNTHETIC_VIEWS))
def test_every_download_reads_back_as_the_page_shows_it(monkeypatch, small_db, page, params):
    _check_view(monkeypatch, small_db, page, params, SYNTHETIC_STATUS)


@pytest.mark.parametrize(("page", "params"), PUBLISHED_VIEWS, ids=_ids(PUBLISHED_VIEWS))
def test_published_downloads_read_back_as_the_page_shows_them(monkeypatch, published_only_db, page, params):
    _check_view(monkeypatch, published_only_db, page, params, PUBLISHED_STATUS)

"""The data explorer (/explorer, issue 12) through AppTest: a deep link shows exactly the table
``queries.explorer.explore`` gives for its spec; the three downloads read back with plain readers
hold the same rows, a dictionary entry for every column and no small count; the command under
"Reproduce this table" writes the CSV download byte for byte; a bad address gives a notice naming
its key and still a table; a widget change writes the address and the table follows."""

from __future__ import annotations

import io
import json
import shlex
from dataclasses import dataclass, replace

import openpyxl
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest
from streamlit.delta_generator import DeltaGenerator
from typer.testing import CliRunner

from analysis.explorer_state import parse_spec
from cli import app as cli_app
from components.chart_block import symbols_legend
from components.page_registry import EXPLORER
from helpers.app import assert_clean, db_url, open_app, texts
from metrics.dictionary import CSV_COLUMNS
from metrics.disclosure import disclosure_threshold
from metrics.explorer_spec import TableSpec
from queries.explorer import explore
from queries.export import LICENCE
from words.explorer import SCREEN_NAMES, row_count

DEEP_LINK = {"measure": "outcomes", "by": "force,year,outcome_group", "offence": "adult_rape", "basis": "closed"}
SPEC = TableSpec(measure="outcomes", by=("force", "year", "outcome_group"), offence="adult_rape", basis="closed")
FORMATS = ("csv", "xlsx", "parquet")
MACHINE_NAMES = {screen: machine for machine, screen in SCREEN_NAMES.items()}
REAL_DOWNLOAD_BUTTON = DeltaGenerator.download_button


def _one(value) -> str:
    return value[-1] if isinstance(value, list) else value


def _normal(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The columns compared, as plain values: counts as floats (NaN where hidden; on screen the
    symbol stands in place), no symbol as ''."""
    out = frame[columns].reset_index(drop=True).copy()
    text = out["count"].astype(str).str.replace(",", "")  # the screen formats numbers, a symbol in place
    out["count"] = pd.to_numeric(text.where(~text.str.startswith("["))).astype(float)
    out["flag"] = out["flag"].fillna("").astype(str)
    out["period_end"] = out["period_end"].astype(int)
    return out


def _shown(at) -> pd.DataFrame:
    """Every page of the table on screen, under its files' column names."""
    pages = [at.dataframe[0].value]
    if at.number_input:
        box = at.number_input(key="ex_page")
        for page in range(2, int(box.max) + 1):
            at.number_input(key="ex_page").set_value(page).run()
            pages.append(at.dataframe[0].value)
        at.number_input(key="ex_page").set_value(1).run()
    return pd.concat(pages, ignore_index=True).rename(columns=MACHINE_NAMES)


@dataclass
class Opened:
    at: object
    files: dict[str, tuple[str, bytes]]  # format -> (file name, bytes)
    shown: pd.DataFrame
    table: pl.DataFrame  # explore()'s answer for the same spec
    release: int

    @property
    def expected(self) -> pd.DataFrame:
        return self.table.to_pandas()


@pytest.fixture(scope="module")
def deep_link(small_db):
    """The explorer opened once per backend at the issue's deep link, its downloads captured."""
    files: dict[str, tuple[str, bytes]] = {}

    def spy(self, label, data, file_name=None, *args, **kwargs):
        # the page passes each file as a callable, written when the button is clicked
        files[kwargs["key"].rsplit("-", 1)[-1]] = (file_name, data() if callable(data) else data)
        return REAL_DOWNLOAD_BUTTON(self, label, data, file_name, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(DeltaGenerator, "download_button", spy)
        at = open_app(mp, small_db, EXPLORER.file, **DEEP_LINK)
        assert_clean(at)
        release = int(_one(at.query_params["release"]))
        table = explore(small_db, SPEC, release_id=release).table
        yield Opened(at, dict(files), _shown(at), table, release)


def test_deep_link_shows_the_explore_table(deep_link):
    at, expected = deep_link.at, deep_link.expected
    assert_clean(at)
    assert not texts(at, "info"), texts(at, "info")  # nothing in the address was replaced
    assert {k: _one(at.query_params[k]) for k in DEEP_LINK} == DEEP_LINK  # the address still names the table
    assert len(expected) > 1_000 and expected["flag"].eq("[c]").any() and expected["count"].notna().any()
    columns = list(expected.columns)
    assert list(deep_link.shown.columns) == columns
    pd.testing.assert_frame_equal(_normal(deep_link.shown, columns), _normal(expected, columns))
    captions = " ".join(texts(at, "caption"))
    assert f"{row_count(deep_link.table)}." in captions
    legend = symbols_legend(deep_link.table)
    assert legend.startswith("Symbols: [c]") and legend in captions
    assert "Reproduce this table" in [e.label for e in at.expander]


def _read(fmt: str, data: bytes) -> pd.DataFrame:
    if fmt == "csv":
        return pd.read_csv(io.BytesIO(data))
    if fmt == "xlsx":
        return pd.read_excel(io.BytesIO(data), sheet_name="data")
    return pq.read_table(io.BytesIO(data)).to_pandas()


def _parquet_meta(data: bytes) -> dict[str, str]:
    """The file's key-value metadata, as any Parquet reader shows it."""
    return {k.decode(): v.decode() for k, v in pq.read_metadata(io.BytesIO(data)).metadata.items()}


def _dictionary(fmt: str, data: bytes) -> dict[str, str]:
    """Column -> meaning, as the file itself carries it (CSV: the data dictionary every file refers to)."""
    if fmt == "xlsx":
        sheet = pd.read_excel(io.BytesIO(data), sheet_name="Dictionary").fillna("")
        return dict(sheet.loc[sheet["section"] == "Columns", ["item", "text"]].itertuples(index=False))
    if fmt == "parquet":
        return json.loads(_parquet_meta(data)["rasso:dictionary"])["columns"]
    return CSV_COLUMNS


def _citation(fmt: str, data: bytes) -> str:
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        assert book.sheetnames == ["data", "Dictionary", "Citation"]
        rows = dict(row for row in book["Citation"].iter_rows(min_row=2, values_only=True))
        assert rows["licence"] == LICENCE
        return rows["citation"]
    if fmt == "parquet":
        meta = _parquet_meta(data)
        assert meta["rasso:licence"] == LICENCE
        return meta["rasso:citation"]
    frame = pd.read_csv(io.BytesIO(data))
    assert frame["licence"].unique().tolist() == [LICENCE]
    return frame["citation"].unique().tolist()[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_download_holds_the_table_shown(deep_link, fmt):
    name, data = deep_link.files[fmt]
    assert name.endswith(f".{fmt}") and f"release-{deep_link.release}" in name
    frame = _read(fmt, data)
    columns = list(deep_link.shown.columns)
    assert set(columns) <= set(frame.columns)
    pd.testing.assert_frame_equal(_normal(frame, columns), _normal(deep_link.shown, columns))
    assert frame["release"].eq(deep_link.release).all()
    assert set(frame["offence_group"]) == {"adult_rape"} and set(frame["metric"]) == {"outcomes"}
    meanings = _dictionary(fmt, data)
    for column in frame.columns:
        assert CSV_COLUMNS.get(column, "").strip(), f"{column} is not in the data dictionary"
        assert meanings.get(column, "").strip(), f"{fmt}: {column} has no meaning in the file's dictionary"
    citation = _citation(fmt, data)
    assert "/explorer?measure=outcomes&by=force%2Cyear%2Coutcome_group" in citation and LICENCE in citation
    assert f"release {deep_link.release}" in citation


@pytest.mark.parametrize("fmt", FORMATS)
def test_public_downloads_hold_no_small_count(deep_link, fmt):
    counts = _read(fmt, deep_link.files[fmt][1])["count"].dropna()
    assert len(counts) > 0
    small = counts[(counts >= 1) & (counts < disclosure_threshold())]
    assert small.empty, small.tolist()


def test_reproduce_command_writes_the_csv_download(deep_link, small_db):
    commands = [c.value for c in deep_link.at.code if c.value.startswith("rasso ")]
    assert len(commands) == 1, commands
    args = shlex.split(commands[0])[1:]
    assert args[args.index("--format") + 1] == "csv" and "-o" not in args
    result = CliRunner().invoke(cli_app, [*args, "--db", db_url(small_db)])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == deep_link.files["csv"][1]


LONG = "x" * 5_000
SMALL_TABLE = {"by": "national,year,outcome_group"}  # under each case's own keys: quicker to draw
HOSTILE = {  # id -> (the explorer's keys in the address, the key its notice must name)
    "unknown-measure": ({"measure": "clearance_rate_typo"}, "measure"),
    "unknown-dimension": ({"by": "force,colour"}, "by"),
    "two-area-dimensions": ({"by": "force,region,year"}, "by"),
    "outcome-type-public": ({"by": "force,year,outcome_type"}, "by"),
    "age-band-public": ({"measure": "outcomes", "by": "age_band,year"}, "by"),
    "filter-without-equals": ({"filter": "force"}, "filter"),
    "filter-unknown-dimension": ({"filter": "colour=red"}, "filter"),
    "filter-dimension-not-shown": ({"by": "national,year", "filter": "force=E23000036"}, "filter"),
    "filter-unknown-value": ({"by": "force,year", "filter": ["force=E23000036|NOPE"]}, "filter"),
    "reversed-span": ({"from": "2024-25", "to": "2019-20"}, "from"),
    "from-before-the-data": ({"from": "1999-00"}, "from"),
    "to-after-the-data": ({"to": "2040-41"}, "to"),
    "long-measure": ({"measure": LONG}, "measure"),
    "long-by": ({"by": LONG}, "by"),
    "long-from": ({"from": LONG}, "from"),
    "long-filter": ({"filter": "force=" + LONG}, "filter"),
}


@pytest.mark.parametrize("params, key", list(HOSTILE.values()), ids=list(HOSTILE))
def test_a_bad_address_gives_a_notice_naming_its_key_and_a_table(small_db, monkeypatch, params, key):
    if small_db.dialect.name != "sqlite":
        pytest.skip("one backend is enough: the address is parsed by the same code whatever the database")
    at = open_app(monkeypatch, small_db, EXPLORER.file, offence="adult_rape", **(SMALL_TABLE | params))
    assert_clean(at)
    notices = texts(at, "info")
    assert any(f"`{key}`" in n for n in notices), notices
    assert all(len(n) < 600 for n in notices)  # a 5,000-character value is not echoed whole
    # the address now names a table that needs no correction, and that table is shown
    spec, again = parse_spec(at.query_params, offence="adult_rape", basis="closed")
    assert not again, again
    assert all(LONG not in str(v) for v in at.query_params.values())
    table = explore(small_db, spec, release_id=int(_one(at.query_params["release"]))).table
    assert table.height > 0 and len(at.dataframe) == 1 and len(at.dataframe[0].value) == min(table.height, 1_000)
    assert f"{row_count(table)}." in " ".join(texts(at, "caption"))


def test_widget_changes_write_the_address_and_the_table_follows(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, EXPLORER.file, offence="adult_rape", measure="outcomes",
                  by="national,year,outcome_group")
    assert_clean(at)
    assert at.radio(key="ex_period").value == "year"
    at.radio(key="ex_period").set_value("quarter").run()
    assert_clean(at)
    assert _one(at.query_params["by"]) == "national,quarter,outcome_group"
    release = int(_one(at.query_params["release"]))
    quarterly = explore(small_db, replace(SPEC, by=("national", "quarter", "outcome_group")), release_id=release)
    shown = at.dataframe[0].value.rename(columns=MACHINE_NAMES)
    assert shown["period"].str.contains(" Q").all()
    columns = list(quarterly.table.columns)
    pd.testing.assert_frame_equal(_normal(shown, columns), _normal(quarterly.table.head(len(shown)).to_pandas(), columns))
    assert f"{row_count(quarterly.table)}." in " ".join(texts(at, "caption"))

    at.selectbox(key="ex_measure").set_value("recorded").run()
    assert_clean(at)
    assert _one(at.query_params["measure"]) == "recorded"
    assert _one(at.query_params["by"]) == "national,quarter"  # recorded offences have no outcome
    shown = at.dataframe[0].value.rename(columns=MACHINE_NAMES)
    assert "outcome_group" not in shown.columns and shown["period"].str.contains(" Q").all()

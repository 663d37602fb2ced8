"""The data explorer in a real browser (issue 12): an academic's force x year x outcome-group table
of adult rape, downloaded in each format and opened with a plain reader.

Starts ``streamlit run dashboard.py`` over a small synthetic SQLite release, opens the explorer's
deep link in Debian's Chromium, checks the table is drawn with no error, clicks the three
download buttons, saves what the browser receives (Playwright's download event) and reads each
file back with pandas: the rows are ``queries.explorer.explore``'s for the same table, and each
file carries its citation and licence. The screenshot and the files stay in the test's temporary
folder. Skipped, with the reason, when Chromium or Playwright is missing, unless
``RASSO_REQUIRE_BROWSER=1`` (CI).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from helpers.browser import (
    browser_context,
    need_browser,
    streamlit_server,
    wait_for_app,
)
from metrics.explorer_spec import TableSpec, spec_params
from queries.explorer import explore
from queries.export import LICENCE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SPEC = TableSpec(measure="outcomes", by=("force", "year", "outcome_group"), offence="adult_rape", basis="closed")
BUTTONS = {"csv": "Download (CSV)", "xlsx": "Download (Excel)", "parquet": "Download (Parquet)"}
KEYS = ["period", "area_code", "outcome_group"]


@pytest.fixture(scope="module")
def explorer_db(tmp_path_factory):
    need_browser()
    from db.bootstrap import init_database
    from db.engine import make_engine
    from db.releases import default_release
    from sample_data.load import load_sample

    db = tmp_path_factory.mktemp("explorer") / "rasso.sqlite"
    engine = make_engine(f"sqlite:///{db}")
    init_database(engine)
    load_sample(engine, cases=20_000, seed=5, last_quarter=20262)
    release = default_release(engine).id
    expected = explore(engine, SPEC, release_id=release).table.to_pandas()
    engine.dispose()
    return db, release, expected


def _read(fmt: str, path: Path) -> tuple[pd.DataFrame, str, str]:
    """The rows, the citation and the licence, as a plain reader finds them in the file."""
    if fmt == "csv":
        frame = pd.read_csv(path)
        return frame, frame["citation"].iloc[0], frame["licence"].iloc[0]
    if fmt == "xlsx":
        sheets = pd.read_excel(path, sheet_name=None)
        assert list(sheets) == ["data", "Dictionary", "Citation"]
        notes = dict(sheets["Citation"][["item", "text"]].itertuples(index=False))
        return sheets["data"], notes["citation"], notes["licence"]
    import pyarrow.parquet as pq

    meta = {k.decode(): v.decode() for k, v in pq.read_metadata(path).metadata.items()}
    assert set(json.loads(meta["rasso:dictionary"])["columns"]) == set(pd.read_parquet(path).columns)
    return pd.read_parquet(path), meta["rasso:citation"], meta["rasso:licence"]


def _same_rows(frame: pd.DataFrame, expected: pd.DataFrame) -> None:
    got = frame[[*KEYS, "count", "flag"]].fillna({"flag": ""}).reset_index(drop=True)
    want = expected[[*KEYS, "count", "flag"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(got.astype({"count": float}), want.astype({"count": float}), check_dtype=False)


def test_build_download_and_open_the_table(explorer_db, tmp_path):
    from urllib.parse import urlencode

    db, release, expected = explorer_db
    assert len(expected) > 100 and expected["flag"].eq("[c]").any() and expected["count"].notna().any()
    query = urlencode(spec_params(SPEC, release), doseq=True)
    with streamlit_server(db, tmp_path / "streamlit.log") as url, browser_context(accept_downloads=True) as context:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{url}/explorer?{query}", wait_until="domcontentloaded")
        wait_for_app(page)
        assert page.locator("h1").first.inner_text() == "Data explorer"
        assert page.locator("[data-testid='stException'], [data-testid='stAlertContentError']").count() == 0
        page.locator("[data-testid='stDataFrame']").first.wait_for(state="visible", timeout=60_000)
        assert page.get_by_text(f"{len(expected):,} rows", exact=False).count() >= 1
        page.screenshot(path=str(tmp_path / "explorer.png"))
        for fmt, label in BUTTONS.items():
            with page.expect_download(timeout=60_000) as info:
                page.get_by_role("button", name=label).click()
            download = info.value
            assert download.suggested_filename.endswith(f"release-{release}-synthetic.{fmt}")
            saved = tmp_path / download.suggested_filename
            download.save_as(saved)
            frame, citation, licence = _read(fmt, saved)
            _same_rows(frame, expected)
            assert licence == LICENCE and LICENCE in citation
            assert f"release {release}" in citation and "/explorer?measure=outcomes" in citation
        assert errors == []

"""Issue 7 item 1: a release of force MI alone never becomes the release shown for outcomes.

Repeats what a new user did: a synthetic sample, then the indicator template from the
methodology page loaded with `rasso ingest indicators`. Before the fix the MI-only release became
the default, every page (even ``?release=1``) crashed with ``NoneType // int``, and
``rasso export metrics --metric charge_rate`` said "Release 2 has no outcome counts".
"""

from __future__ import annotations

import io
import re

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from cli import app
from components import page_registry
from components.page_registry import OVERVIEW
from db.releases import default_from, default_release, list_releases, showable_ids
from helpers.app import open_caches
from helpers.paths import ROOT
from ingest import indicator_template_csv, load

ROOT_DASHBOARD = str(ROOT / "dashboard.py")
PAGES = [p.file for p in page_registry.PAGES]


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def sample_then_mi(fresh_engine, tmp_path_factory):
    """(engine, sample release id, MI-only release id), the MI loaded after the sample; loaded once
    for the module (its tests only read it; page tests run on SQLite, see conftest.PAGES_ON_SQLITE)."""
    from sample_data.load import load_sample

    folder = tmp_path_factory.mktemp("sample-then-mi")
    engine = fresh_engine("sqlite", folder)
    sample_id = load_sample(engine, cases=3000, seed=5, last_quarter=20262)
    template = folder / "rasso-indicator-template.csv"
    template.write_text(indicator_template_csv(), encoding="utf-8")
    mi_id = load(engine, "indicators", [template]).release_id
    assert mi_id > sample_id
    yield engine, sample_id, mi_id
    engine.dispose()


def test_default_rule_prefers_outcomes_then_recorded_then_nothing():
    # holdings: id -> (holds outcome counts, holds recorded-crime counts)
    assert default_from({}) is None
    assert default_from({1: (False, False)}) is None
    assert default_from({1: (True, True), 2: (False, False)}) == 1
    assert default_from({1: (True, True), 2: (False, True)}) == 1  # recorded alone does not win
    assert default_from({1: (False, True), 3: (False, True), 2: (False, False)}) == 3
    assert default_from({1: (True, True), 4: (True, False)}) == 4
    assert showable_ids({1: (True, True), 2: (False, False), 3: (False, True)}) == [3, 1]


def test_mi_only_release_does_not_become_the_default(sample_then_mi):
    engine, sample_id, mi_id = sample_then_mi
    assert default_release(engine).id == sample_id
    listed = list_releases(engine)
    assert {r.id for r in listed} == {sample_id, mi_id}  # it is loaded, and listed by `rasso releases`


def test_cli_exports_the_sample_after_mi_is_loaded(sample_then_mi):
    engine, sample_id, _mi_id = sample_then_mi
    result = CliRunner().invoke(app, ["export", "metrics", "--db", _url(engine), "--metric",
                                      "charge_rate", "--grain", "year"])
    assert result.exit_code == 0, result.output
    table = pl.read_csv(io.StringIO(result.stdout), comment_prefix="#", infer_schema=False)
    assert table.height > 0
    assert set(table["release"]) == {str(sample_id)}


def open_app(monkeypatch, engine, **params) -> AppTest:
    open_caches(_url(engine), cold=False)
    monkeypatch.setenv("RASSO_DB_URL", _url(engine))
    at = AppTest.from_file(ROOT_DASHBOARD, default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _pinned(at: AppTest) -> str:
    value = at.query_params["release"]
    return value[0] if isinstance(value, list) else value


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_after_mi_is_loaded(sample_then_mi, monkeypatch, page):
    engine, sample_id, mi_id = sample_then_mi
    for params, notice in (({}, False), ({"release": str(sample_id)}, False),
                           ({"release": str(mi_id)}, True)):
        at = open_app(monkeypatch, engine, **params)
        warnings = [w.value for w in at.warning if "`release`" in w.value]
        if notice:
            assert len(warnings) == 1 and "force MI indicators" in warnings[0]
        else:
            assert not warnings
        if page != OVERVIEW.file:
            at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]
        assert at.title, "the page drew its content"
        assert _pinned(at) == str(sample_id)
        # the sidebar offers only releases that can be shown
        options = at.sidebar.selectbox(key="ctl_release").options
        assert len(options) == 1 and options[0].startswith(f"#{sample_id} synthetic"), options


def test_an_unexpected_error_shows_an_error_id_and_no_traceback(small_db, monkeypatch, caplog):
    from components import data

    def broken(*_args, **_kwargs):
        raise RuntimeError("secret detail /srv/rasso/pages/overview.py")

    monkeypatch.setattr(data, "metric_table", broken)
    at = open_app(monkeypatch, small_db)
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    found = re.search(r"Error id: `([0-9a-f]{8})`", errors[0])
    assert found, errors
    assert "secret detail" not in errors[0] and "Traceback" not in errors[0]
    # the details are in the server log under the same id
    logged = [r for r in caplog.records if found.group(1) in r.getMessage()]
    assert logged and logged[0].exc_info and "secret detail" in str(logged[0].exc_info[1])
    # the sidebar and banners still show, so the user can move on
    assert at.sidebar.selectbox(key="ctl_offence").value == "adult_rape"


def test_streamlit_never_shows_error_details():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml")
                           .read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


@pytest.mark.parametrize(("source", "holds"), [
    ("boundaries", {"boundary": 43}),
    ("ons-pfa-tables", {"ons_force_figures": 86, "force_population": 43}),
    ("published", {"indicator_value": 5}),
])
def test_boundary_population_or_indicator_releases_never_become_the_default(empty_db, monkeypatch, source,
                                                                            holds):
    """Such releases carry row counts (and an indicator load a quarter range) but no outcomes."""
    from db.releases import create_release, finish_release
    from sample_data.load import load_sample

    sample_id = load_sample(empty_db, cases=2000, seed=3, last_quarter=20262)
    with empty_db.begin() as conn:
        other = create_release(conn, source=source, label="not outcomes", synthetic=False)
        finish_release(conn, other, first_quarter=20241, last_quarter=20244, row_counts=holds)
    assert other > sample_id
    assert default_release(empty_db).id == sample_id
    # the app shows the sample and does not offer the other release
    monkeypatch.setenv("RASSO_DB_URL", _url(empty_db))
    at = open_app(monkeypatch, empty_db)
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    assert _pinned(at) == str(sample_id)
    assert len(at.sidebar.selectbox(key="ctl_release").options) == 1
    result = CliRunner().invoke(app, ["export", "metrics", "--db", _url(empty_db), "--metric",
                                      "charge_rate", "--grain", "year"])
    assert result.exit_code == 0, result.output
    assert pl.read_csv(io.StringIO(result.stdout))["release"].unique().to_list() == [sample_id]

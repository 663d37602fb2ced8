"""Every page renders, for every offence group, on both backends (Streamlit's AppTest).

Pages come from the page registry (``components.page_registry``), and every file in ``pages/``
must be registered there, so a page added later is tested here without editing this file.
AppTest runs ``tests/helpers/app_entry.py``, which runs ``dashboard.py`` as a server does after its first
request; tests that open ``dashboard.py`` directly see what a fresh server's first deep link sees.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components import page_registry
from components.chart_block import SUMMARY_PREFIX
from components.errors import UNAVAILABLE
from components.page_registry import COMPARE, METHODOLOGY, OVERVIEW
from db.releases import latest_release
from helpers.app import (
    CHART,
    DASHBOARD,
    PAGES,
    TIMEOUT,
    assert_clean,
    db_url,
    open_app,
    texts,
)
from helpers.paths import ROOT
from metrics.offence_groups import DEFAULT_GROUP, OFFENCE_GROUPS
from metrics.periods import parse_period
from queries.metric_table import metric_table


def test_pages_are_found():
    assert OVERVIEW.file in PAGES and METHODOLOGY.file in PAGES


def test_every_page_file_is_registered():
    """A file in ``pages/`` that the registry does not list would be unreachable (and, on a
    fresh server, briefly reachable through Streamlit's legacy multipage mode)."""
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
    assert files == sorted(PAGES)
    assert len({p.url_path for p in page_registry.PAGES}) == len(PAGES)
    assert set(page_registry.PAGE_KEYS) == {p.url_path for p in page_registry.PAGES}


ON_POSTGRESQL = (DEFAULT_GROUP, "rape", "all_sexual")
"""The offence groups every page is drawn for on PostgreSQL too, one for each shape of query
(``queries.sql._offence_filter``): adult rape filters by subgroup and age, rape by subgroup alone,
all sexual offences by neither; child rape and other sexual offences are the first two shapes
with other bound values."""


@pytest.mark.parametrize("offence", list(OFFENCE_GROUPS))
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_for_every_offence_group(small_db, monkeypatch, page, offence):
    if small_db.dialect.name == "postgresql" and offence not in ON_POSTGRESQL:
        pytest.skip(f"on PostgreSQL every page is drawn for {', '.join(ON_POSTGRESQL)}, one group for each "
                    "shape of query; this group's queries are one of those shapes with other bound values")
    at = open_app(monkeypatch, small_db, page, offence=offence)
    assert_clean(at)
    assert at.title, "every page has a title"
    # the sidebar control shows the group chosen in the address
    assert at.sidebar.selectbox(key="ctl_offence").value == offence
    # the data are synthetic, so the banner is there on every page
    assert any("Synthetic data" in w for w in texts(at, "warning"))


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_has_summary_table_and_download(small_db, monkeypatch, page):
    at = open_app(monkeypatch, small_db, page)
    assert_clean(at)
    charts = at.get(CHART)
    summaries = [t for t in texts(at, "markdown") if t.startswith(SUMMARY_PREFIX)]
    tables = [e for e in at.expander if e.label.startswith("Data table:")]
    # the explorer's three files are of its table, not of a chart (tests/pages/test_explorer.py)
    downloads = [b for b in at.get("download_button") if b.key and b.key.startswith("download-")
                 and not b.key.startswith("download-explorer-")
                 and b.key not in ("download-dictionary", "download-columns",
                                                  "download-indicator-template")]
    assert len(summaries) == len(charts)
    assert len(tables) == len(charts)
    assert len(downloads) == len(charts)
    for expander in tables:
        assert expander.get("dataframe"), f"no table in '{expander.label}'"


def test_overview_has_the_headline_tiles_and_trends(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db)
    assert_clean(at)
    labels = [m.label for m in at.metric]
    assert labels == ["Recorded offences", "Charge/summons rate",
                      "Victim does not support further action", "Median days from recording to charge"]
    # four trends and the outcome mix
    assert len(at.get(CHART)) == 5
    captions = " ".join(texts(at, "caption"))
    assert "Basis:" in captions and "95% CI" in captions


def test_deep_link_renders_that_state(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, offence="child_rape", period="2024-25", basis="recorded")
    assert_clean(at)
    assert "child rape" in at.title[0].value
    assert any("2024-25 (April 2024 to March 2025)" in t for t in texts(at, "markdown"))
    assert at.sidebar.selectbox(key="ctl_period").value == "2024-25"
    assert at.radio(key="ctl_basis").value == "recorded"
    assert not [w for w in texts(at, "warning") if "Ignored" in w]
    # the release shown is pinned in the address, so the view can be cited
    from db.releases import default_release_id  # the one rule for the release shown

    pinned = at.query_params["release"]
    assert (pinned[0] if isinstance(pinned, list) else pinned) == str(default_release_id(small_db))


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"force": "<script>alert(1)</script>"}, ["force"]),
        ({"period": "1999-2000x"}, ["period"]),
        ({"period": "1999-2000x", "offence": "'; DROP TABLE outcomes; --", "release": "999"},
         ["period", "offence", "release"]),
    ],
)
def test_hostile_deep_link_gives_notices_and_defaults(small_db, monkeypatch, params, names):
    at = open_app(monkeypatch, small_db, **params)
    assert_clean(at)
    notices = [w for w in texts(at, "warning") if w.startswith("Ignored")]
    assert len(notices) == len(names)
    for name in names:
        assert any(f"`{name}`" in n for n in notices)
    assert all("<script>" not in n for n in notices)
    assert at.sidebar.selectbox(key="ctl_offence").value == "adult_rape"
    # the bad values are gone from the address
    for name in names:
        assert name not in at.query_params or at.query_params[name] != params[name]


def test_changing_a_widget_updates_the_address(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db)
    at.sidebar.selectbox(key="ctl_offence").set_value("other_sexual").run()
    assert_clean(at)
    assert "other sexual offences" in at.title[0].value
    assert at.query_params["offence"] in ("other_sexual", ["other_sexual"])


def test_state_survives_a_page_switch(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, METHODOLOGY.file, offence="rape", period="2024-25")
    assert_clean(at)
    assert at.sidebar.selectbox(key="ctl_offence").value == "rape"
    links = [link for link in at.get("page_link")]
    assert links, "pages link to each other"


def test_database_down_shows_a_message_not_a_traceback(monkeypatch):
    monkeypatch.setenv("RASSO_DB_URL", "postgresql://postgres@127.0.0.1:1/nothing")
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert any(UNAVAILABLE in e.value for e in at.error)


def test_first_start_loads_a_sample_into_an_empty_database(empty_db, monkeypatch):
    from db.releases import default_release
    from sample_data import first_start

    monkeypatch.setenv("RASSO_FIRST_START_CASES", "3000")
    at = open_app(monkeypatch, empty_db)
    assert not at.exception, [e.value for e in at.exception]
    assert any("First start" in i.value for i in at.info)
    job = first_start.current(db_url(empty_db))
    assert job is not None and first_start.wait(job, TIMEOUT) and not job.failed, job.error
    at.run()  # the progress fragment reruns the page when the load is done
    assert_clean(at)
    release = default_release(empty_db)
    assert release is not None and release.synthetic and release.id == job.release_id
    assert any("Synthetic data" in w for w in texts(at, "warning"))


# --- review fixes ----------------------------------------------------------------------------


def _param(at: AppTest, key: str):
    if key not in at.query_params:
        return None
    value = at.query_params[key]
    return value[0] if isinstance(value, list) else value


def test_methodology_shows_every_symbol_as_text(small_db, monkeypatch):
    import re

    at = open_app(monkeypatch, small_db, METHODOLOGY.file)
    assert_clean(at)
    rules = next(t for t in texts(at, "markdown") if "How small numbers are protected" in t)
    # a list item starting '[x]' would be drawn as a ticked checkbox: brackets are escaped
    assert not re.search(r"^- \[[ xX]\]", rules, flags=re.MULTILINE)
    assert r"- The marker \[x\] means the figure is not available" in rules
    # no sentence starts with a symbol ('[c]: not shown…' read badly)
    assert not re.search(r"(^|[.!?]\s+|^- )\\?\[[cxzu]\\?\]", rules, flags=re.MULTILINE), rules
    # the data dictionary explains period_end, and the releases table is in plain words (static
    # tables, so long text wraps)
    frames = {tuple(d.value.columns): d.value for d in at.table}
    symbols = frames[("Symbol", "Meaning")]
    assert list(symbols["Symbol"]) == ["[c]", "[x]", "[z]", "[u]"]
    columns = frames[("Column", "Meaning")]
    assert "20241 = April–June 2024" in " ".join(columns["Meaning"])
    releases = next(f for cols, f in frames.items() if "Data span" in cols)
    assert set(releases["Synthetic"]) <= {"Yes", "No"}
    assert any(re.fullmatch(r"\d{4}-\d{2} Q\d to \d{4}-\d{2} Q\d", s) for s in releases["Data span"])
    assert "statistically meaningful only when its 95% interval excludes no change" not in " ".join(
        texts(at, "markdown"))


def test_overview_words_the_count_by_chance_and_tables_have_plain_headers(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db)
    assert_clean(at)
    tile = next(t for t in texts(at, "caption") if "residents" in t)
    assert "Range expected from year-to-year chance variation (Poisson)" in tile
    assert "more reporting and better recording" in tile.lower()
    # the rate is shown, or said to be hidden, as the release's protection decides for its count
    rel = latest_release(small_db, "synthetic")
    period = parse_period(_param(at, "period"))
    rate = metric_table(small_db, release_id=rel.id, metric_id="recorded_per_1000", first_quarter=period.first,
                        last_quarter=period.last, grain="period")
    if rate["flag"][0] == "[c]":
        assert "not shown ([c])" in tile and "territorial forces" not in tile
    else:
        assert "territorial forces" in tile and "— residents" not in tile
    frames = [e.get("dataframe")[0].value for e in at.expander if e.label.startswith("Data table:")]
    for frame in frames:
        assert "period_end" not in frame.columns and "release" not in frame.columns
        assert "Period" in frame.columns and "Symbol" in frame.columns
    # the overview does not use the metric, so the address does not carry the default one
    assert _param(at, "metric") is None
    assert _param(at, "basis") == "closed"
    cites = " ".join(texts(at, "caption"))
    assert "view /?offence=adult_rape&period=" in cites and "plain pandas or polars" in cites


def test_compare_keeps_overdispersion_in_the_address(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, COMPARE.file, od="1")
    assert_clean(at)
    assert at.toggle(key="cmp_overdispersion").value is True
    assert _param(at, "od") == "1" and _param(at, "metric") == "charge_rate"
    at.toggle(key="cmp_overdispersion").set_value(False).run()
    assert_clean(at)
    assert _param(at, "od") == "0"


# --- issue 7: words and settings -------------------------------------------------------------


def test_methodology_names_the_configured_contact_and_real_commands(small_db, monkeypatch):
    monkeypatch.setenv("RASSO_CONTACT", "rasso-team@example.org")
    at = open_app(monkeypatch, small_db, METHODOLOGY.file)
    assert_clean(at)
    words = " ".join(texts(at, "markdown"))
    assert "[rasso-team@example.org](mailto:rasso-team@example.org)" in words
    assert "`rasso ingest indicators FILE`" in words and "rasso load" not in words
    monkeypatch.delenv("RASSO_CONTACT")
    at = open_app(monkeypatch, small_db, METHODOLOGY.file)
    words = " ".join(texts(at, "markdown"))
    assert "has not named a contact" in words and "mailto:" not in words


def test_citation_is_absolute_when_the_base_url_is_set(small_db, monkeypatch):
    monkeypatch.setenv("RASSO_BASE_URL", "https://rasso.example.org/")
    at = open_app(monkeypatch, small_db)
    assert_clean(at)
    assert "available at https://rasso.example.org/?offence=adult_rape&period=" in " ".join(
        texts(at, "caption"))


def test_an_unusable_setting_gives_one_line_not_a_traceback(small_db, monkeypatch):
    monkeypatch.setenv("RASSO_FIRST_START_CASES", "lots")
    at = open_app(monkeypatch, small_db)
    assert not at.exception
    errors = texts(at, "error")
    assert len(errors) == 1 and "RASSO_FIRST_START_CASES must be a whole number" in errors[0]


@pytest.mark.parametrize("params", [
    {"release": "\u00b2"}, {"release": "\u00b3"}, {"pillar": "\u2460"}, {"release": "9" * 5000},
    {"period": "YE-0000-03"}, {"period": "YE-9999-12"},
])
def test_the_addresses_that_showed_a_traceback_give_a_notice(small_db, monkeypatch, params):
    at = open_app(monkeypatch, small_db, **params)
    assert_clean(at)
    notices = [w for w in texts(at, "warning") if w.startswith("Ignored")]
    assert len(notices) == 1 and f"`{next(iter(params))}`" in notices[0]


# --- issue 8: pages/ and the first deep link -------------------------------------------------


def _shows_avon_and_somerset_rape_with_the_shell(at: AppTest) -> None:
    """The compare page for force E23000036 and all rape, inside the dashboard's shell."""
    assert_clean(at)
    assert at.title[0].value == "Force comparison: all rape"
    assert "Selected: Avon and Somerset" in [h.value for h in at.subheader]
    assert at.selectbox(key="cmp_force").value == "E23000036"
    # the shell drawn by dashboard.py: sidebar controls, page links and the synthetic banner
    assert at.sidebar.selectbox(key="ctl_offence").value == "rape"
    links = [link.label for link in at.sidebar.get("page_link")]
    assert links == [p.title for p in page_registry.PAGES]
    assert any("Synthetic data" in w for w in texts(at, "warning"))
    assert at.query_params["force"] in ("E23000036", ["E23000036"])


def test_switch_page_to_compare_shows_the_force_and_group(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, COMPARE.file, force="E23000036", offence="rape")
    _shows_avon_and_somerset_rape_with_the_shell(at)


def test_a_page_run_without_the_dashboard_reruns_through_it(small_db, monkeypatch):
    """AppTest starts each run as a fresh server, in Streamlit's legacy ``pages/`` mode, so
    with ``dashboard.py`` as the script, ``switch_page`` runs ``pages/compare.py`` alone, as a
    fresh server's first request for ``/compare?...`` does: the page must reroute through
    ``dashboard.py`` and keep the address."""
    at = open_app(monkeypatch, small_db, COMPARE.file, entry=DASHBOARD, force="E23000036",
                  offence="rape")
    _shows_avon_and_somerset_rape_with_the_shell(at)
    # and a widget change, a new run in the same mode, reroutes again
    at.selectbox(key="cmp_metric").set_value("recorded_per_1000").run()
    _shows_avon_and_somerset_rape_with_the_shell(at)
    assert at.query_params["metric"] in ("recorded_per_1000", ["recorded_per_1000"])


def test_a_page_run_by_another_script_stops_with_a_message_not_a_loop():
    """The reroute happens once until dashboard.py sets a context: run as the main script, a
    page cannot get one, so it says so instead of rerunning forever."""
    at = AppTest.from_file(str(ROOT / METHODOLOGY.file), default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == [
        "Open the dashboard through its main address: the page has no data context."]
    assert not at.title

"""Entry point: `streamlit run dashboard.py`.

Sets up what every page shares and nothing else: the database (created and filled with a
synthetic sample on first start, so a fresh machine shows a working dashboard), the release
shown, the validated URL state, the global sidebar controls and the navigation. Pages are thin
files under ``views/`` registered with ``st.navigation``; only pages that work are listed.

Why ``views/`` and not ``pages/``: Streamlit 1.67 treats a ``pages/`` folder beside the entry
script as an old-style multipage app until ``st.navigation`` has run once in the process, so a
fresh server's first deep link (``/methodology``) would run the page without this file, and
AppTest's ``switch_page`` never runs this file at all.
"""

from __future__ import annotations

import os
import threading
import time

import polars as pl
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from components import banners, data
from components.context import PAGE_KEYS, Context, set_context
from components.controls import period_options, sidebar_controls
from components.offline import FAVICON
from components.url_state import parse_state, read_query_params, write_query_params
from db.bootstrap import init_database
from db.engine import DatabaseUnavailable, check_connection, database_url, describe

FIRST_START_CASES = int(os.environ.get("RASSO_FIRST_START_CASES", "600000"))
FIRST_START_SEED = 20210601

PAGES = [
    st.Page("views/overview.py", title="National overview", icon=":material/monitoring:",
            default=True),
    st.Page("views/compare.py", title="Force comparison", icon=":material/compare_arrows:",
            url_path="compare"),
    st.Page("views/methodology.py", title="Methodology and data", icon=":material/menu_book:",
            url_path="methodology"),
]


@st.cache_resource(show_spinner=False)
def _first_start_lock(url: str) -> threading.Lock:
    """One lock per database per process, so two browser tabs do not both load the sample."""
    return threading.Lock()


@st.cache_resource(show_spinner="Preparing the database…")
def _initialised(url: str) -> bool:
    """Create or upgrade the schema and reference data once per process (idempotent)."""
    init_database(data.engine_for(url))
    return True


def _data_releases(url: str) -> pl.DataFrame:
    """Complete releases that hold outcome or recorded-crime data (not boundaries only)."""
    frame = data.releases(url)
    return frame.filter((pl.col("status") == "complete") & pl.col("last_quarter").is_not_null())


def _first_start(url: str) -> None:
    """Fill an empty database with a synthetic sample, showing progress."""
    from sample_data.load import load_sample

    with _first_start_lock(url):
        data.releases.clear()
        if len(_data_releases(url)):
            return  # another session loaded it while we waited
        placeholder = st.empty()
        with placeholder.container():
            st.info("First start: this database has no data yet, so a synthetic sample is being "
                    f"generated ({FIRST_START_CASES:,} cases). The full national scale is "
                    "available with `rasso sample`.", icon=":material/hourglass_top:")
            bar = st.progress(0.0, text="Generating synthetic cases…")
        started = time.perf_counter()

        def progress(fraction: float, message: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=message)

        load_sample(data.engine_for(url), cases=FIRST_START_CASES, seed=FIRST_START_SEED,
                    progress=progress)
        placeholder.empty()
        st.toast(f"Synthetic sample loaded in {time.perf_counter() - started:.0f} s.",
                 icon=":material/check_circle:")
        data.releases.clear()


def _database_error(where: str, exc: Exception) -> None:
    """A readable message instead of a traceback; ``where`` is the URL without password."""
    st.title("RASSO Outcomes Dashboard")
    reason = str(exc) if isinstance(exc, DatabaseUnavailable) else (
        f"{type(exc).__name__}: {str(getattr(exc, 'orig', None) or exc).strip().splitlines()[0]}")
    st.error(
        "**The database is not available, so no figures can be shown.**\n\n"
        f"{reason}\n\n"
        f"Database: `{where}`. Check that the database server is running and that `RASSO_DB_URL` points to it "
        "(the default is the embedded file `rasso.sqlite`), then reload this page.",
        icon=":material/database_off:",
    )
    st.stop()


def main() -> None:
    st.set_page_config(
        page_title="RASSO Outcomes Dashboard",
        page_icon=FAVICON,  # a local file: nothing is fetched off the app (components.offline)
        layout="wide",
        menu_items={"About": "RASSO Outcomes Dashboard: outcomes of rape and serious sexual "
                             "offences in England and Wales, by police force and NOM pillar."},
    )
    url = database_url()
    engine = data.engine_for(url)
    try:
        check_connection(engine)
        _initialised(url)
        if not len(_data_releases(url)):
            _first_start(url)
        releases = _data_releases(url)
        if not len(releases):
            st.error("The database has no data release to show. Load one with `rasso sample` "
                     "or `rasso load`.")
            st.stop()
        forces = data.forces(url)
    except (DatabaseUnavailable, SQLAlchemyError) as exc:
        _database_error(describe(engine), exc)
        return

    params = read_query_params()
    latest_id = int(releases["id"][0])
    ids = [int(i) for i in releases["id"]]
    info = data.release_info(url, latest_id)
    state, notices = parse_state(params, valid_forces=forces["code"].to_list(), valid_releases=ids,
                                 latest_quarter=info["last_quarter"], first_quarter=info["first_quarter"])
    if state.release is not None and state.release != latest_id:
        # the chosen release has its own data range: validate the period against that
        info = data.release_info(url, state.release)
        state, notices = parse_state(params, valid_forces=forces["code"].to_list(), valid_releases=ids,
                                     latest_quarter=info["last_quarter"],
                                     first_quarter=info["first_quarter"])
    if state.release is None:
        # Pin the release in the address, so a bookmarked or cited view shows the same figures
        # after a new release is loaded (a notice then offers the newer one).
        state = state.with_(release=latest_id)
    page = st.navigation(PAGES, position="hidden")
    write_query_params(state, PAGE_KEYS.get(page.url_path, ()))

    ctx = Context(url=url, db_label=describe(engine), state=state, release=info,
                  first_quarter=info["first_quarter"], last_quarter=info["last_quarter"],
                  page_path=page.url_path)
    set_context(ctx)

    with st.sidebar:
        st.markdown("### RASSO Outcomes Dashboard")
        for p in PAGES:
            st.page_link(p, label=p.title, icon=p.icon, query_params=ctx.params(p.url_path))
        st.divider()
    sidebar_controls(state, periods=period_options(ctx.first_quarter, ctx.last_quarter),
                     releases=releases, shown_release=ctx.release_id)

    banners.synthetic_banner(info)
    banners.release_caption(info)
    banners.url_notices(notices)
    if ctx.release_id != latest_id:
        st.info(f"You are viewing release {ctx.release_id}, as the address asks. A newer release "
                f"({latest_id}) is available: choose it under **Data release**.",
                icon=":material/history:")
    try:
        page.run()
    except (DatabaseUnavailable, SQLAlchemyError) as exc:
        _database_error(describe(engine), exc)


main()

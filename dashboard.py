"""Entry point: `streamlit run dashboard.py`.

Sets up what every page shares and nothing else: the database (created and filled with a
synthetic sample on first start, so a fresh machine shows a working dashboard; the load runs in
a background job shared by every tab, ``components.first_start``), the release shown (the rule
is ``db.releases.default_from``, shared with the command line), the validated URL state, the
global sidebar controls and the navigation. Pages are thin files under ``views/`` registered with
``st.navigation``; only pages that work are listed. Everything runs inside an error boundary
(``components.errors``): an unexpected error shows an error id, never a traceback.

Why ``views/`` and not ``pages/``: Streamlit 1.67 treats a ``pages/`` folder beside the entry
script as an old-style multipage app until ``st.navigation`` has run once in the process, so a
fresh server's first deep link (``/methodology``) would run the page without this file, and
AppTest's ``switch_page`` never runs this file at all.
"""

from __future__ import annotations

import polars as pl
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

import settings
from analysis.url_state import parse_state
from components import banners, data
from components.address import read_query_params, write_query_params
from components.context import PAGE_KEYS, Context, set_context
from components.controls import period_options, sidebar_controls
from components.errors import configure_logging, error_boundary
from components.first_start import show_first_start
from components.offline import FAVICON
from db.bootstrap import init_database
from db.engine import DatabaseUnavailable, check_connection, database_url, describe
from db.releases import data_holdings, default_from, describe_holdings, showable_ids

PAGES = [
    st.Page("views/overview.py", title="National overview", icon=":material/monitoring:",
            default=True),
    st.Page("views/compare.py", title="Force comparison", icon=":material/compare_arrows:",
            url_path="compare"),
    st.Page("views/methodology.py", title="Methodology and data", icon=":material/menu_book:",
            url_path="methodology"),
]


@st.cache_resource(show_spinner="Preparing the database…")
def _initialised(url: str) -> bool:
    """Create or upgrade the schema and reference data once per process (idempotent)."""
    init_database(data.engine_for(url))
    return True


def _release_choice(url: str) -> tuple[pl.DataFrame, int | None, dict[int, str]]:
    """The releases the pages can show (newest first), the default one, and why the others can't.

    The rule is ``db.releases`` (shared with the command line): a release of force indicators,
    boundaries or populations alone is never shown for outcomes, nor listed in the sidebar."""
    holdings = data_holdings(data.engine_for(url))
    frame = data.releases(url)
    if set(holdings) - set(frame["id"].to_list()):  # the short-lived cache predates a new load
        data.releases.clear()
        frame = data.releases(url)
    showable = showable_ids(holdings)
    default = default_from(holdings)
    others = {int(r["id"]): describe_holdings(r["row_counts"]) for r in frame.to_dicts()
              if r["id"] in holdings and r["id"] not in showable}
    return frame.filter(pl.col("id").is_in(showable)), default, others


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


def _settings_ok() -> None:
    """Stop with one line per unusable setting (they are read in one place: ``settings``)."""
    problems = settings.check_all()
    if problems:
        st.title("RASSO Outcomes Dashboard")
        for problem in problems:
            st.error(f"**Setting not usable:** {problem}. Fix it and restart the dashboard.",
                     icon=":material/settings_alert:")
        st.stop()


def _run() -> None:
    _settings_ok()
    url = database_url()
    engine = data.engine_for(url)
    try:
        check_connection(engine)
        _initialised(url)
        releases, default_id, others = _release_choice(url)
        if default_id is None:
            show_first_start(url)  # stops this run; the page reruns when the sample is in
        forces = data.forces(url)
    except (DatabaseUnavailable, SQLAlchemyError) as exc:
        _database_error(describe(engine), exc)
        return

    params = read_query_params()
    ids = [int(i) for i in releases["id"]]
    info = data.release_info(url, default_id)
    state, notices = parse_state(params, valid_forces=forces["code"].to_list(), valid_releases=ids,
                                 latest_quarter=info["last_quarter"], first_quarter=info["first_quarter"],
                                 other_releases=others)
    if state.release is not None and state.release != default_id:
        # the chosen release has its own data range: validate the period against that
        info = data.release_info(url, state.release)
        state, notices = parse_state(params, valid_forces=forces["code"].to_list(), valid_releases=ids,
                                     latest_quarter=info["last_quarter"],
                                     first_quarter=info["first_quarter"], other_releases=others)
    if state.release is None:
        # Pin the release in the address, so a bookmarked or cited view shows the same figures
        # after a new release is loaded (a notice then offers the newer one).
        state = state.with_(release=default_id)
    page = st.navigation(PAGES, position="hidden")
    write_query_params(state, PAGE_KEYS.get(page.url_path, ()))

    ctx = Context(url=url, db_label=describe(engine), state=state, release=info,
                  first_quarter=info["first_quarter"], last_quarter=info["last_quarter"],
                  page_path=page.url_path, base_url=settings.base_url())
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
    if ctx.release_id < default_id:
        st.info(f"You are viewing release {ctx.release_id}, as the address asks. A newer release "
                f"({default_id}) is available: choose it under **Data release**.",
                icon=":material/history:")
    elif ctx.release_id != default_id:
        st.info(f"You are viewing release {ctx.release_id}, as the address asks. It holds no "
                f"outcome counts; release {default_id} is the newest that does.",
                icon=":material/history:")
    with error_boundary("showing this page"):
        try:
            page.run()
        except (DatabaseUnavailable, SQLAlchemyError) as exc:
            _database_error(describe(engine), exc)


def main() -> None:
    st.set_page_config(
        page_title="RASSO Outcomes Dashboard",
        page_icon=FAVICON,  # a local file: nothing is fetched off the app (components.offline)
        layout="wide",
        menu_items={"About": "RASSO Outcomes Dashboard: outcomes of rape and serious sexual "
                             "offences in England and Wales, by police force and NOM pillar."},
    )
    configure_logging()
    with error_boundary("preparing the dashboard"):
        _run()


main()

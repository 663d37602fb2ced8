"""Entry point: `streamlit run dashboard.py`.

Sets up what every page shares and nothing else: the database (created and filled with a
synthetic sample on first start, so a fresh machine shows a working dashboard; the load runs in
a background job shared by every tab, ``components.first_start``), the release shown (the rule
is ``db.releases.default_from``, shared with the command line), the validated URL state, the
global sidebar controls and the navigation. Pages are thin files under ``pages/``, listed once in
``components.page_registry`` and registered with ``st.navigation``; only pages that work are
listed. A page run without this file (a fresh server's first deep link) sends the run through it
first (``components.context.get_context``). Everything runs inside an error boundary
(``components.errors``): an unexpected error shows an error id, never a traceback.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

import settings
from analysis.url_state import parse_state, requested_release
from components import auth, banners, data, warm
from components.address import read_query_params, write_query_params
from components.context import Context, clear_context, set_context
from components.controls import period_options, sidebar_controls
from components.errors import configure_logging, error_boundary, show_unavailable
from components.first_start import show_first_start
from components.offline import page_config
from components.page_registry import FORCE, OWN_KEYS, PAGE_KEYS, st_pages
from db.bootstrap import init_database
from db.engine import (
    DatabaseUnavailable,
    check_connection,
    database_url,
    describe,
    timed_out_after,
)
from db.releases import Release, data_holdings, default_from, showable_ids
from metrics.disclosure import PUBLIC


@st.cache_resource(show_spinner="Preparing the database…")
def _initialised(url: str) -> bool:
    """Create or upgrade the schema and reference data once per process (idempotent)."""
    init_database(data.engine_for(url))
    return True


def _release_choice(url: str) -> tuple[list[Release], int | None, dict[int, str]]:
    """The releases the pages can show (newest first), the default one, and why the others can't.

    The rule is ``db.releases`` (shared with the command line): a release of force indicators,
    boundaries or populations alone is never shown for outcomes, nor listed in the sidebar."""
    holdings = data_holdings(data.engine_for(url))
    listed = data.releases(url)
    if set(holdings) - {r.id for r in listed}:  # the short-lived cache predates a new load
        data.releases.clear()
        listed = data.releases(url)
    showable = showable_ids(holdings)
    default = default_from(holdings)
    others = {r.id: r.holdings for r in listed if r.id in holdings and r.id not in showable}
    return [r for r in listed if r.id in showable], default, others


def _database_error(where: str, exc: Exception) -> None:
    """A short notice with an error id instead of a traceback; ``where`` (the URL without
    password) and the reason go to the server log only (``components.errors.show_unavailable``)."""
    st.title("RASSO Outcomes Dashboard")
    show_unavailable(exc, where, timeout=timed_out_after(exc))
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

    params = read_query_params()  # the address is parsed once per run, here
    ids = [r.id for r in releases]
    # the release shown first (the address's, else the default): the period is checked against its data
    asked = requested_release(params, valid_releases=ids)
    info = data.release_info(url, default_id if asked is None else asked)
    state, notices = parse_state(params, valid_forces=forces["code"].to_list(), valid_releases=ids,
                                 latest_quarter=info.last_quarter, first_quarter=info.first_quarter,
                                 other_releases=others, peer_groups=data.peer_group_names(url))
    if state.release is None:
        # Pin the release in the address, so a bookmarked or cited view shows the same figures
        # after a new release is loaded (a notice then offers the newer one).
        state = state.with_(release=default_id)
    pages = st_pages()
    page = st.navigation(pages, position="hidden")
    write_query_params(state, PAGE_KEYS.get(page.url_path, ()), OWN_KEYS.get(page.url_path, ()))

    access = auth.current_access()  # who is signed in, never the address, decides the tier
    # the force profile and its briefing pack (one file with `rasso brief`) are public for everyone
    tier = PUBLIC if page.url_path == FORCE.url_path else access.tier
    ctx = Context(url=url, db_label=describe(engine), state=state, release=info,
                  page_path=page.url_path, base_url=settings.base_url(), tier=tier,
                  address=tuple((k, tuple(v)) for k, v in params.items()))
    set_context(ctx)

    with st.sidebar:
        st.markdown("### RASSO Outcomes Dashboard")
        for p in pages:
            st.page_link(p, label=p.title, icon=p.icon, query_params=ctx.params(p.url_path))
        st.divider()
    auth.sidebar_account(access)
    sidebar_controls(state, periods=period_options(ctx.first_quarter, ctx.last_quarter),
                     releases=releases, shown_release=ctx.release_id)

    banners.synthetic_banner(info)
    banners.release_caption(info)
    auth.tier_caption(ctx.tier, force_page=tier != access.tier)
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
    st.set_page_config(**page_config())  # a local favicon: nothing is fetched off the app
    configure_logging()
    with error_boundary("preparing the dashboard"), warm.page_run():
        try:
            _run()
        finally:
            clear_context()  # set anew each run: a page run without this file must find none


main()

"""The first-start screen: progress of the sample load that fills an empty database.

The load itself runs in a background thread owned by the process
(``sample_data.first_start``), so every tab shows the same progress, closing a tab does not
stop it, and a tab opened later joins it. This screen only polls the job once a second
(``st.fragment(run_every=...)``) and reruns the whole app when the data are there.
"""

from __future__ import annotations

import streamlit as st

import settings
from sample_data import first_start

FIRST_START_SEED = 20210601
POLL_SECONDS = 1.0


def _retry(url: str) -> None:
    first_start.retry(url)


def show_first_start(url: str) -> None:
    """Start (or join) the load for ``url``, show its progress, and stop this run."""
    job = first_start.ensure_started(url, cases=settings.first_start_cases(), seed=FIRST_START_SEED)
    st.title("RASSO Outcomes Dashboard")
    st.info("First start: this database has no data yet, so a synthetic sample is being "
            f"generated ({job.cases:,} cases). It carries on if you close this tab, and any tab "
            "shows its progress. The full national scale is available with `rasso sample`; "
            "published data are loaded with `rasso ingest`.", icon=":material/hourglass_top:")
    _progress(url)
    st.stop()


@st.fragment(run_every=POLL_SECONDS)
def _progress(url: str) -> None:
    job = first_start.current(url)
    if job is None:  # forgotten by a retry in another tab: start again on the next full run
        st.rerun(scope="app")
    if job.failed:
        st.error(f"**The synthetic sample could not be loaded.** {job.error} Error id: "
                 f"`{job.error_id}` (the details are in the server log under that id).",
                 icon=":material/error:")
        st.button("Try again", on_click=_retry, args=(url,), key="first_start_retry")
        return
    st.progress(job.fraction, text=f"{job.message} ({job.elapsed:.0f} s)")
    if not job.running:
        st.rerun(scope="app")

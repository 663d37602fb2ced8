"""Charts reach the browser as Vega-Lite specs cached on the arguments that built them.

Profiled at national scale (2 million cases), about 70% of a warm rerun of the overview went on
Altair: building each chart, then converting it, which validates the whole spec against the
Vega-Lite schema every time ``st.altair_chart`` is called. The chart builders in ``charts/`` are
pure functions of frames from cached queries and plain arguments, so a rerun with the same
arguments can reuse the spec: ``spec(builder, *args)`` builds it once, converts the tables in it
to Arrow once (as Streamlit would on every run), and ``show`` sends it. Schema validation is the
chart tests' job (they convert every builder's output with validation on); here it would repeat
on every cache miss for nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import altair as alt
import streamlit as st
from streamlit import dataframe_util

from geo.maps import MapChart

# Altair's theme and data transformer are process-wide; sessions run in threads.
_ALTAIR_GLOBALS = threading.Lock()


def spec(build: Callable[..., alt.TopLevelMixin | MapChart], /, *args: Any, **kwargs: Any) -> dict:
    """The spec of ``build(*args, **kwargs)``, from the cache when these arguments were seen."""
    return _cached_spec(f"{build.__module__}.{build.__qualname__}", build, *args, **kwargs)


@st.cache_data(show_spinner=False, max_entries=2048)
def _cached_spec(name: str, _build: Callable[..., alt.TopLevelMixin | MapChart], /, *args: Any, **kwargs: Any) -> dict:
    # ``name`` keys the cache on the builder (a function itself cannot be hashed).
    return to_spec(_build(*args, **kwargs))


def to_spec(chart: alt.TopLevelMixin | MapChart) -> dict:
    """The Vega-Lite dict Streamlit would send for ``chart``, its tables already Arrow bytes (a
    map's shapes added after the conversion: ``geo.maps.MapChart``)."""
    with (_ALTAIR_GLOBALS, alt.theme.enable("none"),
          alt.data_transformers.enable("default", max_rows=None)):
        out = chart.to_dict(validate=False)
    out["datasets"] = {name: values if _is_geometry(values) else
                       dataframe_util.convert_anything_to_arrow_bytes(values)
                       for name, values in out.get("datasets", {}).items()}
    return out


def _is_geometry(values: Any) -> bool:
    """GeoJSON stays in the spec for Vega-Lite to read; tables travel as Arrow."""
    first = values[0] if isinstance(values, list) and values else values
    return isinstance(first, dict) and first.get("type") in {"Feature", "FeatureCollection"}


def show(chart: dict | alt.TopLevelMixin | MapChart, *, title: str) -> None:
    """Draw a chart at the container's width; ``title`` is its short accessible name."""
    st.vega_lite_chart(spec=chart if isinstance(chart, dict) else to_spec(chart), width="stretch",
                       alt=title)

"""The data explorer's part of the address: measure, dimensions, span and filters -> a TableSpec.

Why apart from ``analysis.url_state``: those keys are the explorer's alone, and a table is cited
by its address, so the page reads them here and writes them back from the spec
(``metrics.explorer_spec.spec_params``). Like ``parse_state`` this never raises: a mistyped,
stale or hostile value becomes a notice naming the key and what is shown instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from analysis.url_state import _echo
from metrics.disclosure import PUBLIC
from metrics.errors import QueryError
from metrics.explorer_spec import (
    COUNT_MEASURES,
    DIMENSIONS,
    TableSpec,
    parse_by,
    parse_filter,
    spec_params,
)
from metrics.registry import METRICS_BY_ID

KEYS = ("measure", "by", "from", "to", "filter")
DEFAULT = TableSpec()
MAX_FILTERS = 8
MAX_VALUES = 60


def _all(params: Mapping[str, str | list[str]], key: str) -> list[str]:
    value = params.get(key)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def _last(params: Mapping[str, str | list[str]], key: str) -> str | None:
    found = _all(params, key)
    return found[-1] if found else None


def parse_spec(params: Mapping[str, str | list[str]], *, offence: str, basis: str,
               tier: str = PUBLIC) -> tuple[TableSpec, list[str]]:
    """The table the address asks for (offence group and basis come from the page's state), and
    one notice per value replaced."""
    notices: list[str] = []
    spec = replace(DEFAULT, offence=offence, basis=basis, tier=tier)
    measure = _last(params, "measure")
    if measure is not None and measure not in COUNT_MEASURES and measure not in METRICS_BY_ID:
        notices.append(f"Ignored `measure` {_echo(measure)}: not a count or a metric. Showing outcomes instead.")
    elif measure is not None:
        spec = replace(spec, measure=measure, by=("national", "year") if measure != "outcomes" else spec.by)
    by = _last(params, "by")
    if by is not None:
        dims = parse_by(by)
        unknown = [d for d in dims if d not in DIMENSIONS]
        if unknown:
            notices.append(f"Ignored `by` {_echo(unknown[0])}: not a dimension.")
        spec = replace(spec, by=tuple(d for d in dims if d in DIMENSIONS))
    spec = replace(spec, start=_last(params, "from") or None, end=_last(params, "to") or None)
    spec = replace(spec, filters=_filters(_all(params, "filter"), notices))
    return _checked(spec, notices), notices


def _filters(raw: list[str], notices: list[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    out: dict[str, tuple[str, ...]] = {}
    for text in raw[:MAX_FILTERS]:
        try:
            dim, values = parse_filter(text)
        except QueryError:
            notices.append(f"Ignored `filter` {_echo(text)}: a filter is DIMENSION=VALUE|VALUE.")
            continue
        if dim not in DIMENSIONS or not values:
            notices.append(f"Ignored `filter` {_echo(text)}: not a dimension with values.")
            continue
        out[dim] = values[:MAX_VALUES]
    return tuple(out.items())


def _checked(spec: TableSpec, notices: list[str]) -> TableSpec:
    """The spec if it holds together; else the same spec without what breaks it, each drop noted."""
    try:
        return spec.check()
    except QueryError as exc:
        first = str(exc)
    fixes = (
        lambda s: replace(s, start=None, end=None),
        lambda s: replace(s, filters=tuple((d, v) for d, v in s.filters if d in s.by)),
        lambda s: replace(s, by=tuple(d for d in s.by if DIMENSIONS[d].public or s.tier != PUBLIC)),
        lambda s: replace(s, by=_one_of_each(s.by)),
        lambda s: replace(s, by=DEFAULT.by if s.measure == "outcomes" else ("national", "year"), filters=()),
        lambda s: replace(DEFAULT, offence=s.offence, basis=s.basis, tier=s.tier),
    )
    asked = spec_params(spec)
    for fix in fixes:
        spec = fix(spec)
        try:
            spec.check()
        except QueryError:
            continue
        notices.append(f"{changed_keys(asked, spec_params(spec))}: {first.rstrip('.')}.")
        return spec
    raise AssertionError("the default table must pass its own check")


def changed_keys(asked: Mapping[str, str | list[str]], shown: Mapping[str, str | list[str]]) -> str:
    """'Changed `by`, `filter`': the keys of the address a replaced table no longer holds as asked, so
    the notice names the part of the address a reader typed."""
    keys = [f"`{k}`" for k in KEYS if asked.get(k) != shown.get(k)]
    return f"Changed {', '.join(keys)}" if keys else "Changed the table"


def _one_of_each(by: tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    out = []
    for d in by:
        kind = DIMENSIONS[d].kind
        if kind == "case" or kind not in seen:
            out.append(d)
            seen.add(kind)
    return tuple(out)

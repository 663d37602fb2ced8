"""The URL is the state: parse the query parameters into a typed ``State`` and back.

Every screen must be bookmarkable and citable, so the address carries force, offence group,
period, metric, pillar, basis, release and peer set. A shared link can be mistyped, stale (a
release that was replaced) or hostile, so ``parse_state`` is a pure function that never raises:
each bad value becomes a short notice naming the parameter and the default used instead. It
takes a plain mapping, so it is unit-tested without Streamlit; ``components.address`` binds it
to ``st.query_params``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, replace

from analysis.comparison import DEFAULT_PEER_SET
from analysis.peers import FIXED_SETS
from metrics.markup import plain
from metrics.offence_groups import DEFAULT_GROUP, OFFENCE_GROUPS
from metrics.periods import FIRST_YEAR, LAST_YEAR, Period, PeriodError, parse_period, year_ending
from metrics.registry import BASIS_CLOSED, BASIS_RECORDED, METRICS_BY_ID

KEYS = ("force", "offence", "period", "metric", "pillar", "basis", "release", "peer", "od", "grain", "sort")
# Keys every page writes: they say what is shown (offence group, period) and from which release.
ALWAYS = ("offence", "period", "release")
DEFAULT_METRIC = "charge_rate"
# The outcome-mix bases a user can switch between ("recorded_period" is a count basis, not a mix).
USER_BASES = (BASIS_CLOSED, BASIS_RECORDED)
PEER_SETS = FIXED_SETS  # what each means: analysis.peers; loaded group names are accepted too
PILLAR_IDS = range(1, 7)
TREND_GRAINS = ("quarter", "year", "rolling")  # overview and /force trends: quarters, financial years, rolling years
_MAX_ECHO = 24
_MAX_ID_DIGITS = 9  # release ids and pillar numbers are small; int() refuses > 4,300 digits


def _small_int(value: str) -> int | None:
    """An ASCII whole number of at most nine digits, else None.

    Not ``str.isdigit()``: that is true for '²', '③' and other Unicode digits that ``int()``
    refuses, and ``int()`` also refuses strings of more than 4,300 digits."""
    value = value.strip()
    if 0 < len(value) <= _MAX_ID_DIGITS and value.isascii() and value.isdigit():
        return int(value)
    return None


@dataclass(frozen=True)
class State:
    """What the screen shows. ``None`` means "not chosen": national view, latest release."""

    offence: str = DEFAULT_GROUP
    period: str = ""  # a period token ('2024-25' or 'YE-2026-09'); '' until resolved
    force: str | None = None
    metric: str = DEFAULT_METRIC
    pillar: int | None = None
    basis: str = BASIS_CLOSED
    release: int | None = None
    peer: str | None = None
    od: str = ""  # compare page's funnel limits: "1" adjusted, "0" not, "" the default rule
    grain: str | None = None  # overview and /force trends: "year" or "rolling" (None: quarters, the default)
    sort: str | None = None  # pillars grid: forces ordered by this metric (None: by name)

    @property
    def period_obj(self) -> Period:
        return parse_period(self.period)

    def with_(self, **changes) -> State:
        return replace(self, **changes)


def _echo(value: str) -> str:
    """A value safe to repeat back in a notice: no markup, no control characters, short."""
    cleaned = re.sub(r"[^A-Za-z0-9 ._-]", "", value)[:_MAX_ECHO]
    return f"'{plain(cleaned)}'" if cleaned else "(a value that cannot be shown)"


def _single(value: str | list[str] | tuple[str, ...] | None) -> str | None:
    """Streamlit gives the last value of a repeated key; do the same for lists."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return str(value[-1]) if value else None
    return str(value)


def default_period(latest_quarter: int) -> str:
    """The latest 12 months of data."""
    return year_ending(latest_quarter).token


def _release_value(value: str | None, releases: Iterable[int],
                   others: Mapping[int, str]) -> tuple[int | None, str | None]:
    """The release a ``release`` value names and can be shown, else None and why not (None when
    the value is absent or empty: not chosen)."""
    if value is None or value == "":
        return None, None
    if (n := _small_int(value)) is not None and n in set(releases):
        return n, None
    if n is not None and n in others:
        return None, (f"that release holds no outcome or recorded-crime figures to show "
                      f"(it holds {others[n]})")
    return None, "no such release is loaded"


def requested_release(params: Mapping[str, str | list[str]], *, valid_releases: Iterable[int]) -> int | None:
    """The showable release the address asks for, or None (not chosen, or not one of them).

    Read before ``parse_state``, so the period can be checked against the data range of the
    release that will be shown and the address is parsed once per run."""
    return _release_value(_single(params.get("release")), valid_releases, {})[0]


def parse_state(
    params: Mapping[str, str | list[str]],
    *,
    valid_forces: Iterable[str],
    valid_releases: Iterable[int],
    latest_quarter: int,
    first_quarter: int | None = None,
    other_releases: Mapping[int, str] | None = None,
    peer_groups: Iterable[str] = (),
) -> tuple[State, list[str]]:
    """Validate query parameters; return the state and one notice per value that was replaced.

    ``latest_quarter``/``first_quarter`` are the data range of the release shown (the one
    ``requested_release`` picks, else the default), so a period outside it falls back to the
    latest 12 months instead of showing empty charts.
    ``other_releases`` maps releases that are loaded but cannot be shown (force indicators,
    boundaries or populations alone) to what they hold, so the notice can say so.
    ``peer_groups`` are the names of the loaded peer groups (``queries.peers.group_names``):
    ``peer=`` accepts them besides the fixed sets.
    """
    limits = _Limits(forces=frozenset(valid_forces), releases=frozenset(valid_releases),
                     others=dict(other_releases or {}), latest_quarter=latest_quarter,
                     first_quarter=first_quarter, groups=frozenset(peer_groups))
    notices: list[str] = []
    raw = {k: _single(params.get(k)) for k in KEYS}
    state = State(period=default_period(latest_quarter))

    def reject(key: str, value: str, why: str, default: str) -> None:
        notices.append(f"Ignored `{key}` {_echo(value)}: {why}. Showing {default} instead.")

    for key, parse in _PARSERS.items():  # a fixed order, so notices read in a stable order
        if (v := raw[key]) is not None and (v != "" or key in _EMPTY_IS_A_VALUE):
            state = parse(state, v, limits, reject)
    return state, notices


@dataclass(frozen=True)
class _Limits:
    """What a value is checked against: the release shown and what is loaded."""

    forces: frozenset[str]
    releases: frozenset[int]
    others: dict[int, str]
    latest_quarter: int
    first_quarter: int | None
    groups: frozenset[str] = frozenset()  # loaded peer-group names


Reject = Callable[[str, str, str, str], None]


def _offence(state: State, v: str, _limits: _Limits, reject: Reject) -> State:
    if v in OFFENCE_GROUPS:
        return replace(state, offence=v)
    reject("offence", v, "not an offence group", OFFENCE_GROUPS[DEFAULT_GROUP].label.lower())
    return state


def _force(state: State, v: str, limits: _Limits, reject: Reject) -> State:
    code = v.strip().upper()
    if code in limits.forces:
        return replace(state, force=code)
    reject("force", v, "not a police force code", "England and Wales")
    return state


def _period(state: State, v: str, limits: _Limits, reject: Reject) -> State:
    latest = year_ending(limits.latest_quarter)
    try:
        period = parse_period(v)
    except PeriodError:
        # a well-formed token whose year no data can have (YE-9999-12) is outside the data
        shaped = re.fullmatch(r"\s*YE-([0-9]{4})-(03|06|09|12)\s*", v, flags=re.IGNORECASE)
        far = shaped and not FIRST_YEAR <= int(shaped.group(1)) <= LAST_YEAR
        reject("period", v, "outside the data in this release" if far else
               "not a financial year (2024-25) or a year ending (YE-2026-09)", latest.label)
        return state
    if period.last > limits.latest_quarter or (limits.first_quarter is not None
                                               and period.first < limits.first_quarter):
        reject("period", v, "outside the data in this release", latest.label)
        return state
    return replace(state, period=period.token)


def _metric(state: State, v: str, _limits: _Limits, reject: Reject) -> State:
    if v in METRICS_BY_ID:
        return replace(state, metric=v)
    reject("metric", v, "not a metric", METRICS_BY_ID[DEFAULT_METRIC].phrase)
    return state


def _pillar(state: State, v: str, _limits: _Limits, reject: Reject) -> State:
    if (n := _small_int(v)) is not None and n in PILLAR_IDS:
        return replace(state, pillar=n)
    reject("pillar", v, "pillars are numbered 1 to 6", "all pillars")
    return state


def _basis(state: State, v: str, _limits: _Limits, reject: Reject) -> State:
    if v in USER_BASES:
        return replace(state, basis=v)
    reject("basis", v, "use 'closed' or 'recorded'", "investigations closed in the period")
    return state


def _release(state: State, v: str, limits: _Limits, reject: Reject) -> State:
    chosen, why = _release_value(v, limits.releases, limits.others)
    if chosen is None:
        reject("release", v, why, "the latest release")
        return state
    return replace(state, release=chosen)


def _peer(state: State, v: str, limits: _Limits, reject: Reject) -> State:
    if v in PEER_SETS or v in limits.groups:
        return replace(state, peer=v)
    if v.strip() in limits.groups:
        return replace(state, peer=v.strip())
    why = f"use one of {', '.join(PEER_SETS)}"
    why += (f" or a loaded peer group ({', '.join(plain(g) for g in sorted(limits.groups))})" if limits.groups
            else "; no peer group is loaded")
    reject("peer", v, why, f"{DEFAULT_PEER_SET} peers")
    return state


def _od(state: State, v: str, _limits: _Limits, reject: Reject) -> State:
    if v in ("0", "1"):
        return replace(state, od=v)
    reject("od", v, "use 1 (allow for over-dispersion) or 0",
           "adjusted limits only when over-dispersion is significant")
    return state


def _grain(state: State, v: str, _limits: _Limits, reject: Reject) -> State:
    if v in TREND_GRAINS:
        return replace(state, grain=None if v == TREND_GRAINS[0] else v)
    reject("grain", v, f"use one of {', '.join(TREND_GRAINS)}", "quarters")
    return state


def _sort(state: State, v: str, _limits: _Limits, reject: Reject) -> State:
    """Any metric id: whether it belongs to the pillar shown is the page's check
    (``analysis.pillar_grid.resolve_sort``), as the pillar is parsed independently."""
    if v in METRICS_BY_ID:
        return replace(state, sort=v)
    reject("sort", v, "not a metric", "forces in alphabetical order")
    return state


# One parser per URL key. An empty value means "not set" except for these keys, where it is
# rejected like any other bad value (they always have a value on screen).
_PARSERS = {"offence": _offence, "force": _force, "period": _period, "metric": _metric,
            "pillar": _pillar, "basis": _basis, "release": _release, "peer": _peer, "od": _od,
            "grain": _grain, "sort": _sort}
_EMPTY_IS_A_VALUE = {"offence", "period", "metric", "basis"}


def to_params(state: State, uses: Iterable[str] | None = None) -> dict[str, str]:
    """The query parameters for a state; unset values are left out so links stay short.

    ``uses`` names the keys the page reads. A key the page does not read is written only when it
    differs from the default, so a choice made on another page (a metric, a force) rides along
    in links and back again, but an overview address does not carry ``metric=charge_rate``.
    ``None`` writes every set key.
    """
    wanted = None if uses is None else {*ALWAYS, *uses}
    default = asdict(State())
    out: dict[str, str] = {}
    for key, value in asdict(state).items():
        if value is None or value == "" or value is False:
            continue
        if wanted is not None and key not in wanted and value == default[key]:
            continue
        out[key] = "1" if value is True else str(value)
    return out

"""Where each published number sits in the release's protection, and whether it is hidden there.

Why: every public output takes its hidden ([c]) cells from the one protection decided for the
release at load (``db.protection``), never from rules of its own, so no two outputs can hide
different complements of the same count. This module maps a row of a public table (an area, a
span of quarters, an offence group, a count of a family) to the node cells that hold it.

A span that is a node (a quarter, a financial year, or twelve months ending the quarter of the
year the release ends in) is looked up as itself. Any other span (other rolling windows, a span
a user picks, averages of end-of-quarter positions, counts lagged a year) is shown only where
every quarter inside it is shown, or where what it hides is exactly what shown financial years
or one shown headline window hide: it is then a sum of shown numbers (its shown quarters, and
each such node less its shown quarters) and tells an attacker nothing new, while hiding it would
only hide a number anyone can work out. Outside the public tier nothing here applies.

Any span that is not a node (every rolling window but the latest two, a span a user picks, any
span of averaged positions or lagged counts) is **not offered** where it would be hidden
(:func:`open_span`): such a row shows [x], not [c]. A [c] promises a hidden cell of the
protection that no arithmetic across the public outputs narrows to 1..threshold - 1; such a span
is not a cell of it, and its hidden quarters can add up to a number other outputs narrow or give
back (a window of 3 child rape offences as rape less adult rape, each a shown year less a quarter
plus another; two quarters of 3 closed rape outcomes narrowed to 2..4 by a shown window less a
shown year, benchmarks/RESULTS.md "Whole-release audits"). Protecting every window as a node
would make that promise for windows too, at the cost of hiding 56% of the cells instead of 39%;
spans a user picks cannot all be nodes. The quarters inside stay [c] and protected.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from metrics.disclosure import families as fam
from metrics.disclosure.markers import CONFIDENTIAL, NOT_AVAILABLE
from metrics.periods import add_quarters, quarters_between

NOT_OFFERED = NOT_AVAILABLE
"""The marker of a span the public tier does not offer (see :func:`open_span`)."""

ROW_KEYS = ("_area", "_first", "_last", "_offence", "_category")
"""The columns a table adds to its rows before a look-up: node area, first and last quarter of
the row's span, offence node and category node."""


def span_keys(first: int, last: int, *, release_span: tuple[int, int], stock: bool,
              lag: tuple[int, int] | None = None) -> list[int]:
    """The period keys a row's count is read from: one node key, or every quarter inside the span.

    ``lag`` shifts the span (a count of offences recorded four to seven quarters before each
    quarter of the row): such a count is never a node of its own.
    """
    if lag is not None:
        return quarters_between(add_quarters(first, lag[0]), add_quarters(last, lag[1]))
    if first == last:
        return [first]
    if not stock and add_quarters(first, 3) == last:
        if first % 10 == 1:
            return [fam.fy_key(first)]
        if fam.ye_key(last) in fam.window_keys(release_span):
            return [fam.ye_key(last)]
    return quarters_between(first, last)


def hidden_rows(rows: pl.DataFrame, ref: fam.CountRef | None, hidden: pl.DataFrame, *,
                release_span: tuple[int, int]) -> pl.Series:
    """True for each row of ``rows`` (with :data:`ROW_KEYS`) whose count ``ref`` is hidden, or,
    for a span that is not a node, has any quarter hidden. ``hidden``: the release's hidden node
    cells (``family, area_code, period_key, offence, category``)."""
    if ref is None or rows.height == 0:
        return pl.Series("hidden", [False] * rows.height, dtype=pl.Boolean)
    stock = fam.FAMILIES[ref.family].stock
    spans = rows.select(pl.col("_first", "_last").cast(pl.Int64)).unique()
    keys = pl.LazyFrame(
        [(a, b, span_keys(a, b, release_span=release_span, stock=stock, lag=ref.lag)) for a, b in spans.iter_rows()],
        schema={"_first": pl.Int64, "_last": pl.Int64, "period_key": pl.List(pl.Int64)}, orient="row")
    # One plan, collected once, finding the rows with a hidden key: a table's look-up is a few
    # thousand rows at most, so the cost was the number of steps each collected on its own (about
    # half of a metric table's time at national scale) and the hash table of a left join over
    # every hidden cell of the family, which an inner join builds once, on the smaller side
    mine = hidden.lazy().filter(pl.col("family") == ref.family).select(
        _area=pl.col("area_code"), period_key=pl.col("period_key").cast(pl.Int64), _offence=pl.col("offence"),
        _category=pl.col("category"), _hit=pl.lit(True))
    hits = (rows.lazy().select(*ROW_KEYS).with_row_index("_i")
            .with_columns(pl.col("_first", "_last").cast(pl.Int64))
            .join(keys, on=["_first", "_last"], how="left").explode("period_key")
            .join(mine, on=["_area", "period_key", "_offence", "_category"], how="inner")
            .select("_i").unique().collect()["_i"])
    per_row = pl.Series("_hit", range(rows.height), dtype=pl.UInt32).is_in(hits.implode())
    if stock or ref.lag is not None:
        return per_row.alias("hidden")
    return _unless_derivable(rows, per_row, mine, release_span).alias("hidden")


def open_span(rows: pl.DataFrame, ref: fam.CountRef | None, *, release_span: tuple[int, int]) -> pl.Series:
    """True for each row of ``rows`` whose span is not a node of the protection for ``ref`` (other
    twelve months, a span a user picks, averaged positions, lagged counts): where such a row would
    be hidden, the public tier does not offer it (marker [x]) rather than hide it ([c]), because its
    value is not a protected cell (module docstring). Always True without a count (``ref`` None),
    so it never decides a row alone."""
    if ref is None or rows.height == 0:
        return pl.Series("span", [ref is None] * rows.height, dtype=pl.Boolean)
    stock = fam.FAMILIES[ref.family].stock
    spans = rows.select(pl.col("_first", "_last").cast(pl.Int64)).unique()
    open_ = [(a, b, True) for a, b in spans.iter_rows()
             if len(span_keys(a, b, release_span=release_span, stock=stock, lag=ref.lag)) > 1]
    if not open_:
        return pl.Series("span", [False] * rows.height, dtype=pl.Boolean)
    span = pl.DataFrame(open_, schema={"_first": pl.Int64, "_last": pl.Int64, "_open": pl.Boolean}, orient="row")
    found = (rows.lazy().select(pl.col("_first", "_last").cast(pl.Int64)).with_row_index("_i")
             .join(span.lazy(), on=["_first", "_last"], how="left").sort("_i").collect())
    return found["_open"].fill_null(False).alias("span")


def _unless_derivable(rows: pl.DataFrame, hit: pl.Series, mine: pl.LazyFrame,
                      release_span: tuple[int, int]) -> pl.Series:
    """``hit``, cleared for rows over a span that is not a node whose hidden quarters
    :func:`derivable` finds published through shown nodes (``mine``: the family's hidden cells)."""
    line = ["_area", "_offence", "_category"]
    check = (rows.lazy().select("_first", "_last", *line).with_columns(_hit=hit).with_row_index("_i")
             .filter(pl.col("_hit") & (pl.col("_first") != pl.col("_last"))).collect())
    if check.height == 0:
        return hit
    keys = (mine.join(check.lazy().select(line).unique(), on=line).group_by(line).agg(pl.col("period_key"))
            .collect())
    by_line = {tuple(r[:3]): set(r[3]) for r in keys.iter_rows()}
    clear = [i for i, a, b, *at in check.select("_i", "_first", "_last", *line).iter_rows()
             if len(span_keys(a, b, release_span=release_span, stock=False)) > 1
             and derivable(a, b, by_line.get(tuple(at), set()), release_span=release_span)]
    return hit.clone().scatter(clear, False) if clear else hit


def derivable(first: int, last: int, hidden_keys: set[int], *, release_span: tuple[int, int]) -> bool:
    """True when the quarters hidden inside ``first..last`` are exactly those hidden inside some
    shown financial years (each wholly inside the release), or inside one shown headline window.
    ``hidden_keys``: the period keys hidden in the span's line (area, offence, category)."""
    qs = set(quarters_between(first, last))
    inside = qs & hidden_keys
    if not inside:
        return True
    lo, hi = release_span
    years = {fam.fy_key(q) for q in qs} - hidden_keys
    covered = [set(quarters_between(y + 1, y + 4)) & hidden_keys for y in years if lo <= y + 1 and y + 4 <= hi]
    if set().union(*[h for h in covered if h <= inside]) == inside:
        return True
    return any(set(fam.window_quarters(w)) & hidden_keys == inside
               for w in fam.window_keys(release_span) if w not in hidden_keys)


def area_node(area_code: pl.Expr, *, territorial: bool) -> pl.Expr:
    """The node of a table's area: a force as itself; England and Wales with British Transport
    Police, or without it where the table is of rates per resident."""
    return pl.when(area_code == fam.NATIONAL).then(
        pl.lit(fam.TERRITORIAL if territorial else fam.NATIONAL)).otherwise(area_code)


def offence_node(ref: fam.CountRef | None, offence_group: str) -> str:
    return offence_group if ref is not None and ref.by_offence else fam.NO_OFFENCE


def hide(table: pl.DataFrame, *, numerator: pl.Series, denominator: pl.Series,
         number_columns: Iterable[str] = ("value", "lower", "upper"),
         window: pl.Series | None = None) -> pl.DataFrame:
    """Null what the protection hides and mark the row [c]: a hidden numerator takes the value and
    interval with it, and so does a hidden denominator (a rate and a shown count give it back).
    A row the source did not provide ([x]) keeps its marker. A row over a span that is not a node
    (``window``: :func:`open_span`) that would be [c], here or by the cell rules, is not offered
    ([x]) instead."""
    num, den = pl.col("_hide_num"), pl.col("_hide_den")
    hit = num | den
    nulls = {c: pl.when(hit).then(None).otherwise(pl.col(c)) for c in number_columns if c in table.columns}
    if "numerator" in table.columns:
        nulls["numerator"] = pl.when(num).then(None).otherwise(pl.col("numerator"))
    if "denominator" in table.columns:
        nulls["denominator"] = pl.when(den).then(None).otherwise(pl.col("denominator"))
    hidden = hit | (pl.col("flag") == CONFIDENTIAL)
    flag = (pl.when(hidden & pl.col("_window")).then(pl.lit(NOT_OFFERED))
            .when(hit & (pl.col("flag") != NOT_AVAILABLE)).then(pl.lit(CONFIDENTIAL)).otherwise(pl.col("flag")))
    no = window if window is not None else pl.Series([False] * table.height, dtype=pl.Boolean)
    marked = table.with_columns(_hide_num=numerator, _hide_den=denominator, _window=no)
    return marked.with_columns(**nulls, flag=flag).drop("_hide_num", "_hide_den", "_window")

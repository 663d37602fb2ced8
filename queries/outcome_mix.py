"""Outcome mix by Home Office outcome group: the 'where do investigations end' picture."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine

from metrics.disclosure import PUBLIC, apply_disclosure
from metrics.disclosure import families as fam
from metrics.disclosure.lookup import area_node, hide
from metrics.errors import QueryError
from metrics.offence_groups import offence_group as get_group
from queries import sql
from queries.arguments import check_area, check_window
from queries.framing import attach_periods, first_quarter_of, select_areas
from queries.protection import Protection, read_protection

BASES = ("closed", "recorded")


def outcome_mix(engine: Engine, *, release_id: int, offence_group: str, area: str = "national",
                first_quarter: int, last_quarter: int, basis: str = "closed", grain: str = "period",
                tier: str = "public", threshold: int | None = None, open_apart: bool = False) -> pl.DataFrame:
    """Counts and shares per outcome group; on the closed basis outcome 0 is never counted.

    Shares use the assigned outcomes as denominator on the closed basis and every recorded
    offence (including 'not yet assigned') on the recorded basis, as the Home Office does.
    ``open_apart`` (recorded basis): outcome 0 is shown apart, as a share of every offence
    recorded, and the other groups as shares of the decisions made (recorded less not yet
    assigned), so outcome 0 is never in a denominator of decisions. In the
    public tier a count is hidden where the release's protection hides that outcome group (or
    the total) for the area, period and offence group (``metrics.disclosure.lookup``).
    """
    if basis not in BASES:
        raise QueryError(f"Unknown basis '{basis}'. Choose closed or recorded.")
    check_window(tier=tier, grain=grain, first_quarter=first_quarter, last_quarter=last_quarter)
    group = get_group(offence_group)
    with engine.connect() as conn:
        forces = sql.force_list(conn)
        check_area(area, forces["code"])
        counts = sql.outcome_type_counts(conn, release_id=release_id, group=group, basis=basis,
                                         first_quarter=first_quarter, last_quarter=last_quarter)
        groups = sql.outcome_groups(conn)
        family = fam.CLOSED if basis == "closed" else fam.RECORDED_BASIS
        protection = (read_protection(conn, release_id, [fam.CountRef(family)], threshold=threshold)
                      if tier == PUBLIC else None)
    if basis == "closed":
        counts = counts.filter(pl.col("outcome_type") != 0)
    framed = attach_periods(select_areas(counts, area, forces, include_btp=True), grain, first_quarter, last_quarter)
    mix = (framed.with_columns(ho_group=pl.col("outcome_type").replace_strict(groups, default="Unknown"))
           .group_by("period", "period_end", "area_code", "area_name", "ho_group")
           .agg(numerator=pl.col("count").sum()))
    mix = _every_group(mix, {g for t, g in groups.items() if basis != "closed" or t != 0})
    is_open = pl.col("ho_group") == groups.get(0, "")
    open_apart = open_apart and basis == "recorded"
    totals = mix.group_by("period", "area_code").agg(
        denominator=pl.col("numerator").sum(), _open=pl.col("numerator").filter(is_open).sum())
    mix = mix.join(totals, on=["period", "area_code"]).with_columns(
        denominator=pl.when(is_open | (not open_apart)).then(pl.col("denominator"))
        .otherwise(pl.col("denominator") - pl.col("_open"))).drop("_open").with_columns(
        value=pl.when(pl.col("denominator") > 0).then(100 * pl.col("numerator") / pl.col("denominator")),
        lower=pl.lit(None, pl.Float64), upper=pl.lit(None, pl.Float64))
    mix = apply_disclosure(mix, tier=tier, threshold=threshold, unit="percent")
    if protection is not None:
        mix = protect_mix(mix, protection, family, group.id, grain, (first_quarter, last_quarter),
                          open_group=groups.get(0) if open_apart else None)
    return (mix.rename({"numerator": "count", "value": "share"})
            .select("period", "period_end", "area_code", "area_name", "ho_group", "count", "denominator",
                    "share", "flag")
            .sort("period_end", "area_code", "ho_group"))


def _every_group(mix: pl.DataFrame, names: set[str]) -> pl.DataFrame:
    """A row for every outcome group of each period and area shown, zeros included: a group left
    out would publish its zero, which the release's protection may hide (the explorer shows it [c])."""
    keys = ["period", "period_end", "area_code", "area_name"]
    cells = mix.select(keys).unique().join(pl.DataFrame({"ho_group": sorted(names)}), how="cross")
    return cells.join(mix, on=[*keys, "ho_group"], how="left").with_columns(pl.col("numerator").fill_null(0))


def protect_mix(mix: pl.DataFrame, protection: Protection, family: str, offence: str, grain: str,
                span: tuple[int, int], open_group: str | None = None) -> pl.DataFrame:
    """Hide each group's count where the protection hides it, and the total where it hides the total.

    With ``open_group`` (shown apart), the decisions (the total less that group) are hidden
    wherever the total or that group is hidden: either gives the other back."""
    rows = mix.with_columns(_area=area_node(pl.col("area_code"), territorial=False),
                            _first=first_quarter_of(grain, span), _last=pl.col("period_end"),
                            _offence=pl.lit(offence))
    ref = fam.CountRef(family)
    parts = protection.hidden_rows(rows.with_columns(_category=pl.col("ho_group")), ref)
    total = protection.hidden_rows(rows.with_columns(_category=pl.lit(fam.ALL)), ref)
    if open_group is not None:
        opened = protection.hidden_rows(rows.with_columns(_category=pl.lit(open_group)), ref)
        total = total | ((mix["ho_group"] != open_group) & opened)
    return hide(mix, numerator=parts, denominator=total, window=protection.span_rows(rows, ref))

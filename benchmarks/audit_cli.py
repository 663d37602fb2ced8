"""The audit's numbers are the command line's: ``rasso export metrics`` equals ``metric_table``.

Part of the independent disclosure audit (:mod:`benchmarks.disclosure_audit`): for a sample of
views the CSV the command line writes is read back and compared, number for number and flag for
flag, with the public ``metric_table`` the audit solves.
"""

from __future__ import annotations

import io

import polars as pl
from sqlalchemy import Engine

from metrics import registry as reg
from queries import release_info
from queries.metric_table import metric_table

SAMPLE = (("charge_rate", "adult_rape", "all", "quarter"), ("recorded_offences", "child_rape", "national", "year"),
          ("recorded_per_1000", "rape", "BTP", "quarter"), ("median_days_to_charge", "all_sexual", "all", "year"),
          ("isva_referral_rate", "adult_rape", "all", "year"), ("open_rate", "other_sexual", "national", "quarter"))


class ExportDiffers(AssertionError):
    """``rasso export`` printed numbers other than the public metric table's."""


def cli_export(engine: Engine, release: int, metric: str, group: str, area: str, grain: str,
               refusal: str | None = None) -> pl.DataFrame | None:
    """The CSV ``rasso export metrics`` prints; None when it refuses as ``refusal`` says it must
    (a release without the data a metric needs, e.g. force MI before its first quarter)."""
    from typer.testing import CliRunner

    import cli

    url = engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(cli.app, ["export", "metrics", "--metric", metric, "--offence", group, "--force", area,
                                          "--grain", grain, "--release", str(release), "--db", url])
    if refusal is not None:
        if result.exit_code == 0 or refusal not in result.output:
            raise ExportDiffers(f"rasso export of {metric} did not refuse a release without its data: {result.output}")
        return None
    if result.exit_code != 0:
        raise ExportDiffers(f"rasso export failed for {metric} {group} {area} {grain}: {result.output}")
    return pl.read_csv(io.StringIO(result.stdout), infer_schema_length=None)


def compare_cli_exports(engine: Engine, release: int, sample=SAMPLE) -> int:
    """Compare each sampled export with the metric table; raise :class:`ExportDiffers` on a difference.
    A metric the release cannot show must be refused by the command line (and is counted)."""
    info = release_info(engine, release)
    lo, hi = info.first_quarter, info.last_quarter
    for metric, group, area, grain in sample:
        refusal = reg.missing_from_source(reg.metric(metric), info.coverage, f"Release {release}")
        exported = cli_export(engine, release, metric, group, area, grain, refusal)
        if exported is None:
            continue
        first, last = lo, hi
        if grain == "year":
            first = lo if lo % 10 == 1 else (lo // 10 + 1) * 10 + 1
            last = hi if hi % 10 == 4 else (hi // 10 - 1) * 10 + 4
        table = metric_table(engine, release_id=release, metric_id=metric, offence_group=group, area=area,
                             first_quarter=first, last_quarter=last, grain=grain)
        _same(exported, table, f"{metric} {group} {area} {grain}", reg.metric(metric).unit)
    return len(sample)


def _same(exported: pl.DataFrame, table: pl.DataFrame, name: str, unit: str) -> None:
    if exported.height != table.height:
        raise ExportDiffers(f"{name}: {exported.height} rows exported, {table.height} in the metric table")
    for col in ("numerator", "denominator", "value"):
        if col not in exported.columns:
            continue
        a = exported[col].cast(pl.Float64).fill_nan(None).to_list()
        b = table[col].cast(pl.Float64).fill_nan(None).to_list()
        for x, y in zip(a, b, strict=True):
            if (x is None) != (y is None) or (x is not None and abs(x - y) > 1e-9 * max(1.0, abs(y))):
                raise ExportDiffers(f"{name}: {col} {x} exported, {y} in the metric table ({unit})")
    flags = [f or "" for f in exported["flag"].to_list()]
    if flags != [f or "" for f in table["flag"].to_list()]:
        raise ExportDiffers(f"{name}: flags differ")

"""The synthetic sample's calibration figures at full national scale, year by year.

    python -m benchmarks.calibration [--cases 1974132] [--seed 2023]

Writes the "Calibration" section of benchmarks/RESULTS.md: the figures the tests in
tests/db/test_sample_data.py hold the sample to (sample_data.calibration names each source), measured
with sample_data.measures, so a reviewer can read every year rather than only the tested bands.
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime

import polars as pl

from benchmarks.results import write_section
from sample_data import calibration as cal
from sample_data import measures
from sample_data.generator import FULL_SCALE_CASES, generate

LAST_QUARTER = 20262
YEARS = range(2015, 2026)


def report(cases: int, seed: int) -> str:
    data = generate(cases, seed=seed, last_quarter=LAST_QUARTER)
    c = data.cases
    scale = FULL_SCALE_CASES / cases
    closed = measures.closed_charge_rates(c)
    adult = measures.closed_charge_rates(c, measures.ADULT_RAPE_CODES)
    soon = measures.charged_within(c, 180)
    median = measures.median_days_to_charge(c)
    rec = c.filter(pl.col("recorded_quarter") >= data.first_quarter).group_by(
        fy=pl.col("recorded_quarter") // 10).agg(
        all=pl.len(), rape=pl.col("offence_code").is_in(list(measures.RAPE_CODES)).sum())
    recorded = {r["fy"]: r for r in rec.iter_rows(named=True)}
    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; `python -m benchmarks.calibration --cases {cases} "
        f"--seed {seed}` (data to 2026-27 Q2; counts scaled to national volume). Rape, all ages, "
        "by financial year; the closed basis is the dashboard's charge rate.",
        "",
        "| year | rape recorded | sexual offences recorded | charge rate, closed basis | adult rape, closed "
        "basis | charges within 180 days | median days to charge | published median |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for fy in YEARS:
        published = cal.PUBLISHED_MEDIAN_DAYS_TO_CHARGE.get(fy)
        lines.append(
            f"| {fy}-{(fy + 1) % 100:02d} | {recorded[fy]['rape'] * scale:,.0f} | "
            f"{recorded[fy]['all'] * scale:,.0f} | {closed[fy]:.2%} | {adult[fy]:.2%} | {soon[fy]:.0%} | "
            f"{median[fy]:.0f} | {published if published else '—'} |")
    lines += ["", "| charge rate as published (charges by the extract to rapes recorded in the period) "
              "| sample | published | source |", "|---|---:|---:|---|"]
    for period, first, last, extract_days, published, source in cal.PUBLISHED_CHARGE_RATES:
        rate = measures.charge_rate_as_published(c, date.fromisoformat(first), date.fromisoformat(last),
                                                 extract_days)
        lines.append(f"| {period} (extract {extract_days} days after) | {rate:.2%} | {published:.1%} | "
                     f"{source} |")
    charges = measures.charges_by_calendar_year(c)
    rise = charges[2023] / charges[2022] - 1
    lines += ["", f"Adult rape charges, calendar 2023 against 2022: {rise:+.0%} (published +38%, NPCC; "
              f"{charges[2022] * scale:,.0f} and {charges[2023] * scale:,.0f} scaled)."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=FULL_SCALE_CASES)
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args()
    body = report(args.cases, args.seed)
    print(body)
    write_section("Calibration", body)


if __name__ == "__main__":
    main()

"""Pure parts of the components: wording of summaries, CSV downloads, period choices, charts."""

from __future__ import annotations

import csv
import io
from datetime import date

import polars as pl

from charts.outcome_mix import outcome_mix_chart
from charts.trend import milestones_in, trend_chart
from components.chart_block import display_frame
from components.controls import period_options
from metrics.format import fmt_interval, fmt_value
from metrics.registry import metric
from queries.export import ExportMeta, csv_bytes, export_frame
from words.summaries import compare, headline, trend_summary

CHARGE = metric("charge_rate")
VDNS = metric("victim_does_not_support_rate")


def row(num, den, value, lower=None, upper=None, flag=""):
    return {"numerator": num, "denominator": den, "value": value, "lower": lower, "upper": upper,
            "flag": flag}


def test_formats():
    assert fmt_value(3.14159, "percent") == "3.1%"
    assert fmt_value(61234, "count") == "61,234"
    assert fmt_value(412.4, "days") == "412 days"
    assert fmt_value(None, "percent") == "—"
    assert fmt_interval(2.94, 3.31, "percent") == "95% CI 2.9–3.3%"


def test_a_large_rise_in_a_good_direction_is_a_meaningful_improvement():
    # 400/10000 vs 250/10000: 4.0% vs 2.5%, far beyond chance at these sizes
    change = compare(row(400, 10000, 4.0), row(250, 10000, 2.5), CHARGE)
    assert change.direction == "up" and change.significant is True
    words = change.words(CHARGE, "2.5% last year")
    assert "statistically meaningful" in words and "improvement" in words


def test_the_same_rise_on_small_numbers_is_not_called_better():
    change = compare(row(4, 100, 4.0), row(3, 120, 2.5), CHARGE)
    assert change.significant is False
    words = change.words(CHARGE, "2.5%")
    assert "not a statistically meaningful change" in words
    assert "improvement" not in words and "deterioration" not in words


def test_a_meaningful_rise_in_a_lower_is_better_measure_is_a_deterioration():
    change = compare(row(5000, 10000, 50.0), row(4000, 10000, 40.0), VDNS)
    assert "deterioration" in change.words(VDNS, "40%")


def test_suppressed_values_are_explained_not_compared():
    text = headline(CHARGE, "Adult rape", "Dyfed-Powys", "2024-25",
                    row(None, None, None, flag="[c]"), row(3, 50, 6.0), "2023-24")
    assert "[c]" in text and "confidentiality" in text
    assert "no comparison" in text


def test_trend_summary_names_latest_and_year_earlier_quarters():
    frame = pl.DataFrame({
        "period": ["2024-25 Q1", "2024-25 Q2", "2024-25 Q3", "2024-25 Q4", "2025-26 Q1"],
        "period_end": [20241, 20242, 20243, 20244, 20251],
        "area_name": ["England and Wales"] * 5,
        "numerator": [30.0, 31, 29, 33, 60], "denominator": [1000.0] * 5,
        "value": [3.0, 3.1, 2.9, 3.3, 6.0], "lower": [2.1, 2.2, 2.0, 2.4, 4.7],
        "upper": [4.3, 4.4, 4.1, 4.6, 7.7], "flag": [""] * 5,
    })
    text = trend_summary(frame, CHARGE, "Adult rape")
    assert "latest quarter (2025-26 Q1) it was 6.0% (95% CI 4.7–7.7%)" in text
    assert "3.0% a year earlier (2024-25 Q1)" in text
    assert "highest quarter was 2025-26 Q1" in text and "lowest 2024-25 Q3" in text


def test_csv_has_citation_release_and_exactly_the_rows_shown():
    table = pl.DataFrame({"period": ["a", "b"], "numerator": [3.0, None], "denominator": [10.0, None],
                          "value": [30.0, None], "lower": [10.8, None], "upper": [60.3, None],
                          "flag": ["", "[c]"]})
    meta = ExportMeta(release_id=7, synthetic=False, citation="Cite me", basis="Investigations closed")
    data = csv_bytes(export_frame(table, meta, unit="percent")).decode()
    assert not any(line.startswith("#") for line in data.splitlines())
    rows = list(csv.DictReader(io.StringIO(data)))
    assert len(rows) == 2
    assert rows[0]["value"] == "30.0" and rows[1]["value"] == "" and rows[1]["flag"] == "[c]"
    assert {r["citation"] for r in rows} == {"Cite me"} and {r["release"] for r in rows} == {"7"}
    assert {r["basis"] for r in rows} == {"Investigations closed"}


def test_period_options_offer_rolling_years_then_complete_financial_years():
    options = period_options(20151, 20262)
    tokens = [p.token for p in options]
    assert tokens[0] == "YE-2026-09"  # the latest 12 months first
    assert "2025-26" in tokens and "2015-16" in tokens
    assert "2026-27" not in tokens  # incomplete year
    assert all(p.first >= 20151 and p.last <= 20262 for p in options)


def test_trend_chart_marks_the_nom_milestones_in_range():
    frame = pl.DataFrame({"period": ["q"] * 8, "period_end": [20201, 20202, 20203, 20204, 20211, 20212,
                                                              20213, 20214],
                          "value": [1.0] * 8, "lower": [0.5] * 8, "upper": [1.5] * 8, "flag": [""] * 8,
                          "area_name": ["E&W"] * 8})
    spec = trend_chart(frame, CHARGE).to_dict()
    labels = [v["label"] for d in spec["datasets"].values() for v in d if "label" in v]
    # the series ends March 2022: pathfinders (June 2021) are in, the Oct 2022 wave is not
    assert labels == ["Pathfinders (2021)"]
    assert len(milestones_in(date(2015, 1, 1), date(2026, 1, 1))) == 4


def test_outcome_mix_chart_leaves_out_hidden_groups():
    mix = pl.DataFrame({"ho_group": ["A", "B", "C"], "count": [50.0, 40.0, None],
                        "share": [55.6, 44.4, None], "flag": ["", "", "[c]"]})
    spec = outcome_mix_chart(mix).to_dict()
    groups = [v["ho_group"] for d in spec["datasets"].values() for v in d]
    assert groups == ["A", "B"]


def test_synthetic_banner_says_when_the_sample_is_scaled_down():
    from components.banners import _scale_note

    assert "about 30% of national volume" in _scale_note(0.3)
    assert _scale_note(1.0) == "" and _scale_note(None) == ""


# --- review fixes: counts worded by chance, symbols, screen tables, dictionary, labels ---------

RECORDED = metric("recorded_offences")


def test_a_count_interval_is_worded_as_chance_variation_not_a_confidence_interval():
    text = fmt_interval(44271.2, 45100.4, "count")
    assert text == "Range expected from year-to-year chance variation (Poisson): 44,271–45,100"
    assert "CI" not in text
    # proportions keep their wording
    assert fmt_interval(2.94, 3.31, "percent").startswith("95% CI")


def test_a_count_change_is_worded_against_chance_with_the_recording_caveat():
    from metrics import stats

    big = compare(row(45000, None, 45000.0), row(40000, None, 40000.0), RECORDED)
    small = compare(row(10050, None, 10050.0), row(10000, None, 10000.0), RECORDED)
    # the wording follows the exact test, computed here independently of the summary code
    assert stats.compare_counts(45000, 40000)["significant"] is True
    assert stats.compare_counts(10050, 10000)["significant"] is False
    big_words, small_words = big.words(RECORDED, "40,000"), small.words(RECORDED, "10,000")
    assert "larger than chance year-to-year variation would explain" in big_words
    assert "within the range expected by chance" in small_words
    for words in (big_words, small_words):
        assert "statistically meaningful" not in words
        assert "more reporting and better recording" in words


def _quarters_frame(flags, values):
    n = len(flags)
    ends = [20231, 20232, 20233, 20234, 20241, 20242, 20243, 20244][:n]
    return pl.DataFrame({
        "period": [f"q{i}" for i in range(n)], "period_end": ends, "area_name": ["E&W"] * n,
        "numerator": [None if v is None else 10.0 for v in values], "denominator": [100.0] * n,
        "value": values, "lower": [None if v is None else v - 1 for v in values],
        "upper": [None if v is None else v + 1 for v in values], "flag": flags,
    })


def test_trend_summary_counts_hidden_quarters_by_reason_in_words():
    frame = _quarters_frame(["", "[c]", "[x]", "[x]", "[u]", ""], [3.0, None, None, None, 4.0, 5.0])
    text = trend_summary(frame, CHARGE, "Adult rape")
    assert ("3 of 6 quarters have no figure: 1 is [c], not shown to protect confidentiality (too few "
            "cases); 2 are [x], not available from the source.") in text
    assert "1 quarter is [u]: shown, but of low reliability" in text
    one = trend_summary(_quarters_frame(["", "[c]"], [3.0, None]), CHARGE, "Adult rape")
    assert "1 of 2 quarters has no figure: 1 is [c]" in one
    clean = trend_summary(_quarters_frame(["", ""], [3.0, 4.0]), CHARGE, "Adult rape")
    assert "no figure" not in clean and "[u]" not in clean


def _point_layer(spec):
    return next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")


def test_low_reliability_points_have_their_own_shape_and_legend():
    spec = trend_chart(_quarters_frame(["", "[u]", ""], [3.0, 4.0, 5.0]), CHARGE).to_dict()
    enc = _point_layer(spec)["encoding"]
    domain = enc["shape"]["scale"]["domain"]
    assert len(domain) == 2 and domain[1].startswith("[u]")
    assert enc["shape"]["scale"]["range"] == ["circle", "diamond"]
    assert enc["fill"]["scale"]["range"][1] == "#FFFFFF"  # hollow
    assert enc["shape"]["legend"] is not None
    data = [v for d in spec["datasets"].values() for v in d if "reliability" in v]
    assert [v["reliability"].startswith("[u]") for v in data] == [False, True, False]
    plain = _point_layer(trend_chart(_quarters_frame(["", ""], [3.0, 4.0]), CHARGE).to_dict())
    assert plain["encoding"]["shape"]["legend"] is None


def test_a_short_span_labels_each_quarter_and_a_long_one_each_year():
    short = trend_chart(_quarters_frame([""] * 4, [1.0, 2, 3, 4]), CHARGE).to_dict()
    axis = short["layer"][0]["encoding"]["x"]["axis"]
    assert len(axis["values"]) == 4 and axis["format"] == "%b %Y"
    assert axis["values"][0] == {"year": 2023, "month": 6, "date": 30}
    n = 12
    long_frame = pl.DataFrame({"period": ["q"] * n, "period_end": [20201 + 10 * (i // 4) + i % 4 for i in range(n)],
                               "value": [1.0] * n, "lower": [0.5] * n, "upper": [1.5] * n, "flag": [""] * n,
                               "area_name": ["E&W"] * n})
    axis = trend_chart(long_frame, CHARGE).to_dict()["layer"][0]["encoding"]["x"]["axis"]
    assert axis["format"] == "%Y" and "values" not in axis


def test_screen_table_has_plain_headers_and_the_csv_keeps_machine_names():
    from components.chart_block import screen_frame

    table = pl.DataFrame({"period": ["2024-25 Q1"], "period_end": [20241], "area_code": ["K04000001"],
                          "area_name": ["England and Wales"], "metric": ["recorded_offences"],
                          "numerator": [11167.0], "denominator": [None], "value": [11167.0],
                          "lower": [10960.8], "upper": [11376.1], "flag": [""], "release": [1]})
    screen = screen_frame(display_frame(table, "count"), "count", RECORDED)
    assert screen.columns == ["Period", "Area", "Offences recorded", "Value", "Chance range lower",
                              "Chance range upper", "Symbol"]
    pct = screen_frame(display_frame(table, "percent"), "percent", CHARGE)
    assert "95% interval lower" in pct.columns and "Numerator" in pct.columns  # long wording: plain
    data = csv_bytes(export_frame(table, ExportMeta(release_id=1, synthetic=True, citation="c"), unit="count"))
    header = data.decode().splitlines()[0].split(",")
    # machine names, in order; a count's denominator is never filled, so the file leaves it out
    kept = [c for c in table.columns[:-1] if c != "denominator"]
    assert header[:len(kept)] == kept
    assert header[-4:] == ["release", "data_status", "licence", "citation"]
    forces = pl.DataFrame({"code": ["E23000001"], "name": ["Metropolitan Police"], "region": ["London"],
                           "value": ["7.1"], "flag": [""], "position": ["within the limits"]})
    assert screen_frame(forces, "percent").columns == ["Force", "Against England and Wales", "Region",
                                                        "Value", "Symbol"]


def test_the_data_dictionary_explains_every_download_column():
    from analysis import comparison as cmp
    from metrics.dictionary import CSV_COLUMNS, columns_csv, dictionary_csv, dictionary_rows

    download_columns = {"period", "period_end", "area_code", "area_name", "metric", "numerator",
                        "denominator", "value", "lower", "upper", "flag", "release",  # metric_table
                        "ho_group", "count", "share"}  # outcome_mix
    frame = cmp.compare_forces(pl.DataFrame(schema={"area_code": pl.String, "area_name": pl.String,
                                                    "numerator": pl.Float64, "denominator": pl.Float64,
                                                    "value": pl.Float64, "lower": pl.Float64,
                                                    "upper": pl.Float64, "flag": pl.String}),
                               {}, pl.DataFrame({"code": ["E23000034"], "name": ["City of London"],
                                                 "region": ["London"]}), CHARGE)
    download_columns |= set(cmp.table(frame).columns)
    meta = ExportMeta(release_id=1, synthetic=True, citation="c", metric="charge_rate", offence_group="rape",
                      period="2024-25", basis="Investigations closed in the period")
    download_columns |= set(export_frame(cmp.table(frame), meta, unit="percent").columns)  # what files add
    assert download_columns <= set(CSV_COLUMNS)
    assert "20241 = April–June 2024" in CSV_COLUMNS["period_end"]
    rows = dictionary_rows({1: "Pillar one"})
    assert rows[[r["id"] for r in rows].index("charge_rate")]["pillar"] == "1. Pillar one"
    assert dictionary_csv().decode().splitlines()[0].startswith("id,label,definition")
    assert len(columns_csv().decode().splitlines()) == len(CSV_COLUMNS) + 1


def test_city_of_london_symbol_is_left_off_the_real_map_only():
    from charts.positions import CITY_OF_LONDON, geography_rows

    rows = {CITY_OF_LONDON: {"symbol": "▲", "name": "City of London"},
            "E23000001": {"symbol": "▼", "name": "Metropolitan Police"}}
    geo = geography_rows(rows)
    assert geo[CITY_OF_LONDON]["symbol"] == "" and geo[CITY_OF_LONDON]["name"] == "City of London"
    assert geo["E23000001"]["symbol"] == "▼"
    assert rows[CITY_OF_LONDON]["symbol"] == "▲"  # the tile map's rows are untouched


def test_sidebar_labels_are_short():
    from components.controls import short_period_label, short_release_label
    from db.releases import release_from_row
    from metrics.periods import financial_year, year_ending

    def release_row(**row):  # a release row as the database returns it: JSON text columns
        return release_from_row({"source": None, "label": "", "synthetic": False, "created_at": None,
                                 "first_quarter": None, "last_quarter": None, "status": "complete",
                                 "parameters": "{}", "row_counts": "{}", "supersedes": None, **row})

    assert short_period_label(financial_year(2015)) == "2015-16"
    assert short_period_label(year_ending(20262)) == "Year to Sep 2026"
    label = short_release_label(release_row(id=1, synthetic=True, source="synthetic",
                                            row_counts='{"case_record": 1974132, "outcomes": 5}'))
    assert label == "#1 synthetic, 1.97M cases"
    carried = short_release_label(release_row(id=2, synthetic=True, source="synthetic",
                                              parameters='{"cases": 600000, "carried_in_cases": 17000}',
                                              row_counts='{"case_record": 617000}'))
    assert carried == "#2 synthetic, 600k cases"  # the number in the release's own label
    assert short_release_label(release_row(id=4, synthetic=False, source="published",
                                           row_counts="{}")) == "#4 published"
    assert all(len(short_period_label(p)) <= 20 for p in period_options(20151, 20262))


def test_citation_names_the_view():
    from datetime import datetime

    from analysis.url_state import State
    from components.context import Context
    from db.releases import Release

    release = Release(id=3, source="synthetic", label="Sample", synthetic=True,
                      created_at=datetime(2026, 11, 30), first_quarter=20151, last_quarter=20262)
    ctx = Context(url="sqlite://", db_label="sqlite://", release=release, first_quarter=20151,
                  last_quarter=20262, page_path="compare",
                  state=State(offence="rape", period="2024-25", release=3, metric="no_suspect_rate",
                              force="E23000001", od=True))
    text = ctx.citation()
    assert "release 3" in text and "rape" in text and "2024-25 (April 2024 to March 2025)" in text
    assert ("view /compare?offence=rape&period=2024-25&force=E23000001&metric=no_suspect_rate"
            "&release=3&od=1") in text
    overview = Context(**{**ctx.__dict__, "page_path": "",
                          "state": State(offence="rape", period="2024-25", release=3)})
    assert "metric=" not in overview.citation() and "basis=closed" in overview.citation()

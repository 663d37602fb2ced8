"""Information loss of a protection, counted from a hand-made set of node cells."""

from __future__ import annotations

import polars as pl

from metrics.disclosure.loss import information_loss, loss_markdown


def _cells() -> pl.DataFrame:
    rows = [  # family, area, period, offence, category, value, reason
        ("recorded", "E23000001", 20241, "rape", "all", 3.0, "primary"),
        ("recorded", "E23000002", 20241, "rape", "all", 9.0, "secondary"),
        ("recorded", "K04000001", 20241, "rape", "all", 12.0, ""),
        ("recorded", "K04000001-T", 20241, "rape", "all", 12.0, ""),
        ("recorded", "E23000001", 20240, "rape", "all", 30.0, ""),
        ("mi:recorded", "E23000001", 20241, "all_sexual", "all", 3.0, "linked"),
        ("mi:recorded", "E23000001", 20242, "all_sexual", "all", 7.0, "carried"),
    ]
    return pl.DataFrame(rows, schema=["family", "area_code", "period_key", "offence", "category", "value", "reason"],
                        orient="row")


def test_loss_per_table_family_and_release():
    loss = information_loss(_cells())
    table = loss.filter(pl.col("scope") == "table")
    forces_q = table.filter((pl.col("family") == "recorded") & (pl.col("area_level") == "force")
                            & (pl.col("period_level") == "quarter")).row(0, named=True)
    assert (forces_q["cells"], forces_q["hidden"], forces_q["primary"], forces_q["secondary"]) == (2, 2, 1, 1)
    assert forces_q["share_hidden"] == 1.0
    national = table.filter(pl.col("area_level") == "England and Wales").row(0, named=True)
    assert (national["cells"], national["hidden"]) == (1, 0)
    assert table.filter(pl.col("area_level") == "England and Wales (43 forces)").height == 1
    assert table.filter(pl.col("period_level") == "financial year")["cells"].to_list() == [1]
    family = loss.filter(pl.col("scope") == "family")
    assert dict(family.select("family", "hidden").iter_rows()) == {"mi:recorded": 2, "recorded": 2}
    whole = loss.filter(pl.col("scope") == "release").row(0, named=True)
    assert (whole["cells"], whole["hidden"], whole["carried"], whole["linked"]) == (7, 4, 1, 1)
    assert whole["share_hidden"] == round(4 / 7, 4)


def test_loss_of_no_cells_is_empty_and_markdown_has_every_scope():
    assert information_loss(_cells().head(0)).height == 0
    text = loss_markdown(information_loss(_cells()), title="Release 1")
    assert text.startswith("# Release 1")
    assert text.index("## Whole release") < text.index("## Per family") < text.index("## Per table")
    assert "| all | all | all | all | 7 | 4 | 1 | 1 | 1 | 1 | 57.1% |" in text

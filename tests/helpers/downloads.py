"""Reading a download back as a user would, and checking its columns are typed: used by the export
tests of queries.export and of the pages."""

from __future__ import annotations

import io

import pandas as pd
import polars as pl

NUMBERS = ["numerator", "denominator", "value", "lower", "upper"]


def read_back(data: bytes) -> tuple[pd.DataFrame, pl.DataFrame]:
    text = data.decode("utf-8")
    assert not any(line.startswith("#") for line in text.splitlines()), "comment lines in the file"
    return pd.read_csv(io.BytesIO(data)), pl.read_csv(io.BytesIO(data))


def assert_typed(pdf: pd.DataFrame, plf: pl.DataFrame, numbers=NUMBERS) -> None:
    for col in numbers:
        if col in plf.columns and plf[col].null_count() < plf.height:
            assert pd.api.types.is_numeric_dtype(pdf[col]), (col, pdf[col].dtype)
            assert plf.schema[col].is_numeric(), (col, plf.schema[col])
    assert "flag" in plf.columns
    for col in ("release", "data_status", "licence", "citation"):
        assert col in plf.columns, col
    assert plf.schema["release"].is_integer()

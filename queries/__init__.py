"""Query functions of plain keyword arguments returning Polars frames (SQLAlchemy Core inside)."""

from db.reference import NATIONAL_CODE, NATIONAL_NAME
from metrics.errors import QueryError
from queries.metric_table import COLUMNS, metric_table
from queries.outcome_mix import outcome_mix
from queries.reference import data_range, forces, release_info

__all__ = ["COLUMNS", "NATIONAL_CODE", "NATIONAL_NAME", "QueryError", "data_range", "forces",
           "metric_table", "outcome_mix", "release_info"]

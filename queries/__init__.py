"""Query functions of plain keyword arguments returning Polars frames (SQLAlchemy Core inside)."""

from db.reference import NATIONAL_CODE, NATIONAL_NAME
from metrics.errors import QueryError
from queries.journey import case_journey
from queries.metric_table import COLUMNS, metric_table, metric_tables
from queries.outcome_mix import outcome_mix
from queries.reference import data_range, forces, outcome_types, release_info
from queries.timeliness import day_percentiles

__all__ = ["COLUMNS", "NATIONAL_CODE", "NATIONAL_NAME", "QueryError", "case_journey", "data_range",
           "day_percentiles", "forces", "metric_table", "metric_tables", "outcome_mix", "outcome_types", "release_info"]

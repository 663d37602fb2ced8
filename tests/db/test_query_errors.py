"""Issue 8 item 4: every error a query can raise for a bad argument is one type, ``QueryError``.

Before, an unknown basis or output format raised a bare ``ValueError`` and unknown metrics and
offence groups a ``KeyError``; the command line listed each type it knew, so a new one slipped
through as a traceback. Now they share ``queries.QueryError`` (defined in ``metrics.errors``, the
lowest layer that raises one), and the command line catches that one type.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import queries
from cli import app
from queries import QueryError
from queries.export import ExportMeta, write_export

WINDOW = {"release_id": 1, "first_quarter": 20241, "last_quarter": 20244}
GOOD_TABLE = {"metric_id": "charge_rate", "offence_group": "rape", "area": "national", **WINDOW}
GOOD_MIX = {"offence_group": "rape", "area": "national", **WINDOW}


@pytest.mark.parametrize(("bad", "words"), [
    ({"metric_id": "no_such_metric"}, "Unknown metric"),
    ({"offence_group": "no_such_group"}, "Unknown offence group"),
    ({"tier": "secret"}, "Unknown tier"),
    ({"grain": "fortnight"}, "Unknown grain"),
    ({"first_quarter": 20244, "last_quarter": 20241}, "start of the period is after its end"),
    ({"area": "E99999999"}, "Unknown force"),
    ({"threshold": 0}, "at least 1"),
])
def test_metric_table_bad_arguments_raise_query_error(small_db, bad, words):
    with pytest.raises(QueryError, match=words):
        queries.metric_table(small_db, **{**GOOD_TABLE, **bad})


@pytest.mark.parametrize(("bad", "words"), [
    ({"basis": "opened"}, "Unknown basis"),
    ({"offence_group": "no_such_group"}, "Unknown offence group"),
    ({"tier": "secret"}, "Unknown tier"),
    ({"grain": "fortnight"}, "Unknown grain"),
    ({"first_quarter": 20244, "last_quarter": 20241}, "start of the period is after its end"),
    ({"area": "E99999999"}, "Unknown force"),
    ({"threshold": 0}, "at least 1"),
])
def test_outcome_mix_bad_arguments_raise_query_error(small_db, bad, words):
    with pytest.raises(QueryError, match=words):
        queries.outcome_mix(small_db, **{**GOOD_MIX, **bad})


def test_good_arguments_still_answer(small_db):
    """The checks refuse only bad arguments: the same calls with good ones give rows."""
    assert queries.metric_table(small_db, **GOOD_TABLE).height > 0
    assert queries.outcome_mix(small_db, **GOOD_MIX).height > 0
    assert queries.outcome_mix(small_db, **{**GOOD_MIX, "area": "all"}).height > 0


def test_export_writer_bad_format_raises_query_error(tmp_path):
    import polars as pl

    meta = ExportMeta(release_id=1, synthetic=True, citation="c", view="v")
    frame = pl.DataFrame({"a": [1]})
    with pytest.raises(QueryError, match="Unknown format"):
        write_export(frame, "docx", tmp_path / "x.docx", meta)
    with pytest.raises(QueryError, match="needs an output file"):
        write_export(frame, "parquet", None, meta)


def test_period_metric_and_group_errors_are_query_errors_and_keep_their_old_types():
    from metrics.offence_groups import UnknownOffenceGroup, offence_group
    from metrics.periods import PeriodError, parse_any_period
    from metrics.registry import UnknownMetric, metric

    for call, old in ((lambda: metric("nope"), KeyError), (lambda: offence_group("nope"), KeyError),
                      (lambda: parse_any_period("2024-99"), ValueError)):
        with pytest.raises(QueryError) as caught:
            call()
        assert isinstance(caught.value, old)  # code catching the old type still works
    assert issubclass(UnknownMetric, QueryError) and issubclass(UnknownOffenceGroup, QueryError)
    assert issubclass(PeriodError, QueryError)


def test_the_cli_prints_any_query_error_as_one_line(small_db, monkeypatch):
    """A query error the command line has never heard of is still one line and status 2."""

    class NewKindOfQueryError(QueryError):
        pass

    def refuses(*_args, **_kwargs):
        raise NewKindOfQueryError("Release 9 cannot answer that question.")

    monkeypatch.setattr(queries, "metric_table", refuses)
    url = small_db.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(app, ["export", "metrics", "--db", url, "--metric", "charge_rate"])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == "Error: Release 9 cannot answer that question."
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("args", "env", "words"), [
    (("--offence", "no_such_group"), {}, "Unknown offence group"),
    (("--force", "E99999999"), {}, "Unknown force"),
    (("--metric", "no_such_metric"), {}, "Unknown metric"),
    ((), {"RASSO_DISCLOSURE_THRESHOLD": "0"}, "at least 1"),
])
def test_cli_query_errors_are_one_line(small_db, monkeypatch, args, env, words):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    url = small_db.url.render_as_string(hide_password=False)
    base = ("--metric", "charge_rate") if "--metric" not in args else ()
    result = CliRunner().invoke(app, ["export", "metrics", "--db", url, *base, *args])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and words in lines[0], lines

"""What the load test's client counts as an error, and how its figures are summed: a load test
blind to an error kind would pass a broken deployment."""

from __future__ import annotations

import pytest
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.load_client import FINISHED, Visit, error_in, rerun_request
from benchmarks.load_report import by_page, errors, markdown, percentile, summary


def _alert(fmt: int, body: str) -> ForwardMsg:
    msg = ForwardMsg()
    msg.delta.new_element.alert.format = fmt
    msg.delta.new_element.alert.body = body
    return msg


def test_an_exception_element_is_an_error():
    msg = ForwardMsg()
    msg.delta.new_element.exception.type = "KeyError"
    msg.delta.new_element.exception.message = "'force'"
    assert error_in(msg) == "exception: KeyError: 'force'"


def test_an_error_notice_is_an_error_and_other_notices_are_not():
    assert error_in(_alert(Alert.ERROR, "**Something went wrong.** Error id: `ab12cd34`")).startswith("error notice")
    for fmt in (Alert.WARNING, Alert.INFO, Alert.SUCCESS):
        assert error_in(_alert(fmt, "Ignored `force` 'x': not a force.")) is None


def test_page_not_found_and_compile_errors_are_errors():
    missing = ForwardMsg()
    missing.page_not_found.page_name = "nowhere"
    assert error_in(missing) == "page not found: 'nowhere'"
    broken = ForwardMsg()
    broken.script_finished = FINISHED.FINISHED_WITH_COMPILE_ERROR
    assert error_in(broken) is not None
    event = ForwardMsg()
    event.session_event.script_compilation_exception.type = "SyntaxError"
    assert error_in(event).startswith("compile error: SyntaxError")


@pytest.mark.parametrize("status", [FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_EARLY_FOR_RERUN])
def test_an_ordinary_run_end_is_not_an_error(status):
    msg = ForwardMsg()
    msg.script_finished = status
    assert error_in(msg) is None
    text = ForwardMsg()
    text.delta.new_element.markdown.body = "Error rates by force"  # words are not an error
    assert error_in(text) is None


def test_the_request_is_the_one_a_browser_sends_for_an_address():
    msg = BackMsg()
    msg.ParseFromString(rerun_request("compare", "?force=E23000005&offence=rape"))
    assert msg.WhichOneof("type") == "rerun_script"
    assert msg.rerun_script.page_name == "compare"
    assert msg.rerun_script.query_string == "force=E23000005&offence=rape"
    assert msg.rerun_script.page_script_hash == ""


def test_percentile_is_an_observed_value_by_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 0.5) == 50.0
    assert percentile([3.0], 0.95) == 3.0


def test_errors_are_counted_with_where_they_happened_and_reported():
    ok = Visit("compare", "force=E23000005", seconds=1.0, bytes=1000, finished=True)
    bad = Visit("force", "force=X", seconds=2.0, bytes=500, finished=False,
                errors=["error notice: data unavailable", "error notice: data unavailable"])
    found = errors({"loaded": [ok, bad, ok]})
    assert found["count"] == 2 and found["unfinished"] == 1
    assert found["list"] == [{"phase": "loaded", "page": "force", "query": "force=X",
                              "error": "error notice: data unavailable", "times": 2}]
    assert by_page([ok, bad, ok])["compare"]["n"] == 2
    meta = {"date": "d", "sessions": 2, "seconds": 10, "think_seconds": 1, "release": "", "machine": "m",
            "python": "3", "load_average_before": (1, 1, 1), "load_average_after": (1, 1, 1),
            "database": "sqlite", "pages": ["compare", "force"], "states": 2}
    fig = summary(cold=[ok, bad], single=[ok, bad], ten=[ok], loaded=[ok, bad, ok], memory={"x": 1.0}, meta=meta)
    text = markdown(fig)
    assert "6 errors and 3 unfinished runs in all phases" in text  # cold, alone and under load
    assert "- loaded, /force?force=X: error notice: data unavailable (×2)" in text

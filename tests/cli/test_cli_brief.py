"""`rasso brief`: one force's briefing pack as one HTML file, or one line and status 2 and no file."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from cli import app
from db.releases import default_release
from helpers.html_tables import html_tables
from metrics.disclosure import disclosure_threshold
from metrics.periods import year_ending
from queries import release_info
from reports.force_brief import TREND_METRICS
from reports.html import SYNTHETIC_LABEL

runner = CliRunner()


def _brief(engine, *args: str):
    url = engine.url.render_as_string(hide_password=False)
    return runner.invoke(app, ["brief", "--db", url, *args])


def test_writes_the_pack(small_db, tmp_path):
    target = tmp_path / "brief.html"
    result = _brief(small_db, "--force", "E23000036", "--offence", "rape", "--period", "2024-25", "-o", str(target))
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<title>Avon and Somerset: " in text
    assert "All rape, 2024-25 (April 2024 to March 2025), against England and Wales." in text
    # the trends, and the force profile's own charts (at least its outcome mix) and pillar profile
    assert len(re.findall(r"<svg\b", text)) > len(TREND_METRICS)
    assert "Outcomes by Home Office outcome group: Avon and Somerset and England and Wales" in text
    assert "indicators of the National Operating Model pillars" in text
    assert text.count(SYNTHETIC_LABEL) == 2 and "Open Government Licence v3.0" in text
    assert not re.search(r"""(?:src|href)=["']?https?:""", text)
    assert "Wrote the briefing pack of Avon and Somerset" in result.stderr


def test_a_folder_gets_a_file_named_for_its_contents(small_db, tmp_path):
    result = _brief(small_db, "--force", "E23000036", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    rel = default_release(small_db)
    latest = year_ending(release_info(small_db, rel.id).last_quarter).token.lower()
    assert [p.name for p in tmp_path.iterdir()] == [
        f"rasso-briefing-adult-rape-{latest}-e23000036-release-{rel.id}-synthetic.html"]


@pytest.mark.parametrize(("args", "message"), [
    (["--force", "E99999999"], "Unknown force 'E99999999'"),
    (["--force", "E23000036", "--offence", "burglary"], "Unknown offence group 'burglary'"),
    (["--force", "E23000036", "--period", "2009-10"], "--period 2009-10 is outside release"),
    (["--force", "E23000036", "--period", "2024-25 Q1"], "is one quarter"),
    (["--force", "E23000036", "--period", "last year"], "is not a period"),
    (["--force", "E23000036", "--release", "999"], "Release 999 does not exist"),
    (["--force", "BTP"], "has no police force area"),
    (["--force", "E23000036", "--metric", "speed"], "Unknown metric 'speed'"),
    (["--force", "E23000036", "--peer", "No such group"], "Unknown peer set 'No such group'"),
    (["--force", "E23000036", "--grain", "month"], "Grain takes quarter, year, rolling"),
])
def test_a_bad_request_writes_nothing(small_db, tmp_path, args, message):
    target = tmp_path / "brief.html"
    result = _brief(small_db, *args, "-o", str(target))
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_the_pack_prints_no_count_the_public_tier_hides(small_db, tmp_path):
    """The pack is public for everyone: a count from 1 to the threshold less one is ``[c]`` in every
    table it prints, though the force's unprotected figures hold such counts."""
    if small_db.dialect.name != "sqlite":
        pytest.skip("disclosure control is decided above the database: the SQLite run covers it")
    from queries import metric_table

    rel = default_release(small_db)
    info = release_info(small_db, rel.id)
    raw = metric_table(small_db, release_id=rel.id, metric_id="charge_rate", offence_group="adult_rape",
                       area="E23000036", first_quarter=info.first_quarter, last_quarter=info.last_quarter,
                       grain="quarter", tier="restricted")
    small = range(1, disclosure_threshold())
    assert raw["numerator"].is_between(1, disclosure_threshold() - 1).any()  # there is something to hide
    target = tmp_path / "brief.html"
    assert _brief(small_db, "--force", "E23000036", "-o", str(target)).exit_code == 0
    cells = [(header, cell) for table in html_tables(target.read_text(encoding="utf-8"))
             for row in table[1:] for header, cell in zip(table[0], row, strict=False)]
    # counts are whole numbers; rates carry % or a point; interval ends are bounds, not counts
    counts = [(h, int(c.replace(",", ""))) for h, c in cells
              if re.fullmatch(r"\d[\d,]*", c) and not re.search(r"interval|range|lower|upper", h, re.I)]
    assert counts and "[c]" in {c for _, c in cells}
    assert not [(h, n) for h, n in counts if n in small]

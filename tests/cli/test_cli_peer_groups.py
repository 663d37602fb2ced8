"""`rasso ingest peer-groups` through Typer's runner: loads, reports, and refuses a bad file in one line."""

from __future__ import annotations

from typer.testing import CliRunner

from cli import app

runner = CliRunner()
GOOD = "force_code,group_name,peer_code\nE23000036,MSG,E23000039\nE23000039,MSG,E23000036\n"


def test_ingest_peer_groups_loads_lists_and_refuses(db_url, tmp_path):
    good = tmp_path / "msg.csv"
    good.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["ingest", "peer-groups", str(good), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "loaded 1 peer group(s) for 2 force(s) as release" in result.output
    assert "groups: MSG" in result.output
    listing = runner.invoke(app, ["releases", "--db", db_url])
    assert "Peer groups: msg.csv" in listing.output

    bad = tmp_path / "self.csv"
    bad.write_text("force_code,group_name,peer_code\nE23000036,MSG,E23000036\n", encoding="utf-8")
    refused = runner.invoke(app, ["ingest", "peer-groups", str(bad), "--db", db_url])
    assert refused.exit_code == 2
    assert refused.stderr.strip().splitlines()[-1:] == [
        "Error: self.csv, row 2, column 'peer_code', value 'E23000036': a force cannot be its own peer"]

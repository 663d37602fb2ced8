"""The command line against a PostgreSQL server that has stopped: one line saying so, naming
nothing of the deployment (host, port, user, database), and a non-zero exit; never a traceback.
The server is a cluster of the test's own (``pg_cluster``): the shared test database must stay up.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli import app
from helpers.pg_cluster import DATABASE, OWNER

runner = CliRunner()


@pytest.mark.parametrize("command", [
    ("releases",),
    ("export", "metrics", "--metric", "charge_rate", "--force", "all"),
    ("export", "table", "--by", "force,year"),
    ("revisions",),
])
def test_a_stopped_server_gives_one_line_without_the_deployment(pg_cluster, command):
    ready = runner.invoke(app, ["init", "--db", pg_cluster.url])
    assert ready.exit_code == 0, ready.output  # the address works while the server is up
    pg_cluster.stop()
    try:
        result = runner.invoke(app, [*command, "--db", pg_cluster.url])
    finally:
        pg_cluster.start()
    assert result.exit_code == 2, result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: Cannot reach the database:") and "is the server running" in line, line
    for secret in ("127.0.0.1", str(pg_cluster.port), OWNER, DATABASE, "postgresql", "Traceback"):
        assert secret not in result.output, (secret, line)

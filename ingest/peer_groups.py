"""Peer groups a user loads (``rasso ingest peer-groups FILE.csv``), such as HMICFRS most similar groups.

The dashboard cannot derive an official peer group, so it reads one from a file: one row per
force x group x peer (``force_code,group_name,peer_code``). The whole file is checked before a
transaction opens; it is written as one release of its own (source "peer-groups") in one
transaction, so a rejected file or a kill leaves the database as it was. A later file that names
a group replaces that group; groups it does not name are kept (``queries.peers``).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import Engine, insert, select

from db.protection import protect_release
from db.releases import create_release, finish_release, sha256_of
from db.schema import peer_group, release, release_file
from ingest import files
from ingest import reference as ref
from ingest.errors import IngestError
from ingest.headers import normalise_header
from ingest.report import LoadReport

SOURCE = "peer-groups"
COLUMNS = ("force_code", "group_name", "peer_code")
# Peer sets the dashboard computes itself: a loaded group of the same name could not be chosen
# in the address (analysis.url_state), so such a name is refused.
RESERVED = ("region", "nom_phase", "similar")
MAX_NAME = 80


def _text(path: Path) -> str:
    return files.read_text(path)


def _header(path: Path, first: list[str]) -> list[str]:
    header = [normalise_header(h).replace(" ", "_") for h in first]
    for h, raw in zip(header, first, strict=True):
        if h not in COLUMNS:
            raise IngestError(f"unknown column (the columns are {', '.join(COLUMNS)})",
                              file=path, row=1, column=raw)
    if missing := [c for c in COLUMNS if c not in header]:
        raise IngestError(f"missing column(s) {', '.join(missing)}", file=path, row=1)
    if len(set(header)) != len(header):
        raise IngestError("a column appears twice in the header", file=path, row=1)
    return header


def _check_row(path: Path, n: int, rec: dict[str, str], lookups: ref.Lookups) -> None:
    for col in ("force_code", "peer_code"):
        code = rec[col]
        if code not in lookups.force_codes:
            raise IngestError("unknown force code", file=path, row=n, column=col, value=code)
        if code not in lookups.territorial:
            raise IngestError("not a territorial force (it has no area to compare)", file=path,
                              row=n, column=col, value=code)
    name = rec["group_name"]
    if not name:
        raise IngestError("no group name", file=path, row=n, column="group_name")
    if len(name) > MAX_NAME:
        raise IngestError(f"group name longer than {MAX_NAME} characters", file=path, row=n,
                          column="group_name", value=name)
    if name.lower() in RESERVED:
        raise IngestError(f"'{name}' is a peer set the dashboard computes; give the group another name",
                          file=path, row=n, column="group_name", value=name)
    if rec["peer_code"] == rec["force_code"]:
        raise IngestError("a force cannot be its own peer", file=path, row=n, column="peer_code",
                          value=rec["peer_code"])


def parse_peer_groups(path: Path, lookups: ref.Lookups) -> list[dict[str, str]]:
    """Every row of the file, checked; raises IngestError naming the row on the first problem."""
    if path.suffix.lower() != ".csv":
        raise IngestError("a peer-group file is a CSV file", file=path)
    rows = list(csv.reader(io.StringIO(_text(path), newline="")))
    if not rows or not any(c.strip() for c in rows[0]):
        raise IngestError("the file is empty", file=path)
    header = _header(path, rows[0])
    out, seen = [], {}
    for n, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise IngestError(f"{len(cells)} fields where the header has {len(header)}", file=path, row=n)
        rec = dict(zip(header, (c.strip() for c in cells), strict=True))
        rec["force_code"], rec["peer_code"] = rec["force_code"].upper(), rec["peer_code"].upper()
        _check_row(path, n, rec, lookups)
        key = (rec["group_name"], rec["force_code"], rec["peer_code"])
        if key in seen:
            raise IngestError(f"duplicate row: the same group, force and peer are on row {seen[key]}",
                              file=path, row=n)
        seen[key] = n
        out.append(rec)
    if not out:
        raise IngestError("no data rows under the header", file=path)
    return out


def _loaded_before(engine: Engine, path: Path) -> int | None:
    """The peer-group release that already holds this exact file, if any."""
    stmt = (select(release.c.id).join(release_file, release_file.c.release_id == release.c.id)
            .where(release.c.source == SOURCE, release.c.status == "complete",
                   release_file.c.sha256 == sha256_of(path)).order_by(release.c.id.desc()).limit(1))
    with engine.connect() as conn:
        return conn.execute(stmt).scalar()


def load_peer_groups(engine: Engine, paths: list[Path], progress=None) -> LoadReport:
    if len(paths) != 1:
        raise IngestError("load one peer-group file at a time")
    path = paths[0]
    rows = parse_peer_groups(path, ref.read_lookups(engine))
    if (done := _loaded_before(engine, path)) is not None:
        return LoadReport(SOURCE, None, f"already loaded: {path.name} is release {done}; nothing changed")
    groups = sorted({r["group_name"] for r in rows})
    with engine.begin() as conn:
        release_id = create_release(conn, source=SOURCE, label=f"Peer groups: {path.name}", synthetic=False,
                                    files=[path], parameters={"kind": SOURCE, "groups": groups})
        conn.execute(insert(peer_group), [{"release_id": release_id, **r} for r in rows])
        finish_release(conn, release_id, first_quarter=None, last_quarter=None,
                       row_counts={"peer_group": len(rows)})
        protect_release(conn, release_id)  # no counts: a run of 0 cells says it was checked
    forces = len({r["force_code"] for r in rows})
    return LoadReport(SOURCE, release_id,
                      f"loaded {len(groups)} peer group(s) for {forces} force(s) as release {release_id}",
                      rows_read=len(rows), rows_kept=len(rows),
                      notes=[f"groups: {', '.join(groups)}"])

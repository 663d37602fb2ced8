"""No HTML or Markdown from data: a release label, a file name and a peer group name holding
markup are shown as written, on every page that shows them.

Before, a release label built from an ingested file name went through Markdown: a file named
with ``![t](http://…)`` made every page fetch an image. Here a copy of the small release gets a
hostile label, and a loaded peer group a hostile name and file name (set in the database, so the
test does not depend on what the loader accepts); every Markdown source each page writes is
parsed, and none may hold an image, raw HTML or a link to the hostile host.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select, update

from components.page_registry import COMPARE, METHODOLOGY, OVERVIEW
from db.engine import make_engine
from db.reference import FORCES
from db.releases import default_release
from db.schema import peer_group, release, release_file
from helpers.app import assert_clean, open_app, texts
from helpers.markup import markdown_texts, markup_found
from metrics.markup import plain

HOST = "evil.example.org"
LABEL = f"![t](http://{HOST}/t.png) <img src=x onerror=alert(1)> **bold** [go](http://{HOST}) $x$"
GROUP = f"![g](http://{HOST}/g.png)<b>MSG</b>[l](https://{HOST})"  # 80 characters at most
FILE = f"<script>alert(1)</script>[f](http://{HOST}).csv"
AVON = "E23000036"
PEERS = [f.code for f in FORCES if f.name in ("Dorset", "Kent")]


def _hostile_copy(small_db, directory):
    """A copy of the small SQLite release whose labels and peer group carry markup."""
    if small_db.dialect.name != "sqlite":
        pytest.skip("one backend is enough: the labels are read the same way on both")
    target = directory / "hostile.sqlite"
    with sqlite3.connect(small_db.url.database) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    engine = make_engine(f"sqlite:///{target}")
    shown = default_release(engine).id
    with engine.begin() as conn:
        conn.execute(update(release).where(release.c.id == shown).values(label=LABEL))
        group_release = conn.execute(insert(release).values(
            source="peer-groups", label=f"Peer groups: {FILE}", synthetic=False, status="complete",
            created_at=datetime.now(UTC), row_counts="{}", parameters="{}")).inserted_primary_key[0]
        conn.execute(insert(release_file).values(release_id=group_release, file_name=FILE, sha256="0" * 64, bytes=1))
        conn.execute(insert(peer_group), [{"release_id": group_release, "group_name": GROUP, "force_code": AVON,
                                           "peer_code": peer} for peer in PEERS])
        assert conn.execute(select(peer_group.c.group_name).distinct()).scalars().all() == [GROUP]
    return engine


@pytest.mark.parametrize(("page", "params"), [
    (OVERVIEW.file, {}),
    (COMPARE.file, {"force": AVON, "peer": GROUP}),
    (COMPARE.file, {"peer": "<b>x</b>![i](http://evil.example.org/i.png)"}),
    (METHODOLOGY.file, {}),
])
def test_markup_in_data_is_shown_as_written(small_db, tmp_path, monkeypatch, page, params):
    engine = _hostile_copy(small_db, tmp_path)
    try:
        at = open_app(monkeypatch, engine, page)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        assert_clean(at)
        sources = markdown_texts(at)
        assert markup_found(sources, HOST) == []
        # the label is on the page, escaped (not dropped): the release caption says it
        assert any(f"Showing release {default_release(engine).id}: {plain(LABEL)}" in c for c in texts(at, "caption"))
        if params.get("peer") == GROUP:
            assert f"Peer group: {plain(GROUP)} (loaded)" in texts(at, "header")
            assert any(plain(FILE) in s for s in sources)  # where the group came from
        if page == METHODOLOGY.file:
            assert any(plain(GROUP) in c and plain(FILE) in c for c in texts(at, "caption"))
    finally:
        engine.dispose()


def test_the_check_finds_markup(small_db):
    """The check above would fail on the label as it was shown before (unescaped)."""
    assert markup_found([f"Showing release 1: {LABEL}"], HOST)
    assert markup_found([f"Peer group: {GROUP} (loaded)"], HOST)
    assert not markup_found([f"Showing release 1: {plain(LABEL)}"], HOST)

"""The compare page's peer sets (AppTest): `peer=region` (the default) or `peer=nom_phase`, a
selector bound to the address, and a notice for a peer set the data cannot support."""

from __future__ import annotations

from components.chart_block import SUMMARY_PREFIX
from components.page_registry import COMPARE, PAGE_KEYS
from db.reference import FORCES, NOM_PHASES, PATHFINDER
from helpers.app import assert_clean, open_app, texts

PAGE = COMPARE.file
AVON = "E23000036"  # a pathfinder in the South West
PATHFINDERS = {f.name for f in FORCES if NOM_PHASES.get(f.code, ("",))[0] == PATHFINDER}
SOUTH_WEST = {f.name for f in FORCES if f.region == "South West"}


def _peer_table_names(at, title: str) -> set[str]:
    """The forces in the data table of the peer chart titled ``title``."""
    [box] = [e for e in at.expander if e.label == f"Data table: {title}"]
    frame = box.dataframe[0].value
    column = next(c for c in frame.columns if "Avon and Somerset" in set(frame[c]))
    return set(frame[column])


def _open(small_db, monkeypatch, **params):
    """Open the compare page, then put ``params`` in its address (notices show on the page read)."""
    at = open_app(monkeypatch, small_db, PAGE)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _peer_summary(at) -> str:
    found = [t for t in texts(at, "markdown") if t.startswith(SUMMARY_PREFIX)
             and ("Region peers:" in t or "NOM-phase peers:" in t)]
    assert len(found) == 1, found
    return found[0]


def test_compare_reads_and_writes_peer():
    assert "peer" in PAGE_KEYS[COMPARE.url_path]


def test_nom_phase_peers_are_shown_and_differ_from_region_peers(small_db, monkeypatch):
    assert PATHFINDERS != SOUTH_WEST and len(PATHFINDERS) > 2  # the two sets tell apart
    at = open_app(monkeypatch, small_db, PAGE, force=AVON, offence="rape", peer="nom_phase")
    assert_clean(at)
    assert at.radio(key="cmp_peer").value == "nom_phase"
    assert "NOM-phase peers" in texts(at, "header")
    assert "Region peers" not in texts(at, "header")
    title = "Avon and Somerset and the other forces in the pathfinder (2021) phase of the NOM"
    titles = [s for s in texts(at, "subheader") if s.startswith("Avon and Somerset and the other forces")]
    assert titles == [title]
    summary = _peer_summary(at)
    assert "NOM-phase peers:" in summary and "pathfinder (2021)" in summary
    assert _peer_table_names(at, title) == PATHFINDERS  # not the South West
    captions = " ".join(texts(at, "caption") + texts(at, "markdown"))
    assert "NOM-phase peers are the forces that began the National Operating Model" in captions


def test_region_peers_are_the_default(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, PAGE, force=AVON, offence="rape")
    assert_clean(at)
    assert at.radio(key="cmp_peer").value == "region"
    assert "Region peers" in texts(at, "header")
    assert _peer_summary(at).startswith(f"{SUMMARY_PREFIX} Region peers: the other forces of South West")
    assert _peer_table_names(at, "Avon and Somerset and the other forces of South West") == SOUTH_WEST


def test_choosing_a_peer_set_writes_it_to_the_address(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, PAGE, force=AVON, offence="rape")
    at.radio(key="cmp_peer").set_value("nom_phase").run()
    assert_clean(at)
    assert at.query_params["peer"] in ("nom_phase", ["nom_phase"])
    assert "NOM-phase peers" in texts(at, "header")


def test_computed_similar_forces_are_shown_and_labelled_computed(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, PAGE, force=AVON, offence="rape", peer="similar")
    assert_clean(at)
    assert at.radio(key="cmp_peer").value == "similar"
    assert "Similar forces (computed)" in texts(at, "header")
    title = "Avon and Somerset and its most similar forces (computed)"
    names = _peer_table_names(at, title)
    assert len(names) == 6 and "Avon and Somerset" in names  # the force and its 5 nearest
    found = [t for t in texts(at, "markdown") if t.startswith(SUMMARY_PREFIX) and "Similar forces (computed):" in t]
    assert len(found) == 1
    # the test database has no boundaries: the density is left out and the words say so
    assert "population density is not used: no police force area boundaries are loaded" in found[0]


def test_an_unknown_peer_group_gives_a_notice_and_region_peers(small_db, monkeypatch):
    at = _open(small_db, monkeypatch, force=AVON, offence="rape", peer="HMICFRS MSG")
    assert_clean(at)
    notices = [w for w in texts(at, "warning") if w.startswith("Ignored `peer`")]
    assert len(notices) == 1 and "no peer group is loaded" in notices[0]
    assert at.radio(key="cmp_peer").value == "region"
    assert "Region peers" in texts(at, "header")


def test_a_loaded_peer_group_is_offered_and_shown(empty_db, tmp_path, monkeypatch):
    """`rasso ingest peer-groups` loads a group; `peer=<its name>` shows that group's forces, not
    the region's (its peers are in three regions), and says where the group came from."""
    import ingest
    from helpers.testdb import SMALL_CASES, SMALL_LAST_QUARTER, SMALL_SEED
    from sample_data.load import load_sample

    load_sample(empty_db, cases=SMALL_CASES, seed=SMALL_SEED, last_quarter=SMALL_LAST_QUARTER)
    code = {f.name: f.code for f in FORCES}
    group, peers = "MSG West", ["Dorset", "Kent", "Leicestershire"]
    assert len({f.region for f in FORCES if f.name in peers}) == 3  # unlike any built-in set
    path = tmp_path / "groups.csv"
    path.write_text("force_code,group_name,peer_code\n" + "".join(f"{AVON},{group},{code[n]}\n" for n in peers))
    ingest.load(empty_db, "peer-groups", [path])

    at = _open(empty_db, monkeypatch, force=AVON, offence="rape", peer=group)
    assert_clean(at)
    assert not [w for w in texts(at, "warning") if w.startswith("Ignored `peer`")]
    radio = at.radio(key="cmp_peer")
    assert radio.value == group and f"{group} (loaded)" in radio.options  # offered with the others
    assert f"Peer group: {group} (loaded)" in texts(at, "header")
    title = f"Avon and Somerset and its peers in {group} (loaded)"
    assert title in texts(at, "subheader")
    assert _peer_table_names(at, title) == {"Avon and Somerset", *peers}
    found = [t for t in texts(at, "markdown") if t.startswith(SUMMARY_PREFIX) and f"Peer group {group}:" in t]
    assert len(found) == 1 and "loaded from groups.csv" in found[0]

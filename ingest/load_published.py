"""`outcomes` and `prc` loads: check idempotence, parse and validate, then write one snapshot."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from ingest import chain
from ingest import reference as ref
from ingest.published import parse_files
from ingest.report import LoadReport
from metrics.periods import quarter_label

LABELS = {"outcomes": "Home Office crime outcomes open data", "prc": "Home Office recorded crime by force"}


def load_published(engine: Engine, kind: str, paths: list[Path], progress=None) -> LoadReport:
    done = chain.already_loaded(engine, paths, source=chain.PUBLISHED, kind=kind)
    if done is not None:
        return LoadReport(kind, None, f"already loaded as release {done} ({', '.join(p.name for p in paths)} "
                                      "is part of it); nothing changed")
    lookups = ref.read_lookups(engine)
    parsed = parse_files(kind, paths, lookups, progress)
    new = [chain.NewOffence(code, o.description, o.subgroup, ref.age_band_for(o.description), o.expired)
           for code, o in sorted(parsed.offences.items()) if code not in lookups.offences]
    expire = sorted(code for code, o in parsed.offences.items()
                    if o.expired and code in lookups.offences and not lookups.offences[code][3])
    if not new and not expire and (same := chain.holds_already(engine, kind, parsed.facts, parsed.quarters)):
        return LoadReport(kind, None, f"already loaded as release {same} (it holds the same figures for "
                                      "these quarters); nothing changed")
    span = f"{quarter_label(parsed.quarters[0])} to {quarter_label(parsed.quarters[-1])}"
    label = f"{LABELS[kind]}: {', '.join(p.name for p in paths)} ({span})"
    parameters = {"files": parsed.files, "quarters_replaced": parsed.quarters,
                  "dropped": dict(parsed.dropped), "new_offence_codes": [o.code for o in new],
                  "expired_codes_flagged": expire}
    release_id, old, revisions = chain.write_snapshot(
        engine, kind=kind, paths=paths, rows=parsed.facts, label=label, parameters=parameters,
        quarters=parsed.quarters, new_offences=new, expire=expire, progress=progress)
    report = LoadReport(kind, release_id, f"loaded {kind} ({span}) as release {release_id}",
                        rows_read=parsed.rows_read,
                        rows_kept=parsed.rows_read - sum(parsed.dropped.values()),
                        dropped=parsed.dropped, totals_by_year=parsed.totals_by_year,
                        revisions=revisions, superseded=old)
    if new:
        report.notes.append("new offence codes added: " + ", ".join(f"{o.code} ({o.description})" for o in new))
    if expire:
        report.notes.append("offence codes flagged as expired: " + ", ".join(expire))
    missing = parsed.facts.filter(parsed.facts["missing_reason"] == "data not provided").height
    if missing:
        report.notes.append(f"{missing:,} counts marked 'data not provided' (stored as missing, not zero)")
    return report

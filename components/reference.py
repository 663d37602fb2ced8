"""Reference data and files the pages show: NOM milestones, force phases, pillars and the
force management-information template.

Pages may not import ``db`` or ``ingest`` (an import-linter contract), so what they show from
those layers reaches them through here, in one place.
"""

from __future__ import annotations

from db.reference import MILESTONES as MILESTONES
from db.reference import PHASE_LABELS as PHASE_LABELS
from db.reference import PILLARS as PILLARS


def indicator_template() -> str | None:
    """The force MI template (CSV text), or None when this build has no loader for force MI."""
    try:
        from ingest import indicator_template_csv
    except ImportError:  # the loader for force MI is not installed in this build
        return None
    return indicator_template_csv()

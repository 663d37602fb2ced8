"""``scipy.stats`` costs about 0.7 s to import, once most of the dashboard's start-up (issue 14):
the statistics layer imports it where a function first needs it, so importing the dashboard's
modules does not load it, and the functions still work after such an import."""

from __future__ import annotations

import subprocess
import sys

from helpers.paths import ROOT

CODE = """
import sys
import analysis.url_state, components.context, components.controls, metrics.stats
assert 'scipy.stats' not in sys.modules, 'scipy.stats was imported at start-up'
from metrics import stats
low, high = stats.poisson_exact(10)
assert 'scipy.stats' in sys.modules
print(round(low, 3), round(high, 3))
"""


def test_scipy_stats_is_imported_on_first_use_only():
    done = subprocess.run([sys.executable, "-c", CODE], cwd=ROOT, capture_output=True, text=True, timeout=120,  # noqa: S603 - this Python and constant code
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["4.795", "18.39"]  # exact Poisson 95% interval of 10 (Garwood)

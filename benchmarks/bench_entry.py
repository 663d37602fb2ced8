"""AppTest's entry script for the benchmark: runs ``dashboard.py`` as ``streamlit run`` does.

It sits where no ``pages/`` folder is beside it, so AppTest sees the app as a server does after
its first request (as ``tests/helpers/app_entry.py`` does for the tests).
"""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parents[1] / "dashboard.py"), run_name="__main__")

"""AppTest's entry script: runs ``dashboard.py`` as ``streamlit run dashboard.py`` does.

AppTest starts every run as a fresh server would: with a ``pages/`` folder beside the script it
runs, Streamlit 1.67 is in its legacy multipage mode, and ``switch_page`` runs the page file
alone (the page then reroutes through ``dashboard.py``: ``components.context.get_context``).
Run from here, where no ``pages/`` folder is beside the script, AppTest sees the app as a
server does after its first request. Pages are named by absolute path
(``components.page_registry``), so they resolve from this folder too.
"""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parents[2] / "dashboard.py"), run_name="__main__")

"""The one exception type for a request the product cannot answer as asked.

Why one type: an unknown metric, offence group, period, force, grain, tier, basis or output
format, or an unusable disclosure threshold, is a mistake a user can fix, and every caller (the
command line's one-line handler, a page) must be able to catch all of them without listing each.
The more specific types (``PeriodError``, ``UnknownMetric``...) subclass it and keep their old
base (``ValueError`` or ``KeyError``), so code that caught those still works. It lives here, in
the lowest layer that raises one; ``queries.QueryError`` is the same class.
"""

from __future__ import annotations


class QueryError(ValueError):
    """A request the data cannot answer, worded for a user as one line."""

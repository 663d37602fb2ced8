"""One error type for every rejected file, rendered as one line a user can act on.

The command line prints ``str(error)`` and exits non-zero, so the message must carry where the
problem is (file, sheet, row, column, value) and what is wrong, without a traceback.
"""

from __future__ import annotations

from pathlib import Path


class IngestError(ValueError):
    """A file was rejected; nothing was written."""

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.problem = problem
        self.file = Path(file).name if file is not None else None
        self.sheet = sheet
        self.row = row
        self.column = column
        self.value = value
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.sheet:
            where.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        if self.value is not None:
            text = str(self.value)
            where.append(f"value '{text[:60]}{'…' if len(text) > 60 else ''}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.problem}" if prefix else self.problem

"""Named errors and warnings raised by vizlib."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["DataError", "ExportError", "Problem", "StaleDataWarning"]

__all__ = ["Problem", "DataError", "NothingToDraw", "StaleDataWarning", "ExportError"]


@dataclass(frozen=True)
class Problem:
    """One broken rule in one place of one data file.

    Attributes
    ----------
    file : str
        File name (or ``<DataFrame>`` for in-memory input).
    row : int or None
        Line number in a CSV file (the header is line 1), feature number
        (1-based) in a GeoJSON file, or None when the whole file is at fault.
    field : str
        Column or property name, or a short word such as ``file``.
    message : str
        The rule that was broken, in plain words.
    """

    file: str
    row: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        return f"{where}: {self.field}: {self.message}"


class DataError(ValueError):
    """A data file or DataFrame breaks one or more rules.

    ``str(error)`` has one line per problem, ``file:row: field: message``;
    the problems are also available as :attr:`problems`.
    """

    def __init__(self, problems: list[Problem]):
        if not problems:
            raise ValueError("DataError needs at least one problem")
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class NothingToDraw(DataError):
    """The data hold nothing a figure can draw as of its date.

    A chart asked for a date before its first claim, or a map drawn from control layers
    that are not to be had (before the archive's first day, or offline with nothing
    cached). ``vizlib figures`` skips such a figure and says why in one line.
    """


class StaleDataWarning(UserWarning):
    """A layer drawn on a figure is older than the figure's as-of date."""


class ExportError(RuntimeError):
    """An export could not be done, in whole or in part.

    Raised for a figure without vizlib metadata, an unwritable folder, no usable
    browser, a figure that failed to render or write, or a browser that ran out of
    time or stopped. ``str(error)`` is one line: what failed, and what to do.

    Attributes
    ----------
    written : dict of str to list of pathlib.Path
        The files written for each figure exported before or despite the failure,
        in batch order; empty when nothing was written. Each figure's files are
        whole: they appear together or not at all.
    failed : dict of str to str
        Figure name -> one-line reason, for every figure of the batch that was not
        exported (including those the batch never reached after the browser failed).
    timeout : {"start", "image"} or None
        What ran out of time: the browser's start-up (``"start"``) or one image
        (``"image"``); None when no time limit was hit.
    seconds : float or None
        The time limit that was hit, in seconds; None when none was hit.
    """

    written: dict[str, list[Path]]
    failed: dict[str, str]
    timeout: str | None
    seconds: float | None

    def __init__(
        self,
        message: str,
        *,
        written: dict[str, list[Path]] | None = None,
        failed: dict[str, str] | None = None,
        timeout: str | None = None,
        seconds: float | None = None,
    ):
        super().__init__(message)
        self.written = dict(written or {})
        self.failed = dict(failed or {})
        self.timeout = timeout
        self.seconds = seconds

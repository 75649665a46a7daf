"""The progress line of long exports: ``Writing… 42%`` on stderr, rewritten in place."""
from __future__ import annotations

import sys

from models.core.i18n import _


class ProgressLine:
    """``progress(done, total)`` for the report writers; never cancels (Ctrl-C does)."""

    def __init__(self, stream=None, *, text: str = "") -> None:  # noqa: ANN001
        self.stream = stream or sys.stderr
        self.shown = -1
        self.text = text  # translated, with {percent}; "Writing… {percent}%" by default

    def __call__(self, done: int, total: int) -> bool:
        percent = 100 * done // max(total, 1)
        if percent != self.shown:
            self.shown = percent
            self.stream.write("\r" + (self.text or _("Writing… {percent}%")).format(
                percent=percent))
            self.stream.flush()
        return True

    def finish(self) -> None:
        if self.shown >= 0:
            self.stream.write("\n")
            self.stream.flush()


def write_with_progress(write, wrote: str) -> int:  # noqa: ANN001
    """Run ``write(progress)`` (an export from ``desktop.exporting``) with a progress line;
    Ctrl-C leaves no file (exit 130). ``wrote`` is the translated line said afterwards, with
    the export's ``{file}``, ``{entries}``, ``{start}`` and ``{end}``."""
    line = ProgressLine()
    try:
        done = write(line)
    except KeyboardInterrupt:
        line.finish()
        print(_("Cancelled: no file was written."))
        return 130
    line.finish()
    print(wrote.format(file=done.path, entries=done.entries, start=done.start.isoformat(),
                       end=done.end.isoformat()))
    print(_("SHA-256 {sha256} (written to the audit log).").format(sha256=done.sha256))
    return 0

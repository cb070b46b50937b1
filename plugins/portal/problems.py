"""Content problems found during a build: one line each, file, field and fix.

Dev builds log them as warnings and carry on; strict (publish) builds log
them as errors and stop before anything is written.  The list lives in the
build's context, so the dev server starts each rebuild with an empty one.
"""

import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)
# Pelican's loggers (pelican.log.LimitLogger) drop a message they have
# already logged in this process, so the dev server's next build would hide
# a problem the editor has not fixed yet: this one says every problem of
# every build (LimitLogger's own public switch).
if hasattr(log, "disable_filter"):
    log.disable_filter()

CONTEXT_KEY = "PORTAL_PROBLEMS"


@dataclass(frozen=True)
class Problem:
    path: str
    field: str
    message: str
    fix: str = ""
    error: bool = True
    line: int = 0  # 0: the file as a whole

    def __str__(self):
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.field}: {self.message}"
        return f"{text} — {self.fix}" if self.fix else text


class StrictBuildFailed(SystemExit):
    """Stops a strict build cleanly (exit status 1, no traceback).

    A SystemExit, not an Exception: Pelican's command line prints a traceback
    for exceptions, and the messages above already say everything.
    """

    def __init__(self, count: int):
        super().__init__(1)
        self.count = count

    def __str__(self):
        return f"{self.count} lỗi nội dung: bản dựng chính thức dừng lại"


def report(context: dict, problem: Problem) -> None:
    """Log ``problem`` (error when strict, else warning) and remember it."""
    context.setdefault(CONTEXT_KEY, []).append(problem)
    strict = context.get("PORTAL_STRICT", False)
    level = logging.ERROR if problem.error and strict else logging.WARNING
    log.log(level, "%s", problem)


def stop_if_strict(context: dict) -> None:
    """In a strict build, stop when any error was reported."""
    errors = [p for p in context.get(CONTEXT_KEY, []) if p.error]
    if errors and context.get("PORTAL_STRICT", False):
        log.error("Có %d lỗi nội dung; sửa các lỗi ở trên rồi dựng lại.", len(errors))
        raise StrictBuildFailed(len(errors))

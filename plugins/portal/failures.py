"""Files Pelican could not read or skipped, as problems in Vietnamese.

Pelican logs a file it cannot read ("Could not process X", the reason only
with ``--debug``) or skips ("Skipping X: ...") in English and carries on;
the build would then exit 0 without that report.  :class:`Failures` is a
``logging.Filter`` on Pelican's own loggers (the standard library's public
API): it keeps each such file and its reason, and holds back the English
line, which the portal reports instead, in Vietnamese and counted as an
error, so a strict build stops.  With ``--debug`` Pelican's line and its
traceback are let through as well.
"""

import logging
import os
import sys

# Pelican's loggers whose errors name a file that is then left out.
LOGGERS = ("pelican.generators", "pelican.contents", "pelican.readers")

_SKIPPED = {
    "could not find information about": "thiếu trường bắt buộc",
    "would be written outside output path": (
        "địa chỉ của bài ra ngoài thư mục output (sửa dòng Slug)"
    ),
    "Unknown status": "giá trị Status không hợp lệ",
}


class Failures(logging.Filter):
    """Collects (source path, reason) of every file Pelican failed on."""

    def __init__(self):
        super().__init__("portal.failures")
        self.files: list[tuple[str, str]] = []
        self.others: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR:
            return True
        msg = str(record.msg)
        if msg.startswith("Could not process"):
            # Logged from Pelican's ``except`` block: the exception is the
            # one being handled right now.
            error = sys.exc_info()[1]
            reason = (str(error) or type(error).__name__) if error else ""
            self.files.append((str(record.args[0]), reason))
        elif msg.startswith("Skipping") or msg.startswith("Unknown status"):
            source = record.args[1] if msg.startswith("Unknown") else record.args[0]
            reason = next((v for k, v in _SKIPPED.items() if k in msg), "")
            self.files.append((str(source), reason or record.getMessage()))
        else:
            self.others.append(record.getMessage())
            return True
        return bool(record.exc_info)  # --debug: Pelican's traceback too


def install() -> Failures:
    """A fresh :class:`Failures` on Pelican's loggers (an earlier one, left
    by a build that stopped, is taken off first)."""
    uninstall()
    failures = Failures()
    for name in LOGGERS:
        logging.getLogger(name).addFilter(failures)
    return failures


def installed() -> Failures | None:
    for f in logging.getLogger(LOGGERS[0]).filters:
        if isinstance(f, Failures):
            return f
    return None


def uninstall(*_) -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for f in [f for f in logger.filters if isinstance(f, Failures)]:
            logger.removeFilter(f)


def editor_path(source: str, content_dir: str) -> str:
    """``content/tin-tuc/a.md`` for an absolute or content-relative path."""
    label = os.path.basename(os.path.normpath(content_dir))
    full = os.path.join(content_dir, source)
    return f"{label}/{os.path.relpath(full, content_dir).replace(os.sep, '/')}"

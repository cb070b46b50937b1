"""``python -m buildspeed``: Pelican's command line, without Python's
clean-up at exit (``make html`` uses it).

Without ``--autoreload`` the process builds once, so the writer does not
key pages for a next build (``buildspeed.ONE_SHOT``): the site fingerprint
and ~15,500 page keys at 10,000 reports, ~0.5 s that no build would use.

A build of 10,000 reports leaves ~2 million objects (270 MiB) that Python
frees one by one when it shuts down: ~1 s on one core after the last file
is written.  Once Pelican has returned normally there is nothing left but
to flush what was printed, so the process ends there (``os._exit``).  An
error or an interruption still goes through Python's normal exit: the
exit code, the ``atexit`` handlers, child processes stopped.
"""

import logging
import os
import sys

from pelican import main, parse_arguments

import buildspeed


def one_shot(argv: list[str] | None = None) -> bool:
    """The command builds once (no ``-r``/``--autoreload``)."""
    return not parse_arguments(argv).autoreload


def run(argv: list[str] | None = None) -> None:
    buildspeed.ONE_SHOT = one_shot(argv)
    main(argv)  # raises SystemExit on an error
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    run()

"""Award sentences parsed while Pelican is still reading the reports.

Pelican reads the reports in one process; once the Markdown is converted
(``safe_markdown``) the other cores idle until every report is read (~4 s
at 10,000).  The parse is a pure function of a report's body, known as
soon as the report is read, so :class:`ParseAhead` hands the bodies read
so far, a batch at a time, to forked processes (two at once): each
inherits them (nothing is sent but the tallies coming back) and parses
them on a free core.
Whatever is not parsed ahead (the last, short batch; a body changed after
reading) is parsed as before, so the tallies do not depend on it: they are
keyed by the digest of the body they were parsed from.
"""

import gc
import multiprocessing

from buildspeed.rebuild import text_digest

from .parser import Tally, parse_awards
from .summary import plain_text

# Bodies a process parses (~0.27 s of work): one fork of the reading
# process (~20 ms) for each.
BATCH = 1000
# Batches parsed at once.  Pelican reads the last reports, converted ahead
# by safe_markdown, faster than one process parses them: with one batch at
# a time, 2,700-4,000 of 10,000 bodies were still unparsed at the end of
# the reading; with two, none (the converter's core is free by then).
AT_ONCE = 2


def parse_body(body: str) -> Tally:
    """The tally of a report's body (HTML; pure)."""
    return parse_awards(plain_text(body))


def parse_bodies(bodies: list[str]) -> list[tuple[str, Tally]]:
    """(body digest, tally) of each body, in order (pure)."""
    return [(text_digest(body), parse_body(body)) for body in bodies]


def _parse_batch(bodies: list[str], out) -> None:
    gc.freeze()  # inherited objects are only read: do not copy them to scan
    with out:
        out.send(parse_bodies(bodies))


class ParseAhead:
    """Bodies collected as Pelican reads them, parsed a batch at a time in
    forked processes, at most ``at_once`` batches at a time."""

    def __init__(self, batch: int = BATCH, at_once: int = AT_ONCE):
        self.batch = batch
        self.at_once = at_once
        self.pending: list[str] = []
        self.parsed: dict[str, Tally] = {}
        self._running = []  # (process, pipe, bodies) of each batch being parsed

    def add(self, body: str) -> None:
        self.pending.append(body)
        if len(self.pending) < self.batch:
            return  # nothing to start: finished batches wait to be collected
        for running in list(self._running):
            self._collect(running, block=False)
        if len(self._running) < self.at_once:
            self._start()

    def _start(self) -> None:
        if "fork" not in multiprocessing.get_all_start_methods():
            return
        ctx = multiprocessing.get_context("fork")
        bodies, self.pending = self.pending, []
        receive, send = ctx.Pipe(duplex=False)
        process = ctx.Process(target=_parse_batch, args=(bodies, send), daemon=True)
        process.start()
        send.close()
        self._running.append((process, receive, bodies))

    def _collect(self, running, block: bool) -> None:
        process, receive, bodies = running
        if not block and not receive.poll():
            return
        try:
            found = receive.recv()
        except (EOFError, OSError):  # it died: count_awards parses its bodies
            found = []
        for body, (digest, tally) in zip(bodies, found, strict=False):
            # count_awards looks each body up by digest: not hashed again here
            text_digest.remember(body, digest)
            self.parsed[digest] = tally
        receive.close()
        process.join()
        self._running.remove(running)

    def finish(self) -> dict[str, Tally]:
        """Wait for the batches being parsed; the tallies found so far (the
        bodies still pending are left to the caller)."""
        for running in list(self._running):
            self._collect(running, block=True)
        return self.parsed

"""Award sentences parsed while Pelican is still reading the reports.

The parse is a pure function of a report's body, known as soon as the
report is read, so :class:`ParseAhead` hands the bodies read so far, a
batch at a time, to forked processes: each inherits them (nothing is sent
but the tallies coming back) and parses them beside the reading.  A batch
is an eighth of the site's reports, from 64 to 1,000: a fork costs
Pelican's process ~3-10 ms, and the last batch is what is left to wait
for.

When the reading ends, the last bodies go to one more process, and
Pelican's process parses the end of every batch still running, from its
last body back, while the batch's process goes on from its first: they
meet (each body is claimed once, by a flag in shared memory), and the
tallies are there sooner than either would have them alone.

Whatever is not parsed ahead (a rebuild's few bodies; a body changed after
reading; a batch whose process died) is parsed by ``count_awards`` as
before, so the tallies do not depend on it: they are keyed by the digest of
the body they were parsed from.
"""

import gc
import multiprocessing

from buildspeed.rebuild import text_digest

from .parser import Tally, parse_awards
from .summary import plain_text

# Bodies a process parses at most (~0.3 s of work).
BATCH = 1000
# ... and at least, but for the last batch.
MIN_BATCH = 64
# Last bodies worth a fork of their own (half of them parsed there, ~0.15 ms
# a body saved, against a fork that costs more the more has been read): half
# a batch, and at least this many; fewer are parsed in Pelican's process.
MIN_LAST = 32
# Bodies a build can hand to batches: one claim flag each in shared memory.
MAX_BODIES = 1 << 18
# Seconds to wait for the claim lock before giving up on parsing ahead.
LOCK_WAIT = 10


def batch_for(reports: int) -> int:
    """Bodies a batch holds for a site of ``reports`` reports to read."""
    return max(MIN_BATCH, min(BATCH, reports // 8))


def parse_body(body: str) -> Tally:
    """The tally of a report's body (HTML; pure)."""
    return parse_awards(plain_text(body))


def _claim(claims, lock, number: int) -> bool:
    """Claim body ``number`` for this process; False if it was taken.  The
    lock is held for a flag's test and set only; one not given back within
    ``LOCK_WAIT`` seconds (a process killed holding it) raises TimeoutError:
    whatever is unparsed then is left to count_awards."""
    if not lock.acquire(timeout=LOCK_WAIT):
        raise TimeoutError("awards: claim lock not released")
    try:
        if claims[number]:
            return False
        claims[number] = 1
        return True
    finally:
        lock.release()


def _parse_batch(bodies: list[str], first: int, claims, lock, out) -> None:
    """In a forked process: parse the bodies numbered from ``first`` that
    nobody has claimed, in order; send back (number, digest, tally) each."""
    gc.freeze()  # inherited objects are only read: do not copy them to scan
    found = []
    with out:
        for number, body in enumerate(bodies, first):
            if _claim(claims, lock, number):
                found.append((number, text_digest(body), parse_body(body)))
        out.send(found)


class ParseAhead:
    """Bodies collected as Pelican reads them, parsed a batch at a time in
    forked processes (as many at once as the reading makes: it reads the
    last reports, converted ahead by safe_markdown, faster than a process
    parses them); :meth:`finish` parses the rest beside them and gives the
    tallies."""

    def __init__(self, batch: int = BATCH, last: int | None = None):
        self.batch = max(1, batch)
        self.last = max(MIN_LAST, self.batch // 2) if last is None else last
        self.parsed: dict[str, Tally] = {}
        self._bodies: list[str] = []  # every body added, by number
        self._sent = 0  # bodies[:sent] went to batches
        self._running = []  # (process, pipe, first, end) of each batch
        self._claims = self._lock = None

    @property
    def pending(self) -> list[str]:
        """Bodies read and not handed to a batch yet."""
        return self._bodies[self._sent :]

    def add(self, body: str) -> None:
        self._bodies.append(body)
        if len(self._bodies) - self._sent < self.batch:
            return
        for running in list(self._running):
            self._collect(running, block=False)
        self._start()

    def _start(self) -> bool:
        """Fork a process for the pending bodies; False if none can be."""
        end = len(self._bodies)
        if "fork" not in multiprocessing.get_all_start_methods() or end > MAX_BODIES:
            return False
        ctx = multiprocessing.get_context("fork")
        if self._claims is None:
            self._claims = ctx.RawArray("b", MAX_BODIES)
            self._lock = ctx.Lock()
        first, self._sent = self._sent, end
        receive, send = ctx.Pipe(duplex=False)
        process = ctx.Process(
            target=_parse_batch,
            args=(self._bodies[first:end], first, self._claims, self._lock, send),
            daemon=True,
        )
        process.start()
        send.close()
        self._running.append((process, receive, first, end))
        return True

    def _found(self, number: int, digest: str, tally: Tally) -> None:
        # count_awards looks each body up by digest: not hashed again here
        text_digest.remember(self._bodies[number], digest)
        self.parsed[digest] = tally

    def _parse_here(self, number: int) -> None:
        body = self._bodies[number]
        self._found(number, text_digest(body), parse_body(body))

    def _collect(self, running, block: bool) -> None:
        process, receive, _, _ = running
        if not block and not receive.poll():
            return
        try:
            found = receive.recv()
        except (EOFError, OSError):  # it died: count_awards parses its bodies
            found = []
        for number, digest, tally in found:
            self._found(number, digest, tally)
        receive.close()
        process.join()
        self._running.remove(running)

    def finish(self) -> dict[str, Tally]:
        """The tallies of the bodies added: the last ones go to a process of
        their own (or are parsed here, if few), and the end of every batch
        still running is parsed here, from its last body back, until it
        meets the batch's process; then every batch is collected.  Bodies
        of a batch whose process died are left to the caller."""
        left = len(self._bodies) - self._sent
        if left and (left < self.last or not self._start()):
            for number in range(self._sent, len(self._bodies)):
                self._parse_here(number)
        try:
            for _, _, first, end in reversed(self._running):
                for number in range(end - 1, first - 1, -1):
                    if not _claim(self._claims, self._lock, number):
                        break  # its process has it, and every body before it
                    self._parse_here(number)
        except TimeoutError:  # the batches' own tallies still come back
            pass
        for running in list(self._running):
            self._collect(running, block=True)
        self._bodies, self._sent = [], 0
        return self.parsed

    def close(self) -> None:
        """Stop the batches (a build that failed leaves them running)."""
        for process, receive, _, _ in self._running:
            receive.close()
            process.terminate()
            process.join()
        self._running = []
        self._bodies, self._sent = [], 0

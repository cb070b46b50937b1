"""Search with Pagefind's index (PyPI ``pagefind[bin]``), built in every build.

As soon as the articles are read, a forked process cuts them into shards
and indexes each in a forked child that builds one small record per
article (:mod:`search.records`: headline, date, ward/year/topic filters,
body, byline, and the đ-words written with d from :mod:`search.fold`),
reads them as Pagefind's indexer would and writes Pagefind's files
(:mod:`search.fossick`, :mod:`search.bundle`; Pagefind's binary for
``SEARCH_INDEXER = "pagefind"``, another Pagefind version, or a shard with
emoji), while Pelican renders and writes the pages on its own cores; a
fresh Python process (:func:`search.merge.main`) joins the shards into one
index.  The index is made byte-stable (:mod:`search.stable`) and, at the
end of the build, swapped in whole.  When the records are those of the
index already in the output, nothing runs.  ``SEARCH_INDEX = False`` skips it;
``SEARCH_INDEX_ON_REBUILD = False`` keeps the first build's index through
the dev server's rebuilds.
"""

import atexit
import collections
import functools
import gc
import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from importlib import import_module
from importlib.metadata import version
from pathlib import Path

from pagefind.service import get_executable
from pelican import signals

from . import shardcache
from .bundle import SUPPORTED, assets, write_bundle, write_shard
from .fossick import INCLUDE_CHARACTERS, exotic
from .merge import COMPRESSION
from .records import add_to_digest, address, records, records_read, write_records
from .stable import stabilise

log = logging.getLogger(__name__)
PAGEFIND = version("pagefind")
_RUNNING: dict[str, dict] = {}  # output folder -> the indexing job
KEPT = -1  # the job's code when the output already holds this index
# Reports per Pagefind run: each run holds ~0.3 MiB a report (260 MiB here).
SHARD_SIZE = 800


def _wanted(settings) -> bool:
    """Index on a Pelican's first build; its later ones (the dev server
    reuses one Pelican) only with ``SEARCH_INDEX_ON_REBUILD``."""
    if not settings.get("SEARCH_INDEX", True):
        return False
    runs = settings["_SEARCH_BUILDS"] = settings.get("_SEARCH_BUILDS", 0) + 1
    return runs == 1 or settings.get("SEARCH_INDEX_ON_REBUILD", True)


def _key_file(settings) -> Path:
    """Where the digest of the records behind OUTPUT's index is kept."""
    output = os.path.abspath(settings["OUTPUT_PATH"])
    name = hashlib.blake2b(output.encode(), digest_size=8).hexdigest()
    return Path(settings.get("CACHE_PATH", "cache")) / "search" / f"{name}.json"


def _in_place(settings, key: str) -> bool:
    """The output already holds the index of exactly these records."""
    entry = Path(settings["OUTPUT_PATH"]) / "pagefind" / "pagefind-entry.json"
    try:
        known = json.loads(_key_file(settings).read_text(encoding="utf-8"))
        return known == {"records": key, "entry": entry.read_text(encoding="utf-8")}
    except (OSError, ValueError):
        return False


def _scratch() -> str | None:
    """Memory-backed scratch space where there is one (Linux): ten thousand
    small records are written and read once, and disk journaling, not
    their few dozen MB, is what they would cost."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


@functools.cache
def _pagefind() -> list[str]:
    """Pagefind's binary (``pagefind[bin]``, or ``PAGEFIND_BINARY_PATH``),
    run directly: ``python -m pagefind`` only looks it up and execs it,
    ~0.06 s of CPU a run for the Python start-up."""
    binary = get_executable()
    return [str(binary)] if binary else [sys.executable, "-m", "pagefind"]


def pagefind_command(site: Path, bundle: Path) -> list[str]:
    """Pagefind indexing the pages in ``site`` into the bundle ``bundle``."""
    return [
        *_pagefind(),
        "--site",
        str(site),
        "--output-path",
        str(bundle),
        "--silent",
    ]


def _spawn(command: list[str], log: Path, running: list, **popen) -> subprocess.Popen:
    """Start ``command`` with what it says going to ``log``."""
    with open(log, "w", encoding="utf-8") as out:
        run = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, **popen)
    running.append(run)
    return run


def _wait(run: subprocess.Popen, log: Path, running: list) -> tuple[int, str]:
    """(exit code, the end of what it said)."""
    code = run.wait()
    running.remove(run)
    try:
        said = log.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:  # a forked indexer that had nothing to say
        said = ""
    return code, said.strip()[-2000:]


def _start(site: Path, bundle: Path, running: list) -> subprocess.Popen:
    """Start Pagefind on the records in ``site``."""
    return _spawn(pagefind_command(site, bundle), site.with_suffix(".log"), running)


def _finish(run: subprocess.Popen, site: Path, running: list) -> tuple[int, str]:
    """Wait for Pagefind and remove its records."""
    result = _wait(run, site.with_suffix(".log"), running)
    shutil.rmtree(site, ignore_errors=True)
    return result


def _own_index(settings) -> bool:
    """Write the index with :mod:`search.bundle` (``SEARCH_INDEXER =
    "portal"``, the default) rather than run Pagefind's binary
    (``"pagefind"``): the same files for a fraction of the CPU, for the
    Pagefind versions it is tested against."""
    indexer = settings.get("SEARCH_INDEXER", "portal")
    if indexer not in ("portal", "pagefind"):
        log.warning(
            "SEARCH_INDEXER = %r: chỉ nhận 'portal' hoặc 'pagefind'; dùng 'portal'",
            indexer,
        )
    if indexer == "pagefind":
        return False
    if PAGEFIND not in SUPPORTED:
        log.info(
            "Pagefind %s: chỉ mục do Pagefind viết (search.bundle viết theo bản %s)",
            PAGEFIND,
            ", ".join(sorted(SUPPORTED)),
        )
        return False
    return True


class _Forked:
    """``function(*args)`` in a forked child, waited for like a Popen.
    (os.fork: the indexing process is a daemon, which multiprocessing does
    not let have children.)  What it raises goes to ``log``.

    With ``gate``, the child waits for a byte on that pipe before it starts
    (forked ahead, it starts the moment the one before it is done, not when
    this process has seen that and forked it: ~30 ms a shard, of forking a
    copy of Pelican's pages and of the last child's exit).  Once done, it
    writes a byte to its own ``release`` pipe (``release[0]`` is the gate
    of the child forked after it)."""

    def __init__(self, log: Path, function, *args, gate: int | None = None):
        self.returncode = None
        self.release = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child
            code = 1
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                if gate is not None:
                    os.read(gate, 1)
                function(*args)
                code = 0
            except BaseException as error:
                log.write_text(f"{type(error).__name__}: {error}", encoding="utf-8")
            finally:
                os.write(self.release[1], b"\0")
                os._exit(code)

    def open(self) -> None:
        """Let the child forked after this one start (again: harmless)."""
        os.write(self.release[1], b"\0")

    def close(self) -> None:
        for end in self.release:
            os.close(end)

    def poll(self):
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self):
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def kill(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# A forked indexer's exit code when a record holds text only Pagefind's
# binary indexes as it does (search.fossick.exotic): the shard goes to it.
TO_PAGEFIND = 3


def _shard_digest(found) -> bytes:
    """The digest of one shard's records (the index's key is made of its
    shards' digests, in order)."""
    digest = hashlib.blake2b(digest_size=16)
    add_to_digest(digest, found)
    return digest.digest()


def _index_shard(
    found,
    group,
    digest: Path,
    target: Path,
    scripts: Path | None,
    joined: bool,
    kept: Path | None = None,
) -> None:
    """In a forked child: the bundle of one shard's records, as Pagefind
    would write it, or, for a shard to be joined, its fragments and its
    words ready for the joining process.  Without ``found``, the child
    makes the records of the articles in ``group`` itself (the indexing
    process then forks it at once).  The records' digest goes to
    ``digest``.  With ``kept`` (the shard cache's folder,
    :mod:`search.shardcache`), a joined shard is looked up there and, if
    it is not kept yet, written there rather than into ``target``; the
    name it is kept under then goes beside ``digest`` (``.kept``)."""
    gc.disable()  # short-lived: no cycles to look for, memory freed on exit
    read = None
    if found is None:
        found, read = records_read(group)
    shard_digest = _shard_digest(found)
    digest.write_bytes(shard_digest)
    digest.with_suffix(".kept").unlink(missing_ok=True)  # an earlier try's
    entry = None
    if joined and kept is not None:
        entry = shardcache.name(shard_digest, PAGEFIND, scripts is not None)
        if shardcache.lookup(kept, entry) is not None:
            digest.with_suffix(".kept").write_text(entry, encoding="utf-8")
            return
    if any(exotic(text) for _, text in found):
        os._exit(TO_PAGEFIND)
    if joined:

        def write(out: Path) -> None:
            write_shard(found, out, PAGEFIND, list(INCLUDE_CHARACTERS), scripts, read)

        if entry is None or shardcache.store(kept, entry, write) is None:
            write(target)
        else:
            digest.with_suffix(".kept").write_text(entry, encoding="utf-8")
    else:
        write_bundle(
            found,
            target,
            PAGEFIND,
            list(INCLUDE_CHARACTERS),
            scripts,
            index_level=COMPRESSION,
        )


def _shards(bundle: Path) -> Path:
    """Where the shards' bundles are made: beside ``bundle``, on the same
    file system, so that joining them moves their files by renaming."""
    return bundle.with_name(bundle.name + ".shards")


def _index(articles, settings, work: Path, bundle: Path, spare=None) -> None:
    """In a forked process: the records, and their index unless the output
    already holds it.  The outcome goes to work/result.json.
    ``spare`` is set once Pelican only waits for it (a core is free)."""
    gc.freeze()  # only reads the parent's objects: no copying them to scan
    running = []

    def stop(signum, frame):  # the build ended early: the indexers go too
        for process in running:
            process.kill()
        os._exit(1)

    signal.signal(signal.SIGTERM, stop)
    result = {"code": 0, "message": "", "key": ""}
    try:
        ordered = sorted(articles, key=address)  # Pagefind numbers pages so
        groups = _groups(ordered, settings.get("SEARCH_SHARD_SIZE", SHARD_SIZE))
        key = hashlib.blake2b(digest_size=16)
        built = None
        if _key_file(settings).exists():  # the output may hold this very index
            built = [records(group) for group in groups]
            for found in built:
                key.update(_shard_digest(found))
            result["key"] = f"{key.hexdigest()}-{PAGEFIND}"
            if _in_place(settings, result["key"]):
                result["code"] = KEPT
        if result["code"] != KEPT:
            scripts = kept = None
            cache = Path(settings.get("CACHE_PATH", "cache")) / "search"
            if _own_index(settings):
                scripts = assets(_pagefind(), cache, PAGEFIND)
                import_module(".wordindex", __name__)  # NumPy, shared by shards
                if settings.get("SEARCH_CACHE", True):
                    kept = cache / "shards"
            used: set[str] = set()
            start = key.copy()
            code, message = _index_shards(
                groups or [[]],
                built,
                key,
                work,
                bundle,
                running,
                spare,
                scripts,
                kept,
                used,
            )
            if code and used:  # a kept shard damaged (a file lost): without them
                shutil.rmtree(kept, ignore_errors=True)
                shutil.rmtree(bundle, ignore_errors=True)
                key, kept = start, None
                code, message = _index_shards(
                    groups or [[]], built, key, work, bundle, running, spare, scripts
                )
            result.update(
                code=code, message=message, key=f"{key.hexdigest()}-{PAGEFIND}"
            )
            if code == 0:
                stabilise(bundle)
                if kept is not None and used:
                    shardcache.evict(kept, used)
    except Exception as error:  # reported by the parent, with the reason
        result["code"], result["message"] = 1, f"{type(error).__name__}: {error}"
    (work / "result.json").write_text(json.dumps(result), encoding="utf-8")


def _groups(ordered: list, size: int) -> list[list]:
    """``ordered`` (oldest report first) cut into as few shards of at most
    ``size`` as it takes: blocks of ``size`` from the first, the last two
    of even sizes (1,000 reports: 500 and 500, not 800 and 200; the last
    shard is the one the build waits for).  A report added after the
    others changes the last two shards only, so the others are found in
    the shard cache (:mod:`search.shardcache`).  The joined index is the
    same bytes however the reports are cut."""
    size = max(1, size)
    count = -(-len(ordered) // size)
    if count < 2:
        return [ordered] if ordered else []
    whole = (count - 2) * size  # in blocks of size; the rest in two halves
    half = whole + (len(ordered) - whole) // 2
    blocks = [ordered[start : start + size] for start in range(0, whole, size)]
    return [*blocks, ordered[whole:half], ordered[half:]]


def _start_joiner(
    bundle: Path, work: Path, running: list, kept: Path | None = None
) -> subprocess.Popen:
    """A fresh process (:func:`search.merge.main`) that reads each shard's
    bundle as its path arrives on stdin and joins them at the end.  Not
    this forked process: it holds a copy of Pelican's pages, and the
    shards' word lists (~50 MiB at 10,000) on top made it the largest
    process of the build (~345 MiB)."""
    here = str(Path(__file__).resolve().parent)
    command = [sys.executable, "-c", _JOINER, here, str(bundle)]
    if kept is not None:
        command.append(str(kept))
    return _spawn(command, work / "join.log", running, stdin=subprocess.PIPE, text=True)


# The joining process imports search.merge and the two modules it needs, not
# this package's __init__ (Pelican and the rest: 0.27 s of CPU at its start,
# while the cores are busy with the build).
_JOINER = """import sys, types
package = types.ModuleType("search")
package.__path__ = [sys.argv.pop(1)]
sys.modules["search"] = package
from search.merge import main
main()
"""


def _index_shards(
    groups,
    built,
    key,
    work,
    bundle,
    running,
    spare=None,
    scripts=None,
    kept=None,
    used=None,
):
    """Each group of articles indexed, and their bundles joined into
    ``bundle``; (exit code, message).  With ``scripts`` (Pagefind's own
    files, :func:`search.bundle.assets`) each shard is indexed by
    :mod:`search.bundle` in a forked child (a shard with emoji by
    Pagefind's binary); without, by Pagefind's binary.

    Shards of at most ``SEARCH_SHARD_SIZE`` reports (Pagefind's binary
    keeps all its pages' words in memory, ~0.3 MiB a report) are indexed
    one at a time while Pelican writes pages on the other cores, one a core
    once ``spare`` is set (Pelican has nothing left to do but wait).  A
    forked child makes its shard's records itself (unless ``built``
    already holds them); for Pagefind's binary this process writes them
    while the previous shard is indexed.  The joining process reads the
    shards already done, in shard order.  With ``kept`` (the shard
    cache's folder), a forked child looks its shard up there and writes
    it there; the names of the kept shards used go into ``used``."""
    shards = _shards(bundle)
    joiner = _start_joiner(bundle, work, running, kept) if len(groups) > 1 else None
    upcoming = iter(enumerate(groups))

    def prepare():
        """The next shard: (site, bundle, its records if made, its number,
        its articles), or None; for Pagefind's binary, its records written."""
        number, group = next(upcoming, (None, None))
        if group is None:
            return None
        found = built[number] if built else None
        site = work / f"site-{number:04d}"
        target = shards / site.name if joiner else bundle
        if scripts is not None:  # a forked child, from memory: no files
            return site, target, found, number, group
        if found is None:
            found = records(group)
            key.update(_shard_digest(found))
        site.mkdir()
        write_records(site, found)
        return site, target, None, number, group

    def start(site, target, found, number, group, after=None):
        if scripts is None:
            return _start(site, target, running)
        shared = scripts if number == 0 else None  # the joiner copies shard 0's
        run = _Forked(
            site.with_suffix(".log"),
            _index_shard,
            found,
            group,
            site.with_suffix(".digest"),
            target,
            shared,
            joiner is not None,
            kept if joiner is not None else None,
            gate=None if after is None else after.release[0],
        )
        running.append(run)
        return run

    jobs = collections.deque()  # (indexer, *prepare()), in shard order
    ahead = False  # the newest child was forked ahead: it waits at its gate
    try:
        ready = prepare()
        while ready or jobs:
            limit = (os.cpu_count() or 1) if spare is not None and spare.is_set() else 1
            if ahead and len(jobs) <= limit:  # a core for it now
                jobs[-2][0].open()
                ahead = False
            if ready and len(jobs) < limit:
                jobs.append((start(*ready), *ready))
                ready = prepare()
                continue
            if ready and scripts is not None and len(jobs) == limit and not ahead:
                # Forked ahead, starting when the newest run is done.
                jobs.append((start(*ready, after=jobs[-1][0]), *ready))
                ahead = True
                ready = prepare()
                continue
            if ready and spare is not None and not spare.is_set():
                # Until the oldest run ends, or a core frees up for the next.
                while jobs[0][0].poll() is None and not spare.wait(0.05):
                    pass
                if jobs[0][0].poll() is None:
                    continue
            run, site, target, found, _, group = jobs.popleft()
            code, message = _finish(run, site, running)
            if scripts is not None:
                run.open()  # the next, had this one stopped without a word
                run.close()
                ahead = ahead and len(jobs) > 1  # else its gate was this one
            if scripts is not None and code in (0, TO_PAGEFIND):
                digest = site.with_suffix(".digest").read_bytes()
                if not built:
                    key.update(digest)
                entry = site.with_suffix(".kept")
                if code == 0 and entry.exists():  # else it went to ``target``
                    target = kept / entry.read_text(encoding="utf-8")
                    used.add(target.name)
            if code == TO_PAGEFIND and scripts is not None:
                site.mkdir()
                write_records(site, found or records(group))
                code, message = _finish(_start(site, target, running), site, running)
            if code:
                return code, message
            if joiner is not None:
                _send(joiner, target)
        if joiner is None:
            return 0, message
        try:
            joiner.stdin.close()
        except OSError:  # it has stopped: waiting for it says why
            pass
        return _wait(joiner, work / "join.log", running)
    finally:
        for process in running:
            if process.poll() is None:
                process.kill()
                process.wait()
        shutil.rmtree(shards, ignore_errors=True)


def _send(joiner: subprocess.Popen, bundle: Path) -> None:
    """Tell the joining process a shard's bundle is ready; one that has
    stopped says why when it is waited for."""
    try:
        joiner.stdin.write(f"{bundle}\n")
        joiner.stdin.flush()
    except (BrokenPipeError, OSError):
        pass


def start_pagefind(generator):
    """Index as soon as the articles are read, in a forked process that
    writes one small record per article (:mod:`search.records`) and runs
    Pagefind on them, while Pelican renders and writes every page."""
    settings = generator.settings
    output = settings["OUTPUT_PATH"]
    _cancel(output)  # left by a build of this process that failed midway
    if not _wanted(settings):
        return
    # Records outside the output (a publish build empties it before writing);
    # the bundle beside it, so that it can be renamed in.
    work = Path(tempfile.mkdtemp(prefix="pagefind-", dir=_scratch()))
    parent = Path(output).resolve().parent
    bundle = parent / f".{Path(output).name}.pagefind-{os.getpid()}"
    if not os.access(parent, os.W_OK):
        bundle = work / "bundle"
    shutil.rmtree(bundle, ignore_errors=True)
    fork = multiprocessing.get_context("fork")
    spare = fork.Event()
    process = fork.Process(
        target=_index,
        args=(generator.articles, settings, work, bundle, spare),
        daemon=True,
    )
    process.start()
    _RUNNING[output] = {
        "process": process,
        "work": work,
        "bundle": bundle,
        "spare": spare,
    }


def _cancel(output: str) -> None:
    """Stop an indexing job and remove its files."""
    job = _RUNNING.pop(output, None)
    if job is None:
        return
    job["process"].terminate()
    job["process"].join()
    shutil.rmtree(job["work"], ignore_errors=True)
    shutil.rmtree(job["bundle"], ignore_errors=True)
    shutil.rmtree(_shards(job["bundle"]), ignore_errors=True)


@atexit.register
def _cancel_all() -> None:
    """A build that stopped before its end (a strict build's content error,
    Ctrl-C) leaves no indexer running and nothing in /dev/shm."""
    for output in list(_RUNNING):
        _cancel(output)


def finish_pagefind(pelican):
    """Wait for the index and swap it in whole: no stale index files from
    earlier dev builds; a failed run keeps the previous index."""
    settings = pelican.settings
    output = settings["OUTPUT_PATH"]
    job = _RUNNING.pop(output, None)
    if job is None:
        return
    job["spare"].set()  # Pelican's pages are written: both cores to Pagefind
    job["process"].join()
    bundle, work = job["bundle"], job["work"]
    try:
        try:
            result = json.loads((work / "result.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            result = {"code": 1, "message": f"exit code {job['process'].exitcode}"}
        if result["code"] == KEPT:
            return
        if result["code"] != 0:
            log.error("Không tạo được chỉ mục tìm kiếm: %s", result["message"])
            if settings.get("PORTAL_STRICT"):
                raise SystemExit(1)
            return
        index = Path(output) / "pagefind"
        shutil.rmtree(index, ignore_errors=True)
        shutil.move(bundle, index)  # a rename on the same file system
        key_file = _key_file(settings)
        try:
            key_file.parent.mkdir(parents=True, exist_ok=True)
            entry = (index / "pagefind-entry.json").read_text(encoding="utf-8")
            key_file.write_text(
                json.dumps({"records": result["key"], "entry": entry}),
                encoding="utf-8",
            )
        except OSError:  # remembering is an optimisation, never a failure
            pass
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(bundle, ignore_errors=True)
        shutil.rmtree(_shards(bundle), ignore_errors=True)


def register():
    # pretaxonomy: the portal plugin (listed before) has given every report
    # its ward, topics and final address; nothing else a record needs.
    signals.article_generator_pretaxonomy.connect(start_pagefind)
    signals.finalized.connect(finish_pagefind)

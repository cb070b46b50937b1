"""Shards of the search index kept between builds (``SEARCH_CACHE``).

A joined shard's files (:func:`search.bundle.write_shard`: its fragments
and the words handed over to the joining process) are a pure function of
its records, of the code that writes them and of the Pagefind version it
follows.  Each is kept in ``CACHE_PATH/search/shards/``, named after
those (:func:`name`); a later build whose shard has the same records
finds it there and indexes nothing, and the joining process links its
fragments into the index rather than moving them.  The search plugin cuts
the reports into fixed blocks from the oldest (:func:`search._groups`), so
a new report changes the last two shards, an edited one its own.

A kept shard is written into a scratch folder beside it and renamed into
place, so one is there whole or not at all.  Entries no build has used
for :data:`KEEP_UNUSED` seconds are removed (:func:`evict`): two builds
that share a cache (the dev server and ``make html``) keep each other's.
"""

import functools
import hashlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

KEEP_UNUSED = 24 * 3600


@functools.cache
def _writer() -> bytes:
    """What, besides the records, a shard's files depend on: this package's
    code and the versions of the libraries that encode and pack them."""
    digest = hashlib.blake2b(digest_size=16)
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    for package in ("cbor2", "deflate", "numpy"):
        digest.update(f"{package}={version(package)}\0".encode())
    digest.update(f"python={sys.version_info[:2]}".encode())
    return digest.digest()


def name(records_digest: bytes, pagefind: str, with_scripts: bool) -> str:
    """The name a shard is kept under: the digest of its records, the
    Pagefind version, the writer, and whether it holds Pagefind's scripts
    (the first shard does: the joining process copies them from it)."""
    digest = hashlib.blake2b(records_digest, digest_size=16)
    digest.update(f"\0{pagefind}\0{int(with_scripts)}\0".encode())
    digest.update(_writer())
    return digest.hexdigest()


def lookup(root: Path, entry: str) -> Path | None:
    """The kept shard ``entry``, marked as used now; None when it is not kept."""
    folder = root / entry
    try:
        os.utime(folder)
    except OSError:
        return None
    return folder if folder.is_dir() else None


def store(root: Path, entry: str, write: Callable[[Path], None]) -> Path | None:
    """``write(folder)`` into a scratch folder, kept as ``entry``; the kept
    folder, or None when the cache cannot be written (the caller writes
    the shard where it would have without a cache).  What ``write``
    raises goes to the caller, and its scratch folder is removed.  A
    shard kept already (by another build meanwhile) is not written again."""
    found = lookup(root, entry)
    if found is not None:
        return found
    try:
        root.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{entry}-", dir=root))
    except OSError:
        return None
    try:
        write(scratch)
        os.rename(scratch, root / entry)
    except OSError:  # kept by another build first, or the cache is full
        shutil.rmtree(scratch, ignore_errors=True)
        return lookup(root, entry)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return root / entry


def evict(root: Path, used: set[str], now: float | None = None) -> None:
    """Remove the entries (and scratch folders) not in ``used`` that no
    build has used for :data:`KEEP_UNUSED` seconds."""
    now = time.time() if now is None else now
    try:
        entries = list(os.scandir(root))
    except OSError:
        return
    for entry in entries:
        if entry.name in used:
            continue
        try:
            stale = entry.stat(follow_symlinks=False).st_mtime < now - KEEP_UNUSED
        except OSError:
            continue
        if stale:
            shutil.rmtree(entry.path, ignore_errors=True)

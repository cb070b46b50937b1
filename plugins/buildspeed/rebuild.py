"""What a dev-server rebuild can keep from the previous build (no Pelican here).

A rebuild after one edit should not redo the whole site.  Two things are kept
in memory between builds of one process (``pelican -r``):

- the content objects of unchanged source files (:class:`Store`), as
  Pelican's own content cache does, but without pickling to disk;
- for every page written, a key of everything the page is made from
  (:class:`Ledger`); a page whose key and file are unchanged is not
  rendered again.

The key of a page is the site's fingerprint (every content object's public
data, the theme and the content folder's other files) plus the page's own
content.  Editing one report's body therefore re-renders that report's page
only; editing a title, a summary, a ward, adding or removing a report
changes the site fingerprint and re-renders everything, which is correct
by construction rather than by guessing which listing shows what.
"""

import hashlib
import os
from collections.abc import Iterable

# Attributes of a content object that are not "what a listing shows":
# the body (hashed separately where pages show it), the build context, the
# settings and the metadata dict (its values are attributes too).
PRIVATE = frozenset(
    {
        "_content",
        "_context",
        "settings",
        "metadata",
        "_summary",
        "related",
        "older",
        "newer",
    }
)


def file_stamp(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def tree_stamp(root: str, skip_suffixes: tuple[str, ...] = ()) -> str:
    """A digest of the names and stamps of every file under ``root``."""
    digest = hashlib.blake2b(digest_size=16)
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(skip_suffixes):
                continue
            path = os.path.join(folder, name)
            digest.update(f"{path}\0{file_stamp(path)}\n".encode())
    return digest.hexdigest()


def _digest(text: str) -> str:
    return hashlib.blake2b(
        text.encode("utf-8", "surrogatepass"), digest_size=16
    ).hexdigest()


class Digests:
    """The digest of a text, remembered by the string's identity for the
    texts of this build and the one before.  A dev rebuild reuses its
    unchanged reports, and so their body strings; hashing 10,000 bodies
    took ~0.1 s and the site fingerprint, the page keys and the awards
    plugin each asked.  An entry holds its string, so no other string
    can have its id while it is kept."""

    def __init__(self):
        self._now: dict[int, tuple[str, str]] = {}
        self._before: dict[int, tuple[str, str]] = {}

    def new_build(self) -> None:
        """Forget the texts no one asked about since the build before."""
        self._before, self._now = self._now, {}

    def remember(self, text: str, digest: str) -> None:
        """The digest of ``text``, found elsewhere (a forked process)."""
        self._now[id(text)] = (text, digest)

    def __call__(self, text: str) -> str:
        entry = self._now.get(id(text))
        if entry is None:
            entry = self._before.get(id(text)) or (text, _digest(text))
            self._now[id(text)] = entry
        return entry[1]


text_digest = Digests()


_PLAIN = (str, int, float, bool, type(None))


def _shown(value, seen: dict) -> str:
    """repr(value), each shared object (a ward, an author, a term, a time
    zone) written once per fingerprint.  Containers (a report's own
    metadata, its lists) are written afresh: each belongs to one report,
    and keeping their text held a second copy of every report's metadata
    (~40 MiB at 10,000) until the fingerprint was done."""
    if isinstance(value, _PLAIN):
        return repr(value)
    if type(value) is list:
        return "[" + ", ".join(_shown(item, seen) for item in value) + "]"
    if type(value) is dict:
        return repr(value)
    text = seen.get(id(value))
    if text is None:
        text = seen[id(value)] = repr(value)
    return text


def public_data(obj, seen: dict | None = None) -> str:
    """What templates can show of a content object, besides its body.
    ``seen``: texts of the objects already written (alive throughout)."""
    seen = {} if seen is None else seen
    parts = [type(obj).__name__]
    for name, value in sorted(vars(obj).items()):
        if name not in PRIVATE:
            parts.append(f"{name}={_shown(value, seen)}")
    summary = vars(obj).get("_summary")
    if summary is not None:
        parts.append(f"summary={summary!r}")
    else:  # the summary is cut from the body: the body is public data
        parts.append(text_digest(vars(obj).get("_content") or ""))
    return "\x1f".join(parts)


def site_fingerprint(contents: Iterable, extra: Iterable[str]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for item in extra:
        digest.update(item.encode() + b"\x1e")
    seen: dict[int, str] = {}  # every object stays alive meanwhile: ids hold
    for obj in contents:
        data = public_data(obj, seen)
        digest.update(data.encode("utf-8", "surrogatepass") + b"\x1e")
    return digest.hexdigest()


class Store:
    """Content objects of source files, reused while the file and context hold."""

    def __init__(self):
        self._items: dict[str, tuple] = {}

    def get(self, path: str, context_key: object):
        entry = self._items.get(path)
        if entry is None or entry[1] != context_key or entry[0] != file_stamp(path):
            return None
        return entry[2]

    def put(self, path: str, context_key: object, obj):
        """Keep ``obj`` for ``path``; return the object it replaces, if any."""
        stamp = file_stamp(path)
        if stamp is None:
            entry = self._items.pop(path, None)
        else:
            entry = self._items.get(path)
            self._items[path] = (stamp, context_key, obj)
        return None if entry is None or entry[2] is obj else entry[2]


class Ledger:
    """Which key each written file was rendered from."""

    def __init__(self):
        self._written: dict[str, tuple[str, tuple | None]] = {}

    def unchanged(self, path: str, key: str) -> bool:
        entry = self._written.get(path)
        return entry is not None and entry[0] == key and entry[1] == file_stamp(path)

    def record(self, path: str, key: str) -> None:
        self._written[path] = (key, file_stamp(path))

    def forget(self, path: str) -> None:
        self._written.pop(path, None)

    def __len__(self) -> int:
        return len(self._written)

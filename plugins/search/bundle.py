"""A Pagefind 1.5 bundle written from read pages (:mod:`search.fossick`).

Pagefind's ``build_indexes`` and output, file for file: one fragment per
page (its JSON, named after its SHA-1), the word index in chunks of about
``CHUNK_SIZE`` locations, one file per filter, and the metadata file that
lists them; the scripts, styles and WebAssembly are Pagefind's own, taken
once from its binary (:func:`assets`).  The format is described in
:mod:`search.merge`; a word's locations are ``[-(weight + 1), position,
delta, ...]`` (a new weight starts again from an absolute position), its
metadata locations ``[-(field + 1), position, delta, ...]``.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import cbor2

from .cbor import head, int_array, text
from .merge import _chunk_ranges
from .stable import pf_pack

# The Pagefind versions whose bundles this writes, file for file
# (tests/test_search_indexer.py compares them); any other runs Pagefind.
SUPPORTED = frozenset({"1.5.2"})
# Pagefind's default --index-chunk-size: locations per word-index chunk.
CHUNK_SIZE = 20_000


def full_hash(data: bytes) -> str:
    """Pagefind's ``full_hash``: SHA-1, each byte in hex without padding."""
    return "".join(f"{byte:x}" for byte in hashlib.sha1(data).digest())


def _short(language: str, data: bytes, taken: set, extra: int = 7) -> str:
    """``language_`` and the hash's first ``extra`` characters, one more
    each time the name is taken (Pagefind's collision rule)."""
    whole = f"{language}_{full_hash(data)}"
    end = len(language) + 1 + extra
    name = whole[:end]
    while name in taken and end < len(whole):
        end += 1
        name = whole[:end]
    taken.add(name)
    return name


def _meta_locations(positions: list) -> list[int]:
    """``[(field number, position), ...]`` of one word on one page, packed:
    ``[-(field + 1), position, delta, ...]``."""
    positions.sort()
    out, field, last = [], None, 0
    for number, position in positions:
        if number != field:
            out.append(-number - 1)
            field, last = number, 0
        out.append(position - last)
        last = position
    return out


class _Postings:
    """One spelling's pages as CBOR ``[page delta, locations, meta
    locations]``, and how many numbers they hold (Pagefind's chunk size)."""

    __slots__ = ("last", "pages", "size")

    def __init__(self):
        self.pages: list[bytes] = []
        self.last = 0
        self.size = 0

    def add(self, number: int, size: int, locations: bytes, meta: list) -> None:
        delta = number - self.last
        self.pages.append(b"\x83" + (_INTS.get(delta) or head(0, delta)))
        self.pages.append(locations)
        self.pages.append(int_array(meta) if meta else b"\x80")
        self.last = number
        self.size += size + len(meta) + 1

    @property
    def count(self) -> int:
        return len(self.pages) // 3


_INTS = {n: head(0, n) for n in range(1 << 16)}
_NONE = (0, b"\x80")


def _new_forms(forms: dict, first: int) -> None:
    """Forms first met on the same page go in order of spelling, as
    Pagefind adds them (``forms`` from its ``first``-th entry on)."""
    added = list(forms.items())[first:]
    if len(added) > 1:
        for form, _ in added:
            del forms[form]
        forms.update(sorted(added))


def _words(pages: list, fields: list[str]) -> dict:
    """word -> [its postings, {spelling with marks: postings}]."""
    field_number = {name: n for n, name in enumerate(fields)}
    words: dict[str, list] = {}
    for number, page in enumerate(pages):
        meta = {}
        for stemmed, spellings in page.meta_words.items():
            for original, where in spellings.items():
                numbers = [(field_number[name], p) for name, p in where]
                meta[stemmed, original] = _meta_locations(numbers)
        # Pagefind adds a page's new spellings of a word in order: those
        # of the text first, then those only in its metadata.
        only_meta = [key for key in meta if key not in page.words]
        for keys in (page.words, only_meta):
            grown: dict[str, int] = {}  # word -> its spellings before these
            for key in keys:
                stemmed, original = key
                entry = words.get(stemmed)
                if entry is None:
                    entry = words[stemmed] = [_Postings(), {}]
                size, locations = page.words.get(key, _NONE)
                if original is None:
                    entry[0].add(number, size, locations, meta.get(key, ()))
                    continue
                forms = entry[1]
                postings = forms.get(original)
                if postings is None:
                    grown.setdefault(stemmed, len(forms))
                    postings = forms[original] = _Postings()
                postings.add(number, size, locations, meta.get(key, ()))
            for stemmed, first in grown.items():
                _new_forms(words[stemmed][1], first)
    return words


def _chunks(words: dict, size: int) -> list[tuple[str, str, bytes]]:
    """(first word, last word, CBOR) of each chunk of the word index, cut
    once a chunk holds ``size`` numbers."""
    chunks, chunk, held, first, count = [], [], 0, None, 0
    for word in sorted(words):
        count += 1
        postings, forms = words[word]
        # Pagefind 1.5 counts the word's own pages only, not its variants'.
        held += postings.size
        first = first or word
        chunk += (b"\x83", text(word), head(4, postings.count), *postings.pages)
        chunk.append(head(4, len(forms)))
        for form, variant in forms.items():
            chunk += (b"\x82", text(form), head(4, variant.count), *variant.pages)
        if held >= size:
            chunks.append((first, word, _array(count, chunk)))
            chunk, held, first, count = [], 0, None, 0
    if chunk:
        chunks.append((first, word, _array(count, chunk)))
    return chunks


def _array(count: int, items: list[bytes]) -> bytes:
    """A chunk's CBOR: ``[[word, ...]]``."""
    return b"\x81" + head(4, count) + b"".join(items)


def write_language(
    pages: list,
    language: str,
    out: Path,
    version: str,
    level: int = 9,
    index_level: int = 9,
) -> dict:
    """Write one language's fragments, word index, filters and metadata
    into the bundle folder ``out``; its ``pagefind-entry.json`` entry."""
    for folder in ("fragment", "index", "filter"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    fields = sorted({name for page in pages for name in page.meta})

    listed, taken = [], set()
    filters: dict[str, dict[str, list]] = {}
    for number, page in enumerate(pages):
        data = json.dumps(
            {
                "url": page.url,
                "content": page.content,
                "word_count": page.word_count,
                "filters": page.filters,
                "meta": page.meta,
                "anchors": page.anchors,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        name = _short(language, data, taken)
        (out / "fragment" / f"{name}.pf_fragment").write_bytes(pf_pack(data, level))
        listed.append([name, page.word_count])
        for filter_name, values in page.filters.items():
            for value in values:
                filters.setdefault(filter_name, {}).setdefault(value, []).append(number)

    filter_list, taken = [], set()
    for filter_name in sorted(filters):
        data = cbor2.dumps([filter_name, sorted(filters[filter_name].items())])
        name = _short(language, data, taken)
        (out / "filter" / f"{name}.pf_filter").write_bytes(pf_pack(data, level))
        filter_list.append([filter_name, name])

    chunks, taken = [], set()
    for first, last, data in _chunks(_words(pages, fields), CHUNK_SIZE):
        name = _short(language, data, taken)
        (out / "index" / f"{name}.pf_index").write_bytes(pf_pack(data, index_level))
        chunks.append([first, last, name])
    _chunk_ranges(chunks)

    data = cbor2.dumps([version, listed, chunks, filter_list, [], fields])
    meta_hash = f"{language}_{full_hash(data)[: len(language) + 8]}"
    (out / f"pagefind.{meta_hash}.pf_meta").write_bytes(pf_pack(data, level))
    return {"hash": meta_hash, "wasm": None, "page_count": len(pages)}


def write_bundle(
    pages: list,
    out: Path,
    version: str,
    include_characters: list[str],
    assets: Path | None = None,
    index_level: int = 9,
) -> None:
    """A whole bundle in ``out``: every language's files, the entry file,
    and Pagefind's scripts copied from ``assets`` (when given)."""
    out.mkdir(parents=True, exist_ok=True)
    if any(page.has_custom_body for page in pages):  # as Pagefind: only those
        pages = [page for page in pages if page.has_custom_body]
    pages = [page for page in pages if page.words]  # Pagefind drops wordless pages
    languages = {}
    for language in sorted({page.language for page in pages}):
        having = [page for page in pages if page.language == language]
        languages[language] = write_language(
            having, language, out, version, index_level=index_level
        )
    entry = {
        "version": version,
        "languages": languages,
        "include_characters": include_characters,
    }
    (out / "pagefind-entry.json").write_text(
        json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    if assets is not None:
        for item in assets.iterdir():
            target = out / item.name
            try:
                os.link(item, target)
            except OSError:
                shutil.copy2(item, target)


def assets(command: list[str], cache: Path, version: str) -> Path:
    """Pagefind's scripts, styles and WebAssembly, as its binary writes
    them: run once on a one-page site and kept in ``cache``."""
    folder = cache / f"pagefind-{version}-assets"
    if (folder / "pagefind.js").exists():
        return folder
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        site, bundle = Path(scratch) / "site", Path(scratch) / "bundle"
        site.mkdir()
        (site / "index.html").write_text(
            '<html lang="vi"><body><p>x</p></body></html>', encoding="utf-8"
        )
        subprocess.run(
            [*command, "--site", str(site), "--output-path", str(bundle), "--silent"],
            check=True,
            capture_output=True,
        )
        staged = Path(tempfile.mkdtemp(prefix=folder.name, dir=cache))
        for item in bundle.iterdir():
            if item.is_file() and item.suffix != ".pf_meta":
                if item.name != "pagefind-entry.json":
                    shutil.copy2(item, staged / item.name)
        try:
            staged.rename(folder)
        except OSError:  # another build put it there first
            shutil.rmtree(staged, ignore_errors=True)
    return folder

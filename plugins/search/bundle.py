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
import pickle
import shutil
import subprocess
import tempfile
from pathlib import Path

import cbor2

from .cbor import head, text
from .fossick import KEYS, page_of, parse
from .merge import HANDED_OVER, _chunk_ranges, scripts
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


class _Index:
    """One language's word index as it is built, page after page: the rows
    of :class:`search.wordindex.Rows`, made into each (word, spelling with
    marks or None)'s CBOR page list ``[page delta, locations, meta
    locations], ...`` at once, at the end."""

    def __init__(self, fields: list[str]):
        from . import wordindex  # NumPy: in the indexing process only

        self.field_number = {name: n for n, name in enumerate(fields)}
        self.rows = wordindex.Rows()

    def add(self, number: int, page) -> None:
        """Page ``number``'s words and metadata words."""
        self.rows.page(number, page, self.field_number)

    def words(self):
        """(word, its own entry or None, [(spelling, entry), ...]) in word
        order, the spellings in Pagefind's order: as first met, those met
        on the same page in the text before the metadata, then by spelling."""
        plain: dict[str, tuple] = {}
        forms: dict[str, list] = {}
        for number, joined in self.rows.encode().items():
            stemmed, original = KEYS[number]
            if original is None:
                plain[stemmed] = joined
            else:
                forms.setdefault(stemmed, []).append((original, joined))
        for word in sorted(plain.keys() | forms.keys()):
            spellings = forms.get(word, [])
            if len(spellings) > 1:
                spellings.sort(key=lambda f: (f[1][4], f[1][5], f[0]))
            yield word, plain.get(word), spellings

    def chunks(self, size: int):
        """(first word, last word, CBOR) of each chunk of the word index,
        cut once a chunk holds ``size`` numbers (Pagefind 1.5 counts the
        word's own pages only, not its variants')."""
        chunk, held, first, count = [], 0, None, 0
        for word, own, spellings in self.words():
            cbor, _, pages, numbers, _, _ = own or _EMPTY
            count += 1
            held += numbers
            first = first or word
            chunk += (
                b"\x83",
                text(word),
                head(4, pages),
                cbor,
                head(4, len(spellings)),
            )
            for form, (cbor, _, pages, _, _, _) in spellings:
                chunk += (b"\x82", text(form), head(4, pages), cbor)
            if held >= size:
                yield first, word, _array(count, chunk)
                chunk, held, first, count = [], 0, None, 0
        if chunk:
            yield first, word, _array(count, chunk)

    def handed_over(self) -> list:
        """The words for the joining process (search.merge): in order, as
        UTF-8, each page list as (pages, first page, last page, CBOR)."""
        words = []
        for word, own, spellings in self.words():
            cbor, last, pages, _, first, _ = own or _EMPTY
            forms = [
                (form.encode(), (n, f, lst, c))
                for form, (c, lst, n, _, f, _) in spellings
            ]
            words.append((word.encode(), (pages, first, last, cbor), forms))
        return words


_EMPTY = (b"", 0, 0, 0, 0, 0)


def _array(count: int, items: list[bytes]) -> bytes:
    """A chunk's CBOR: ``[[word, ...]]``."""
    return b"\x81" + head(4, count) + b"".join(items)


def _fragment(page) -> bytes:
    return json.dumps(
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


def _pages(documents: list, language: str, out: Path, level: int):
    """Write the fragments of the parsed ``(path, document)``s into ``out``
    and index their words, one page at a time: (pages listed as [fragment,
    word count], meta fields, {filter: {value: [pages]}}, the index)."""
    (out / "fragment").mkdir(parents=True, exist_ok=True)
    fields = sorted({name for _, parsed in documents for name in parsed.meta})
    index = _Index(fields)
    listed, taken = [], set()
    filters: dict[str, dict[str, list]] = {}
    for path, parsed in documents:
        page = page_of(path, parsed)
        if not page.has_words:  # Pagefind drops pages without words
            continue
        number = len(listed)
        data = _fragment(page)
        name = _short(language, data, taken)
        (out / "fragment" / f"{name}.pf_fragment").write_bytes(pf_pack(data, level))
        listed.append([name, page.word_count])
        for filter_name, values in page.filters.items():
            for value in values:
                filters.setdefault(filter_name, {}).setdefault(value, []).append(number)
        index.add(number, page)
    return listed, fields, filters, index


def write_language(
    documents: list,
    language: str,
    out: Path,
    version: str,
    level: int = 9,
    index_level: int = 9,
) -> dict:
    """Write one language's fragments, word index, filters and metadata
    into the bundle folder ``out`` from its parsed ``(path, document)``s;
    its ``pagefind-entry.json`` entry."""
    listed, fields, filters, index = _pages(documents, language, out, level)
    (out / "filter").mkdir(exist_ok=True)
    filter_list, taken = [], set()
    for filter_name in sorted(filters):
        data = cbor2.dumps([filter_name, sorted(filters[filter_name].items())])
        name = _short(language, data, taken)
        (out / "filter" / f"{name}.pf_filter").write_bytes(pf_pack(data, level))
        filter_list.append([filter_name, name])

    (out / "index").mkdir(exist_ok=True)
    chunks, taken = [], set()
    for first, last, data in index.chunks(CHUNK_SIZE):
        name = _short(language, data, taken)
        (out / "index" / f"{name}.pf_index").write_bytes(pf_pack(data, index_level))
        chunks.append([first, last, name])
    _chunk_ranges(chunks)

    data = cbor2.dumps([version, listed, chunks, filter_list, [], fields])
    meta_hash = f"{language}_{full_hash(data)[: len(language) + 8]}"
    (out / f"pagefind.{meta_hash}.pf_meta").write_bytes(pf_pack(data, level))
    return {"hash": meta_hash, "wasm": None, "page_count": len(listed)}


def _parsed(documents: list, read: list | None = None) -> dict[str, list]:
    """The ``(path, parsed document)``s Pagefind indexes, by language;
    ``read``: each document's parse where it is known already (or None)."""
    read = read or [None] * len(documents)
    parsed = [
        (path, known or parse(document))
        for (path, document), known in zip(documents, read, strict=True)
    ]
    if any(p.has_custom_body for _, p in parsed):  # as Pagefind: only those
        parsed = [(path, p) for path, p in parsed if p.has_custom_body]
    by_language: dict[str, list] = {}
    for path, p in parsed:
        by_language.setdefault(p.language, []).append((path, p))
    return dict(sorted(by_language.items()))


def write_shard(
    documents: list[tuple[str, str]],
    out: Path,
    version: str,
    include_characters: list[str],
    assets: Path | None = None,
    read: list | None = None,
) -> None:
    """A shard for the joining process (:mod:`search.merge`): the pages'
    fragments as files, and their words, filters and metadata in
    ``merge.HANDED_OVER`` rather than in Pagefind's files, which the
    joiner would only unpack and parse again.  ``read``: what
    :func:`search.records.records_read` knows of the documents' parse."""
    out.mkdir(parents=True, exist_ok=True)
    languages, entry_languages = {}, {}
    for language, having in _parsed(documents, read).items():
        listed, fields, filters, index = _pages(having, language, out, 9)
        languages[language] = {
            "version": version,
            "pages": listed,
            "fields": fields,
            "filters": [
                [name, sorted(values.items())]
                for name, values in sorted(filters.items())
            ],
            "words": index.handed_over(),
        }
        entry_languages[language] = {
            "hash": "",
            "wasm": None,
            "page_count": len(listed),
        }
    entry = _entry(version, entry_languages, include_characters)
    shard = {"entry": entry, "languages": languages}
    (out / HANDED_OVER).write_bytes(pickle.dumps(shard, pickle.HIGHEST_PROTOCOL))
    _copy_assets(assets, out)


def write_bundle(
    documents: list[tuple[str, str]],
    out: Path,
    version: str,
    include_characters: list[str],
    assets: Path | None = None,
    index_level: int = 9,
) -> None:
    """The bundle Pagefind writes for the files ``(path in the site,
    HTML)``, numbered in the order given, in ``out``: every language's
    files, the entry file, and Pagefind's scripts copied from ``assets``
    (when given)."""
    out.mkdir(parents=True, exist_ok=True)
    languages = {
        language: write_language(
            having, language, out, version, index_level=index_level
        )
        for language, having in _parsed(documents).items()
    }
    entry = _entry(version, languages, include_characters)
    (out / "pagefind-entry.json").write_text(
        json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    _copy_assets(assets, out)


def _entry(version: str, languages: dict, include_characters: list[str]) -> dict:
    """A bundle's ``pagefind-entry.json``."""
    return {
        "version": version,
        "languages": languages,
        "include_characters": include_characters,
    }


def _copy_assets(assets: Path | None, out: Path) -> None:
    """Copies, never hard links: a publish minifies the output's CSS in
    place, which through a link would rewrite the cached file too."""
    if assets is None:
        return
    for item in assets.iterdir():
        shutil.copyfile(item, out / item.name)


def assets(command: list[str], cache: Path, version: str) -> Path:
    """Pagefind's scripts, styles and WebAssembly, as its binary writes
    them: run once on a one-page site and kept in ``cache``."""
    folder = cache / f"pagefind-{version}-scripts"
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
        for item in scripts(bundle):
            shutil.copy2(item, staged / item.name)
        try:
            staged.rename(folder)
        except OSError:  # another build put it there first
            shutil.rmtree(staged, ignore_errors=True)
    return folder

"""Join Pagefind bundles built on disjoint shards of the site into one (pure).

Pagefind holds the words of every page in memory until it writes the index:
about 0.3 MiB a report, 2.9 GiB at 10,000.  Run on shards of a few hundred
reports each run stays near 260 MiB (and the runs together take less time
than one run on everything); this joins their bundles into the single
index the browser loads, so that a search still fetches one metadata file
and the chunks its words fall in, ranked over the whole site.

Pagefind 1.5's bundle, as read from its output (``tests/test_search.py``
compares a joined bundle with Pagefind's own, word for word):

- ``pagefind-entry.json``: ``languages: {lang: {hash, wasm, page_count}}``;
- ``pagefind.<hash>.pf_meta``: ``[version, pages, chunks, filters, sorts,
  meta fields]``; a page is ``[fragment hash, word count]``, its number its
  place in the list; a chunk ``[first word, last word, chunk hash]``;
- ``index/<hash>.pf_index``: ``[[word, pages, variants], ...]`` in word
  order; a word's pages ``[page number, locations, meta locations]`` in page
  order, the page number given as the difference from the one before; a
  variant ``[spelling with marks, pages]``;
- ``filter/<hash>.pf_filter``: ``[name, [[value, [page numbers]], ...]]``;
- ``fragment/<hash>.pf_fragment``: one page, whatever its number.

Each ``.pf_*`` file is gzip of ``b"pagefind_dcd"`` and CBOR.  Joining
renumbers the pages shard after shard: the fragments move as they are, the
filters' page lists are shifted, and each word's page lists are
concatenated, which changes only the first page number each shard
contributes.  The locations, the bulk of the index, are copied as bytes
without being decoded.
"""

import heapq
import json
import operator
import os
import pickle
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache, partial
from itertools import groupby, islice, pairwise
from pathlib import Path

import cbor2

from .cbor import head as _encode_head
from .stable import content_name, pf_body, pf_bytes, pf_pack, read_pf

# A chunk of the word index closes once it holds this many bytes of CBOR:
# about the size of the chunks Pagefind makes itself (20,000 locations).
CHUNK_BYTES = 40_000
# gzip level of the joined chunks: 38 MB of CBOR at 10,000 reports packs to
# 14.68 MB in 0.54 s at 6, to 14.80 MB in 0.41 s at 5, to 14.55 MB in 0.91 s
# at 7 (libdeflate; zlib-ng's 5: 14.72 MB in 0.56 s; Pagefind: 14.4 MB).
COMPRESSION = 6
# What search.bundle.write_shard leaves in a shard for this process.
HANDED_OVER = "words.pickle"


class MergeError(ValueError):
    """The bundles cannot be joined (another Pagefind format, sort keys)."""


# CBOR, as Pagefind's encoder writes it: shortest heads, definite lengths.
_INT = (
    rb"(?>[\x00-\x17\x20-\x37]|[\x18\x38].|[\x19\x39]..|[\x1a\x3a].{4}|[\x1b\x3b].{8})"
)
_ARRAY = rb"(?>[\x80-\x97]|\x98.|\x99..|\x9a.{4})"
# One page of a word: [page number delta, [locations], [meta locations]].
_PAGE = re.compile(
    rb"\x83(" + _INT + rb")" + _ARRAY + _INT + rb"*+" + _ARRAY + _INT + rb"*+", re.S
)
_DELTA = operator.methodcaller("group", 1)


def _head(buf: bytes, pos: int) -> tuple[int, int, int]:
    """(major type, value, position after the head) of the CBOR item at pos."""
    first = buf[pos]
    info = first & 31
    if info < 24:
        return first >> 5, info, pos + 1
    if info > 27:
        raise MergeError(f"unexpected CBOR head {first:#x}")
    size = 1 << (info - 24)
    return (
        first >> 5,
        int.from_bytes(buf[pos + 1 : pos + 1 + size], "big"),
        (pos + 1 + size),
    )


@lru_cache(maxsize=4096)
def _uint(encoded: bytes) -> int:
    return _head(encoded, 0)[1]


def _expect(buf: bytes, pos: int, major: int) -> tuple[int, int]:
    kind, value, pos = _head(buf, pos)
    if kind != major:
        raise MergeError(f"CBOR type {kind} where {major} was expected")
    return value, pos


class _Pages:
    """A word's page list in one shard, left as bytes: where it lies, how
    many pages, and the first and last page numbers (for renumbering)."""

    __slots__ = ("buf", "count", "end", "first", "last", "start")

    def __init__(self, buf: bytes, pos: int):
        self.count, pos = _expect(buf, pos, 4)
        self.buf, self.start = buf, pos
        if not self.count:
            self.end, self.first, self.last = pos, 0, 0
            return
        pages = list(islice(_PAGE.finditer(buf, pos), self.count))
        if len(pages) != self.count or pages[0].start() != pos:
            raise MergeError("a word's page list does not parse")
        self.end = pages[-1].end()
        self.first = _uint(pages[0].group(1))
        self.last = sum(map(_uint, map(_DELTA, pages)))

    @classmethod
    def known(cls, count: int, first: int, last: int, buf: bytes) -> "_Pages":
        """A page list whose count and first and last pages are known: the
        CBOR of its pages, the first numbered from 0, as ``buf``."""
        pages = cls.__new__(cls)
        pages.buf, pages.start, pages.end = buf, 0, len(buf)
        pages.count, pages.first, pages.last = count, first, last
        return pages


def _joined() -> list:
    """A word's (or a spelling's) page list being joined from the shards':
    ``[CBOR of its pages, how many, the last page's number]``."""
    return [bytearray(), 0, 0]


def _append(joined: list, part: _Pages, offset: int, fields: list | None = None):
    """One shard's page list (its pages numbered from ``offset``; its meta
    fields renumbered by ``fields``, if given) added to ``joined``: only
    its first page number changes, to the difference from the last one."""
    if not part.count:
        return
    delta = offset + part.first - joined[2]
    if fields is None:
        head = _head(part.buf, part.start + 1)[2]  # past [ and the first delta
        joined[0] += b"\x83" + _encode_head(0, delta)
        joined[0] += memoryview(part.buf)[head : part.end]
    else:
        joined[0] += _renumbered_fields(part, delta, fields)
    joined[1] += part.count
    joined[2] = offset + part.last


def _entry(word: bytes, pages: list, forms: dict) -> bytes:
    """A word's CBOR from its joined page lists and its spellings'."""
    out = [b"\x83", _encode_head(3, len(word)), word]
    out += [_encode_head(4, pages[1]), pages[0], _encode_head(4, len(forms))]
    for form, (data, count, _) in forms.items():
        out += [b"\x82", _encode_head(3, len(form)), form, _encode_head(4, count), data]
    return b"".join(out)


class Folded:
    """The words of the shards read so far, joined shard by shard as each
    arrives (while the next is being indexed), so that the join at the end
    of the build only writes them out and packs them: the same bytes as
    :func:`_word_entry` over all the shards at once.  Per language, each
    word's page list and those of its spellings so far (:func:`_joined`).
    A shard whose meta
    fields differ from the first's (their numbers would change) or whose
    words are out of order stops the folding: the join then works from the
    shards themselves, as before."""

    def __init__(self):
        self.languages: dict[str, dict] = {}  # language -> {word: [pages, forms]}
        self.fields: dict[str, list] = {}  # language -> the first shard's fields
        self.shards: dict[str, list] = {}  # language -> the shards folded in
        self.broken: set[str] = set()

    def add(self, shard: "Shard", first: dict) -> None:
        """Fold in ``shard``, whose pages start at ``first[shard, language]``."""
        for language, (meta, words) in shard.languages.items():
            if language in self.broken:
                continue
            if self.fields.setdefault(language, meta[5]) != meta[5] or not _fold(
                self.languages.setdefault(language, {}),
                words,
                first[shard, language],
            ):
                self.broken.add(language)
                self.languages.pop(language, None)
                continue
            self.shards.setdefault(language, []).append(shard)
            # Folded: the shard's own copy goes (read again should the
            # folding stop at a later shard).
            shard.languages[language] = (meta, None)

    def entries(self, language: str, shards: list):
        """(word, its CBOR) in word order, or None if ``shards`` are not
        the ones folded, in that order."""
        if language in self.broken or self.shards.get(language) != shards:
            return None
        folded = self.languages[language]
        return ((word, _entry(word, *folded[word])) for word in sorted(folded))


def _fold(words_so_far: dict, words, offset: int) -> bool:
    """A shard's words folded into ``words_so_far``; False if they are not
    in order (the shards' lists are merged in word order)."""
    previous = None
    for word, _, pages, variants in words:
        if previous is not None and word <= previous:
            return False
        previous = word
        entry = words_so_far.get(word)
        if entry is None:
            entry = words_so_far[word] = [_joined(), {}]
        _append(entry[0], pages, offset)
        forms = entry[1]
        for form, variant in variants:  # in order of first use
            joined = forms.get(form)
            if joined is None:
                joined = forms[form] = _joined()
            _append(joined, variant, offset)
    return True


def _renumbered_fields(part: _Pages, delta: int, fields: list) -> bytes:
    """A page list whose meta locations name fields by this shard's numbers
    (``[-(field + 1), position, ...]``), decoded and given the joined
    index's numbers.  Only for shards that lack a field another has."""
    head = _encode_head(4, part.count)
    pages = cbor2.loads(head + part.buf[part.start : part.end])
    pages[0][0] = delta
    for page in pages:
        page[2] = [-fields[-n - 1] - 1 if n < 0 else n for n in page[2]]
    return cbor2.dumps(pages)[len(head) :]


def _named(buf: bytes, pos: int, head: int, what: str) -> tuple[bytes, int]:
    """The text opening the array at ``pos`` (head byte ``head``: a word's
    [word, pages, variants], a variant's [form, pages]) and what follows."""
    if buf[pos] != head:
        raise MergeError(f"{what} does not parse")
    size, pos = _expect(buf, pos + 1, 3)
    return buf[pos : pos + size], pos + size


def _words(buf: bytes, shard: "Shard"):
    """(word as UTF-8, shard, its pages, its variants) of one index chunk."""
    if buf[:1] != b"\x81":
        raise MergeError("an index chunk is not [words]")
    count, pos = _expect(buf, 1, 4)
    for _ in range(count):
        word, pos = _named(buf, pos, 0x83, "a word [word, pages, variants]")
        pages = _Pages(buf, pos)
        variants = []
        count_variants, pos = _expect(buf, pages.end, 4)
        for _ in range(count_variants):
            form, pos = _named(buf, pos, 0x82, "a variant [form, pages]")
            variant = _Pages(buf, pos)
            pos = variant.end
            variants.append((form, variant))
        yield word, shard, pages, variants
    if pos != len(buf):
        raise MergeError("an index chunk has bytes after its words")


class Shard:
    """One shard's bundle, read: per language its metadata and its words.
    Reading is most of the joining's work, so a shard can be read while
    Pagefind indexes the next one.  A shard the portal's writer made
    (:func:`search.bundle.write_shard`) hands its words over ready:
    nothing to parse."""

    def __init__(self, bundle: Path):
        self.bundle = bundle
        self.languages = {}
        self.filters: dict[str, list] = {}  # language -> [[name, values], ...]
        handed = bundle / HANDED_OVER
        if handed.exists():
            self._handed_over(pickle.loads(handed.read_bytes()))
            return
        self.entry = json.loads((bundle / "pagefind-entry.json").read_text("utf-8"))
        for language, info in self.entry["languages"].items():
            meta = read_pf(bundle / f"pagefind.{info['hash']}.pf_meta")
            if meta[4]:
                raise MergeError("Pagefind sort keys are not joined")
            words = [
                word
                for _first, _last, name in meta[2]
                for word in _words(pf_body(bundle / "index" / f"{name}.pf_index"), self)
            ]
            self.languages[language] = (meta, words)
            self.filters[language] = [
                read_pf(bundle / "filter" / f"{file_hash}.pf_filter")
                for _, file_hash in meta[3]
            ]

    def words(self, language: str) -> list:
        """The shard's words in ``language``, read again from its bundle if
        they were let go of once folded (:class:`Folded`)."""
        words = self.languages[language][1]
        if words is None:
            again = Shard(self.bundle).languages[language][1]
            words = [(word, self, pages, forms) for word, _, pages, forms in again]
        return words

    def _handed_over(self, shard: dict) -> None:
        self.entry = shard["entry"]
        for language, found in shard["languages"].items():
            meta = [found["version"], found["pages"], [], [], [], found["fields"]]
            words = [
                (
                    word,
                    self,
                    _Pages.known(*pages),
                    [(form, _Pages.known(*p)) for form, p in forms],
                )
                for word, pages, forms in found["words"]
            ]
            self.languages[language] = (meta, words)
            self.filters[language] = found["filters"]


def _word_entry(word: bytes, group: list, place: dict) -> bytes:
    """One word's CBOR from its entries in the shards (``place``: each
    shard's first page number and field numbers)."""
    pages, forms = _joined(), {}  # spellings in order of first use, as Pagefind
    for _, shard, own, variants in group:
        _append(pages, own, *place[shard])
        for form, variant in variants:
            _append(forms.setdefault(form, _joined()), variant, *place[shard])
    return _entry(word, pages, forms)


def _prefixes(a: str, b: str) -> tuple[str, str]:
    """The shortest prefixes telling the last word of a chunk from the first
    of the next, as Pagefind names its chunks' ranges."""
    common = 0
    for x, y in zip(a, b, strict=False):  # up to the shorter
        if x != y:
            break
        common += 1
    return a[: common + 1], b[: common + 1]


def _chunk_ranges(bounds: list[list[str]]) -> None:
    for this, after in pairwise(bounds):
        to, start = _prefixes(this[1], after[0])
        if to >= this[0]:
            this[1] = to
        after[0] = start


def _unique(name_of, data: bytes, length: int, taken: set) -> str:
    """A content name not yet ``taken``, longer on a clash."""
    name = name_of(data, length)
    while name in taken:
        length += 1
        name = name_of(data, length)
    taken.add(name)
    return name


class Fragments:
    """The pages of the joined bundle, in shard order: each shard's fragment
    files are moved into it as soon as the shard is read (while Pagefind
    indexes the next), not in the join at the end of the build; those of a
    shard under ``kept`` (the shard cache, :mod:`search.shardcache`) are
    linked (copied across file systems), so that the cache keeps them."""

    def __init__(self, out: Path, kept: Path | None = None):
        self.out = out
        self.kept = kept
        self.pages: dict[str, list] = {}  # language -> [fragment, word count]
        self.first: dict[tuple, int] = {}  # (shard, language) -> its first page
        self._taken: dict[str, set] = {}

    def add(self, shard: Shard) -> None:
        folder = self.out / "fragment"
        folder.mkdir(parents=True, exist_ok=True)
        source = os.path.join(shard.bundle, "fragment")
        place = _link if self.kept in shard.bundle.parents else os.replace
        for language, (meta, _words) in shard.languages.items():
            pages = self.pages.setdefault(language, [])
            taken = self._taken.setdefault(language, set())
            self.first[shard, language] = len(pages)
            for fragment, word_count in meta[1]:
                path = os.path.join(source, f"{fragment}.pf_fragment")
                if fragment in taken:  # another shard's page has this short name
                    name_of = partial(content_name, language)
                    fragment = _unique(name_of, pf_body(Path(path)), 7, taken)
                else:
                    taken.add(fragment)
                # A fragment holds its page's URL: no two pages share one.
                place(path, os.path.join(folder, f"{fragment}.pf_fragment"))
                pages.append([fragment, word_count])


def _link(source: str, target: str) -> None:
    """``source`` also at ``target``: a hard link, or a copy where the two
    are on different file systems (or links are not allowed)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _join_language(
    language: str,
    shards: list[Shard],
    fragments: Fragments,
    out: Path,
    pool,
    folded: Folded | None = None,
) -> dict:
    metas = [shard.languages[language][0] for shard in shards]
    version = metas[0][0]
    if any(meta[0] != version for meta in metas):
        raise MergeError("shards made by different Pagefind versions")
    # Meta fields are numbered in name order; a shard without some field
    # (no page with a photo: no "image") numbers the others differently.
    fields = sorted({name for meta in metas for name in meta[5]})

    def name_of(data: bytes, length: int) -> str:
        return content_name(language, data, length)

    place, pages = {}, fragments.pages[language]
    for shard, meta in zip(shards, metas, strict=True):
        numbers = [fields.index(name) for name in meta[5]]
        same = numbers == list(range(len(numbers)))
        place[shard] = (fragments.first[shard, language], None if same else numbers)

    values: dict[str, dict[str, list]] = {}
    for shard in shards:
        offset = place[shard][0]
        for name, entries in shard.filters[language]:
            for value, numbers in entries:
                shifted = [offset + n for n in numbers]
                values.setdefault(name, {}).setdefault(value, []).extend(shifted)
    filters, taken = [], set()
    (out / "filter").mkdir(exist_ok=True)
    for name in sorted(values):
        data = pf_bytes([name, sorted(values[name].items())])
        file_hash = _unique(name_of, data, 7, taken)
        (out / "filter" / f"{file_hash}.pf_filter").write_bytes(data)
        filters.append([name, file_hash])

    chunks, writes, taken = [], [], set()
    (out / "index").mkdir(exist_ok=True)
    entries, size, first = [], 0, None

    def close(last: bytes) -> None:
        body = b"\x81" + _encode_head(4, len(entries)) + b"".join(entries)
        chunk_hash = _unique(name_of, body, 7, taken)
        writes.append(
            pool.submit(_write_pf, out / "index" / f"{chunk_hash}.pf_index", body)
        )
        chunks.append([first.decode(), last.decode(), chunk_hash])

    words = None
    if folded is not None and all(p[1] is None for p in place.values()):
        words = folded.entries(language, shards)
    if words is None:
        merged = heapq.merge(
            *(shard.words(language) for shard in shards),
            key=operator.itemgetter(0),
        )
        words = (
            (word, _word_entry(word, list(group), place))
            for word, group in groupby(merged, key=operator.itemgetter(0))
        )
    for word, entry in words:
        entries.append(entry)
        size += len(entry)
        first = first or word
        if size >= CHUNK_BYTES:
            close(word)
            entries, size, first = [], 0, None
    if entries:
        close(word)
    _chunk_ranges(chunks)
    for write in writes:
        write.result()  # raises what the writing raised

    meta = pf_bytes([version, pages, chunks, filters, [], fields])
    meta_hash = content_name(language, meta, 10)
    (out / f"pagefind.{meta_hash}.pf_meta").write_bytes(meta)
    return {"hash": meta_hash, "page_count": len(pages)}


def _write_pf(path: Path, body: bytes) -> None:
    """Pack and write, in a thread: libdeflate lets go of the GIL while it packs."""
    path.write_bytes(pf_pack(body, COMPRESSION))


def join(
    shards: list[Shard],
    out: Path,
    fragments: Fragments | None = None,
    folded: Folded | None = None,
) -> None:
    """Join the read shards (of disjoint pages, in the order their pages are
    to be numbered) into the bundle ``out``.  The shards' fragment files
    are moved, not copied (by ``fragments`` already, if given); their
    words are taken from ``folded`` where it holds them all."""
    out.mkdir(parents=True, exist_ok=True)
    if fragments is None:
        fragments = Fragments(out)
        for shard in shards:
            fragments.add(shard)
    # The scripts, styles and WebAssembly are the same in every shard.
    for item in scripts(shards[0].bundle):
        shutil.copy2(item, out / item.name)
    entry = dict(shards[0].entry)
    languages = {}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for language in sorted({lang for s in shards for lang in s.languages}):
            having = [s for s in shards if language in s.languages]
            info = dict(having[0].entry["languages"][language])
            info.update(_join_language(language, having, fragments, out, pool, folded))
            languages[language] = info
    entry["languages"] = languages
    (out / "pagefind-entry.json").write_text(
        json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )


def scripts(bundle: Path) -> list[Path]:
    """Pagefind's scripts, styles and WebAssembly in ``bundle``: its files
    but the index's own."""
    own = ("pagefind-entry.json", HANDED_OVER)
    return [
        item
        for item in bundle.iterdir()
        if item.is_file() and item.suffix != ".pf_meta" and item.name not in own
    ]


def merge(bundles: list[Path], out: Path) -> None:
    """Read the bundles as shards and :func:`join` them into ``out``."""
    join([Shard(bundle) for bundle in bundles], out)


def serve(out: Path, lines, kept: Path | None = None) -> None:
    """Read each bundle named in ``lines`` (one path a line) as it comes,
    moving its fragments into ``out`` (linking those of a bundle under
    ``kept``), and join them all at the end."""
    fragments, shards, folded = Fragments(out, kept), [], Folded()
    for line in lines:
        if line.strip():
            shards.append(Shard(Path(line.rstrip("\n"))))
            fragments.add(shards[-1])
            folded.add(shards[-1], fragments.first)
    join(shards, out, fragments, folded)


def main() -> None:
    """The search plugin's joining process: ``OUT`` (and the shard cache's
    folder, if any) as its arguments, the shards' bundles on its standard
    input."""
    import sys

    kept = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    try:
        serve(Path(sys.argv[1]), sys.stdin, kept)
    except Exception as error:  # the search plugin reports it
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

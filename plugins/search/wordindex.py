"""A shard's word index in Pagefind's CBOR, every page at once (pure).

Pagefind's index lists, for each word, the pages it is on, and for each of
those pages its locations: ``[page delta, [locations], [meta locations]]``
(:mod:`search.bundle`, :mod:`search.merge`).  Built word by word and page
by page in Python, that was one step or more for each of a report's ~780
words and each of its ~340 (word, page) entries: about half of what
indexing a report cost.  Here every location of a shard is a row of a few
NumPy arrays, and the entries, their numbers and their CBOR are made for
all of them at once (``tests/test_search_indexer.py`` checks the bytes
against an entry-by-entry encoding and against Pagefind's own index).

A row is a word's key (a number, :func:`search.fossick.key_id`), its page,
its position and a code: the location's weight (as Pagefind stores it) or,
from ``META`` up, the metadata field it is in.  Rows are added page after
page, each page's locations by weight (``PLAIN`` and 0 first) and
position, then its metadata by field and position, so that a stable sort
by key gives each word's rows in Pagefind's order; the parts of a compound
word (``Đ/c`` is indexed as ``đc`` and as ``đ``) can fall among the words
of their weight, and the few entries where they do are sorted on their own.

NumPy is imported in the indexing process only (:func:`search._index`), not
in Pelican's: :mod:`search.bundle` imports this module when it indexes.
"""

from array import array
from operator import itemgetter

import numpy as np

# A location at this weight needs no marker; Pagefind sorts it first.
PLAIN = 25
# A row's code from here up is a metadata location of field code - META
# (weights are at most 240).
META = 256
# Rows encoded at once, at most (and the rest of the word they end in).
SLICE = 1 << 16


class Rows:
    """The rows of a word index as its pages are added."""

    def __init__(self):
        self.keys: list[int] = []  # key ids; negative: no word (left out)
        # (page, code, how many rows, first position) of each run of rows
        self.runs = array("i")

    def run(self, page: int, code: int, keys: list[int], start: int) -> None:
        """Words at positions ``start``, ``start + 1``... of one code."""
        self.keys += keys
        self.runs.extend((page, code, len(keys), start))

    def one(self, page: int, code: int, key: int, position: int) -> None:
        self.keys.append(key)
        self.runs.extend((page, code, 1, position))

    def page(self, number: int, page, field_number: dict) -> None:
        """A :class:`search.fossick.Page`'s words as page ``number``: its
        locations by weight and position, then its metadata by field
        (its number in ``field_number``) and position."""
        pieces = [(_rank(w), start, w, keys) for w, start, keys in page.runs]
        pieces += [(_rank(w), position, w, key) for key, w, position in page.parts]
        pieces.sort(key=itemgetter(0, 1))
        for _, start, weight, keys in pieces:
            if keys.__class__ is int:
                self.one(number, weight, keys, start)
            else:
                self.run(number, weight, keys, start)
        for field, position, key in sorted(
            (field_number[name], position, key)
            for name, position, key in page.meta_words
        ):
            self.one(number, META + field, key, position)

    def encode(self, rows: int = SLICE) -> dict[int, tuple]:
        return encode(self.keys, self.runs, rows)


def _rank(weight: int) -> int:
    return 0 if weight == PLAIN else weight


def _sorted(K, P, C, S):
    """The rows in (key, page, code's rank, position) order, and where each
    (key, page) entry starts.  Rows come page after page, each page's in
    rank and position order but for the parts of a compound word (``Đ/c``
    is indexed as ``đc`` and ``đ``): a stable sort by key, then the few
    entries that are not in order sorted on their own."""
    by_key = K.astype(np.uint16) if int(K.max()) < 1 << 16 else K
    order = np.argsort(by_key, kind="stable")
    K, P, C, S = K[order], P[order], C[order], S[order]
    new_entry = np.ones(len(K), bool)
    new_entry[1:] = (K[1:] != K[:-1]) | (P[1:] != P[:-1])
    rank = np.where(C == PLAIN, 0, C)  # _rank
    same = ~new_entry[1:]
    back = same & (rank[1:] < rank[:-1])
    back |= same & (rank[1:] == rank[:-1]) & (S[1:] < S[:-1])
    if back.any():
        entry = np.cumsum(new_entry) - 1
        wrong = np.zeros(int(entry[-1]) + 1, bool)
        wrong[entry[1:][back]] = True
        rows = np.flatnonzero(wrong[entry])  # each such entry's rows, in place
        order = rows[np.lexsort((S[rows], rank[rows], entry[rows]))]
        P[rows], C[rows], S[rows] = P[order], C[order], S[order]
    return K, P, C, S, new_entry


# CBOR: the first s of an item's 4 (8) big-endian bytes, as a mask.
_KEEP_4 = (np.arange(4) < np.arange(6)[:, None]).view(np.uint32).ravel()
_KEEP_8 = (np.arange(8) < np.arange(6)[:, None]).view(np.uint64).ravel()
_SHIFT_8 = np.array([0, 0, 48, 40, 0, 24], np.uint64)


def _cbor(major, value) -> tuple[bytes, np.ndarray]:
    """The CBOR of items (major type, argument under 2**31) one after the
    other, in shortest form, and where each item starts in it."""
    small = value >= 24
    byte = value >= 256
    wide = value >= 1 << 16
    size = 1 + small.view(np.uint8) + byte.view(np.uint8)
    info = np.minimum(value, 24 + byte.view(np.uint8)).astype(np.uint8)
    if wide.any():
        size += 2 * wide.view(np.uint8)
        info += wide.view(np.uint8)
    offsets = np.zeros(len(value) + 1, np.int64)
    np.cumsum(size, out=offsets[1:])
    first = (major << 5) | info
    if not wide.any():  # every item in at most 3 bytes: 4-byte words
        word = first.astype(np.uint32) << 24
        payload = np.where(byte, value << 8, value << 16).astype(np.uint32)
        payload *= small
        word |= payload
        grid, keep = word.astype(">u4"), _KEEP_4[size]
    else:
        word = first.astype(np.uint64) << 56
        payload = value.astype(np.uint64) << _SHIFT_8[size]
        payload *= small
        word |= payload
        grid, keep = word.astype(">u8"), _KEEP_8[size]
    data = np.compress(keep.view(bool), grid.view(np.uint8)).tobytes()
    return data, offsets


def encode(keys: list[int], runs: array, rows: int = SLICE) -> dict[int, tuple]:
    """key id -> (CBOR of its page entries, last page, how many pages, how
    many numbers, first page, 1 if its first page has it in its metadata
    only), from the rows of :class:`Rows`, about ``rows`` at a time."""
    K = np.fromiter(keys, np.int32, len(keys))
    table = np.frombuffer(runs, np.int32).reshape(-1, 4)
    P = np.repeat(table[:, 0], table[:, 2])
    C = np.repeat(table[:, 1], table[:, 2])
    # Positions: each run's first, then one more a row.
    before = np.cumsum(table[:, 2]) - table[:, 2]  # rows before each run
    S = np.arange(len(K), dtype=np.int32)
    S += np.repeat((table[:, 3] - before).astype(np.int32), table[:, 2])
    kept = K >= 0
    if not kept.all():
        K, S, P, C = K[kept], S[kept], P[kept], C[kept]
    if not len(K):
        return {}
    K, P, C, S, new_entry = _sorted(K, P, C, S)  # new_entry: a (word, page)
    # A slice of rows at a time, each a whole number of words: the arrays
    # an item needs are ~60 bytes, ~100 MB at once for 500 reports.
    words = np.flatnonzero(new_entry & np.append(True, K[1:] != K[:-1]))
    at = np.searchsorted(words, range(0, len(K), rows))  # the next word's start
    cuts = np.unique(words[at[at < len(words)]])
    found: dict[int, tuple] = {}
    for start, end in zip(cuts.tolist(), [*cuts[1:].tolist(), len(K)], strict=True):
        found.update(
            _entries(
                K[start:end],
                P[start:end],
                C[start:end],
                S[start:end],
                new_entry[start:end],
            )
        )
    return found


def _entries(K, P, C, S, new_entry) -> dict[int, tuple]:
    """:func:`encode` for sorted rows, each key's all there."""
    n = len(K)
    meta = C >= META
    weight = np.where(meta, C - META, C)  # or the field, for metadata rows
    new_group = new_entry.copy()  # ... or its metadata locations do
    new_group[1:] |= meta[1:] != meta[:-1]
    # A marker [-(weight + 1)] where the weight (field) changes; locations
    # start at the plain weight, metadata locations at no field.
    before = np.empty(n, np.int32)
    before[1:] = weight[:-1]
    before[new_group] = np.where(meta[new_group], -1, PLAIN)
    marker = weight != before
    # Each number is its position's difference from the one before, or
    # the position itself after a marker or at a group's start.
    value = np.empty(n, np.int32)
    value[0] = S[0]
    np.subtract(S[1:], S[:-1], out=value[1:])
    absolute = new_group | marker
    value[absolute] = S[absolute]

    starts = np.flatnonzero(new_entry)
    ends = np.append(starts[1:], n)
    entry = np.cumsum(new_entry) - 1
    items = 1 + marker.astype(np.int64)  # numbers a row adds
    counted = np.zeros(n + 1, np.int64)
    np.cumsum(items, out=counted[1:])
    meta_start = ends.copy()  # each entry's first metadata row, or its end
    first_meta = np.flatnonzero(new_group & meta)
    meta_start[entry[first_meta]] = first_meta
    located = counted[meta_start] - counted[starts]
    numbers = counted[ends] - counted[starts]

    # Items of an entry: [3 items, page delta, [located...], [the rest...]]
    at_entry = np.zeros(len(starts) + 1, np.int64)
    np.cumsum(4 + numbers, out=at_entry[1:])
    total = int(at_entry[-1])
    major = np.zeros(total, np.uint8)
    argument = np.zeros(total, np.int32)
    head = at_entry[:-1]
    entry_key, entry_page = K[starts], P[starts]
    key_first = np.ones(len(starts), bool)
    key_first[1:] = entry_key[1:] != entry_key[:-1]
    page_delta = np.empty(len(starts), np.int32)
    page_delta[0] = entry_page[0]
    np.subtract(entry_page[1:], entry_page[:-1], out=page_delta[1:])
    page_delta[key_first] = entry_page[key_first]
    major[head] = 4
    argument[head] = 3
    argument[head + 1] = page_delta
    major[head + 2] = 4
    argument[head + 2] = located
    major[head + 3 + located] = 4
    argument[head + 3 + located] = numbers - located
    at = (head + 3 - counted[starts])[entry] + counted[:-1] + meta
    marked = at[marker]
    major[marked] = 1
    argument[marked] = weight[marker]
    argument[at + marker] = value
    data, offsets = _cbor(major, argument)

    # Each key's entries, one after the other.
    first = np.flatnonzero(key_first)
    last = np.append(first[1:], len(starts)) - 1
    begin = offsets[head[first]].tolist()
    end = offsets[at_entry[last + 1]].tolist()
    counts = np.add.reduceat(numbers + 1, first).tolist()
    meta_only = (located[first] == 0).tolist()
    pages = entry_page.tolist()
    found = {}
    for key, a, b, f, z, count, alone in zip(
        entry_key[first].tolist(),
        begin,
        end,
        first.tolist(),
        last.tolist(),
        counts,
        meta_only,
        strict=True,
    ):
        found[key] = (data[a:b], pages[z], z - f + 1, count, pages[f], int(alone))
    return found

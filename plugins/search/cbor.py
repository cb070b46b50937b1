"""CBOR as Pagefind's encoder (minicbor) writes it: shortest heads,
definite lengths (pure).  Arrays of small integers, the bulk of a word
index, are joined from a table of encoded integers."""

import cbor2


class CBORError(ValueError):
    """A value CBOR's heads cannot hold."""


def head(major: int, value: int) -> bytes:
    """The head of a CBOR item: major type and a length or value."""
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise CBORError(f"{value} does not fit in CBOR")


_ENCODED: dict[int, bytes] = {}  # integers, encoded; filled on first use


def encoded_integers() -> dict[int, bytes]:
    """Every integer a location usually is, encoded (~6 MB, built on first
    use: in the indexing process, not in Pelican's)."""
    if not _ENCODED:
        _ENCODED.update((n, cbor2.dumps(n)) for n in range(-1024, 1 << 16))
    return _ENCODED


def int_array(numbers: list[int]) -> bytes:
    """The CBOR of a list of integers."""
    try:
        return ARRAY_HEADS[len(numbers)] + b"".join(map(_ENCODED.__getitem__, numbers))
    except (KeyError, IndexError):  # a number outside the table, or no table
        if not _ENCODED:
            encoded_integers()
            return int_array(numbers)
        return cbor2.dumps(numbers)


ARRAY_HEADS = [head(4, n) for n in range(1 << 12)]  # arrays of up to 4,095 items


def text(value: str) -> bytes:
    data = value.encode("utf-8")
    return head(3, len(data)) + data

"""CBOR as Pagefind's encoder (minicbor) writes it: shortest heads,
definite lengths (pure).  The bulk of a word index, its locations, is
encoded all at once by :mod:`search.wordindex`."""


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


def text(value: str) -> bytes:
    data = value.encode("utf-8")
    return head(3, len(data)) + data

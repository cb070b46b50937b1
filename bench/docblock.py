"""Write a benchmark's table into docs/performance.md between its markers."""

from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


def write_block(name: str, title: str, text: str, doc: Path = DOC) -> None:
    """Replace the block ``<!-- name:start -->`` … ``<!-- name:end -->`` (or
    append it); the rest of the file, written by hand, is kept."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    old = doc.read_text(encoding="utf-8") if doc.exists() else "# Performance\n"
    block = f"{start}\n## {title}\n\n{text}\n{end}"
    if start in old and end in old:
        new = old[: old.index(start)] + block + old[old.index(end) + len(end) :]
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(new, encoding="utf-8")

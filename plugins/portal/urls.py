"""Two reports must never share an address.

Titles repeat ("Phường Nghi Tân sơ kết 6 tháng đầu năm ..."), and Pelican
derives slugs from titles, so two reports of one month can collide; Pelican
would then stop with a traceback while writing.  :func:`unique_slugs` finds
the collisions before anything is written and gives every report after the
first (in source-path order, so every build agrees) a numbered slug.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable


def newest_first(item) -> tuple:
    """Newest first, then by title, then by source file: a total order.

    Pelican reads the files in the order of a set, which changes from run
    to run, so its own date order lists two reports of the same minute
    differently in every build; this one never does.
    """
    return (-item.date.timestamp(), item.title, item.source_path)


def unique_slugs(
    items: Iterable,
    address: Callable[[object], str],
    source: Callable[[object], str],
    slug_in_address: bool = True,
    renamed: Callable[[object], None] = lambda item: None,
) -> list[tuple[object, str, object]]:
    """Renumber colliding slugs in place; return (item, old_slug, first) per change.

    ``address(item)`` is where the item would be written (it must follow
    ``item.slug`` once ``renamed(item)`` has been told of a new slug);
    ``source(item)`` orders items that collide.  When the
    address pattern contains the slug (``slug_in_address``), items with a
    slug of their own cannot collide and their address is not computed
    (Pelican's is ~0.1 ms a call).
    """
    items = list(items)
    all_slugs = {item.slug for item in items}
    if slug_in_address:
        by_slug = defaultdict(list)
        for item in items:
            by_slug[item.slug].append(item)
        items = [i for group in by_slug.values() if len(group) > 1 for i in group]
    groups = defaultdict(list)
    for item in items:
        groups[address(item)].append(item)
    taken = set(groups)

    def free(item) -> bool:
        if slug_in_address and item.slug in all_slugs:
            return False
        return address(item) not in taken

    changes = []
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=source)
        first, *rest = group
        for item in rest:
            old, n = item.slug, 2
            while True:
                item.slug = f"{old}-{n}"
                renamed(item)
                if free(item):
                    break
                n += 1
            taken.add(address(item))
            all_slugs.add(item.slug)
            changes.append((item, old, first))
    return changes

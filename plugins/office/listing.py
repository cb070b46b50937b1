"""Which announcements are current, and the documents grouped for their
filter pages (pure functions on plain values)."""

from dataclasses import dataclass, field
from datetime import datetime, time

from vietnamese.text import fold, name_key, slugify


def expiry(value, tz) -> datetime | None:
    """The moment an ``Expires:`` value ends, in the site's timezone: a date
    alone lasts to the end of that day."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == 0:
            value = datetime.combine(value.date(), time.max)
        return value if value.tzinfo else value.replace(tzinfo=tz)
    return None


def is_current(start: datetime, end: datetime | None, now: datetime) -> bool:
    """Published (``start`` reached) and not expired at ``now``; without an
    end date an announcement is listed but never highlighted."""
    return end is not None and start <= now <= end


@dataclass
class Facet:
    """One filter value of the documents list: a year, a type or an issuer."""

    kind: str  # "year", "type" or "issuer"
    name: str
    slug: str
    url: str = ""
    save_as: str = ""
    items: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.items)


def facets(documents: list, kind: str, value, url: str, save_as: str) -> list[Facet]:
    """The documents grouped by ``value(document)``: years newest first,
    types and issuers by name; the documents keep their given order.
    Spellings of one name ("Hòa"/"Hoà") fall in one group, shown as first
    written."""
    groups: dict[str, Facet] = {}
    for doc in documents:
        name = value(doc)
        key = str(name) if kind == "year" else name_key(name)
        if key not in groups:
            slug = str(name) if kind == "year" else slugify(name)
            groups[key] = Facet(
                kind,
                str(name),
                slug,
                url.format(facet=kind, slug=slug),
                save_as.format(facet=kind, slug=slug),
            )
        groups[key].items.append(doc)
    found = list(groups.values())
    if kind == "year":
        return sorted(found, key=lambda f: f.name, reverse=True)
    return sorted(found, key=lambda f: (fold(f.name), f.name))

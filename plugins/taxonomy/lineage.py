"""Wards through time on the ward pages and on /phuong/ (pure: no Pelican).

A report stays under the ward it names, as it was on its date
(``article.ward``, set by the portal plugin).  A successor's page lists its
own reports and, apart, those of its predecessors; a former ward's page
keeps its reports and says what it became.  /phuong/ groups wards by the
unit they belong to today, former wards under their successor.
"""

from dataclasses import dataclass, field


@dataclass
class Lineage:
    """A ward's place in time: what it came from and what it became."""

    predecessors: list = field(default_factory=list)  # [(Ward, Term | None)]
    direct_predecessors: list = field(default_factory=list)  # [(Ward, Term|None)]
    successors: list = field(default_factory=list)  # [(Ward, Term | None)]
    current: list = field(default_factory=list)  # [(Ward, Term | None)]

    @property
    def predecessor_count(self) -> int:
        """Reports filed under the predecessors (not counted as the ward's own)."""
        return sum(term.count for _, term in self.predecessors if term is not None)


def lineage(ward, registry, terms: dict) -> Lineage:
    """The :class:`Lineage` of ``ward``; ``terms`` maps wards to their terms."""

    def with_terms(wards):
        return [(w, terms.get(w)) for w in wards]

    every = registry.predecessors(ward)
    direct = [w for w in every if ward in registry.successors(w)]
    current = [w for w in registry.current(ward) if w != ward]
    return Lineage(
        predecessors=with_terms(every),
        direct_predecessors=with_terms(direct),
        successors=with_terms(registry.successors(ward)),
        current=with_terms(current),
    )


def successors_to_show(registry, terms: dict) -> list:
    """Wards without reports of their own whose predecessors have some: they
    get a page too (their predecessors' reports, their history), in
    registry order."""
    shown = []
    for ward in registry.wards:
        if ward in terms:
            continue
        if any(w in terms for w in registry.predecessors(ward)):
            shown.append(ward)
    return shown


def by_current_unit(registry, terms: dict) -> list[tuple[str, str, list]]:
    """[(unit, province, [(ward, term, [(former ward, term)])])]: the wards
    that exist today by the unit they belong to now (registry order), each
    with the former wards whose successors lead to it."""
    groups: dict[tuple[str, str], list] = {}
    for ward in registry.wards:
        if ward.former:
            continue
        formers = [(w, terms.get(w)) for w in registry.predecessors(ward)]
        key = (ward.history.last_parent or ward.town, ward.province)
        groups.setdefault(key, []).append((ward, terms.get(ward), formers))
    # A former ward whose successors are all unknown to the registry still
    # gets listed, under the unit it last belonged to.
    listed = {f for items in groups.values() for _, _, fs in items for f, _ in fs}
    for ward in registry.wards:
        if ward.former and ward not in listed:
            key = (ward.history.last_parent or ward.town, ward.province)
            groups.setdefault(key, []).append((ward, terms.get(ward), []))
    return [(unit, province, items) for (unit, province), items in groups.items()]


def with_lineage(terms: dict, registry, make_term) -> dict:
    """``terms`` (ward -> term) plus a term made by ``make_term(ward)`` for
    each successor to show, in registry order, every term given its
    ``lineage``.  A term without reports of its own has no feed."""
    if registry is None:
        return terms
    terms = dict(terms)
    for ward in successors_to_show(registry, terms):
        terms[ward] = make_term(ward)
        terms[ward].feed_url = ""
    terms = {w: terms[w] for w in registry.wards if w in terms}
    for ward, term in terms.items():
        term.lineage = lineage(ward, registry, terms)
    return terms

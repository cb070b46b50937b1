"""The ward office's portal: identity, announcements, documents, contacts.

- the office named in the settings (OFFICE_*: header, logo, footer);
- announcements (``content/thong-bao/``, ``Expires:``): pages, a list, a
  feed, and a strip on the home page while one is current;
- documents (``content/van-ban/``: number, date, issuer, type, PDF): pages,
  a list, one filter page per year, type and issuer (no JavaScript), a feed;
- contacts per ward from the registry (``[ward.contact]``) and for the portal.

The rules on metadata (:mod:`office.rules`) serve both the build and
``make check`` (:mod:`office.checks`).
"""

from urllib.parse import quote

from pelican import signals

from .generator import OfficeGenerator
from .identity import office_from
from .settings import DEFAULTS, setting

__all__ = ["DEFAULTS", "register", "setting"]


def share_links(url: str, settings: dict) -> list[tuple[str, str]]:
    """[(network, link)] sharing the absolute address ``url``; none for a
    relative one (a dev build), which nobody else could open."""
    if not url.startswith(("http://", "https://")):
        return []
    return [
        (name, pattern.format(url=quote(url, safe="")))
        for name, pattern in setting(settings, "OFFICE_SHARE_LINKS")
    ]


def add_office(generator):
    """The office for every template, and the ``share_links`` filter."""
    settings = generator.settings
    generator.context.setdefault("office", office_from(settings, setting))
    generator.env.filters["share_links"] = lambda url: share_links(url, settings)


def get_generators(pelican):
    return OfficeGenerator


def register():
    # generator_init: every generator's Jinja environment exists and the
    # shared context is there, before anything is read or rendered.
    signals.generator_init.connect(add_office)
    # get_generators: ours runs after the articles and pages are read, so
    # the home page (written later) sees the current announcements.
    signals.get_generators.connect(get_generators)

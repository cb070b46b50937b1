"""Each report's card rendered once per build, not on every listing it is on.

A report's card (``partials/article_card.html``: photo, headline, date,
ward, lede) is on about six listing pages: the home pages, its ward's, its
year's, its author's and each of its topics'.  At 10,000 reports that is
some 60,000 cards, each an ``{% include %}`` (a new template context) with
the lede's ``striptags`` and two dates to format.  A card depends only on
its report and on ``SITEURL`` (relative on dev builds: it changes with the
listing's folder depth), so templates call ``article_card(article)``, which
renders the partial once, with a marker where ``SITEURL`` goes, and gives
that HTML with the page's ``SITEURL`` put in after that.  Cards are kept as
UTF-8 (~1 KB a report; a page-writing worker keeps those it has used).

The cache is emptied at the start of every build, so a dev rebuild sees
edited reports and an edited theme.  ``CARD_CACHE = False`` renders every
card where it appears (the tests compare both).
"""

from jinja2 import pass_context
from markupsafe import Markup, escape

TEMPLATE = "partials/article_card.html"
# Stands for SITEURL in a kept card: text that autoescape leaves as it is
# and no headline or lede holds (NULs).  A card that used SITEURL other
# than as text would differ from one rendered in place: the tests compare.
MARK = "\x00SITEURL\x00"
_cards: dict[int, tuple[object, bytes]] = {}


def _render(context, article, siteurl: str) -> str:
    """The card as an include would render it: the page's names, the
    report as ``article``."""
    names = {**context.get_all(), "article": article, "SITEURL": siteurl}
    return context.environment.get_template(TEMPLATE).render(names)


@pass_context
def article_card(context, article) -> Markup:
    """The card of ``article`` for the page being rendered."""
    siteurl = context.get("SITEURL", "")
    if not context.get("CARD_CACHE", True):
        return Markup(_render(context, article, siteurl))
    kept = _cards.get(id(article))
    if kept is None:  # the report is kept with its card: no other has its id
        card = _render(context, article, MARK).encode("utf-8")
        kept = _cards[id(article)] = (article, card)
    return Markup(kept[1].decode("utf-8").replace(MARK, str(escape(siteurl))))


def forget_cards(*args, **kwargs) -> None:
    """Before a build renders anything, and once it has written its pages
    (the cards hold the build's reports)."""
    _cards.clear()


def add_global(generator) -> None:
    generator.env.globals["article_card"] = article_card

"""Each report's card rendered once per build, not on every listing it is on.

A report's card (``partials/article_card.html``: photo, headline, date,
ward, lede) is on about six listing pages: the home pages, its ward's, its
year's, its author's and each of its topics'.  At 10,000 reports that is
some 60,000 cards, each an ``{% include %}`` (a new template context) with
the lede's ``striptags`` and two dates to format.  A card depends only on
its report and on ``SITEURL`` (relative on dev builds: it changes with the
listing's folder depth), so templates call ``article_cards(articles)``
for a listing's cards, which renders each card's partial once, with a
marker where ``SITEURL`` goes, and gives the cards with the page's
``SITEURL`` put in after that.  Cards are kept as
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


def _card(context, article) -> bytes:
    """The kept card of ``article``, rendered now if it is not kept yet."""
    kept = _cards.get(id(article))
    if kept is None:  # the report is kept with its card: no other has its id
        card = _render(context, article, MARK).encode("utf-8")
        kept = _cards[id(article)] = (article, card)
    return kept[1]


@pass_context
def article_cards(context, articles, between: str = "") -> Markup:
    """The cards of ``articles``, ``between`` each two (text, escaped): a
    listing's cards in one call, not a template loop with a call a card."""
    siteurl = context.get("SITEURL", "")
    between = str(escape(between))
    if not context.get("CARD_CACHE", True):
        return Markup(between.join(_render(context, a, siteurl) for a in articles))
    cards = between.encode("utf-8").join([_card(context, a) for a in articles])
    return Markup(cards.decode("utf-8").replace(MARK, str(escape(siteurl))))


def forget_cards(*args, **kwargs) -> None:
    """Before a build renders anything, and once it has written its pages
    (the cards hold the build's reports)."""
    _cards.clear()


def add_global(generator) -> None:
    generator.env.globals["article_cards"] = article_cards

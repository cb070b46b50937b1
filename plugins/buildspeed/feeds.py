"""Each report's feed entry made once a build, not once per feed it is in.

A report is in its ward's Atom feed and in each of its topics' (the newest
``FEED_MAX_ITEMS`` of each).  For every feed, Pelican's writer made the
report's item again (its address, its body with absolute links, its
summary) and feedgenerator wrote the entry again, element by element, the
body escaped: ~0.12 ms an entry.  :class:`Entries` keeps, for a report and
the feed's ``SITEURL`` (what an item depends on besides the writer's
settings), the item Pelican makes and the entry's text as feedgenerator
writes it; a feed then writes each entry as that text.  RSS feeds are made
as before.  ``FEED_ENTRY_CACHE = False`` turns it off (the tests compare
both).
"""

import io

from feedgenerator import Atom1Feed
from feedgenerator.django.utils.xmlutils import SimplerXMLGenerator


class _Recorder:
    """Stands for an Atom feed while Pelican makes an item: keeps the item."""

    def __init__(self):
        self.item = None

    def add_item(self, **item):
        self.item = item


class Entries:
    """A build's Atom feed entries: each report's item and entry text, by
    the report and the feed's ``SITEURL``."""

    def __init__(self):
        self._items: dict[tuple, tuple[object, dict]] = {}
        self.texts: dict[tuple, str] = {}

    def add(self, writer, make_item, feed, content) -> bool:
        """Add ``content``'s item to ``feed`` (``make_item(feed, content)``
        being Pelican's own); False if the feed is not one kept here."""
        if not isinstance(feed, _EntriesFeed):
            return False
        key = (id(content), writer.site_url)
        kept = self._items.get(key)
        if kept is None:
            recorder = _Recorder()
            make_item(recorder, content)
            # the report is kept with its item: no other can take its id
            kept = self._items[key] = (content, {**recorder.item, "entry_key": key})
        feed.add_item(**kept[1])
        return True

    def adopt(self, feed) -> None:
        """Make ``feed`` (an Atom1Feed) write its entries from here."""
        if type(feed) is Atom1Feed:
            feed.__class__ = _EntriesFeed
            feed.entries = self


def entry_text(feed, item) -> str:
    """An entry as ``feed.write_items`` writes it."""
    out = io.StringIO()
    handler = SimplerXMLGenerator(out, "utf-8", short_empty_elements=True)
    handler.startElement("entry", feed.item_attributes(item))
    feed.add_item_elements(handler, item)
    handler.endElement("entry")
    return out.getvalue()


class _EntriesFeed(Atom1Feed):
    """An Atom1Feed whose entries are written once a build (:class:`Entries`)."""

    entries: Entries

    def write_items(self, handler):
        texts = self.entries.texts
        for item in self.items:
            key = item.get("entry_key")
            text = texts.get(key) if key is not None else None
            if text is None:
                text = entry_text(self, item)
                if key is not None:
                    texts[key] = text
            # written as it is: already XML (the handler escapes characters)
            handler.ignorableWhitespace(text)

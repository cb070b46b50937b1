"""A listing's pages rendered as one frame around the blocks that change.

The pages of one ward, year or topic differ only in their cards, their
pagination links and their address (``output_file``: the canonical link);
the head, the navigation, the breadcrumb, the intro and the ward's award
table are the same on all of them (~100 pages a term at 10,000 reports).
:class:`FramedTemplate` renders the whole template once per frame key (the
term and ``SITEURL``) with a marker in place of each page's own blocks,
then renders only those blocks for each page and puts them in.

The frame is rendered with every name that changes from page to page
standing for something that refuses to be used: a template that reads one
of them outside the page's own blocks (a page number in the title, say)
is rendered whole on every page, as before.  Jinja-only; no Pelican here.
"""

import logging

log = logging.getLogger(__name__)


class _PageDependent(Exception):
    """The frame used a name that changes from page to page."""


class _PerPage:
    """Stands for a per-page name while the frame renders: any use raises."""

    __slots__ = ("_name",)

    def __init__(self, name):
        object.__setattr__(self, "_name", name)

    def _refuse(self, *args, **kwargs):
        raise _PageDependent(object.__getattribute__(self, "_name"))

    __getattr__ = __getitem__ = __call__ = __iter__ = __len__ = _refuse
    __bool__ = __str__ = __html__ = __eq__ = __ne__ = __lt__ = __gt__ = _refuse
    __contains__ = __add__ = __radd__ = __format__ = __int__ = _refuse
    __hash__ = None


class _Frame:
    """A rendered frame: text pieces with the page's blocks between them;
    the template's globals, what it set at its top level (``T``, ``place``)
    and its block chain, for rendering the blocks alone."""

    __slots__ = ("blocks", "globals", "names", "pieces")

    def __init__(self, pieces, globals, names, blocks):
        self.pieces, self.globals, self.names = pieces, globals, names
        self.blocks = blocks


class FramedTemplate:
    """``template`` rendered once per ``key(context)``, with the blocks named
    in ``blocks`` rendered for every page.  ``per_page``: the context names
    that differ between pages of one key (only those blocks may use them).
    Same interface as a Jinja template for Pelican's writer: ``name`` and
    ``render(context)``."""

    def __init__(self, template, blocks, per_page, key):
        self._template = template
        self.name = template.name
        self._blocks = tuple(blocks)
        self._per_page = tuple(per_page)
        self._key = key
        self._frames: dict = {}
        self._whole = False  # the frame uses a per-page name: render pages whole

    def render(self, context) -> str:
        if self._whole:
            return self._template.render(context)
        key = self._key(context)
        frame = self._frames.get(key)
        if frame is None:
            frame = self._frame(context)
            if frame is None:
                return self._template.render(context)
            self._frames[key] = frame
        template = self._template
        # The frame's top-level names (``T``) with the page's, not as the
        # context's own variables: with none of those, Jinja's includes
        # and calls share the page's names instead of copying them.
        page = template.new_context({**frame.globals, **context, **frame.names}, True)
        page.blocks = frame.blocks
        concat = template.environment.concat
        parts = [frame.pieces[0]]
        try:
            for name, text in zip(self._blocks, frame.pieces[1:], strict=True):
                parts.append(concat(page.blocks[name][0](page)))
                parts.append(text)
        except Exception:
            template.environment.handle_exception()
        return "".join(parts)

    def _frame(self, context) -> _Frame | None:
        """The page rendered with a marker for each of its own blocks, or
        None (and every page rendered whole) if that cannot stand for all."""
        template = self._template
        names = dict(context)
        for name in self._per_page:
            names[name] = _PerPage(name)
        frame = template.new_context(names)
        markers = {}
        for name in self._blocks:
            markers[name] = f"\x00{name}\x00"
            frame.blocks.setdefault(name, []).insert(0, _stub(markers[name]))
        try:
            text = template.environment.concat(template.root_render_func(frame))
        except _PageDependent as error:
            return self._give_up(f"it uses {error} outside its blocks {self._blocks}")
        except Exception:
            template.environment.handle_exception()
        pieces = []
        for name in self._blocks:
            before, marker, text = text.partition(markers[name])
            if not marker or markers[name] in text or "\x00" in before:
                return self._give_up(f"block {name} is not rendered once, in order")
            pieces.append(before)
        pieces.append(text)
        if "\x00" in text:
            return self._give_up("a marker is out of place")
        if any(isinstance(value, _PerPage) for value in frame.vars.values()):
            return self._give_up("it keeps a per-page name at its top level")
        blocks = {name: chain[:] for name, chain in frame.blocks.items()}
        for name in self._blocks:
            del blocks[name][0]
        return _Frame(pieces, dict(template.globals), dict(frame.vars), blocks)

    def _give_up(self, why: str) -> None:
        log.debug("%s: rendered whole on every page: %s", self.name, why)
        self._whole = True
        return None


def _stub(marker: str):
    def stub(context):
        yield marker

    return stub

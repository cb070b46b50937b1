"""Python-Markdown's inline patterns, tried only where they can match (pure).

Python-Markdown runs every inline pattern over every paragraph and
caption: 18 patterns with ``extra`` and ``smarty``, each a Python call and a
regex search, ~300 a report.  Most cannot match: a link needs ``[``, an
entity ``&``, an en dash ``--``.  :class:`GatedInlineProcessor` first
checks that the text holds the literal its regex cannot match without
(:data:`NEEDLES`) and moves on to the next pattern if not, which is what
the pattern would have done after searching.  Markdown's conversion takes
~45% less time; the HTML is the same (``tests/test_reader.py`` converts
every construct both ways).

A pattern is gated only when its regex is, character for character, one
listed here (read from Markdown's own constants where it has them), so a
pattern added by another extension, or changed by a Markdown release, is
always tried.  The placeholders Markdown puts in the text for what it has
already matched (``\\x02klzzwxh:0001\\x03``) hold none of these literals.
"""

from markdown import inlinepatterns as patterns
from markdown import util
from markdown.treeprocessors import InlineProcessor

# Regex -> the literals (any one) that every match of it contains.
NEEDLES: dict[str, tuple[str, ...]] = {
    patterns.BACKTICK_RE: ("`",),
    patterns.ESCAPE_RE: ("\\",),
    patterns.LINK_RE: ("[",),  # also REFERENCE_RE and short references
    patterns.IMAGE_LINK_RE: ("![",),  # also IMAGE_REFERENCE_RE
    patterns.AUTOLINK_RE: ("<",),
    patterns.AUTOMAIL_RE: ("<",),
    patterns.LINE_BREAK_RE: ("  \n",),
    patterns.HTML_RE: ("<",),
    patterns.HTML_RE + r"(?!\>)": ("<",),  # smarty's HTML_STRICT_RE
    patterns.ENTITY_RE: ("&",),
    r"\*|_": ("*", "_"),  # em_strong (DelimiterProcessor)
    r"\[\^([^\]]*)\]": ("[^",),  # footnotes
    r"(?<!-)---(?!-)": ("---",),  # smarty: em dash
    r"(?<!-)--(?!-)": ("--",),  # smarty: en dash
    r"(?<!\.)\.{3}(?!\.)": ("...",),  # smarty: ellipsis
}


def needles(pattern) -> tuple[str, ...] | None:
    """What ``pattern`` cannot match without; None: always try it."""
    return NEEDLES.get(getattr(pattern, "pattern", None))


class GatedInlineProcessor(InlineProcessor):
    """Markdown's inline tree processor, skipping the patterns whose
    literal is not in the text.  Otherwise its own ``__handleInline``: a
    pattern that matched is tried again from where its match ended, and
    one that did not match hands over to the next from the start."""

    def run(self, tree, ancestors=None):
        self._plan = [(p, needles(p)) for p in self.inlinePatterns]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data, patternIndex=0):
        if isinstance(data, util.AtomicString):
            return data
        plan = self._plan
        apply = self._InlineProcessor__applyPattern
        start = 0
        while patternIndex < len(plan):
            pattern, literals = plan[patternIndex]
            if literals is not None:
                for literal in literals:
                    if literal in data:
                        break
                else:  # none: the pattern cannot match
                    patternIndex, start = patternIndex + 1, 0  # as after no match
                    continue
            data, matched, start = apply(pattern, data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


def gate_inline_patterns(md):
    """Make ``md``'s inline processors (Markdown's own and smarty's) skip
    patterns that cannot match; return ``md``."""
    for processor in md.treeprocessors:
        if type(processor) is InlineProcessor:
            processor.__class__ = GatedInlineProcessor
    return md

"""One build with every plugin's signal handlers timed; prints JSON.

    python bench/plugin_times.py pelicanconf.py CONTENT OUTPUT

Pelican calls plugins through blinker signals; this wraps ``Signal.send`` so
each receiver's time is added to its plugin (top-level package of the
receiver's module), and so is the time of any generator a plugin adds
(its term pages, say). The readers and writers plugins install are timed with
the build itself (they replace Pelican's work rather than add to it), so the
figure is each plugin's *own* added time: what the build would save without
its handlers.

Pages are written as ``make html`` writes them: collected during the build
and rendered at its end by buildspeed's batch (``buildspeed.parallel.Page``),
in this process, as on two cores while the search index takes the other
(``PARALLEL_WRITE_WORKERS`` 1). Each page's rendering and writing counts as
the time of the plugin whose generator or handler collected it (a ward's
listing pages: taxonomy), not as buildspeed's, whose handler writes them all;
Pelican's own pages count as nobody's.  ``pages`` in the output: the seconds
spent writing pages, in all and each plugin's.
"""

import json
import sys
import time
from collections import defaultdict

from blinker.base import Signal
from pelican import Pelican
from pelican.settings import read_settings

TIMES: dict[str, float] = defaultdict(float)
# The plugin whose generator or handler runs now (it collects the pages made).
RUNNING = ["pelican"]
WRITTEN = [0.0]  # every collected page's rendering and writing
PAGES: dict[str, float] = defaultdict(float)  # of those, each plugin's


def _as(plugin, function, *args, **kwargs):
    before, RUNNING[0] = RUNNING[0], plugin
    try:
        return function(*args, **kwargs)
    finally:
        RUNNING[0] = before


def _timed(function, plugin):
    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return _as(plugin, function, *args, **kwargs)
        finally:
            TIMES[plugin] += time.perf_counter() - start

    timed.timed = True
    return timed


def _time_generator(cls, plugin):
    """A plugin's own generator (get_generators) counts as the plugin's time."""
    for name in ("generate_context", "generate_output"):
        method = cls.__dict__.get(name)
        if method is not None and not getattr(method, "timed", False):
            setattr(cls, name, _timed(method, plugin))


def _timed_send(self, sender=None, /, *, _async_wrapper=None, **kwargs):
    results = []
    for receiver in self.receivers_for(sender):
        plugin = getattr(receiver, "__module__", "?").split(".")[0]
        start = time.perf_counter()
        result = _as(plugin, receiver, sender, **kwargs)
        TIMES[plugin] += time.perf_counter() - start
        if isinstance(result, type) and hasattr(result, "generate_output"):
            _time_generator(result, plugin)
        results.append((receiver, result))
    return results


def _count_pages(buildspeed) -> None:
    """Each collected page tagged with the plugin running when it was made,
    and its writing timed for that plugin (see the module's docstring)."""

    class Tagged(buildspeed.Page):
        __slots__ = ("origin",)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            running = RUNNING[0]
            self.origin = None if running.startswith("pelican") else running

        def write(self):
            start = time.perf_counter()
            try:
                return super().write()
            finally:
                spent = time.perf_counter() - start
                WRITTEN[0] += spent
                if self.origin is not None:
                    TIMES[self.origin] += spent
                    PAGES[self.origin] += spent

    buildspeed.Page = Tagged


def main(conf: str, content: str, output: str) -> None:
    # A cache of its own, beside the output, as the bench's full build:
    # with the project's cache/ a search index kept from an earlier run
    # would hide the indexing (plugins/search/shardcache.py).
    settings = read_settings(
        conf,
        override={
            "PATH": content,
            "OUTPUT_PATH": output,
            "CACHE_PATH": f"{output}.cache",
            "PARALLEL_WRITE_WORKERS": 1,  # pages written here: each timed
        },
    )
    # The build `make html` runs (`python -m buildspeed`): once, so no page
    # is keyed for a next build (buildspeed.ONE_SHOT).
    sys.path[:0] = [p for p in settings["PLUGIN_PATHS"] if p not in sys.path]
    import buildspeed

    buildspeed.ONE_SHOT = True
    _count_pages(buildspeed)
    Signal.send = _timed_send
    start = time.perf_counter()
    Pelican(settings).run()
    total = time.perf_counter() - start
    # buildspeed's batch wrote every page: each is its plugin's or Pelican's.
    TIMES["buildspeed"] -= WRITTEN[0]
    plugins = {k: v for k, v in sorted(TIMES.items()) if not k.startswith("pelican")}
    pages = {"all": WRITTEN[0], **PAGES}
    print(json.dumps({"total": total, "plugins": plugins, "pages": pages}))


if __name__ == "__main__":
    main(*sys.argv[1:4])

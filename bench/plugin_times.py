"""One build with every plugin's signal handlers timed; prints JSON.

    python bench/plugin_times.py pelicanconf.py CONTENT OUTPUT

Pelican calls plugins through blinker signals; this wraps ``Signal.send`` so
each receiver's time is added to its plugin (top-level package of the
receiver's module), and so is the time of any generator a plugin adds
(its term pages, say). The readers and writers plugins install are timed with
the build itself (they replace Pelican's work rather than add to it), so the
figure is each plugin's *own* added time: what the build would save without
its handlers.  A plugin's pages are written by its generator, so they are
its time; Pelican's own pages count as nobody's.
"""

import json
import sys
import time
from collections import defaultdict

from blinker.base import Signal
from pelican import Pelican
from pelican.settings import read_settings

TIMES: dict[str, float] = defaultdict(float)


def _timed(function, plugin):
    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
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
        result = receiver(sender, **kwargs)
        TIMES[plugin] += time.perf_counter() - start
        if isinstance(result, type) and hasattr(result, "generate_output"):
            _time_generator(result, plugin)
        results.append((receiver, result))
    return results


def main(conf: str, content: str, output: str) -> None:
    # A cache of its own, beside the output, as the bench's full build:
    # with the project's cache/ a search index kept from an earlier run
    # would hide the indexing (bundles kept in cache/search).
    settings = read_settings(
        conf,
        override={
            "PATH": content,
            "OUTPUT_PATH": output,
            "CACHE_PATH": f"{output}.cache",
        },
    )
    Signal.send = _timed_send
    start = time.perf_counter()
    Pelican(settings).run()
    total = time.perf_counter() - start
    plugins = {k: v for k, v in sorted(TIMES.items()) if not k.startswith("pelican")}
    print(json.dumps({"total": total, "plugins": plugins}))


if __name__ == "__main__":
    main(*sys.argv[1:4])

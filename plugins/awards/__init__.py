"""Award tallies counted from the reports: article box, /khen-thuong/, open data.

The parser (:mod:`awards.parser`) and the sums (:mod:`awards.summary`) are
pure; this module reads each article's body once (cached by its text, so
dev rebuilds parse only edited reports), applies the editor's ``Awards:``
line when given, reports disagreements, and writes the page and the files.
"""

import multiprocessing
import os

from buildspeed import keys_pages
from buildspeed.rebuild import Ledger, text_digest
from pelican import signals
from pelican.contents import Article
from pelican.generators import Generator
from portal.problems import Problem, report, stop_if_strict

from .ahead import ParseAhead, batch_for, parse_body
from .parser import Tally, parse_metadata
from .summary import Row, summarize, write_csv, write_json

DEFAULTS = {
    "AWARDS_URL": "khen-thuong/",
    "AWARDS_SAVE_AS": "khen-thuong/index.html",
    "AWARDS_JSON": "khen-thuong/khen-thuong.json",
    "AWARDS_CSV": "khen-thuong/khen-thuong.csv",
}
_PARSED: dict[str, Tally] = {}  # body digest -> tally


def setting(settings, name):
    return settings.get(name, DEFAULTS[name])


# Below this many unparsed reports a worker pool costs more than it saves.
MIN_PARALLEL = 256
_PENDING: list[str] = []  # bodies for the forked workers (inherited, not sent)


def _parse_pending(index: int) -> Tally:
    return parse_body(_PENDING[index])


def parse_all(bodies: list[str], workers: int) -> list[Tally]:
    """The tally of each body; those not parsed yet are parsed on every core
    (``fork``: the workers inherit the bodies; only tallies come back).  Same
    tallies as one by one: the parser is a pure function of the text."""
    global _PENDING
    keys = [text_digest(body) for body in bodies]  # reused bodies: remembered
    todo = {}
    for key, body in zip(keys, bodies, strict=True):
        if key not in _PARSED:
            todo.setdefault(key, body)
    if (
        workers >= 2
        and len(todo) >= MIN_PARALLEL
        and "fork" in multiprocessing.get_all_start_methods()
    ):
        _PENDING = list(todo.values())
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                chunk = max(1, len(_PENDING) // (workers * 8))
                tallies = pool.map(
                    _parse_pending, range(len(_PENDING)), chunksize=chunk
                )
        finally:
            _PENDING = []
        _PARSED.update(zip(todo, tallies, strict=True))
    else:
        for key, body in todo.items():
            _PARSED[key] = parse_body(body)
    return [_PARSED[key] for key in keys]


_AHEAD: dict[str, ParseAhead] = {}  # output folder -> this build's parse-ahead


def start_parsing_ahead(generator):
    """``AWARDS_PARSE_AHEAD``: reports a forked process parses at a time
    while Pelican reads (:mod:`awards.ahead`; None: an eighth of the
    reports, 64 to 1,000; 0 turns it off)."""
    settings = generator.settings
    left = _AHEAD.pop(settings["OUTPUT_PATH"], None)  # by a build that failed
    if left is not None:
        left.close()
    batch = settings.get("AWARDS_PARSE_AHEAD")
    if batch is None:
        batch = batch_for(_files_under(generator.path, settings["ARTICLE_PATHS"]))
    if batch:
        _AHEAD[settings["OUTPUT_PATH"]] = ParseAhead(batch)


def _files_under(root: str, folders) -> int:
    """How many files the folders hold (what Pelican will read, near enough:
    only a batch's size depends on it; ~5 ms for 10,000)."""
    return sum(
        len(files)
        for folder in folders
        for _, _, files in os.walk(os.path.join(root, folder))
    )


def parse_ahead(instance):
    """A report has been read (and its photos placed): queue its body."""
    if isinstance(instance, Article):
        ahead = _AHEAD.get(instance.settings["OUTPUT_PATH"])
        if ahead is not None:
            ahead.add(instance._content or "")


def _fmt(c: int, i: int) -> str:
    return f"{c} tập thể, {i} cá nhân"


def count_awards(generator):
    settings, context = generator.settings, generator.context
    folder = os.path.basename(os.path.normpath(settings["PATH"]))
    rows = []
    everything = generator.articles + generator.drafts
    ahead = _AHEAD.pop(settings["OUTPUT_PATH"], None)
    if ahead is not None:
        _PARSED.update(ahead.finish())
    tallies = parse_all(
        [a._content or "" for a in everything],
        settings.get("AWARDS_WORKERS") or os.cpu_count() or 1,
    )
    published = len(generator.articles)  # everything[:published]: not drafts
    for number, (article, found) in enumerate(zip(everything, tallies, strict=True)):
        tally = Tally(
            found.collectives,
            found.individuals,
            found.unsplit,
            list(found.forms),
            list(found.givers),
            list(found.sentences),
            list(found.unsure),
        )
        stated = article.metadata.get("awards")
        if stated is not None or tally.unsure:  # a problem to report, by file
            path = f"{folder}/{article.relative_source_path}"
        if stated is not None:
            value = parse_metadata(stated)
            if value is None:
                report(
                    context,
                    Problem(
                        path,
                        "Awards",
                        f"không đọc được '{stated}'",
                        "viết theo mẫu 'Awards: 01 tập thể, 04 cá nhân' "
                        "(hoặc 'Awards: 0')",
                    ),
                )
            else:
                if value != (found.collectives, found.individuals) or found.unsplit:
                    report(
                        context,
                        Problem(
                            path,
                            "Awards",
                            f"dòng Awards ghi {_fmt(*value)} nhưng trong bài đếm được "
                            f"{_fmt(found.collectives, found.individuals)}"
                            + (
                                f" và {found.unsplit} lượt chưa tách"
                                if found.unsplit
                                else ""
                            ),
                            "kiểm tra lại; trang web dùng số trên dòng Awards",
                            error=False,
                        ),
                    )
                tally.collectives, tally.individuals = value
                tally.unsplit, tally.unsure = 0, []
        for sentence in tally.unsure:
            report(
                context,
                Problem(
                    path,
                    "Awards",
                    f"không chắc số được khen thưởng trong câu: “{sentence}”",
                    "ghi rõ số (ví dụ '02 tập thể, 05 cá nhân') hoặc thêm dòng "
                    "'Awards: ...' ở đầu bài",
                    error=False,
                ),
            )
        article.awards = tally
        ward = getattr(article, "ward", None)
        if tally.total and ward is not None and number < published:
            rows.append(
                Row(
                    url=article.url,
                    title=article.title,
                    date=article.date.isoformat(),
                    year=article.date.year,
                    ward=ward.name,
                    ward_slug=ward.slug,
                    tally=tally,
                )
            )
    registry = context.get("registry")
    order = [(w.slug, w.name) for w in registry.wards] if registry else []
    context["awards_summary"] = summarize(rows, order)
    context["AWARDS_URL"] = setting(settings, "AWARDS_URL")
    context["AWARDS_JSON"] = setting(settings, "AWARDS_JSON")
    context["AWARDS_CSV"] = setting(settings, "AWARDS_CSV")


class AwardsGenerator(Generator):
    def generate_context(self):
        pass

    def generate_output(self, writer):
        summary = self.context.get("awards_summary")
        if summary is None:
            return
        save_as = setting(self.settings, "AWARDS_SAVE_AS")
        if save_as:
            writer.write_file(
                save_as,
                self.get_template("awards"),
                self.context,
                url=setting(self.settings, "AWARDS_URL"),
                page_name="khen-thuong",
                relative_urls=self.settings["RELATIVE_URLS"],
            )
        site = self.settings.get("SITEURL", "")
        # A build run once (make html) is not followed by one to compare with.
        key = _summary_key(summary, site) if keys_pages(self.settings) else None
        for name, write in (("AWARDS_JSON", write_json), ("AWARDS_CSV", write_csv)):
            target = setting(self.settings, name)
            if target:
                path = os.path.join(self.output_path, target)
                if key is not None and _WRITTEN.unchanged(path, key):
                    continue  # a dev rebuild that changed no tally
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8", newline="") as f:
                    write(summary, f, site)
                if key is not None:
                    _WRITTEN.record(path, key)


# JSON/CSV file -> what it was written from: a dev rebuild after editing a
# report's text rewrites them only when a tally changed.
_WRITTEN = Ledger()


def _summary_key(summary, site: str) -> tuple:
    """Everything the JSON and CSV files are made of (the totals follow from
    the rows), as plain tuples that compare fast."""
    return (
        site,
        tuple(summary.wards),
        tuple(
            (
                r.url,
                r.title,
                r.date,
                r.year,
                r.ward,
                r.ward_slug,
                r.tally.collectives,
                r.tally.individuals,
                r.tally.unsplit,
                tuple(r.tally.forms),
                tuple(r.tally.givers),
            )
            for r in summary.rows
        ),
    )


def check(generators):
    if generators:
        stop_if_strict(generators[0].context)


def get_generators(pelican):
    return AwardsGenerator


def register():
    signals.article_generator_init.connect(start_parsing_ahead)
    signals.content_object_init.connect(parse_ahead)
    signals.article_generator_pretaxonomy.connect(count_awards)
    signals.get_generators.connect(get_generators)

"""Award tallies counted from the reports: article box, /khen-thuong/, open data.

The parser (:mod:`awards.parser`) and the sums (:mod:`awards.summary`) are
pure; this module parses each article's body once a build, applies the
editor's ``Awards:`` line when given, reports disagreements, and writes the
page and the files.
"""

import os

from pelican import signals
from pelican.generators import Generator
from portal.problems import Problem, report

from .parser import parse_awards, parse_metadata
from .summary import Row, plain_text, summarize, write_csv, write_json

DEFAULTS = {
    "AWARDS_URL": "khen-thuong/",
    "AWARDS_SAVE_AS": "khen-thuong/index.html",
    "AWARDS_JSON": "khen-thuong/khen-thuong.json",
    "AWARDS_CSV": "khen-thuong/khen-thuong.csv",
}


def setting(settings, name):
    return settings.get(name, DEFAULTS[name])


def _fmt(c: int, i: int) -> str:
    return f"{c} tập thể, {i} cá nhân"


def count_awards(generator):
    settings, context = generator.settings, generator.context
    folder = os.path.basename(os.path.normpath(settings["PATH"]))
    rows = []
    everything = generator.articles + generator.drafts
    published = len(generator.articles)  # everything[:published]: not drafts
    for number, article in enumerate(everything):
        # The body as read (after the photos plugin placed its figures, which
        # plain_text leaves out): what the report says, not its template.
        tally = parse_awards(plain_text(article._content or ""))
        counted = (tally.collectives, tally.individuals)
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
                if value != counted or tally.unsplit:
                    report(
                        context,
                        Problem(
                            path,
                            "Awards",
                            f"dòng Awards ghi {_fmt(*value)} nhưng trong bài đếm được "
                            f"{_fmt(*counted)}"
                            + (
                                f" và {tally.unsplit} lượt chưa tách"
                                if tally.unsplit
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
        for name, write in (("AWARDS_JSON", write_json), ("AWARDS_CSV", write_csv)):
            target = setting(self.settings, name)
            if target:
                path = os.path.join(self.output_path, target)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8", newline="") as f:
                    write(summary, f, site)


def get_generators(pelican):
    return AwardsGenerator


def register():
    # article_generator_finalized: every report has its ward (the portal
    # plugin, at pretaxonomy) and its final address, whatever the order of
    # PLUGINS; nothing is rendered yet.
    signals.article_generator_finalized.connect(count_awards)
    signals.get_generators.connect(get_generators)

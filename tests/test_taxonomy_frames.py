"""Term pages rendered as one frame a term around each page's own blocks
(``TAXONOMY_FRAMES``) are the pages rendered whole, byte for byte."""

import traceback
from datetime import datetime
from types import SimpleNamespace

import pytest
from buildspeed import parallel
from conftest import build, real_content_with, soup
from jinja2 import DictLoader, Environment
from taxonomy import frames, neighbours
from taxonomy.core import by_month
from taxonomy.frames import FramedTemplate
from test_reader import assert_same_tree

REPORT = """Title: Bài số {n}
Date: 2024-0{month}-1{n} 08:00
Ward: {ward}
Topics: {topics}
Summary: Tóm tắt bài {n}.

Nội dung bài {n}.
"""
WARDS = ["Nghi Hòa", "Nghi Hải", "Thu Thủy"]


def reports() -> dict[str, str]:
    return {
        f"tin-tuc/b{n}.md": REPORT.format(
            n=n,
            month=n % 3 + 1,
            ward=WARDS[n % 2],
            topics="QP-AN, Y tế" if n % 3 else "QP-AN",
        )
        for n in range(9)
    }


class _Counted(list):
    """Every FramedTemplate made in a build, to count frames and pages."""

    def __init__(self, monkeypatch):
        super().__init__()
        made = FramedTemplate.__init__

        def init(template, *args, **kwargs):
            made(template, *args, **kwargs)
            self.append(template)

        monkeypatch.setattr(FramedTemplate, "__init__", init)


@pytest.mark.parametrize(
    ("conf", "writer"),
    [
        ("pelicanconf.py", {"PARALLEL_WRITE": False}),  # relative URLs
        ("publishconf.py", {"PARALLEL_WRITE": False}),  # absolute URLs, feeds
        ("pelicanconf.py", {"PARALLEL_WRITE_WORKERS": 2}),  # pages on every core
    ],
)
def test_term_pages_framed_are_the_pages_rendered_whole(
    tmp_path, monkeypatch, conf, writer
):
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 1)
    content = real_content_with(tmp_path, reports())
    common = dict(DEFAULT_PAGINATION=2, SEARCH_INDEX=False, **writer)
    made = _Counted(monkeypatch)
    build(content, tmp_path / "framed", conf, **common)
    build(content, tmp_path / "whole", conf, TAXONOMY_FRAMES=False, **common)
    assert assert_same_tree(tmp_path / "framed", tmp_path / "whole") >= 60
    assert [t.name for t in made] == ["ward.html", "year.html", "topic.html"]
    if writer.get("PARALLEL_WRITE") is False:  # frames kept in this process
        assert not any(t._whole for t in made)
        pages = len(list((tmp_path / "framed" / "chu-de").rglob("index.html"))) - 1
        assert 0 < len(made[2]._frames) < pages  # one a term and SITEURL
    # What a page of its own must keep: its address, its neighbours, its cards.
    page = soup(
        tmp_path
        / "framed"
        / "chu-de"
        / "quoc-phong-an-ninh"
        / "trang"
        / "2"
        / "index.html"
    )
    assert page.select_one('link[rel="canonical"]')["href"].endswith(
        "chu-de/quoc-phong-an-ninh/trang/2/"
    )
    assert page.select_one('a[rel="prev"]')["href"].endswith(
        "chu-de/quoc-phong-an-ninh/"
    )
    assert page.select_one('a[rel="next"]')["href"].endswith(
        "chu-de/quoc-phong-an-ninh/trang/3/"
    )
    assert len(page.select("article.card")) == 2


LAYOUT = {
    "base.html": (
        "<title>{% block title %}{{ name }}{% endblock title %}</title>"
        "{% set shout = name|upper %}"
        "<link href='{% block url %}{{ here }}{% endblock url %}'>"
        "<h1>{{ shout }}</h1>{% block body %}{% endblock body %}"
    ),
    "list.html": (
        "{% extends 'base.html' %}"
        "{% block body %}{{ shout }}: {{ items|join(',') }}{% endblock body %}"
    ),
    "numbered.html": (
        "{% extends 'list.html' %}"
        "{% block title %}{{ name }} ({{ here }}){% endblock title %}"
    ),
    "twice.html": "{% extends 'list.html' %}{% block title %}{{ self.body() }}"
    "{% endblock title %}",
    "no_url_block.html": "<a>{{ name }}</a>{% block body %}{{ items }}{% endblock %}",
}
PAGES = [
    {"name": "hòa", "here": "/p/1/", "items": [1, 2]},
    {"name": "hòa", "here": "/p/2/", "items": [3, 4]},
    {"name": "hải", "here": "/q/1/", "items": [5]},
]


def framed(name):
    env = Environment(loader=DictLoader(LAYOUT), autoescape=True)
    template = env.get_template(name)
    return template, FramedTemplate(
        template, ("url", "body"), ("here", "items"), lambda c: c["name"]
    )


def test_a_frame_a_key_and_each_pages_blocks_rendered_into_it():
    template, page_template = framed("list.html")
    assert [page_template.render(dict(p)) for p in PAGES] == [
        template.render(p) for p in PAGES
    ]
    assert page_template.render(dict(PAGES[1])) == "<title>hòa</title>" + (
        "<link href='/p/2/'><h1>HÒA</h1>HÒA: 3,4"
    )
    assert sorted(page_template._frames) == ["hòa", "hải"]
    assert not page_template._whole


@pytest.mark.parametrize("name", ["numbered.html", "twice.html", "no_url_block.html"])
def test_a_frame_that_cannot_stand_for_every_page_is_not_used(name, caplog):
    """A per-page name used outside the page's blocks, a block rendered
    twice, a block missing: every page is rendered whole, as before."""
    template, page_template = framed(name)
    caplog.set_level("DEBUG", logger=frames.__name__)
    assert [page_template.render(dict(p)) for p in PAGES] == [
        template.render(p) for p in PAGES
    ]
    assert page_template._whole and not page_template._frames
    assert "rendered whole" in caplog.text


def test_an_error_in_a_page_block_is_reported_at_its_template_line():
    env = Environment(
        loader=DictLoader({"t.html": "{% block b %}{{ 1 // n }}{% endblock %}"})
    )
    page_template = FramedTemplate(env.get_template("t.html"), ["b"], ["n"], id)
    with pytest.raises(ZeroDivisionError) as error:
        page_template.render({"n": 0})
    lines = traceback.format_exception(error.value)
    assert any("line 1, in block 'b'" in line for line in lines)


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], []),
        ([1], [(None, 1, None)]),
        ([1, 2, 3], [(None, 1, 2), (1, 2, 3), (2, 3, None)]),
    ],
)
def test_neighbours(items, expected):
    assert neighbours(items) == expected


def test_by_month_groups_a_year_page_as_groupby_then_reverse_did():
    """year.html used ``groupby("date.month")|reverse``; a page's reports
    come newest first, so one pass gives the same groups."""
    dates = ["2024-12-30", "2024-12-01", "2024-11-20", "2024-11-20", "2024-02-01"]
    page = [
        SimpleNamespace(n=n, date=datetime.fromisoformat(d))
        for n, d in enumerate(dates)
    ]
    env = Environment()
    env.filters["by_month"] = by_month
    render = "{% for m, items in page|F %}{{ m }}:{{ items|map(attribute='n')|join }} {% endfor %}"
    old = env.from_string(render.replace("F", 'groupby("date.month")|reverse'))
    new = env.from_string(render.replace("F", "by_month"))
    assert new.render(page=page) == old.render(page=page) == "12:01 11:23 2:4 "

"""The office plugin's pure parts: metadata rules, current announcements,
document filters, contacts, the footer's fields, share links, award charts."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from awards.parser import Tally
from awards.summary import Row, summarize
from office import share_links
from office.contacts import ContactError, parse_contacts
from office.identity import office_from
from office.listing import expiry, facets, is_current
from office.rules import announcement_problems, document_problems, document_type
from office.settings import setting

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
GOOD_DOCUMENT = {
    "title": "Về việc tổ chức hội nghị (ví dụ)",
    "number": "12/KH-UBND",
    "date": "2024-10-02",
    "issuer": "UBND phường Nghi Hòa",
    "type": "Kế hoạch",
    "file": "ke-hoach.pdf",
}


def errors(problems):
    return [
        (field, message) for field, message, _, level in problems if level == "error"
    ]


def test_a_complete_document_has_no_problem():
    assert document_problems(GOOD_DOCUMENT, lambda name: "ok") == []


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"number": ""}, "Number", "số hiệu"),
        ({"file": ""}, "File", "tệp PDF"),
        ({"issuer": ""}, "Issuer", "cơ quan ban hành"),
        ({"date": "02/10/2024"}, "Date", "không đúng dạng"),
        ({"file": "ke-hoach.docx"}, "File", "không phải tệp .pdf"),
    ],
)
def test_a_document_missing_what_readers_need_is_an_error(change, field, words):
    found = errors(document_problems({**GOOD_DOCUMENT, **change}, lambda n: "ok"))
    assert [f for f, _ in found] == [field]
    assert words in found[0][1]


@pytest.mark.parametrize(
    ("state", "words"),
    [("missing", "không tìm thấy tệp"), ("not-pdf", "không phải PDF")],
)
def test_a_missing_or_broken_pdf_is_an_error_naming_the_file(state, words):
    found = errors(document_problems(GOOD_DOCUMENT, lambda name: state))
    assert found == [("File", found[0][1])]
    assert words in found[0][1] and "ke-hoach.pdf" in found[0][1]


def test_an_unknown_document_type_is_a_warning_with_a_suggestion():
    problems = document_problems(
        {**GOOD_DOCUMENT, "type": "Quyet dinh"}, lambda n: "ok"
    )
    assert errors(problems) == []
    assert document_type("quyết định") == "Quyết định"
    assert document_type("QUYẾT ĐỊNH") == "Quyết định"


def test_an_announcement_ending_before_it_starts_is_an_error():
    meta = {"title": "Thông báo (ví dụ)", "date": "2024-03-05", "expires": "2024-03-01"}
    assert [f for f, _ in errors(announcement_problems(meta))] == ["Expires"]
    assert announcement_problems({**meta, "expires": "2024-03-05"}) == []


@pytest.mark.parametrize(
    ("now", "current"),
    [
        (datetime(2024, 3, 4, 9, tzinfo=TZ), True),
        (datetime(2024, 3, 5, 23, 59, tzinfo=TZ), True),  # the whole last day
        (datetime(2024, 3, 6, 0, 0, 1, tzinfo=TZ), False),
        (datetime(2024, 2, 28, tzinfo=TZ), False),  # not published yet
    ],
)
def test_an_announcement_is_current_until_the_end_of_its_last_day(now, current):
    start = datetime(2024, 3, 1, tzinfo=TZ)
    end = expiry(datetime(2024, 3, 5), TZ)
    assert is_current(start, end, now) is current


def test_an_announcement_without_expires_is_never_highlighted():
    now = datetime(2024, 3, 4, tzinfo=TZ)
    assert not is_current(datetime(2024, 3, 1, tzinfo=TZ), None, now)


class Doc:
    def __init__(self, year, issuer):
        self.year, self.issuer = year, issuer


def test_documents_are_grouped_by_issuer_whatever_the_spelling():
    docs = [Doc(2024, "UBND phường Nghi Hòa"), Doc(2023, "UBND phường Nghi Hoà")]
    groups = facets(docs, "issuer", lambda d: d.issuer, "van-ban/co-quan/{slug}/", "x")
    assert [(g.name, g.count, g.url) for g in groups] == [
        ("UBND phường Nghi Hòa", 2, "van-ban/co-quan/ubnd-phuong-nghi-hoa/")
    ]
    years = facets(docs, "year", lambda d: d.year, "van-ban/nam/{slug}/", "x")
    assert [y.name for y in years] == ["2024", "2023"]


def test_the_footer_shows_only_the_fields_the_settings_fill_in():
    settings = {"SITENAME": "Tin phường", "OFFICE_EMAIL": "a@example.vn"}
    office = office_from(settings, setting)
    assert office.portal_name == "Tin phường"
    assert office.lines == [("Thư điện tử", "a@example.vn", "mailto:a@example.vn")]


def test_share_links_need_an_absolute_address():
    settings = {}
    assert share_links("tin-tuc/a/", settings) == []
    links = dict(share_links("https://tin.example.vn/tin-tuc/a/", settings))
    assert links["Facebook"].endswith("u=https%3A%2F%2Ftin.example.vn%2Ftin-tuc%2Fa%2F")
    assert "script" not in " ".join(links.values())


def test_contacts_come_from_the_registry_ward_tables():
    data = {
        "ward": [
            {
                "name": "Nghi Hòa",
                "town": "thị xã Cửa Lò",
                "province": "Nghệ An",
                "contact": {
                    "phone": "0238 000 0000",
                    "leaders": [{"name": "Nguyễn Văn A", "position": "Chủ tịch"}],
                },
            },
            {"name": "Nghi Hải", "town": "thị xã Cửa Lò", "province": "Nghệ An"},
        ]
    }
    hoa, hai = parse_contacts(data, "registry.toml", "lien-he/{slug}/")
    assert hoa.url == "lien-he/nghi-hoa/" and hoa.tel == "tel:02380000000"
    assert hoa.leaders[0].position == "Chủ tịch" and hoa.has_contact
    assert not hai.has_contact


def test_a_malformed_contact_table_names_the_ward_and_the_field():
    data = {
        "ward": [
            {
                "name": "Nghi Hòa",
                "town": "thị xã Cửa Lò",
                "province": "Nghệ An",
                "contact": {"phone": 2383},
            }
        ]
    }
    with pytest.raises(ContactError, match=r"Nghi Hòa.*'phone'"):
        parse_contacts(data, "registry.toml", "lien-he/{slug}/")


def test_a_year_chart_never_adds_collectives_and_individuals():
    rows = [
        Row(
            "a/",
            "A",
            "2024-01-10T00:00:00+07:00",
            2024,
            "Nghi Hòa",
            "nghi-hoa",
            Tally(collectives=5, individuals=10),
        ),
        Row(
            "b/",
            "B",
            "2023-01-10T00:00:00+07:00",
            2023,
            "Nghi Hải",
            "nghi-hai",
            Tally(collectives=2, individuals=1),
        ),
    ]
    summary = summarize(rows, [("nghi-hoa", "Nghi Hòa"), ("nghi-hai", "Nghi Hải")])
    (row,) = summary.year_chart(2024)
    assert (row.name, row.collectives, row.individuals) == ("Nghi Hòa", 5, 10)
    assert (row.collectives_pct, row.individuals_pct) == ("50.0%", "100.0%")
    assert [r.name for r in summary.year_chart(2023)] == ["Nghi Hải"]
    assert not hasattr(summary.by_ward["nghi-hoa"], "total")
    assert not summary.has_unsplit()

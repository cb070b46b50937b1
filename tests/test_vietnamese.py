"""Unit tests of the pure Vietnamese helpers."""

import unicodedata
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from vietnamese import dates
from vietnamese.text import (
    canonical_tones,
    capitalize_first,
    closest,
    fold,
    name_key,
    nfc,
    slugify,
)


def nfd(text):
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(
    "variant, canonical",
    [
        ("Nghi Hoà", "Nghi Hòa"),
        (nfd("Nghi Hòa"), "Nghi Hòa"),
        (nfd("Nghi Hoà"), "Nghi Hòa"),
        ("  nghi   HÒA ", "Nghi Hòa"),
        ("Đảng uỷ", "Đảng ủy"),
        ("Thu Thuỷ", "Thu Thủy"),
        ("khoẻ", "khỏe"),
        ("Quốc phòng - An ninh", "Quốc phòng – An ninh"),
        ("Quốc phòng—an ninh", "Quốc phòng – An ninh"),
    ],
)
def test_spelling_variants_share_one_key(variant, canonical):
    assert name_key(variant) == name_key(canonical)


@pytest.mark.parametrize(
    "one, other",
    [
        ("Nghi Hòa", "Nghi Hoa"),
        ("Nghi Hòa", "Nghi Hải"),
        ("hoàn", "hòan"),
        ("Bắc Hồng", "Nam Hồng"),
    ],
)
def test_different_names_stay_different(one, other):
    assert name_key(one) != name_key(other)


def test_closed_syllables_keep_their_only_spelling():
    assert canonical_tones("hoàn thành") == "hoàn thành"
    assert canonical_tones("Hòa") == canonical_tones("Hoà")


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Đảng uỷ", "dang uy"),
        ("Đức Thuận", "duc thuan"),
        ("Nghi Hòa", "nghi hoa"),
        ("Quốc phòng", "quoc phong"),
    ],
)
def test_fold_drops_every_mark_including_d_bar(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    "text, slug",
    [
        ("Nghi Hòa", "nghi-hoa"),
        ("Đức Thuận", "duc-thuan"),
        ("Quốc phòng – An ninh", "quoc-phong-an-ninh"),
        ("Thu Thuỷ", "thu-thuy"),
        (nfd("Đậu Liêu"), "dau-lieu"),
    ],
)
def test_slugs_are_ascii(text, slug):
    assert slugify(text) == slug
    assert slug.isascii()


def test_nfc():
    assert nfc(nfd("Hòa")) == "Hòa" and len(nfc(nfd("Hòa"))) == 3


@pytest.mark.parametrize(
    "typed, expected",
    [("Nghi Hoa", ["Nghi Hòa"]), ("Ngi Hòa", ["Nghi Hòa"]), ("Hà Nội", [])],
)
def test_closest_suggests_registry_names(typed, expected):
    names = ["Nghi Hòa", "Bắc Hồng", "Nghi Hải", "Đức Thuận"]
    assert closest(typed, names)[: len(expected) or None] == expected


def test_capitalize_first_keeps_the_rest():
    assert capitalize_first("phường Nghi Hòa") == "Phường Nghi Hòa"
    assert capitalize_first("") == ""


@pytest.mark.parametrize(
    "day, text",
    [
        (date(2024, 1, 10), "Thứ Tư, 10/01/2024"),
        (date(2024, 1, 12), "Thứ Sáu, 12/01/2024"),
        (date(2024, 1, 14), "Chủ Nhật, 14/01/2024"),
    ],
)
def test_long_date_is_vietnamese(day, text):
    assert dates.long_date(day) == text


def test_other_date_forms():
    moment = datetime(2024, 1, 10, 14, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert dates.short_date(moment) == "10/01/2024"
    assert dates.month_year(moment) == "Tháng 1 năm 2024"
    assert dates.iso(moment) == "2024-01-10T14:30:00+07:00"
    assert dates.long_datetime(moment) == "14:30 Thứ Tư, 10/01/2024"


# --- reading dates as editors write them -------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05", datetime(2024, 3, 5)),
        ("05/03/2024", datetime(2024, 3, 5)),  # day first, always
        ("5/3/2024", datetime(2024, 3, 5)),
        ("13/03/2024 08:30", datetime(2024, 3, 13, 8, 30)),
        ("2024-03-05 14:30:15", datetime(2024, 3, 5, 14, 30, 15)),
        ("2024-03-05T14:30", datetime(2024, 3, 5, 14, 30)),
        ("05/03/2024 8h30", datetime(2024, 3, 5, 8, 30)),
        (
            "2024-03-05 14:30+07:00",
            datetime(2024, 3, 5, 14, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
        ),
        ("05/03/2024 09:30+02:00", datetime(2024, 3, 5, 7, 30, tzinfo=UTC)),
    ],
)
def test_dates_as_vietnamese_write_them(text, expected):
    assert dates.parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-02-30", "ngày 30/02/2024 không có"),
        ("31/02/2024", "ngày 31/02/2024 không có"),
        ("31/04/2024 08:00", "ngày 31/04/2024 không có"),
        ("2024-03-05 24:10", "giờ 24:10 không có"),
        ("03-05-2024", "ngày '03-05-2024' không đúng dạng"),
        ("hôm qua", "ngày 'hôm qua' không đúng dạng"),
    ],
)
def test_a_day_that_does_not_exist_is_not_a_bad_form(text, message):
    with pytest.raises(dates.DateError) as caught:
        dates.parse_date(text)
    assert caught.value.message == message


def test_the_day_is_the_sites():
    late = dates.parse_date("2024-03-05 20:00+00:00")  # 03:00 on the 6th in Vietnam
    assert dates.local_day(late, ZoneInfo("Asia/Ho_Chi_Minh")) == date(2024, 3, 6)
    assert dates.local_day(datetime(2024, 3, 5, 23), ZoneInfo("UTC")) == date(
        2024, 3, 5
    )

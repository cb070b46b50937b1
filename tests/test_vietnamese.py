"""Unit tests of the pure Vietnamese helpers."""

import unicodedata
from datetime import date, datetime
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

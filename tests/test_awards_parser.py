"""The award parser against sentences in the style of real ward reports.

Each case: (sentence, collectives, individuals, unsplit). Written for these
tests, in the phrasing ward offices use; none comes from the corpus generator.
"""

import pytest
from awards.parser import fold, number_value, parse_awards, parse_metadata

COUNTED = [
    # plain active voice, zero-padded numbers
    (
        "UBND phường Nghi Thu khen thưởng cho 03 tập thể và 06 cá nhân có thành "
        "tích xuất sắc trong phong trào toàn dân bảo vệ an ninh Tổ quốc.",
        3,
        6,
        0,
    ),
    (
        "Đảng ủy phường đã khen thưởng 02 chi bộ và 09 đảng viên hoàn thành xuất "
        "sắc nhiệm vụ năm 2023.",
        2,
        9,
        0,
    ),
    (
        "Hội nghị đã biểu dương, khen thưởng 4 tập thể, 12 cá nhân điển hình tiên "
        "tiến.",
        4,
        12,
        0,
    ),
    # several clauses joined by ";" under one verb
    (
        "UBND phường khen thưởng 01 tập thể, 02 cá nhân xuất sắc trong công tác "
        "dân số; 03 tập thể có thành tích trong phong trào xây dựng đô thị văn "
        "minh.",
        4,
        2,
        0,
    ),
    # passive voice
    (
        "Dịp này, 05 tập thể và 11 cá nhân được Chủ tịch UBND phường tặng Giấy "
        "khen vì đã có thành tích xuất sắc.",
        5,
        11,
        0,
    ),
    ("Có 2 đơn vị và 7 hội viên được Hội Cựu chiến binh tỉnh tặng Bằng khen.", 2, 7, 0),
    # numbers written as words
    (
        "Nhân dịp này, UBND phường trao Giấy khen cho hai tập thể và năm cá nhân.",
        2,
        5,
        0,
    ),
    (
        "Ban Thường vụ Đảng ủy khen thưởng mười hai đảng viên có thành tích xuất sắc.",
        0,
        12,
        0,
    ),
    ("Chủ tịch UBND thị xã tặng Giấy khen cho một tập thể và ba cá nhân.", 1, 3, 0),
    ("UBND phường khen thưởng hai mươi lăm cá nhân tiêu biểu.", 0, 25, 0),
    # thousands with dots
    (
        "Ban chỉ đạo biểu dương 1.250 hội viên tích cực tham gia hiến máu tình nguyện.",
        0,
        1250,
        0,
    ),
    # forms of award with tặng / trao / nhận
    (
        "Thừa ủy quyền, đồng chí Phó Chủ tịch UBND phường trao Giấy khen cho 06 "
        "tập thể và 10 cá nhân.",
        6,
        10,
        0,
    ),
    (
        "Đồng chí Nguyễn Văn Bình, Trưởng Công an phường vinh dự được nhận Bằng "
        "khen của Bộ trưởng Bộ Công an.",
        0,
        1,
        0,
    ),
    (
        "Chủ tịch UBND tỉnh tặng Bằng khen cho ông Hoàng Đức Thắng, Tổ trưởng tổ "
        "dân phố số 3.",
        0,
        1,
        0,
    ),
    ("UBND phường đã tặng danh hiệu Lao động tiên tiến cho 15 cá nhân.", 0, 15, 0),
    (
        "Tại buổi lễ, 03 đồng chí được trao tặng Kỷ niệm chương vì sự nghiệp Dân số.",
        0,
        3,
        0,
    ),
    # kinds of collective and person
    ("UBND phường khen thưởng 03 tổ dân phố, 02 đơn vị và 04 đoàn viên.", 5, 4, 0),
    ("Đảng uỷ phường khen thưởng 02 tổ chức cơ sở đảng và 08 đảng viên.", 2, 8, 0),
    # capitals and Uỷ / Ủy
    ("ỦY BAN NHÂN DÂN PHƯỜNG KHEN THƯỞNG 02 TẬP THỂ, 03 CÁ NHÂN.", 2, 3, 0),
    ("Uỷ ban nhân dân phường Thu Thuỷ khen thưởng 01 tập thể và 01 cá nhân.", 1, 1, 0),
    # typed without diacritics
    (
        "UBND phuong Nghi Hoa khen thuong cho 02 tap the, 05 ca nhan co thanh tich "
        "xuat sac.",
        2,
        5,
        0,
    ),
    ("Dang uy phuong bieu duong 3 chi bo va 10 dang vien.", 3, 10, 0),
    # unsplit totals
    ("Năm 2023, UBND phường đã khen thưởng cho 126 lượt tập thể, cá nhân.", 0, 0, 126),
    (
        "Hội đồng thi đua đề xuất và UBND phường khen thưởng 45 tập thể, cá nhân "
        "xuất sắc.",
        0,
        0,
        0,
    ),  # proposal wording in the clause: not counted
    # attendance before the award in the same sentence
    (
        "Hội nghị có 120 đại biểu tham dự; UBND phường khen thưởng 02 tập thể và "
        "03 cá nhân.",
        2,
        3,
        0,
    ),
    (
        "Có 15 tập thể tham gia hội thi, Ban tổ chức trao Giấy khen cho 03 tập "
        "thể đạt giải.",
        3,
        0,
        0,
    ),
    # "bếp ăn tập thể" is not a collective
    (
        "UBND phường khen thưởng 02 bếp ăn tập thể và 01 cá nhân đảm bảo an toàn "
        "thực phẩm.",
        0,
        1,
        0,
    ),
    # passive, the recipients first: "... được nhận Giấy khen"
    (
        "Có 01 tập thể, 23 cá nhân được nhận Giấy khen của Chủ tịch UBND phường "
        "vì đã có thành tích xuất sắc trong phong trào./.",
        1,
        23,
        0,
    ),
    # typed without diacritics: the verb is taken at its word
    (
        "UBND phuong tuyen duong 02 tap the, 05 ca nhan dien hinh.",
        2,
        5,
        0,
    ),
]

NOT_COUNTED = [
    # "tuyến đường" (a road) folds like the verb "tuyên dương"
    "Bên cạnh kết quả đạt được, hội nghị chỉ ra tồn tại: tình trạng lấn chiếm "
    "vỉa hè vẫn còn tái diễn ở một số tuyến đường.",
    # attendance, participation
    "Tham dự hội nghị có 05 tập thể và 40 cá nhân tiêu biểu của phường.",
    "Có 12 đơn vị và 300 hội viên tham gia ngày hội đại đoàn kết.",
    # penalties and discipline
    "Công an phường đã xử phạt vi phạm hành chính 15 cá nhân, thu nộp ngân sách "
    "30 triệu đồng.",
    "Đảng ủy thi hành kỷ luật 02 đảng viên vi phạm.",
    "Lực lượng chức năng xử lý vi phạm 04 tổ chức kinh doanh.",
    # proposals to a higher level
    "UBND phường đề nghị Chủ tịch UBND thị xã khen thưởng cho 03 tập thể và "
    "05 cá nhân.",
    "Hội nghị thống nhất đề nghị cấp trên tặng Bằng khen cho 02 tập thể.",
    # non-award uses
    "Kiểm tra an toàn thực phẩm tại 04 bếp ăn tập thể trên địa bàn.",
    "Tổng kết công tác thi đua, khen thưởng năm 2023 của 12 tổ dân phố.",
    # gifts are not awards
    "Dịp này, UBND phường đã tặng 50 suất quà cho 50 hộ gia đình chính sách.",
    # no verb at all
    "Phường có 18 tổ dân phố và 2.500 hộ gia đình.",
]

UNSURE = [
    # award verb but no countable recipients
    "Nhân dịp này, UBND phường đã khen thưởng các tập thể, cá nhân có thành "
    "tích xuất sắc.",
    # imprecise counts
    "UBND phường khen thưởng hơn 100 cá nhân có thành tích trong phong trào.",
]


@pytest.mark.parametrize(("sentence", "coll", "ind", "unsplit"), COUNTED)
def test_counts_awards(sentence, coll, ind, unsplit):
    tally = parse_awards(sentence)
    assert (tally.collectives, tally.individuals, tally.unsplit) == (
        coll,
        ind,
        unsplit,
    )


@pytest.mark.parametrize("sentence", NOT_COUNTED)
def test_does_not_count_what_is_not_an_award(sentence):
    tally = parse_awards(sentence)
    assert (tally.collectives, tally.individuals, tally.unsplit) == (0, 0, 0)
    assert tally.unsure == []


@pytest.mark.parametrize("sentence", UNSURE)
def test_counts_nothing_when_unsure_and_lists_the_sentence(sentence):
    tally = parse_awards(sentence)
    assert tally.total == 0 and tally.unsure == [sentence]


def test_forms_and_givers_are_reported_in_their_spelling():
    tally = parse_awards(
        "Dịp này, 05 tập thể và 11 cá nhân được Chủ tịch UBND phường Nghi Hải "
        "tặng Giấy khen; đồng chí Lê Văn Nam được nhận Kỷ niệm chương của Bộ "
        "trưởng Bộ Công an."
    )
    assert (tally.collectives, tally.individuals) == (5, 12)
    assert tally.forms == ["Giấy khen", "Kỷ niệm chương"]
    assert tally.givers == ["Chủ tịch UBND phường Nghi Hải", "Bộ trưởng Bộ Công an"]


def test_a_caption_repeating_the_body_is_not_counted_twice():
    text = (
        "UBND phường khen thưởng cho 02 tập thể và 05 cá nhân.\n\n"
        "UBND phường khen thưởng cho 02 tập thể và 05 cá nhân\n\n"
        "Các tập thể, cá nhân được khen thưởng năm 2023\n"
    )
    tally = parse_awards(text)
    assert (tally.collectives, tally.individuals) == (2, 5)
    assert tally.unsure == []


def test_the_same_sentence_twice_in_the_body_counts_once():
    sentence = "UBND phường khen thưởng 01 tập thể."
    assert parse_awards(f"{sentence}\n\n{sentence}").collectives == 1


def test_several_award_sentences_add_up():
    text = (
        "Đảng ủy phường khen thưởng 03 chi bộ.\n"
        "UBND phường tặng Giấy khen cho 04 cá nhân. Hội Phụ nữ biểu dương 02 "
        "hội viên."
    )
    tally = parse_awards(text)
    assert (tally.collectives, tally.individuals) == (3, 6)


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("01", 1),
        ("12", 12),
        ("1.250", 1250),
        ("hai", 2),
        ("muoi", 10),
        ("muoi hai", 12),
        ("hai muoi lam", 25),
        ("mot tram", 100),
        ("ba muoi", 30),
    ],
)
def test_number_values(words, value):
    assert number_value(words) == value


def test_fold_keeps_length_and_drops_marks():
    text = "Đảng ủy phường Nghi Hòa KHEN THƯỞNG"
    assert fold(text) == "dang uy phuong nghi hoa khen thuong"
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("01 tập thể, 04 cá nhân", (1, 4)),
        ("2 tap the va 5 ca nhan", (2, 5)),
        ("3 cá nhân", (0, 3)),
        ("không", (0, 0)),
        ("nhiều lắm", None),
    ],
)
def test_metadata_tally(value, expected):
    assert parse_metadata(value) == expected


def test_bare_text_spells_every_folded_letter_as_fold_does():
    """may_hold_award searches bare(text) instead of fold(text): every
    character of a folded match must come out of bare() as the same ASCII
    letter (or space), in all of Unicode."""
    import sys
    import unicodedata

    from awards.parser import bare

    wanted = set("abcdefghijklmnopqrstuvwxyz ")
    checked = 0
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        if 0xD800 <= code <= 0xDFFF or unicodedata.normalize("NFC", ch) != ch:
            continue
        if fold(ch) in wanted:
            assert bare(ch) == fold(ch).encode(), (hex(code), ch)
            checked += 1
    assert checked > 400  # ASCII, Latin-1 and Vietnamese letters among them


def _parse_every_sentence(text):
    """parse_awards before paragraphs were passed over: every sentence
    folded and searched for a strong verb or a form of award."""
    from awards.parser import FORM_RE, STRONG_VERB, Tally, parse_sentence, sentences

    tally, seen = Tally(), set()
    for sentence in sentences(text):
        folded = fold(sentence)
        key = folded.strip(" .")
        if key not in seen:
            seen.add(key)
            if STRONG_VERB.search(folded) or FORM_RE.search(folded):
                tally.add(parse_sentence(sentence))
    return tally


def _without_marks(text):
    import unicodedata

    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def test_passing_over_paragraphs_without_award_words_changes_no_tally():
    from conftest import ROOT, SEEDS

    texts = [c[0] for c in COUNTED] + list(NOT_COUNTED) + list(UNSURE)
    files = [*SEEDS.iterdir(), *(ROOT / "content").rglob("*.md")]
    texts += [p.read_text(encoding="utf-8") for p in files]
    texts = texts + [_without_marks(t) for t in texts] + [t.upper() for t in texts]
    counted = 0
    for text in texts:
        expected = _parse_every_sentence(text)
        assert parse_awards(text) == expected, text[:80]
        counted += expected.collectives + expected.individuals > 0
    assert counted > len(COUNTED)  # the awards were found, not just none twice

"""A tiny content folder for the search tests: two years (2023, 2024), the
words the issue's queries look for, and decoys that must not come first.
Test data only: the reports are made up for the queries, not real news."""

import shutil
from pathlib import Path

from conftest import REGISTRY

REPORT = """Title: {title}
Date: {date}
Ward: {ward}
Topics: {topics}
Authors: Ban biên tập
Summary: Tin thử cho kiểm thử tìm kiếm.
{extra}

{body}
"""

REPORTS = {
    "dang-uy.md": dict(
        title="Đảng uỷ phường Nghi Hòa họp phiên thường kỳ",
        date="2024-03-05",
        ward="Nghi Hòa",
        topics="Xây dựng Đảng",
        body="Sáng ngày 05/3/2024, Đảng uỷ phường Nghi Hòa họp phiên thường kỳ "
        "tháng 3, bàn nhiệm vụ trọng tâm của quý II.",
    ),
    "dong-da.md": dict(
        title="Phường Đức Thuận đón đoàn công tác",
        date="2023-06-12",
        ward="Đức Thuận",
        topics="Kinh tế – Xã hội",
        body="Chiều ngày 12/6/2023, phường Đức Thuận đón đoàn công tác của quận "
        "Đống Đa, trao đổi kinh nghiệm cải cách hành chính ở khu dân cư.",
    ),
    "khen-thuong.md": dict(
        title="Nghi Hải tổng kết phong trào thi đua",
        date="2023-12-20",
        ward="Nghi Hải",
        topics="Văn hóa – Thể thao",
        body="Hội nghị khen thưởng 05 tập thể và 12 cá nhân có thành tích xuất "
        "sắc trong phong trào thi đua năm 2023 theo kế hoạch của phường.",
    ),
    # "khen" beside "Thường", "Thượng": for "khen thưởng" typed with its
    # marks, the report above must come first.
    "thuong-vu.md": dict(
        title="Nam Hồng họp Ban Thường vụ",
        date="2024-05-10",
        ward="Nam Hồng",
        topics="Xây dựng Đảng",
        body="Các đảng viên được khen. Thường trực Đảng uỷ và Thượng tá Công an "
        "thị xã dự họp Ban Thường vụ.",
    ),
    # Mentions Nghi Hòa once, in its body: Nghi Hòa's own reports first.
    "nam-hong-nghi-hoa.md": dict(
        title="Nam Hồng học tập kinh nghiệm dân vận khéo",
        date="2024-07-02",
        ward="Nam Hồng",
        topics="Xây dựng Đảng",
        body="Đoàn cán bộ phường Nam Hồng học tập mô hình dân vận khéo của "
        "phường Nghi Hòa.",
    ),
    "nghi-hoa-2023.md": dict(
        title="Ra quân làm sạch bãi biển",
        date="2023-04-16",
        ward="Nghi Hòa",
        topics="Môi trường",
        body="Sáng Chủ nhật, đoàn viên thanh niên ra quân làm sạch bãi biển, thu "
        "gom rác thải nhựa.",
    ),
    # "tiếp", "xúc", "cụ", "trị" are all here, never side by side.
    "tiep-xuc.md": dict(
        title="Đức Thuận tiếp nhận hồ sơ đầu tư",
        date="2024-09-18",
        ward="Đức Thuận",
        topics="Kinh tế – Xã hội",
        body="Phường tiếp nhận hồ sơ, xúc tiến đầu tư các dự án cụ thể có giá trị lớn.",
    ),
    # "phòng cháy" in a headline beats "phòng cháy" in a body.
    "pccc-title.md": dict(
        title="Nghi Hải diễn tập phòng cháy chữa cháy",
        date="2024-10-04",
        ward="Nghi Hải",
        topics="Quốc phòng – An ninh",
        body="Lực lượng dân phòng và người dân tham gia diễn tập tại chợ.",
    ),
    "pccc-body.md": dict(
        title="Đức Thuận tuyên truyền an toàn cho ngư dân",
        date="2024-10-01",
        ward="Đức Thuận",
        topics="Quốc phòng – An ninh",
        body="Cán bộ phường hướng dẫn ngư dân kiểm tra áo phao, bình phòng cháy "
        "trên tàu cá trước mùa bão.",
    ),
}

# query -> the headline that must come first
FIRST = {
    "dang uy": "Đảng uỷ phường Nghi Hòa họp phiên thường kỳ",
    "Đảng uỷ": "Đảng uỷ phường Nghi Hòa họp phiên thường kỳ",
    "dong da": "Phường Đức Thuận đón đoàn công tác",
    "khen thưởng": "Nghi Hải tổng kết phong trào thi đua",
    "phong chay": "Nghi Hải diễn tập phòng cháy chữa cháy",
}
# query -> headlines it must find (without marks, "khen. Thường" is as good
# a match as "khen thưởng"; with them, test FIRST puts the exact one first)
FOUND = {
    "khen thuong": {
        "Nghi Hải tổng kết phong trào thi đua",
        "Nam Hồng họp Ban Thường vụ",
    },
}
WARD_QUERY = (
    "nghi hoa",
    {"Đảng uỷ phường Nghi Hòa họp phiên thường kỳ", "Ra quân làm sạch bãi biển"},
)
NO_MATCH = "tiep xuc cu tri"

# One announcement and one document (with its PDF), for write_fixture(office=
# True): clearly examples. "vắc xin" is in the announcement only; "phòng
# cháy" in the document and in reports.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
OFFICE = {
    "thong-bao/tiem-vac-xin.md": """Title: Lịch tiêm vắc xin cho trẻ em (ví dụ)
Date: 2024-08-05
Expires: 2099-12-31

Trạm y tế phường tiêm vắc xin sởi cho trẻ vào sáng thứ Bảy. Thông báo mẫu.
""",
    "van-ban/2024/ke-hoach-pccc.md": """Title: Kế hoạch diễn tập an toàn mùa khô (ví dụ)
Number: 12/KH-UBND
Date: 2024-02-20
Issuer: UBND phường Nghi Hải
Type: Kế hoạch
File: ke-hoach-pccc.pdf

Văn bản mẫu: phường diễn tập phòng cháy chữa cháy ở khu dân cư.
""",
}
ANNOUNCEMENT_QUERY = ("vac xin", "Lịch tiêm vắc xin cho trẻ em (ví dụ)")
DOCUMENT_TITLE = "Kế hoạch diễn tập an toàn mùa khô (ví dụ)"


def write_fixture(
    content: Path, extra: dict | None = None, office: bool = False
) -> Path:
    """The fixture reports (and ``extra`` ones) in ``content``; with
    ``office``, the :data:`OFFICE` announcement and document too."""
    (content / "data").mkdir(parents=True, exist_ok=True)
    shutil.copy(REGISTRY, content / "data" / "registry.toml")
    folder = content / "tin-tuc"
    folder.mkdir(exist_ok=True)
    for name, fields in {**REPORTS, **(extra or {})}.items():
        text = REPORT.format(**{"extra": "", **fields})
        (folder / name).write_text(text, encoding="utf-8")
    for name, text in (OFFICE if office else {}).items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(text, encoding="utf-8")
    if office:
        (content / "van-ban/2024/ke-hoach-pccc.pdf").write_bytes(PDF)
    return content

"""Fixture content for the office tests: clearly example announcements,
documents (with a tiny PDF) and a ward's contacts; never real ones."""

import shutil
from pathlib import Path

from conftest import CONTENT

# The smallest file that starts as a PDF does; enough for "published as is".
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

ANNOUNCEMENTS = {
    "thong-bao/lich-tiep-dan.md": """Title: Lịch tiếp công dân tháng 12 (ví dụ)
Date: 2024-11-25
Expires: 2099-12-31
Summary: Lãnh đạo phường tiếp công dân vào sáng thứ Năm hằng tuần (ví dụ).

Đây là thông báo mẫu dùng trong kiểm thử.
""",
    "thong-bao/da-het-han.md": """Title: Thông báo tạm ngừng cấp nước (ví dụ)
Date: 2024-03-01
Expires: 2024-03-05

Thông báo mẫu đã hết hạn.
""",
}

DOCUMENTS = {
    "van-ban/2024/ke-hoach-12.md": """Title: Kế hoạch tổ chức Ngày hội Đại đoàn kết toàn dân tộc (ví dụ)
Number: 12/KH-UBND
Date: 2024-10-02
Issuer: UBND phường Nghi Hòa
Type: Kế hoạch
File: ke-hoach-12.pdf

Văn bản mẫu dùng trong kiểm thử.
""",
    "van-ban/2024/quyet-dinh-30.md": """Title: Quyết định thành lập tổ công tác (ví dụ)
Number: 30/QĐ-UBND
Date: 2023-05-15
Issuer: UBND phường Nghi Hải
Type: quyết định
File: quyet-dinh-30.pdf
""",
}

CONTACT = """
[ward.contact]
address = "Số 1 đường Ví Dụ, phường Nghi Hòa (ví dụ)"
phone = "0238 000 0000"
email = "nghihoa@example.vn"
[[ward.contact.leaders]]
name = "Nguyễn Văn A (ví dụ)"
position = "Chủ tịch UBND phường"
phone = "0900 000 000"
email = "chutich.nghihoa@example.vn"
[[ward.contact.leaders]]
name = "Trần Thị B (ví dụ)"
position = "Công chức Văn phòng – Thống kê"
"""

OFFICE = {
    "OFFICE_PORTAL_NAME": "CỔNG THÔNG TIN ĐIỆN TỬ PHƯỜNG MẪU",
    "OFFICE_AGENCY": "UBND phường Mẫu (kiểm thử)",
    "OFFICE_RESPONSIBLE": "Lê Văn C (kiểm thử)",
    "OFFICE_ADDRESS": "Số 2 đường Kiểm Thử (kiểm thử)",
    "OFFICE_PHONE": "0238 111 2222",
    "OFFICE_EMAIL": "lienhe@example.vn",
    "OFFICE_LICENCE": "",
}


def with_contact(
    registry: str, ward_line: str = 'full_name = "phường Nghi Hòa"'
) -> str:
    """The registry text with :data:`CONTACT` under the ward of ``ward_line``."""
    start = registry.index(ward_line)
    end = registry.index("\n\n", start)
    return registry[:end] + "\n" + CONTACT.strip("\n") + registry[end:]


def office_content(root: Path, announcements=None, documents=None, pdfs=None) -> Path:
    """The real content/ plus example announcements, documents, their PDFs
    and one ward's contacts, under ``root``."""
    content = root / "content"
    shutil.copytree(CONTENT, content)
    registry = content / "data" / "registry.toml"
    registry.write_text(with_contact(registry.read_text(encoding="utf-8")), "utf-8")
    files = {**ANNOUNCEMENTS, **DOCUMENTS}
    files.update(announcements or {})
    files.update(documents or {})
    for name, text in files.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    names = ("van-ban/2024/ke-hoach-12.pdf", "van-ban/2024/quyet-dinh-30.pdf")
    for name in pdfs if pdfs is not None else names:
        (content / name).write_bytes(PDF)
    return content

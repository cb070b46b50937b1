"""Whose portal this is: the office named in the settings, for header and footer.

Only what the settings say is shown; an empty field is left out, never
filled in.  The shipped settings carry clearly marked example values.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Office:
    portal_name: str
    agency: str = ""
    responsible: str = ""
    address: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    licence: str = ""
    logo: str = ""
    logo_width: int = 48
    logo_height: int = 48
    # [(label, value, href)] in the order the footer shows them
    lines: list = field(default_factory=list)


def tel_href(phone: str) -> str:
    """``tel:`` address of a written phone number ("0238 3824 xxx" -> digits),
    or "" when it holds no digits (an example such as "(ví dụ)")."""
    digits = "".join(c for c in phone if c.isdigit() or c == "+")
    return f"tel:{digits}" if sum(c.isdigit() for c in digits) >= 6 else ""


def mail_href(email: str) -> str:
    return f"mailto:{email}" if "@" in email and " " not in email.strip() else ""


def office_from(settings: dict, get) -> Office:
    """The :class:`Office` of the settings; ``get(settings, name)`` reads one
    OFFICE_* setting with its default."""
    values = {
        key: str(get(settings, f"OFFICE_{key.upper()}") or "").strip()
        for key in (
            "agency",
            "responsible",
            "address",
            "phone",
            "fax",
            "email",
            "licence",
        )
    }
    width, height = get(settings, "OFFICE_LOGO_SIZE")
    lines = [
        ("Cơ quan chủ quản", values["agency"], ""),
        ("Người chịu trách nhiệm", values["responsible"], ""),
        ("Địa chỉ", values["address"], ""),
        ("Điện thoại", values["phone"], tel_href(values["phone"])),
        ("Fax", values["fax"], ""),
        ("Thư điện tử", values["email"], mail_href(values["email"])),
        ("Giấy phép", values["licence"], ""),
    ]
    return Office(
        portal_name=str(get(settings, "OFFICE_PORTAL_NAME") or "").strip()
        or settings.get("SITENAME", ""),
        logo=str(get(settings, "OFFICE_LOGO") or ""),
        logo_width=int(width),
        logo_height=int(height),
        lines=[line for line in lines if line[1]],
        **values,
    )

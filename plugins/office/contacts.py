"""Each ward's contacts, read from the optional ``contact`` table of its
``[[ward]]`` entry in the registry (content/data/registry.toml).

Legal basis (Nghị định 42/2022/NĐ-CP ngày 24/6/2022, điểm e khoản 1 Điều 4,
as cited in issue 31 and in the Government portal's summary of the decree):
a state agency's portal publishes its functions and organisation; its
address, phone, fax and email; and the name, position, phone and official
email of its contact staff.  Only what the registry says is published;
nothing is filled in.

    [[ward]]
    name = "Nghi Hòa"
    ...
    [ward.contact]
    address = "..."
    phone = "..."
    email = "..."
    [[ward.contact.leaders]]
    name = "..."
    position = "Chủ tịch UBND phường"
"""

import tomllib
from dataclasses import dataclass, field

from portal.registry import RegistryError, parse_registry
from vietnamese.text import nfc

from .identity import mail_href, tel_href

CONTACT_FIELDS = ("address", "phone", "fax", "email", "hours", "note")
LEADER_FIELDS = ("name", "position", "phone", "email")


class ContactError(Exception):
    """A contact table the registry cannot be read with; says what to fix."""


@dataclass(frozen=True)
class Leader:
    name: str
    position: str = ""
    phone: str = ""
    email: str = ""

    @property
    def tel(self) -> str:
        return tel_href(self.phone)

    @property
    def mailto(self) -> str:
        return mail_href(self.email)


@dataclass(frozen=True)
class WardContact:
    name: str
    full_name: str
    slug: str
    town: str
    province: str
    address: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    hours: str = ""
    note: str = ""
    leaders: tuple[Leader, ...] = field(default_factory=tuple)
    url: str = ""

    @property
    def tel(self) -> str:
        return tel_href(self.phone)

    @property
    def mailto(self) -> str:
        return mail_href(self.email)

    @property
    def has_contact(self) -> bool:
        return bool(self.address or self.phone or self.email or self.leaders)


def _text(table: dict, key: str, where: str) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise ContactError(
            f"{where}: '{key}' phải là một chuỗi văn bản (trong dấu \"\")"
        )
    return nfc(value.strip())


def parse_contacts(data: dict, source: str, url_pattern: str) -> list[WardContact]:
    """Every ward of parsed registry TOML, with its contact table (empty
    fields when it has none), in registry order.  The ward itself (name,
    address, today's unit) is the portal's registry entry; a registry the
    portal cannot read gives none (the portal plugin says why)."""
    try:
        registry = parse_registry(data, source)
    except RegistryError:
        return []
    wards = []
    # parse_registry keeps every [[ward]] entry, in order.
    for i, (ward, entry) in enumerate(
        zip(registry.wards, data["ward"], strict=True), 1
    ):
        where = f"{source}: [[ward]] thứ {i}"
        contact = entry.get("contact", {})
        if not isinstance(contact, dict):
            raise ContactError(f"{where}: 'contact' phải là một bảng [ward.contact]")
        where = f"{where} ({ward.name}), [ward.contact]"
        leaders = contact.get("leaders", [])
        if not isinstance(leaders, list) or not all(
            isinstance(x, dict) for x in leaders
        ):
            raise ContactError(
                f"{where}: 'leaders' phải là các bảng [[ward.contact.leaders]]"
            )
        people = []
        for n, leader in enumerate(leaders, 1):
            at = f"{where}: người thứ {n}"
            person = Leader(**{k: _text(leader, k, at) for k in LEADER_FIELDS})
            if not person.name:
                raise ContactError(f"{at}: thiếu 'name' (họ và tên)")
            people.append(person)
        wards.append(
            WardContact(
                name=ward.name,
                full_name=ward.full_name,
                slug=ward.slug,
                town=ward.town,
                province=ward.province,
                leaders=tuple(people),
                url=url_pattern.format(slug=ward.slug),
                **{k: _text(contact, k, where) for k in CONTACT_FIELDS},
            )
        )
    return wards


def load_contacts(path, url_pattern: str) -> list[WardContact]:
    """The contacts of the registry file at ``path``; [] when it is missing
    or not TOML (the portal plugin reports those)."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        return []
    return parse_contacts(data, str(path), url_pattern)

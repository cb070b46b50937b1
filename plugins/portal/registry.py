"""The registry of wards and topics, kept as TOML data in the content folder.

Each content folder brings its own ``data/registry.toml`` so another office's
content builds with its own wards.  Lookups are spelling-insensitive through
:func:`vietnamese.text.name_key`; the registry's spelling is always the one
shown.
"""

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from vietnamese.text import closest, name_key, nfc, slugify

from .history import NO_HISTORY, History, current_units, parse_history, predecessors


class RegistryError(Exception):
    """The registry file is missing or malformed; the message says how to fix it."""

    def for_editor(self) -> str:
        """The message without the file's path in front (every message
        starts with it): the problem names the file as editors see it."""
        text = str(self)
        return text.split(": ", 1)[1] if ": " in text else text


@dataclass(frozen=True)
class Ward:
    name: str
    full_name: str
    town: str
    province: str
    slug: str
    # Its parent units over time, creation, end and successors (history.py).
    history: History = field(default=NO_HISTORY, compare=False, repr=False)

    def __str__(self):
        return self.name

    def parent_on(self, day) -> str:
        """The unit the ward belonged to on ``day`` (``town`` if unrecorded)."""
        return self.history.parent_on(day) or self.town

    def exists_on(self, day) -> bool:
        return self.history.exists_on(day)

    @property
    def former(self) -> bool:
        """The ward has ceased to exist (merged, renamed or dissolved)."""
        return self.history.ended is not None


@dataclass(frozen=True)
class Topic:
    name: str
    slug: str
    synonyms: tuple[str, ...] = ()
    description: str = ""

    def __str__(self):
        return self.name


@dataclass
class Registry:
    wards: list[Ward] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)

    def __post_init__(self):
        self._wards = {name_key(w.name): w for w in self.wards}
        self._wards.update({name_key(w.full_name): w for w in self.wards})
        self._topics = {}
        for topic in self.topics:
            for spelling in (topic.name, *topic.synonyms):
                self._topics[name_key(spelling)] = topic

    def ward(self, value: str) -> Ward | None:
        """The ward called ``value`` in any spelling, or None."""
        return self._wards.get(name_key(value))

    def topic(self, value: str) -> Topic | None:
        """The topic called ``value`` or one of its synonyms, or None."""
        return self._topics.get(name_key(value))

    def successors(self, ward: Ward) -> list[Ward]:
        """The wards ``ward`` directly became (merged into, renamed to)."""
        found = (self.ward(s) for s in ward.history.successors)
        return [w for w in found if w is not None]

    def current(self, ward: Ward) -> list[Ward]:
        """The wards that exist today where ``ward`` was (itself if it does)."""
        names = current_units(ward.name, self._successors_of)
        return [w for w in map(self.ward, names) if w is not None]

    def predecessors(self, ward: Ward) -> list[Ward]:
        """Every ward whose successors lead to ``ward``, direct ones first."""
        names = predecessors(
            ward.name, self._successors_of, [w.name for w in self.wards]
        )
        return [w for w in map(self.ward, names) if w is not None]

    def _successors_of(self, name: str) -> tuple[str, ...]:
        ward = self.ward(name)
        return ward.history.successors if ward is not None else ()

    def ward_suggestions(self, value: str) -> list[str]:
        return closest(value, [w.name for w in self.wards])

    def topic_suggestions(self, value: str) -> list[str]:
        names = [t.name for t in self.topics]
        names += [s for t in self.topics for s in t.synonyms]
        by_key = {
            name_key(s): t.name for t in self.topics for s in (t.name, *t.synonyms)
        }
        return list(dict.fromkeys(by_key[name_key(n)] for n in closest(value, names)))


def _text(entry: dict, key: str, where: str, required: bool = True) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise RegistryError(f"{where}: thiếu '{key}' (một chuỗi văn bản)")
    return nfc(value.strip())


def _entries(data: dict, kind: str, source: str) -> list[dict]:
    """The ``[[kind]]`` tables; ``[kind]`` (one pair of brackets) is the
    usual slip and is named as such."""
    entries = data.get(kind, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise RegistryError(
            f"{source}: mục '{kind}' phải viết [[{kind}]] (hai cặp ngoặc vuông) "
            f"ở đầu mỗi mục — sửa [{kind}] thành [[{kind}]]"
        )
    return entries


def parse_registry(data: dict, source: str = "registry.toml") -> Registry:
    """Build a :class:`Registry` from parsed TOML, checking every entry."""
    wards = []
    for i, entry in enumerate(_entries(data, "ward", source), 1):
        where = f"{source}: [[ward]] thứ {i}"
        name = _text(entry, "name", where)
        # With dated parent units ([[ward.parent]]) "town" may be left out.
        town = _text(entry, "town", where, required="parent" not in entry)
        history, _ = parse_history(entry, town)  # problems: history.issues
        wards.append(
            Ward(
                name=name,
                full_name=_text(entry, "full_name", where, False) or f"phường {name}",
                town=history.last_parent or town,
                province=_text(entry, "province", where),
                slug=_text(entry, "slug", where, False) or slugify(name),
                history=history,
            )
        )
    topics = []
    for i, entry in enumerate(_entries(data, "topic", source), 1):
        where = f"{source}: [[topic]] thứ {i}"
        name = _text(entry, "name", where)
        synonyms = entry.get("synonyms", [])
        if not isinstance(synonyms, list) or not all(
            isinstance(s, str) for s in synonyms
        ):
            raise RegistryError(f"{where}: 'synonyms' phải là danh sách chuỗi")
        topics.append(
            Topic(
                name=name,
                slug=_text(entry, "slug", where, False) or slugify(name),
                synonyms=tuple(nfc(s.strip()) for s in synonyms),
                description=_text(entry, "description", where, False),
            )
        )
    _check_variants(source, wards)
    registry = Registry(wards, topics)
    _check_unique(source, "ward", [w.slug for w in wards], [w.name for w in wards])
    _check_unique(source, "topic", [t.slug for t in topics], [t.name for t in topics])
    return registry


def _check_variants(source, wards):
    """Two wards whose names differ only in spelling ("Nghi Hòa", "Nghi
    Hoà") are one ward written twice, never two wards."""
    seen = {}
    for ward in wards:
        for name in dict.fromkeys((ward.name, ward.full_name)):
            first = seen.setdefault(name_key(name), ward)
            if first is not ward:
                raise RegistryError(
                    f"{source}: [[ward]] '{ward.name}' và '{first.name}' là cùng "
                    "một tên (chỉ khác cách viết dấu hoặc chữ hoa) — xóa mục thừa"
                )


def _check_unique(source, kind, slugs, names):
    seen = {}
    for slug, name in zip(slugs, names, strict=True):
        if slug in seen:
            raise RegistryError(
                f"{source}: [[{kind}]] '{name}' và '{seen[slug]}' có cùng đường dẫn "
                f"'{slug}' — đổi tên hoặc đặt 'slug' riêng cho một mục"
            )
        seen[slug] = name


def load_registry(path: Path) -> Registry:
    """Read and check the registry file at ``path``."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise RegistryError(
            f"{path}: không tìm thấy danh mục phường và chủ đề — tạo tệp này "
            "(xem docs/huong-dan-bien-tap.md)"
        ) from None
    except tomllib.TOMLDecodeError as e:
        where = re.search(r"at line (\d+), column (\d+)", str(e))
        at = f" ở dòng {where[1]}, cột {where[2]}" if where else ""
        raise RegistryError(
            f"{path}: tệp TOML không hợp lệ{at} ({e}) — sửa cú pháp "
            "(mỗi mục bắt đầu bằng [[ward]] hoặc [[topic]], chữ trong ngoặc kép)"
        ) from None
    return parse_registry(data, str(path))

"""Support services directory: load and validate decision_trees/services.yaml.

Each entry of `services:` is one council's listing of a service, as that council's document
prints it. Each entry of `checks:` records the number the service itself publishes, and where
and when that was checked; every listed number needs one. A listing whose printed number is
not the service's own is a recorded difference (`differences`): the directory and the policy
page say so, and the council's corrections page lists it. Nothing is silently resolved.
CPython only (reads files).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlparse

from .loader import TREES, LoadError, _File

__all__ = ["LoadError", "load", "differences", "groups", "norm_name", "cites", "digits"]

PATH = TREES / "services.yaml"
NEEDS = {
    "women": "Women",
    "men": "Men",
    "children": "Children",
    "lgbt": "LGBT+ people",
    "older_people": "Older people",
    "south_asian_women": "South Asian and Asian women",
    "turkish_women": "Turkish women",
    "kurdish_women": "Kurdish women",
    "turkish_cypriot_women": "Turkish Cypriot women",
    "iranian_women": "Iranian women",
    "honour_based_violence": "Honour-based violence",
    "forced_marriage": "Forced marriage",
    "nrpf": "No recourse to public funds",
    "perpetrators": "People who want to change their abusive behaviour",
    "deaf_disabled": "Deaf and disabled people",
}
FIELDS = ("phone", "hours", "email", "web")
UNKNOWN_EMAIL = "[email protected]"
# How a number was checked (checks: status). Only `confirmed` is the service's own word.
STATUSES = {
    "confirmed": "the service's own page gives this number",
    "other_source": "not found on the service's own page; another source gives this number",
    "not_confirmed": "could not be confirmed with the service",
}


@dataclass(frozen=True)
class Listing:
    council: str
    cite: str


@dataclass(frozen=True)
class Check:
    """Where and when a service's own number was checked (one per service)."""
    service: str
    status: str
    checked: str
    phone: str = ""
    source: str = ""
    page: str = ""
    quote: str = ""
    copy: str = ""
    tried: str = ""
    where: str = ""

    @property
    def host(self) -> str:
        host = urlparse(self.source).netloc
        return host[4:] if host.startswith("www.") else host


@dataclass(frozen=True)
class Service:
    name: str
    serves: str
    needs: tuple[str, ...]
    phone: str = ""
    hours: str = ""
    email: str = ""
    web: str = ""
    remark: str = ""
    aka: tuple[str, ...] = ()
    listed_by: tuple[Listing, ...] = ()
    where: str = ""
    check: Check | None = field(default=None, compare=False)

    @property
    def differs(self) -> bool:
        """The printed number is not the number the check found (confirmed or another source)."""
        return bool(self.phone and self.check and self.check.phone
                    and digits(self.phone) != digits(self.check.phone))


@dataclass(frozen=True)
class Difference:
    """A council's printed number that is not the service's own (or, where the service's
    own number is not confirmed, that another source or another council gives otherwise)."""
    listing: Service
    council: str
    cite: str
    printed: str
    expected: str
    kind: str  # "confirmed": the service's own number; "other_source"; "councils"

    @property
    def correction(self) -> bool:
        return self.kind == "confirmed"


def digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


def norm_name(name: str) -> str:
    text = re.sub(r"\(.*?\)", " ", name.lower())
    text = re.sub(r"[^a-z0-9+ ]", "", text.replace("&", " and "))
    words = [w for w in text.split() if w != "the"]
    return " ".join(words)


def load(path=PATH, councils: set[str] | None = None) -> list[Service]:
    """Read and check the file; every error starts with file:line. Each listing carries the
    check of its service; a listed number without a check is an error. The structure (keys,
    types, which fields each check status needs) is the schema's
    (decision_trees/schema/services.schema.json); what follows checks the meaning."""
    f = _File(path, "services")
    data = f.data
    out = [_listing(f, body, councils) for body in data["services"]]
    checks = [_check(f, body) for body in data.get("checks", [])]
    return _attach(f, out, checks, data.key_lines.get("checks", data.line))


def _listing(f: _File, body, councils: set[str] | None) -> Service:
    what = f"service {body['name']!r}"
    needs = tuple(body["needs"])
    for need in needs:
        if need not in NEEDS:
            f.fail(body.key_lines["needs"], f"{what}: unknown need {need!r} "
                                            f"(allowed: {', '.join(sorted(NEEDS))})")
    values = {key: body[key].strip() for key in FIELDS if key in body}
    if values.get("email") == UNKNOWN_EMAIL:
        values.pop("email")  # an address lost in extraction is unknown: never guessed
    if "email" in values and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", values["email"], re.I):
        f.fail(body.key_lines["email"], f"{what}: email {values['email']!r} is not an address")
    if "phone" in values and not 10 <= len(digits(values["phone"])) <= 11:
        f.fail(body.key_lines["phone"], f"{what}: phone {values['phone']!r} is not a UK number")
    listings = []
    for item in body["listed_by"]:
        council, cite = item["council"], item["cite"]
        if cite.split(":", 1)[0] != council:
            f.fail(item.key_lines["cite"], f"{what}: {council} cites another council's paragraph {cite!r}")
        if councils is not None and council not in councils:
            f.fail(item.key_lines["council"], f"{what}: unknown council {council!r}")
        listings.append(Listing(council, cite))
    return Service(body["name"].strip(), body["serves"].strip(), needs,
                   remark=str(body.get("remark") or "").strip(), aka=tuple(body.get("aka") or ()),
                   listed_by=tuple(listings), where=f.at(body.line), **values)


def _check(f: _File, body) -> Check:
    what = f"check of {body['service']!r}"
    values = {k: str(body[k]).strip() for k in ("phone", "source", "page", "quote", "copy", "tried") if k in body}
    if "phone" in values and digits(values["phone"]) not in digits(values["quote"]):
        f.fail(body.key_lines["quote"], f"{what}: the quote does not show the number {values['phone']!r}")
    return Check(body["service"].strip(), body["status"], str(body["checked"]), where=f.at(body.line), **values)


def _attach(f: _File, listed: list[Service], checks: list[Check], line: int) -> list[Service]:
    """Each listing gets its service's check; every number needs one, every check a listing."""
    key_of = _keys(listed)
    by_key: dict[str, Check] = {}
    for check in checks:
        key = key_of.get(norm_name(check.service))
        if key is None:
            f.fail(_line(check.where), f"check of {check.service!r}: no listing has this "
                                                        f"name (or aka)")
        if key in by_key:
            f.fail(_line(check.where), f"check of {check.service!r}: the service is "
                                                        f"already checked at {by_key[key].where}")
        by_key[key] = check
    out = []
    for s in listed:
        check = by_key.get(key_of[norm_name(s.name)])
        if s.phone and check is None:
            f.fail(_line(s.where), f"service {s.name!r}: number {s.phone!r} has no check "
                                                   f"record (add one under checks:, line {line})")
        out.append(replace(s, check=check))
    return out


def _line(where: str) -> int:
    return int(where.rsplit(":", 1)[1])


def _keys(services: list[Service]) -> dict[str, str]:
    """Normalised name (or aka) -> the key of its group (the first listing's name)."""
    key_of: dict[str, str] = {}
    for s in services:
        names = [norm_name(s.name), *(norm_name(a) for a in s.aka)]
        key = next((key_of[n] for n in names if n in key_of), names[0])
        for n in names:
            key_of.setdefault(n, key)
    return key_of


def groups(services: list[Service]) -> dict[str, list[Service]]:
    """Listings of the same service, keyed by the normalised name (aka names join a group)."""
    key_of = _keys(services)
    out: dict[str, list[Service]] = {}
    for s in services:
        out.setdefault(key_of[norm_name(s.name)], []).append(s)
    return out


def differences(services: list[Service]) -> list[Difference]:
    """Every printed number that is not the one its check found; where no number was found,
    every printed number that another council's listing of the same service contradicts."""
    found = []
    for listings in groups(services).values():
        printed = {digits(s.phone) for s in listings if s.phone}
        for s in listings:
            if not s.phone:
                continue
            if s.differs:
                expected, kind = s.check.phone, s.check.status
            elif not (s.check and s.check.phone) and len(printed) > 1:
                expected = "; ".join(o.phone for o in listings
                                     if o.phone and digits(o.phone) != digits(s.phone))
                kind = "councils"
            else:
                continue
            found += [Difference(s, l.council, l.cite, s.phone, expected, kind) for l in s.listed_by]
    return found


def cites(services: list[Service]) -> set[str]:
    return {l.cite for s in services for l in s.listed_by}

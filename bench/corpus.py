"""Reproducible labelled corpus for the redaction engine (fixed seed; no network).

Three parts:
- ordinary:    realistic prompts (emails to rewrite, support tickets, code/config, forms, chat, logs,
               multilingual snippets) holding PII values of every type in many formats and locales.
- adversarial: the same kinds of values obfuscated (zero-width and invisible characters, Cyrillic/Greek
               look-alikes, fullwidth forms, [at]/(dot), spelled-out at/dot, percent-encoding, HTML
               entities, digits split by spaces/dots/dashes/slashes/line breaks).
- clean:       PII-free texts full of look-alikes (order/invoice numbers, ISBNs, UUIDs, hashes,
               timestamps, versions, Luhn/mod-97 failures, invalid SSNs, placeholders, places, brands).

Honesty rules: person names come from mimesis (a different source than the detector's Faker lists)
plus a hand list of names from many cultures; values are generated, not picked to suit the detector.
Each sample: {"id", "part", "text", "spans": [(start, end, entity_type)]}.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string
import uuid

import phonenumbers
from mimesis import Person
from mimesis.locales import Locale

from service.redaction.detectors.validators import IBAN_LENGTHS, _keccak256

SEED = 20261129
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

_NAME_LOCALES = [Locale.EN, Locale.EN_GB, Locale.EN_AU, Locale.EN_CA, Locale.DE, Locale.FR, Locale.ES,
                 Locale.IT, Locale.NL, Locale.PT, Locale.PT_BR, Locale.PL, Locale.SV, Locale.DA,
                 Locale.FI, Locale.CS, Locale.TR, Locale.NO, Locale.HU, Locale.ES_MX]
# Names the generators of neither library favour: many cultures, particles, apostrophes, hyphens.
_EXTRA_NAMES = [
    "Oluwaseun Adeyemi", "Chidi Okonkwo", "Nguyen Van An", "Siobhan O'Sullivan", "Jean-Luc Moreau",
    "Aisha Bello", "Priya Raghunathan", "Wei Zhang", "Hiroshi Tanaka", "Mohammed Al-Farsi",
    "Fatima Zahra El Idrissi", "Ludwig van der Berg", "Ana María de la Cruz", "Sven Øberg",
    "Zoë Brontë-Hughes", "Kwame Mensah", "Darius Rahimi", "Ngozi Eze", "Tomasz Wiśniewski",
    "Björn Åkesson", "Dmitri Ivanov", "Lakshmi Narayanan", "Mei Lin Chen", "Juan Pablo Gómez",
    "Thandiwe Ndlovu", "Rania Haddad", "Emeka Nwosu", "Carlos Eduardo Lima", "Yusuf Demir",
    "Anjali Deshpande", "Pedro Alves", "Ingrid Bjørnstad", "Seo-yeon Park", "Tariq Aziz",
]


class _Builder:
    """Concatenates text pieces while recording gold spans."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[tuple[int, int, str]] = []
        self.pos = 0

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.pos += len(s)

    def pii(self, value: str, etype: str) -> None:
        self.spans.append((self.pos, self.pos + len(value), etype))
        self.add(value)

    def text(self) -> str:
        return "".join(self.parts)


class Gen:
    def __init__(self, seed: int = SEED):
        self.r = random.Random(seed)
        self.people = [Person(loc, seed=seed + i) for i, loc in enumerate(_NAME_LOCALES)]

    # -- values ------------------------------------------------------------------------------
    def name(self, style: str | None = None) -> str:
        r = self.r
        if r.random() < 0.15:
            full = r.choice(_EXTRA_NAMES)
        else:
            p = r.choice(self.people)
            full = f"{p.first_name()} {p.last_name()}"
        style = style or r.choices(["full", "first", "initial", "upper", "lower"], [60, 20, 8, 6, 6])[0]
        first, _, last = full.partition(" ")
        if style == "first":
            return first
        if style == "initial":
            return f"{first[0]}. {last}"
        if style == "upper":
            return full.upper()
        if style == "lower":
            return full.lower()
        return full

    def email(self, name: str | None = None) -> str:
        r = self.r
        base = (name or self.name("full")).lower()
        base = "".join(c for c in base if c.isascii() and (c.isalnum() or c == " ")) or "user"
        toks = base.split() or ["user"]
        local = r.choice([".".join(toks), toks[0][0] + toks[-1], toks[0] + str(r.randint(1, 99)),
                          "_".join(toks), toks[-1] + "+" + r.choice(["news", "shop", "work"]),
                          toks[0] + "." + toks[-1] + str(r.randint(1970, 2005))])
        dom = r.choice(["gmail.com", "outlook.com", "yahoo.co.uk", "web.de", "proton.me", "icloud.com",
                        "acme-corp.com", "mail.example.org", "uni-heidelberg.de", "orange.fr",
                        "company.io", "hospital.nhs.uk", "libero.it", "gmx.net", "consulting.co.za"])
        e = f"{local}@{dom}"
        return e.upper() if r.random() < 0.05 else e

    def phone(self) -> str:
        r = self.r
        region = r.choice(["US", "US", "US", "GB", "GB", "DE", "FR", "IN", "AU", "ES", "IT", "NL", "BR",
                           "CA", "MX", "CH", "SE", "PL", "JP", "IE"])
        for _ in range(50):
            ex = phonenumbers.example_number_for_type(
                region, r.choice([phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]))
            if ex is None:
                continue
            nat = str(ex.national_number)
            keep = max(3, len(nat) - 4)
            nat = nat[:keep] + "".join(r.choice(string.digits) for _ in range(len(nat) - keep))
            num = phonenumbers.parse("+" + str(ex.country_code) + nat, None)
            if phonenumbers.is_valid_number(num):
                break
        fmt = r.choice(["intl", "intl", "national", "national", "e164", "dots", "00", "paren"])
        F = phonenumbers.PhoneNumberFormat
        if fmt == "intl":
            s = phonenumbers.format_number(num, F.INTERNATIONAL)
        elif fmt == "national":
            s = phonenumbers.format_number(num, F.NATIONAL)
        elif fmt == "e164":
            s = phonenumbers.format_number(num, F.E164)
        elif fmt == "00":
            s = "00" + phonenumbers.format_number(num, F.INTERNATIONAL)[1:]
        elif fmt == "dots":
            s = phonenumbers.format_number(num, F.INTERNATIONAL).replace(" ", ".").replace("-", ".")
        else:
            n = phonenumbers.format_number(num, F.NATIONAL)
            s = n if "(" in n else phonenumbers.format_number(num, F.INTERNATIONAL)
        if r.random() < 0.1:
            s += r.choice([" ext. ", " x", " ext ", ", ext. "]) + str(r.randint(10, 9999))
        return s

    def card(self) -> str:
        r = self.r
        kind = r.choice(["visa", "visa", "mc", "mc2", "amex", "discover", "jcb", "diners", "unionpay"])
        prefix, length = {
            "visa": ("4", 16), "mc": (str(r.randint(51, 55)), 16), "mc2": (str(r.randint(2221, 2720)), 16),
            "amex": (r.choice(["34", "37"]), 15), "discover": ("6011", 16), "jcb": (str(r.randint(3528, 3589)), 16),
            "diners": (str(r.randint(300, 305)), 14), "unionpay": ("62" + str(r.randint(10, 99)), 16),
        }[kind]
        body = prefix + "".join(r.choice(string.digits) for _ in range(length - len(prefix) - 1))
        d = body + str(_luhn_digit(body))
        style = r.choice(["space", "dash", "none", "space", "dash"])
        if kind == "amex":
            groups = [d[:4], d[4:10], d[10:]]
        elif kind == "diners":
            groups = [d[:4], d[4:10], d[10:]]
        else:
            groups = [d[i:i + 4] for i in range(0, len(d), 4)]
        return {"space": " ", "dash": "-", "none": ""}[style].join(groups)

    def ssn(self) -> str:
        r = self.r
        while True:
            a = r.randint(1, 899)
            if a != 666:
                break
        g, s = r.randint(1, 99), r.randint(1, 9999)
        sep = r.choice(["-", "-", "-", " ", "."])
        return f"{a:03d}{sep}{g:02d}{sep}{s:04d}"

    def iban(self) -> str:
        r = self.r
        cc = r.choice(["DE", "GB", "FR", "ES", "IT", "NL", "BE", "CH", "AT", "PL", "SE", "IE", "PT", "DK", "NO", "FI"])
        n = IBAN_LENGTHS[cc] - 4
        if cc in ("GB", "IE", "NL"):
            bban = "".join(r.choice(string.ascii_uppercase) for _ in range(4)) + "".join(
                r.choice(string.digits) for _ in range(n - 4))
        else:
            bban = "".join(r.choice(string.digits) for _ in range(n))
        num = int("".join(str(int(c, 36)) for c in bban + cc + "00"))
        iban = f"{cc}{98 - num % 97:02d}{bban}"
        if r.random() < 0.6:
            return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
        return iban

    def ip(self) -> str:
        r = self.r
        k = r.choice(["v4", "v4", "v4", "v6full", "v6comp", "v6ll", "v6mapped"])
        if k == "v4":
            return ".".join(str(x) for x in [r.choice([10, 172, 192, r.randint(11, 223)]), r.randint(0, 255),
                                             r.randint(0, 255), r.randint(1, 254)])
        groups = [f"{r.randint(0, 0xFFFF):x}" for _ in range(8)]
        if k == "v6full":
            return ":".join(["2001", "db8"] + groups[2:])
        if k == "v6comp":
            return f"2001:db8:{groups[2]}::{groups[5]}:{groups[6]}"
        if k == "v6ll":
            return f"fe80::{groups[4]}:{groups[5]}:{groups[6]}:{groups[7]}"
        return f"::ffff:{r.randint(11, 200)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"

    def url(self) -> str:
        r = self.r
        host = r.choice(["example.com", "my-startup.io", "shop.acme.co.uk", "portal.health-clinic.org",
                         "github.com", "docs.internal.net", "blog.janedoe.dev", "drive.google.com"])
        path = "/".join(r.choice(["users", "profile", "invoice", "view", "share", "abc123", "settings",
                                  "reset"]) for _ in range(r.randint(1, 3)))
        q = r.choice(["", "?id=" + str(r.randint(1000, 99999)), "?token=" + uuid.UUID(int=r.getrandbits(128)).hex[:12],
                      "#section-2"])
        form = r.choice(["https", "https", "http", "www", "bare"])
        if form == "www":
            return f"www.{host}/{path}{q}"
        if form == "bare":
            return f"{host}/{path}"
        return f"{form}://{host}/{path}{q}"

    def crypto(self) -> str:
        r = self.r
        k = r.choice(["p2pkh", "p2sh", "bech32", "eth"])
        if k in ("p2pkh", "p2sh"):
            payload = bytes([0 if k == "p2pkh" else 5]) + bytes(r.getrandbits(8) for _ in range(20))
            chk = hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
            return _b58encode(payload + chk)
        if k == "bech32":
            prog = bytes(r.getrandbits(8) for _ in range(20))
            return _segwit_encode("bc", 0, prog)
        body = bytes(r.getrandbits(8) for _ in range(20)).hex()
        digest = _keccak256(body.encode()).hex()
        return "0x" + "".join(c.upper() if c.isalpha() and int(h, 16) >= 8 else c for c, h in zip(body, digest))

    def secret(self) -> tuple[str, str, str]:
        """(prefix text, secret value, suffix text)."""
        r = self.r
        an = string.ascii_letters + string.digits

        def rnd(n: int, alphabet: str = an) -> str:
            return "".join(r.choice(alphabet) for _ in range(n))

        k = r.choice(["aws", "gh", "slack", "stripe", "openai", "jwt", "pem", "pw", "apikey", "google", "pwprose"])
        if k == "aws":
            return "aws_access_key_id = ", "AKIA" + rnd(16, string.ascii_uppercase + string.digits), ""
        if k == "gh":
            return "export GITHUB_TOKEN=", "ghp_" + rnd(36), ""
        if k == "slack":
            return "slack bot token: ", f"xoxb-{rnd(11, string.digits)}-{rnd(12, string.digits)}-{rnd(24)}", ""
        if k == "stripe":
            return "STRIPE_KEY=", "sk_live_" + rnd(24), ""
        if k == "openai":
            return "client = OpenAI(api_key=\"", "sk-proj-" + rnd(48, an + "-_"), "\")"
        if k == "google":
            return "maps key ", "AIza" + rnd(35, an + "-_"), ""
        if k == "jwt":
            def b64(d: dict) -> str:
                return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")
            tok = b64({"alg": "HS256", "typ": "JWT"}) + "." + b64({"sub": str(r.randint(1, 10**6)), "iat": 1700000000}) + "." + rnd(43, an + "-_")
            return "Authorization: Bearer ", tok, ""
        if k == "pem":
            body = "\n".join(rnd(64, an + "+/") for _ in range(r.randint(3, 6)))
            return "here is the key:\n", f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----", ""
        if k == "pw":
            return r.choice(["DB_PASSWORD=", "password: ", "\"password\": \"", "pwd="]), rnd(r.randint(8, 16), an + "!#%&*"), ""
        if k == "pwprose":
            return "my password is ", rnd(r.randint(3, 6), string.ascii_lowercase) + str(r.randint(10, 9999)) + r.choice(["!", "", "#"]), ""
        return r.choice(["api_key = \"", "API_KEY=", "x-api-key: "]), rnd(32, string.hexdigits.lower()[:16]), ""

    def dob(self) -> tuple[str, str]:
        r = self.r
        y, m, d = r.randint(1940, 2006), r.randint(1, 12), r.randint(1, 28)
        months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December"]
        val = r.choice([f"{d:02d}/{m:02d}/{y}", f"{y}-{m:02d}-{d:02d}", f"{m}/{d}/{y}", f"{d} {months[m-1]} {y}",
                        f"{months[m-1]} {d}, {y}", f"{d:02d}.{m:02d}.{y}"])
        ctx = r.choice(["Date of birth: ", "DOB: ", "born on ", "D.O.B. ", "birthdate ", "Geburtsdatum: ",
                        "date de naissance : ", "fecha de nacimiento: "])
        return ctx, val


def _luhn_digit(body: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def _b58encode(b: bytes) -> str:
    n = int.from_bytes(b, "big")
    out = ""
    while n:
        n, rem = divmod(n, 58)
        out = _B58[rem] + out
    return "1" * (len(b) - len(b.lstrip(b"\0"))) + out


def _segwit_encode(hrp: str, witver: int, prog: bytes) -> str:
    from service.redaction.detectors.validators import _bech32_polymod
    acc = bits = 0
    data = []
    for v in prog:
        acc = (acc << 8) | v
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    values = [witver] + data
    exp = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    poly = _bech32_polymod(exp + values + [0] * 6) ^ 1
    chk = [(poly >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32[d] for d in values + chk)


from bench.corpus_templates import build_corpus  # noqa: E402  (templates need Gen above)

__all__ = ["Gen", "SEED", "build_corpus"]

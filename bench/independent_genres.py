"""Corpus b for bench/independent.py: values from public generators (mimesis, Faker, presidio-evaluator's
driver-licence provider) in many locales, placed in genres bench/corpus_templates.py does not use: HTML tables,
XML records, CSV exports, YAML config, JSON API payloads, vCards, email headers and signatures, chat transcripts
with speaker tags, syslog lines and SMS threads. Carriers are short and generic; only the values are labelled.

Names come from mimesis where it has the locale (our PERSON recognizer loads Faker's name lists, so a Faker name
is not independent); Faker gives names only for locales mimesis lacks (vi, yo, ig, ha), marked name_src=faker.
"""

from __future__ import annotations

import datetime as dt
import random

from bench.independent_corpora import OTHER, Builder, Sample

# (locale for mimesis or "faker:<locale>", weight). Non-Western name systems are weighted up on purpose.
LOCALES = [("ja", 2), ("ko", 2), ("zh", 2), ("faker:vi_VN", 2), ("ar-eg", 1), ("ar-sa", 1), ("is", 2),
           ("faker:yo_NG", 1), ("faker:ig_NG", 1), ("faker:ha_NG", 1), ("fa", 1), ("tr", 1), ("ru", 1),
           ("en", 2), ("en-gb", 1), ("de", 1), ("fr", 1), ("es", 1), ("it", 1), ("pt-br", 1), ("pl", 1)]
NATIONAL = [("US_SSN", "en_US", "ssn"), ("UK_NINO", "en_GB", "ssn"), ("ES_NIF", "es_ES", "nif"),
            ("IT_FISCAL_CODE", "it_IT", "ssn"), ("IN_AADHAAR", "en_IN", "aadhaar_id"), ("IN_PAN", "en_IN", "pan"),
            ("US_PASSPORT", "en_US", "passport_number"), ("US_DRIVER_LICENSE", "en_US", "us_driver_license")]
# Field names a real record would use for each id (never our entity names); "id_number" is a generic one, so
# that some values must be recognised by their shape.
ID_KEYS = {"US_SSN": ["ssn", "social_security_no"], "UK_NINO": ["ni_number", "nino"], "ES_NIF": ["nif", "dni"],
           "IT_FISCAL_CODE": ["codice_fiscale", "tax_code"], "IN_AADHAAR": ["aadhaar", "uid_no"],
           "IN_PAN": ["pan", "pan_no"], "US_PASSPORT": ["passport_no", "passportNumber"],
           "US_DRIVER_LICENSE": ["driver_license", "dl_number"]}
_IBAN_LOCALES = ["de_DE", "fr_FR", "en_GB", "nl_NL", "it_IT", "es_ES", "pl_PL"]
_DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d %B %Y", "%b %d, %Y", "%d.%m.%Y", "%B %d, %Y"]


class Values:
    """One generator set per locale, seeded from the run's seed."""

    def __init__(self, seed: int) -> None:
        from faker import Faker
        from mimesis import Generic
        from mimesis.locales import Locale
        from presidio_evaluator.data_generator.faker_extensions import UsDriverLicenseProvider

        self.r = random.Random(seed)
        random.seed(seed)  # presidio-evaluator's driver-licence provider draws from the global `random`
        self.mim = {loc: Generic(Locale(loc), seed=seed + i) for i, (loc, _) in enumerate(LOCALES)
                    if not loc.startswith("faker:")}
        self.mim_en = Generic(Locale.EN, seed=seed + 100)
        fl = {loc.split(":")[1] for loc, _ in LOCALES if loc.startswith("faker:")}
        fl |= {n[1] for n in NATIONAL} | set(_IBAN_LOCALES)
        self.fk = {}
        for i, loc in enumerate(sorted(fl)):
            f = Faker(loc)
            f.seed_instance(seed + 200 + i)
            if loc == "en_US":
                f.add_provider(UsDriverLicenseProvider)
            self.fk[loc] = f

    def record(self) -> dict:
        r = self.r
        loc = r.choices([x for x, _ in LOCALES], [w for _, w in LOCALES])[0]
        g = self.mim.get(loc, self.mim_en)
        rec: dict = {"locale": loc}
        if loc.startswith("faker:"):
            f = self.fk[loc.split(":")[1]]
            rec["first"], rec["last"] = f.first_name(), f.last_name()
            rec["name_src"] = "faker"
            rec["phone"] = f.phone_number() if loc == "faker:vi_VN" else self.mim_en.person.phone_number()
        else:
            rec["first"], rec["last"] = g.person.first_name(), g.person.last_name()
            rec["name_src"] = "mimesis"
            rec["phone"] = g.person.phone_number()
        cjk = loc in ("ja", "zh", "ko") and r.random() < 0.5
        rec["name"] = (rec["last"] + ("" if loc != "ko" else " ") + rec["first"]) if cjk else \
            f"{rec['first']} {rec['last']}"
        rec["email"] = g.person.email()
        rec["street"] = g.address.address()
        rec["postcode"] = g.address.postal_code()
        rec["city"] = g.address.city().strip()
        d = g.person.birthdate(min_year=1940, max_year=2006)
        rec["dob"] = dt.date(d.year, d.month, d.day).strftime(r.choice(_DATE_FORMATS))
        rec["card"] = self.mim_en.payment.credit_card_number()
        rec["iban"] = self.fk[r.choice(_IBAN_LOCALES)].iban()
        rec["ip"] = self.mim_en.internet.ip_v4() if r.random() < 0.8 else self.mim_en.internet.ip_v6()
        rec["mac"] = self.mim_en.internet.mac_address()
        rec["crypto"] = self.mim_en.payment.bitcoin_address() if r.random() < 0.5 else \
            self.mim_en.payment.ethereum_address()
        rec["secret"] = self.mim_en.cryptographic.token_urlsafe(24)
        etype, floc, meth = r.choice(NATIONAL)
        rec["nid"] = (etype, str(getattr(self.fk[floc], meth)()))
        rec["nid_key"] = r.choice(ID_KEYS[etype] + ["id_number"])
        rec["host"] = self.mim_en.internet.hostname()
        rec["user"] = self.mim_en.person.username()
        return rec


def _html_table(v: Values, r, b):
    rows = [v.record() for _ in range(r.randint(1, 3))]
    b.add("<table>\n  <tr><th>Name</th><th>Email</th><th>Phone</th><th>DOB</th></tr>\n")
    for x in rows:
        b.seq("  <tr><td>", (x["name"], "PERSON"), "</td><td>", (x["email"], "EMAIL_ADDRESS"), "</td><td>",
              (x["phone"], "PHONE_NUMBER"), "</td><td>", (x["dob"], "DATE_OF_BIRTH"), "</td></tr>\n")
    b.add("</table>")


def _xml_record(v: Values, r, b):
    x = v.record()
    etype, val = x["nid"]
    tag = x["nid_key"]
    b.seq(f'<?xml version="1.0"?>\n<customer id="{r.randint(1000, 99999)}">\n  <name>', (x["name"], "PERSON"),
          "</name>\n  <birthDate>", (x["dob"], "DATE_OF_BIRTH"), "</birthDate>\n  <address>\n    <street>",
          (x["street"], "LOCATION"), "</street>\n    <postalCode>", (x["postcode"], "LOCATION"),
          "</postalCode>\n    <city>", (x["city"], OTHER), f"</city>\n  </address>\n  <{tag}>", (val, etype),
          f"</{tag}>\n</customer>")


def _csv_export(v: Values, r, b):
    b.add("id,full_name,email,phone,card_number,postcode\n")
    for _ in range(r.randint(2, 4)):
        x = v.record()
        b.seq(f"{r.randint(100, 9999)},", (x["name"], "PERSON"), ",", (x["email"], "EMAIL_ADDRESS"), ',"',
              (x["phone"], "PHONE_NUMBER"), '",', (x["card"], "CREDIT_CARD"), ",", (x["postcode"], "LOCATION"), "\n")


def _yaml_config(v: Values, r, b):
    x = v.record()
    b.seq("service:\n  name: billing\n  replicas: 3\nowner:\n  name: ", (x["name"], "PERSON"), "\n  email: ",
          (x["email"], "EMAIL_ADDRESS"), "\ndatabase:\n  host: ", (x["ip"], "IP_ADDRESS"),
          "\n  port: 5432\n  api_key: ", (x["secret"], "SECRET"), "\n")


def _json_payload(v: Values, r, b):
    x = v.record()
    etype, val = x["nid"]
    b.seq('{"customer": {"first_name": "', (x["first"], "PERSON"), '", "last_name": "', (x["last"], "PERSON"),
          '", "dob": "', (x["dob"], "DATE_OF_BIRTH"), f'", "{x["nid_key"]}": "', (val, etype),
          '"}, "payment": {"iban": "', (x["iban"], "IBAN_CODE"), f'", "amount": {r.randint(5, 900)}}}, "mobile": "',
          (x["phone"], "PHONE_NUMBER"), '"}')


def _vcard(v: Values, r, b):
    x = v.record()
    b.seq("BEGIN:VCARD\nVERSION:3.0\nN:", (x["last"], "PERSON"), ";", (x["first"], "PERSON"), ";;;\nFN:",
          (x["name"], "PERSON"), "\nTEL;TYPE=cell:", (x["phone"], "PHONE_NUMBER"), "\nEMAIL:",
          (x["email"], "EMAIL_ADDRESS"), "\nADR;TYPE=home:;;", (x["street"], "LOCATION"), ";", (x["city"], OTHER),
          ";;", (x["postcode"], "LOCATION"), "\nBDAY:", (x["dob"], "DATE_OF_BIRTH"), "\nEND:VCARD")


def _email_headers(v: Values, r, b):
    x, y = v.record(), v.record()
    b.seq("From: ", (x["name"], "PERSON"), " <", (x["email"], "EMAIL_ADDRESS"), ">\nTo: ",
          (y["email"], "EMAIL_ADDRESS"),
          f"\nSubject: Re: invoice {r.randint(100, 999)}\nDate: Tue, 4 Mar 2025 09:1{r.randint(0, 9)}:00 +0000\n\n",
          r.choice(["Paid, thanks.", "See attached.", "Can we move this to Thursday?"]) + "\n\n--\n",
          (x["name"], "PERSON"), "\nTel: ", (x["phone"], "PHONE_NUMBER"), "\n")


def _chat_transcript(v: Values, r, b):
    x, y = v.record(), v.record()
    lines = [("Our order never arrived.", None), ("Can you confirm the delivery address?", None),
             ("It is ", ("street", "LOCATION")), ("And a number to reach you?", None), ("", ("phone", "PHONE_NUMBER"))]
    for i, (txt, val) in enumerate(lines):
        who = x if i % 2 == 0 else y
        b.seq(f"[{10 + i // 3}:{r.randint(10, 59)}] ", (who["first"], "PERSON"), ": " + txt)
        if val:
            b.pii(x[val[0]], val[1])
        b.add("\n")


def _syslog(v: Values, r, b):
    for _ in range(r.randint(2, 4)):
        x = v.record()
        ts = f"Mar {r.randint(1, 28):2d} {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}"
        k = r.random()
        if k < 0.25:
            b.seq(f"{ts} gw dhcpd: DHCPACK on ", (x["ip"], "IP_ADDRESS"), " to ", (x["mac"], "MAC_ADDRESS"),
                  " via eth0\n")
        elif k < 0.6:
            b.seq(f"{ts} {x['host']} sshd[{r.randint(100, 65000)}]: Accepted publickey for {x['user']} from ",
                  (x["ip"], "IP_ADDRESS"), f" port {r.randint(1024, 65000)} ssh2\n")
        else:
            b.seq(f"{ts} mx1 postfix/smtp[{r.randint(100, 65000)}]: {r.randint(10**9, 10**10):X}: to=<",
                  (x["email"], "EMAIL_ADDRESS"), ">, relay=none, status=deferred\n")


def _sms_thread(v: Values, r, b):
    x, y = v.record(), v.record()
    b.seq((x["first"], "PERSON"), " (", (x["phone"], "PHONE_NUMBER"), "): running late, sorry\n",
          "Me: np. send the wallet again?\n", (x["first"], "PERSON"), ": ", (x["crypto"], "CRYPTO"),
          "\nMe: ok. also ask ", (y["name"], "PERSON"), " to call ", (y["phone"], "PHONE_NUMBER"), "\n")


GENRES = [_html_table, _xml_record, _csv_export, _yaml_config, _json_payload, _vcard, _email_headers,
          _chat_transcript, _syslog, _sms_thread]


def genre_corpus(n: int, seed: int) -> list[Sample]:
    v = Values(seed)
    r = random.Random(seed + 1)
    out = []
    for i in range(n):
        fn = GENRES[i % len(GENRES)]
        b = Builder()
        fn(v, r, b)
        out.append(b.sample("b", fn.__name__.lstrip("_")))
    return out

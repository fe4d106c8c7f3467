"""Scenario templates for bench/corpus.py: ordinary prompts, obfuscations and PII-free look-alikes."""

from __future__ import annotations

import hashlib
import random
import string
import uuid

_FILLER = [
    "Can you help me rewrite this so it sounds more professional?",
    "Please summarise the thread below in three bullet points.",
    "The deployment failed again after we upgraded to version 2.14.3 last night.",
    "We need the report by Friday, ideally before the board meeting in May.",
    "I tried restarting the service but the error persists.",
    "Translate the following into French, keeping the tone friendly.",
    "Our Q3 revenue grew 12% year over year, mostly from the EMEA region.",
    "Let me know if anything is unclear or if you need more context.",
    "The build on main is green, but the nightly job timed out after 3600 seconds.",
    "Here is the stack trace from the worker pod.",
    "Please check whether the invoice INV-2024-00931 was paid.",
    "Write a polite reminder; the customer has not answered in two weeks.",
    "The Paris office will be closed on Monday for the holiday.",
    "We are migrating from Python 3.9 to 3.11 and Django 4.2.",
    "Draft a reply that apologises for the delay and offers a 10% discount.",
    "The package weighs 2.5 kg and measures 30 x 20 x 15 cm.",
    "Order #4471-2209 shipped yesterday via DHL.",
    "Explain this SQL query and suggest an index.",
    "Grace period for the subscription ends on 2024-07-01.",
    "Will this approach scale to a million rows?",
    "The meeting moved to 14:30 CET in room B-204.",
    "Classify the sentiment of the following customer review.",
    "Give me a short cover letter based on the notes below.",
    "Add unit tests for the edge cases, especially empty input.",
    "Our Sydney and Berlin teams both reported the outage around 09:15 UTC.",
    "Fix the grammar but keep the meaning.",
    "The April release notes mention a breaking change in the API.",
    "Please anonymise nothing yet, I only need a summary.",
    "Temperature was 21.5 degrees and humidity 48% at noon.",
    "Rank these five laptops by price and battery life.",
]
_GREETINGS = ["Hi", "Hello", "Dear", "Hey", "Good morning", "Hi there,"]
_SIGNOFFS = ["Best regards,", "Kind regards,", "Thanks,", "Cheers,", "Sincerely,", "Best,", "--"]


def _filler(r: random.Random, lo: int = 1, hi: int = 6) -> str:
    return " ".join(r.choice(_FILLER) for _ in range(r.randint(lo, hi)))


# -- ordinary scenarios ------------------------------------------------------------------------

def _sc_email_rewrite(g, b):
    r = g.r
    to, frm = g.name(r.choice(["first", "full"])), g.name("full")
    b.add(r.choice(["Rewrite this email:\n\n", "Make this friendlier:\n", "Proofread: "]))
    b.add(r.choice(_GREETINGS).rstrip(",") + " ")
    b.pii(to, "PERSON")
    b.add(",\n\n" + _filler(r, 1, 4) + " You can reach me at ")
    b.pii(g.email(frm), "EMAIL_ADDRESS")
    b.add(" or on ")
    b.pii(g.phone(), "PHONE_NUMBER")
    b.add(". " + _filler(r, 0, 3) + "\n\n" + r.choice(_SIGNOFFS) + "\n")
    b.pii(frm, "PERSON")


def _sc_support_ticket(g, b):
    r = g.r
    b.add("Support ticket #" + str(r.randint(10000, 99999)) + "\nCustomer: ")
    b.pii(g.name("full"), "PERSON")
    b.add("\nEmail: ")
    b.pii(g.email(), "EMAIL_ADDRESS")
    b.add("\nPhone: ")
    b.pii(g.phone(), "PHONE_NUMBER")
    b.add("\nIssue: " + _filler(r, 1, 5))
    if r.random() < 0.5:
        b.add(" The card on file is ")
        b.pii(g.card(), "CREDIT_CARD")
        b.add(".")
    b.add("\nPlease draft a response.")


def _sc_form(g, b):
    r = g.r
    b.add(r.choice(["Fill in the missing fields:\n", "Check this application for errors:\n", ""]))
    b.add(r.choice(["Name: ", "Full name: ", "Applicant: ", "NAME: "]))
    b.pii(g.name(r.choice(["full", "upper", "full"])), "PERSON")
    ctx, dob = g.dob()
    b.add("\n" + ctx)
    b.pii(dob, "DATE_OF_BIRTH")
    b.add("\nSSN: " if r.random() < 0.5 else "\nSocial Security Number: ")
    b.pii(g.ssn(), "US_SSN")
    b.add("\nAddress: ")
    b.pii(str(r.randint(1, 999)) + " " + r.choice(["Oak", "Main", "Elm", "Station"]) + " Street", "LOCATION")
    b.add("\nE-mail: ")
    b.pii(g.email(), "EMAIL_ADDRESS")
    b.add("\n" + _filler(r, 0, 2))


def _sc_bank(g, b):
    r = g.r
    b.add(_filler(r, 0, 2) + " Please transfer the deposit to ")
    b.pii(g.name("full"), "PERSON")
    b.add(r.choice([", IBAN ", " (IBAN: ", ", account "]))
    b.pii(g.iban(), "IBAN_CODE")
    b.add(r.choice([". ", "). "]) + "Reference: rent " + r.choice(["March", "April", "Q2"]) + ". " + _filler(r, 0, 3))


def _sc_code(g, b):
    r = g.r
    pre, val, post = g.secret()
    b.add(r.choice(["Why does this config not work?\n```\n", "Review this snippet:\n```python\n",
                    "Debug this:\n```\n"]))
    b.add(r.choice(["import os\n", "DEBUG=true\n", "HOST=0.0.0.0\nPORT=8080\n", ""]))
    b.add(pre)
    b.pii(val, "SECRET")
    b.add(post + "\n")
    if r.random() < 0.5:
        b.add("DB_HOST=")
        b.pii(g.ip(), "IP_ADDRESS")
        b.add("\n")
    b.add("```\n" + _filler(r, 0, 3))


def _sc_logs(g, b):
    r = g.r
    b.add("Explain these log lines:\n")
    for _ in range(r.randint(2, 5)):
        b.add(f"2024-0{r.randint(1, 9)}-{r.randint(10, 28)}T{r.randint(10, 23)}:{r.randint(10, 59)}:{r.randint(10, 59)}Z "
              f"INFO request_id={uuid.UUID(int=r.getrandbits(128))} client=")
        b.pii(g.ip(), "IP_ADDRESS")
        b.add(" user=")
        b.pii(g.email(), "EMAIL_ADDRESS")
        b.add(f" status={r.choice([200, 401, 500])} latency_ms={r.randint(3, 900)}\n")


def _sc_chat(g, b):
    r = g.r
    n = g.name(r.choice(["first", "full", "lower"]))
    b.add(r.choice(["my name is ", "I'm ", "This is ", "Hi, I am "]))
    b.pii(n, "PERSON")
    b.add(r.choice([" and ", ". ", ", "]) + r.choice([
        "my number is ", "call me on ", "text me at ", "my cell: "]))
    b.pii(g.phone(), "PHONE_NUMBER")
    b.add(". " + _filler(r, 0, 3))
    if r.random() < 0.4:
        b.add(" My website is ")
        b.pii(g.url(), "URL")
        b.add(" if you want to look.")


def _sc_crypto(g, b):
    r = g.r
    b.add(_filler(r, 0, 2) + r.choice([" Send the payment to ", " My wallet: ", " Refund to address "]))
    b.pii(g.crypto(), "CRYPTO")
    b.add(r.choice([" please.", ". Thanks!", " — confirm when done."]) + " " + _filler(r, 0, 2))


def _sc_list(g, b):
    r = g.r
    b.add(r.choice(["Attendees: ", "Team members: ", "CC: ", "Participants:\n- "]))
    k = r.randint(2, 4)
    for i in range(k):
        b.pii(g.name(r.choice(["full", "full", "initial"])), "PERSON")
        if i < k - 1:
            b.add(r.choice([", ", "\n- ", "; "]))
    b.add("\n" + _filler(r, 1, 3))


def _sc_medical(g, b):
    r = g.r
    b.add("Summarise this note. Patient ")
    b.pii(g.name("full"), "PERSON")
    ctx, dob = g.dob()
    b.add(", " + ctx)
    b.pii(dob, "DATE_OF_BIRTH")
    b.add(", presented with mild symptoms. Contact: ")
    b.pii(g.phone(), "PHONE_NUMBER")
    b.add(". " + _filler(r, 0, 2))


def _sc_multilingual(g, b):
    r = g.r
    lang = r.choice(["de", "fr", "es"])
    name = g.name("full")
    if lang == "de":
        b.add("Bitte übersetzen: Sehr geehrte/r ")
        b.pii(name, "PERSON")
        b.add(", Ihre Rechnung wurde an ")
        b.pii(g.email(), "EMAIL_ADDRESS")
        b.add(" gesendet. Telefon: ")
    elif lang == "fr":
        b.add("Traduire : Bonjour ")
        b.pii(name, "PERSON")
        b.add(", votre facture a été envoyée à ")
        b.pii(g.email(), "EMAIL_ADDRESS")
        b.add(". Téléphone : ")
    else:
        b.add("Traducir: Hola ")
        b.pii(name, "PERSON")
        b.add(", su factura se envió a ")
        b.pii(g.email(), "EMAIL_ADDRESS")
        b.add(". Teléfono: ")
    b.pii(g.phone(), "PHONE_NUMBER")
    b.add(". IBAN: ")
    b.pii(g.iban(), "IBAN_CODE")


def _sc_network(g, b):
    r = g.r
    b.add(r.choice(["Our firewall blocks ", "Whitelist the server ", "Ping fails from "]))
    b.pii(g.ip(), "IP_ADDRESS")
    b.add(r.choice([" to ", " and ", " but not "]))
    b.pii(g.ip(), "IP_ADDRESS")
    b.add(". " + _filler(r, 0, 2) + " The admin panel is at ")
    b.pii(g.url(), "URL")
    b.add(". ")
    if r.random() < 0.3:
        mac = ":".join(f"{r.randint(0, 255):02x}" for _ in range(6))
        b.add("MAC of the printer: ")
        b.pii(mac, "MAC_ADDRESS")
        b.add(".")


def _sc_prose(g, b):
    r = g.r
    b.add(_filler(r, 0, 3) + " ")
    n = g.name(r.choice(["full", "full", "first"]))
    b.add(r.choice(["Yesterday ", "Last week ", "", "I spoke with ", "According to "]))
    b.pii(n, "PERSON")
    b.add(r.choice([" said the numbers look fine.", " will present the roadmap.", " approved the budget.",
                    " asked for the slides."]))
    if r.random() < 0.5:
        b.add(" " + r.choice(["Ask ", "Email ", "Loop in "]))
        b.pii(g.name("full"), "PERSON")
        b.add(" at ")
        b.pii(g.email(), "EMAIL_ADDRESS")
        b.add(".")
    b.add(" " + _filler(r, 0, 4))


_ORDINARY = [_sc_email_rewrite, _sc_support_ticket, _sc_form, _sc_bank, _sc_code, _sc_logs, _sc_chat,
             _sc_crypto, _sc_list, _sc_medical, _sc_multilingual, _sc_network, _sc_prose]

# -- adversarial ---------------------------------------------------------------------------------

_HOMO = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і", "s": "ѕ",
         "A": "Α", "E": "Е", "O": "О", "P": "Р", "C": "С", "H": "Н", "K": "К", "M": "М", "T": "Т"}
_ZW = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]


def _zw(r, s):
    out = []
    for ch in s:
        out.append(ch)
        if r.random() < 0.3:
            out.append(r.choice(_ZW))
    return "".join(out)


def _homoglyph(r, s):
    return "".join(_HOMO[c] if c in _HOMO and r.random() < 0.5 else c for c in s)


def _fullwidth(r, s):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" and r.random() < 0.7 else c for c in s)


def _split_digits(r, s):
    sep = r.choice([" ", ".", "-", "/", "\n", " - ", "  "])
    digits = [c for c in s if c.isalnum() or c == "+"]
    return sep.join(digits)


def _obf_email(r, e):
    local, dom = e.split("@", 1)
    k = r.choice(["brackets", "spelled", "pct", "entity", "zw", "homo", "full", "mixed"])
    if k == "brackets":
        return local + r.choice([" [at] ", "[at]", " (at) ", "{at}", " [@] "]) + dom.replace(".", r.choice(["[.]", " (dot) ", "[dot]", "{dot}"]))
    if k == "spelled":
        return local.replace(".", " dot ") + r.choice([" at ", " AT "]) + dom.replace(".", r.choice([" dot ", " DOT "]))
    if k == "pct":
        return local + "%40" + dom
    if k == "entity":
        return local + r.choice(["&#64;", "&commat;", "&#x40;"]) + dom.replace(".", r.choice([".", "&#46;"]))
    if k == "zw":
        return _zw(r, e)
    if k == "homo":
        return _homoglyph(r, local) + "@" + _homoglyph(r, dom)
    if k == "full":
        return _fullwidth(r, e)
    return _zw(r, _homoglyph(r, local)) + " [at] " + dom.replace(".", " dot ")


def _obf_number(r, v):
    k = r.choice(["split", "split", "zw", "full", "newline", "entity"])
    if k == "split":
        return _split_digits(r, v)
    if k == "zw":
        return _zw(r, v)
    if k == "full":
        return _fullwidth(r, v)
    if k == "newline":
        d = "".join(c for c in v if c.isalnum())
        cut = r.randint(3, len(d) - 3)
        return d[:cut] + "\n" + d[cut:]
    return "".join("&#%d;" % ord(c) if c.isdigit() and r.random() < 0.3 else c for c in v)


def _obf_generic(r, v):
    k = r.choice(["zw", "homo", "full"])
    return {"zw": _zw, "homo": _homoglyph, "full": _fullwidth}[k](r, v)


def _obf_url(r, v):
    k = r.choice(["defang", "zw", "hxxp"])
    if k == "defang":
        return v.replace(".", "[.]", 2)
    if k == "hxxp":
        return v.replace("https://", "hxxps://").replace("http://", "hxxp://").replace(".", "[.]", 1)
    return _zw(r, v)


def _obf_ip(r, v):
    if ":" in v:
        return _zw(r, v)
    return r.choice([v.replace(".", "[.]"), v.replace(".", "(.)"), _fullwidth(r, v), _zw(r, v)])


def _adversarial(g, b):
    r = g.r
    kind = r.choice(["EMAIL_ADDRESS", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "IBAN_CODE",
                     "IP_ADDRESS", "URL", "PERSON", "SECRET", "CRYPTO"])
    b.add(_filler(r, 0, 2) + " ")
    if kind == "EMAIL_ADDRESS":
        b.add(r.choice(["Write to me: ", "email ", "contact "]))
        b.pii(_obf_email(r, g.email()), kind)
    elif kind == "PHONE_NUMBER":
        b.add(r.choice(["call ", "phone: ", "my number "]))
        b.pii(_obf_number(r, g.phone()), kind)
    elif kind == "CREDIT_CARD":
        b.add(r.choice(["card ", "cc: ", "pay with "]))
        b.pii(_obf_number(r, g.card()), kind)
    elif kind == "US_SSN":
        b.add("SSN ")
        b.pii(_obf_number(r, g.ssn()), kind)
    elif kind == "IBAN_CODE":
        b.add("IBAN ")
        b.pii(r.choice([_zw, _fullwidth])(r, g.iban()), kind)
    elif kind == "IP_ADDRESS":
        b.add("host ")
        b.pii(_obf_ip(r, g.ip()), kind)
    elif kind == "URL":
        b.add("see ")
        b.pii(_obf_url(r, g.url()), kind)
    elif kind == "PERSON":
        b.add(r.choice(["Dear ", "from ", "Name: "]))
        b.pii(_obf_generic(r, g.name("full")), kind)
    elif kind == "SECRET":
        pre, val, post = g.secret()
        b.add(pre)
        b.pii(_zw(r, val) if r.random() < 0.6 else _fullwidth(r, val), kind)
        b.add(post)
    else:
        b.add("wallet ")
        b.pii(_zw(r, g.crypto()), kind)
    b.add(". " + _filler(r, 0, 2))


# -- clean look-alikes ---------------------------------------------------------------------------

def _bad_luhn(r):
    while True:
        d = "4" + "".join(r.choice(string.digits) for _ in range(15))
        total = sum((int(c) * (2 if i % 2 else 1)) - (9 if int(c) * (2 if i % 2 else 1) > 9 else 0)
                    for i, c in enumerate(reversed(d)))
        if total % 10:
            return " ".join(d[i:i + 4] for i in range(0, 16, 4))


def _clean_piece(r):
    k = r.randint(0, 27)
    h = hashlib.sha256(str(r.random()).encode()).hexdigest()
    if k == 0:
        return f"Order number {r.randint(1000000000, 9999999999)} was refunded."
    if k == 1:
        return f"ISBN 978-{r.randint(0, 9)}-{r.randint(100, 999)}-{r.randint(10000, 99999)}-{r.randint(0, 9)} is out of print."
    if k == 2:
        return f"Trace id {uuid.UUID(int=r.getrandbits(128))} appears twice."
    if k == 3:
        return f"commit {h[:40]} fixed the regression; sha256 {h}."
    if k == 4:
        return f"Logged at 2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d} {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}.{r.randint(100, 999)}Z."
    if k == 5:
        return f"Upgrade from v{r.randint(1, 9)}.{r.randint(0, 30)}.{r.randint(0, 20)} to version {r.randint(1, 20)}.{r.randint(0, 9)}.{r.randint(0, 9)}.{r.randint(0, 9999)}."
    if k == 6:
        return f"Test card {_bad_luhn(r)} should be declined (fails Luhn)."
    if k == 7:
        return f"The IBAN DE{r.randint(10, 99)}{r.randint(10**17, 10**18 - 1)} has a wrong check digit." if False else \
            f"Reference GB{r.randint(10, 99)} WEST {r.randint(1000, 9999)} {r.randint(1000, 9999)} {r.randint(10, 99)} is a test code."
    if k == 8:
        return f"Invalid SSN examples: {r.choice(['000', '666', '9' + str(r.randint(10, 99))])}-{r.randint(10, 99)}-{r.randint(1000, 9999)}."
    if k == 9:
        return f"Invoice INV-{r.randint(2019, 2025)}-{r.randint(10000, 99999)} totals ${r.randint(100, 99999):,}.{r.randint(10, 99)}."
    if k == 10:
        return f"Set password=${{DB_PASSWORD}} and api_key=os.environ['API_KEY'] in the template; never use your password manager export."
    if k == 11:
        return f"Tracking 1Z{r.randint(100, 999)}AA1{r.randint(10**8, 10**9 - 1)} via UPS, parcel {r.randint(10**11, 10**12 - 1)}."
    if k == 12:
        return f"Resolution {r.choice([1920, 2560, 3840])}x{r.choice([1080, 1440, 2160])}, refresh {r.choice([60, 120, 144])} Hz, build {r.randint(10000, 29999)}.{r.randint(100, 9999)}."
    if k == 13:
        return f"Coordinates {r.uniform(-80, 80):.4f}, {r.uniform(-170, 170):.4f} mark the site near Paris."
    if k == 14:
        return f"In C++ use std::vector<int> and a::b::c; the timeout is 00:{r.randint(10, 59)}:{r.randint(10, 59)}."
    if k == 15:
        return f"Meeting with the Jordan and Georgia delegations in May, then Victoria in June."
    if k == 16:
        return f"Product code SKU-{r.randint(100000, 999999)}-{r.choice('ABCDEFG')}, batch {r.randint(10**7, 10**8 - 1)}, lot {r.randint(1000, 9999)}."
    if k == 17:
        return f"Epoch {r.randint(1600000000, 1799999999)} ms {r.randint(10**12, 10**13 - 1)} in the log."
    if k == 18:
        return f"Color #{h[:6]} and constant 0x{h[:8].upper()} from the header file."
    if k == 19:
        return f"The Python, Ruby and Julia bindings ship with Docker images on Ubuntu 22.04."
    if k == 20:
        return f"Ticket {r.randint(100000, 999999)} and case number {r.randint(10**8, 10**9 - 1)} are linked."
    if k == 21:
        return f"Use the token <YOUR_TOKEN_HERE> and email [email protected] as placeholders; user@localhost is fine."
    if k == 22:
        return f"Temperature range -{r.randint(1, 30)} to {r.randint(10, 45)} °C, tolerance ±{r.randint(1, 5)}%, pH 7.{r.randint(0, 9)}."
    if k == 23:
        return f"Page {r.randint(1, 400)} of the {r.choice(['Annual', 'Quarterly'])} Report, Section {r.randint(1, 12)}.{r.randint(1, 9)}.{r.randint(1, 9)}."
    if k == 24:
        return f"Score {r.randint(0, 100)}/{100}, ratio {r.randint(1, 9)}:{r.randint(1, 9)}, {r.randint(10, 99)} out of {r.randint(100, 200)}."
    if k == 25:
        return f"Mac address field left blank, IP allocation pending, phone line not installed yet."
    if k == 26:
        return f"Flight LH{r.randint(100, 9999)} departs {r.randint(1, 12)}/{r.randint(1, 28)} at {r.randint(10, 23)}:{r.randint(10, 59)}, gate B{r.randint(1, 60)}."
    return f"The quick fix: Will, May and Hope are example project codenames, not people."


def _clean(g, b):
    r = g.r
    parts = []
    for _ in range(r.randint(2, 7)):
        parts.append(_clean_piece(r) if r.random() < 0.65 else r.choice(_FILLER))
    b.add(" ".join(parts))


def build_corpus(seed: int | None = None, n_ordinary: int = 800, n_adversarial: int = 400,
                 n_clean: int = 800) -> list[dict]:
    from bench.corpus import SEED, Gen, _Builder

    g = Gen(SEED if seed is None else seed)
    out = []
    for part, n, fn in (("ordinary", n_ordinary, None), ("adversarial", n_adversarial, _adversarial),
                        ("clean", n_clean, _clean)):
        for i in range(n):
            b = _Builder()
            if fn is None:
                g.r.choice(_ORDINARY)(g, b)
            else:
                fn(g, b)
            out.append({"id": f"{part}-{i}", "part": part, "text": b.text(), "spans": b.spans})
    return out

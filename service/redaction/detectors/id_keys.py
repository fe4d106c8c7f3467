"""Key phrases that name an identifier, in the languages of the supported locales, compiled for ids.py.

A phrase is written naturally ("driver's license", "número de pasaporte", "आधार"); it is folded the
way the scanned view is (normalize: accents and combining marks go) and compiled to a lower-case regex
whose words may be joined by up to three of space, '_', '-', '.', or apostrophe, or by nothing, so the
same phrase matches prose ("passport number"), keys (`passport_number`, `passportNumber`, `dl-no`) and
headers. A phrase may end in a plural `s` and one suffix word (number, no, id, ...). A phrase marked
"~" is weak (an ordinary word or a key other identifiers share: "uid", "tin", "cf", "ssn"): after it a
value must pass its checksum; after a strong key a value of the right shape is taken even when its
checksum fails (a mistyped or made-up Aadhaar after "Aadhaar:" is still meant as one).

Gates: every phrase has a head, the first [a-z]+ word of its folded form, and the concatenation of all
its words (with and without a suffix) is a head too (camelCase keys are one lower-case word). A text
whose word set (ScanContext.words) meets no head of any kind is skipped without any scan. Phrases whose
folded form does not start with [a-z]{2,} (Devanagari, "n°") have a substring gate instead, tested only
on texts that are not pure ASCII (where alone they can occur).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.redaction.normalize import normalize

SUFFIXES = ("number", "numbers", "num", "nbr", "no", "nos", "nr", "nummer", "numero", "id", "ids", "card",
            "code", "details")
_SEP = r"[\s_\-.'’]{0,3}"
# camelCase keys are one lower-case word: the common ones ("passportNumber", "patientId", "nhsNo",
# "driversLicenseNumber") are heads; a short list keeps the head set small (the word-set gate runs on
# every text, and a set of a few hundred words stays in cache where one of a few thousand does not)
_CAMEL_SUFFIXES = ("number", "no", "id")

# Words skipped between a key and its value ("passport number is", "NHS no.:", "Aadhaar card no").
FILLERS = frozenset(
    "number numbers num nbr no nos nr n n° no. nummer numero id ids is was are ist est es e the my his her "
    "their your our card carte karte tarjeta tessera code codigo codice de del di du des d la le el il da der "
    "of value val details detail us usa uk gb in de fr es it nhs holder".split()
)

KEYS: dict[str, tuple[str, ...]] = {
    "US_PASSPORT": (
        "passport", "passport book", "passport card", "pass no", "pass nr", "passnummer", "reisepass",
        "reisepassnummer", "passeport", "numero de passeport", "pasaporte", "numero de pasaporte",
        "passaporto", "numero di passaporto", "पासपोर्ट",
    ),
    "US_DRIVER_LICENSE": (
        "driver's license", "drivers license", "driver license", "driver's licence", "drivers licence",
        "driver licence", "driving license", "driving licence", "driver's lic", "driver lic", "dl", "dln",
        "führerschein", "fuehrerschein", "führerscheinnummer", "permis de conduire", "licencia de conducir",
        "licencia de manejo", "carnet de conducir", "permiso de conducir", "patente di guida",
        "ड्राइविंग लाइसेंस",
    ),
    "IN_PAN": ("pan", "pan card", "permanent account number", "पैन", "पैन कार्ड"),
    "MEDICAL_RECORD": (
        "mrn", "medical record", "medical records", "med rec", "medical rec",
        "patient id", "patient identifier", "patient number", "patient no", "patient nr", "patient ref",
        "hospital number", "hospital no", "hospital id", "chart number", "chart no", "chart id",
        "health record number", "health record", "ehr id", "emr id", "emr number", "uhid", "opd no", "ipd no",
        "patientennummer", "patienten id", "patientenid", "fallnummer", "krankenaktennummer",
        "dossier medical", "dossier patient", "numero de dossier", "numero patient", "numero de patient",
        "identifiant patient", "historia clinica", "numero de historia", "nhc", "numero de paciente",
        "expediente medico", "expediente clinico", "cartella clinica", "numero di cartella",
        "codice paziente", "numero paziente", "numero di cartella clinica",
        "numero de historia clinica",
    ),
    "UK_NHS": ("nhs", "nhs number", "national health service number", "nhs no"),
    "IN_AADHAAR": ("aadhaar", "aadhar", "adhaar", "adhar", "aadhaar card", "~uid", "uidai", "uid number", "uid no",
                   "आधार", "आधार संख्या", "आधार नंबर"),
    "DE_TAX_ID": (
        "steuer id", "steuerid", "steuer idnr", "steueridnr", "steuer identifikationsnummer",
        "steueridentifikationsnummer", "steuerliche identifikationsnummer", "~identifikationsnummer", "idnr",
        "~steuernummer", "~tax id", "~tax identification number", "~taxpayer id", "~tin",
    ),
    "FR_NIR": (
        "nir", "numero de securite sociale", "securite sociale", "secu", "numero secu", "insee", "numero insee",
        "carte vitale", "n° de securite sociale", "n° secu",
    ),
    "ES_ID": (
        "dni", "nif", "nie", "~tie", "documento nacional de identidad", "~numero de identidad",
        "~numero de identificacion", "numero de identificacion fiscal", "~documento de identidad",
        "numero de identidad de extranjero",
    ),
    "IT_FISCAL_CODE": ("codice fiscale", "codicefiscale", "cod fiscale", "cod fisc", "~cf", "fiscal code",
                       "~tax code", "italian tax code"),
    # keys other identifiers share: any identifier with a valid checksum after them
    "TAX_OR_SSN": ("~ssn", "~social security number", "~tax id", "~tax number", "~tin", "~personalnummer"),
    # keys naming a person's id of any kind: a valid identifier, or else any id-like value (typed by shape)
    # UK National Insurance numbers: NINO_RE (numbers_iban.py) finds the valid ones anywhere; after these keys a
    # NINO-shaped value counts whatever its prefix (generators write the placeholder prefix "ZZ": "ZZ 48 25 33 T")
    "UK_NINO": ("nino", "uk nino", "ni number", "ni no", "national insurance", "national insurance number"),
    "ID_FIELD": ("~national id", "~national identification number", "~national identity number",
                 "~identity number", "~identification number", "~personal id", "~citizen id", "~document number",
                 "~id card number", "~identity card number", "~numero d'identification", "~codice identificativo"),
}


def fold(phrase: str) -> str:
    return normalize(phrase).text.lower()


def _phrase_re(folded: str) -> str:
    words = [w for w in re.split(r"[\s_\-.'’]+", folded) if w]
    return _SEP.join(re.escape(w) for w in words)


@dataclass(frozen=True)
class KeySet:
    """The compiled keys of one kind: `key_re.match(lower_text, hit)` consumes a whole key (plus an
    optional plural s and suffix word); `strong_re` does the same for the unambiguous keys only (None if
    the kind has none); `near_re.search(before)` finds any key anywhere in a short window."""

    heads: frozenset[str]
    substrings: tuple[str, ...]
    key_re: re.Pattern[str]
    strong_re: re.Pattern[str] | None
    near_re: re.Pattern[str]


def _alternation(alts: list[str]) -> str:
    return "(?:" + "|".join(sorted(alts, key=len, reverse=True)) + ")"


_TAIL = r"s?(?:" + _SEP + "(?:" + "|".join(SUFFIXES) + r"))?(?![a-z])"


def head_keys(phrases: tuple[str, ...], head: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None,
                                                             tuple[str, ...]]:
    """`compile_keys(phrases)`'s key_re and strong_re cut down to the phrases that can match where the text
    starts with `head` (an [a-z]+ word): one whose words, joined, start with the head or begin it. A
    separator can't stand inside the head's letters, so no other phrase can match there; the phrases keep
    their order, so `match` at such a position gives exactly what the full pattern gives, only sooner. Also
    the words (beyond the head) that every one of those phrases spells: a text missing one has no such key."""
    alts: list[str] = []
    strong: list[str] = []
    need: set[str] | None = None
    for p in phrases:
        f = fold(p.lstrip("~"))
        words = [w for w in re.split(r"[\s_\-.'’]+", f) if w]
        joined = "".join(words)
        if joined.startswith(head) or head.startswith(joined):
            need = set(words) if need is None else need & set(words)
            alts.append(_phrase_re(f))
            if not p.startswith("~"):
                strong.append(alts[-1])
    key_re = re.compile(_alternation(alts) + _TAIL) if alts else None
    strong_re = re.compile(_alternation(strong) + _TAIL) if strong else None
    return key_re, strong_re, tuple(sorted(w for w in need or () if w not in head))


def compile_keys(phrases: tuple[str, ...]) -> KeySet:
    heads: set[str] = set()
    subs: list[str] = []
    alts: list[str] = []
    strong: list[str] = []
    for p in phrases:
        weak = p.startswith("~")
        f = fold(p.lstrip("~"))
        alts.append(_phrase_re(f))
        if not weak:
            strong.append(alts[-1])
        words = re.findall(r"[a-z]+", f)
        if re.match(r"[a-z]{2,}", f):
            heads.add(words[0])
            concat = "".join(words)
            heads.add(concat)
            heads.update(concat + s for s in (_CAMEL_SUFFIXES if len(words) == 1 else _CAMEL_SUFFIXES[:1]))
        else:
            subs.append(f.split()[0] if f.split() else f)
    key_re = re.compile(_alternation(alts) + _TAIL)
    strong_re = re.compile(_alternation(strong) + _TAIL) if strong else None
    near_re = re.compile(r"(?<![a-z0-9])" + _alternation(alts) + r"(?![a-z])")
    return KeySet(frozenset(heads), tuple(dict.fromkeys(subs)), key_re, strong_re, near_re)


COMPILED: dict[str, KeySet] = {kind: compile_keys(phrases) for kind, phrases in KEYS.items()}
ALL_HEADS: frozenset[str] = frozenset().union(*(k.heads for k in COMPILED.values()))
ALL_SUBSTRINGS: tuple[str, ...] = tuple(dict.fromkeys(s for k in COMPILED.values() for s in k.substrings))

"""The name lists the PERSON recognizer works from: Faker's person providers (all Latin-script locales,
folded to ASCII), the shipped word lists in `data/`, the small closed sets of stop words, particles
and titles, and the context phrases that license a name (`CONTEXT_KINDS`). Loaded once; nothing is
downloaded."""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import lru_cache
from pathlib import Path

from service.redaction.normalize import fold_char

_DATA = Path(__file__).resolve().parent.parent / "data"
_TOKEN_OK = re.compile(r"^[a-z][a-z']+$")


def _fold(name: str) -> list[str]:
    s = "".join(c if c.isascii() else fold_char(c) for c in name).lower()
    return [t for t in re.split(r"[\s\-]+", s) if _TOKEN_OK.match(t)]


@lru_cache(maxsize=1)
def load_faker_names() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, last names), lower-case ASCII tokens, from every Faker person provider."""
    import faker.providers.person as person_pkg

    first: set[str] = set()
    last: set[str] = set()

    def add(dst: set[str], value: object) -> None:
        items = value.keys() if isinstance(value, dict) else value
        if isinstance(items, (list, tuple, set, frozenset, type({}.keys()))):
            for n in items:
                if isinstance(n, str):
                    dst.update(_fold(n))

    for mod in pkgutil.iter_modules(person_pkg.__path__):
        prov = importlib.import_module(f"faker.providers.person.{mod.name}").Provider
        for attr in ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary"):
            add(first, getattr(prov, attr, None))
        add(last, getattr(prov, "last_names", None))
    return frozenset(first), frozenset(last)


def _read_words(name: str) -> frozenset[str]:
    path = _DATA / name
    if not path.exists():
        return frozenset()
    words: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(w.lower() for w in line.split())
    return frozenset(words)


STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for from with as is are was were be been am i me my we our
    you your he she it they them his her its their this that these those there here what who whom which
    when where why how all any some no not yes so than too very can just do does did done have has
    had having going looking trying writing happy glad sorry sure new back also still interested team
    everyone all folks guys friend friends sir madam maam there world again soon later today tomorrow
    good great best kind warm many much more most thanks thank regards cheers sincerely customer
    support service admin user client patient doctor nurse manager director sales hr it ops dev
    available ready able unable here now then well fine okay ok please"""
    .split()
)
# Function words of other languages that capitalise or start sentences ("Ihre Rechnung", "Votre Facture").
FOREIGN_STOP = frozenset(
    """der die das den dem des ein eine einen einem einer eines ihr ihre ihren ihrem ihrer sie sehr geehrte
    geehrter und oder mit von zu zum zur bei nach aus auf für fur ist sind wird wurde wurden bitte danke
    ich wir uns unser unsere mein meine dein deine kein keine nicht auch noch nur schon alle viele
    le la les un une des du au aux votre vos notre nos mon ma mes ton ta tes son sa ses leur leurs cher
    chere madame monsieur bonjour merci est sont avec pour dans sur par pas plus tres
    el la los las un una unos unas su sus mi mis tu tus nuestro nuestra estimado estimada senor senora
    hola gracias con por para sin sobre muy es son fue
    il lo gli le uno una suo sua suoi sue mio mia gentile signor signora grazie con per
    het een de van voor met zijn haar uw onze beste geachte dank
    o os as um uma seu sua seus suas meu minha prezado prezada obrigado com por para""".split()
)
PARTICLES = frozenset("van von de der den da di del della du le la bin ibn al el dos das ter ten mc st".split())
TITLES = frozenset("mr mrs ms miss mx dr prof sir madam dame lord lady herr frau mme mlle sr sra srta dott "
                   "rev fr capt col gen sgt lt".split())


# Context phrases and what they license for the words after them:
#   title  - "Mr", "Dr": the next Title-case word(s), known or not
#   label  - "Name:", "Patient", "Dear", "Hi": next 1-3 words that are names or not common words
#   intro  - "my name is", "I'm": same, lower case allowed
#   signoff- "Regards," + line break: the name on the next line
#   list   - "Attendees:", "CC:": every item of the list that follows
#   weak   - "from", "to", "by": only a known first name
CONTEXT_KINDS = {
    **{p: "intro" for p in ("my name is", "my name's", "name is", "i am", "i'm", "call me", "this is", "it's",
                            "je m'appelle", "me llamo", "ich bin", "ich heiße", "mi chiamo")},
    **{p: "label" for p in (
        "full name", "first name", "last name", "given name", "family name", "surname", "user name",
        "contact name", "patient name", "customer name", "client name", "employee name", "applicant name",
        "account holder", "cardholder", "card holder", "name", "dear", "hi", "hello", "hey", "greetings",
        "good morning", "hi there", "hello there", "hey there", "attn", "attention", "nom", "nombre",
        "prénom", "prenom",
        "vorname", "nachname", "bonjour", "hola", "ciao", "hallo", "sehr geehrte", "sehr geehrter",
        "sehr geehrte/r", "estimado", "estimada", "cher", "chère", "spoke with", "met with", "talked to",
        "according to", "ask", "loop in", "email", "cc'd", "signed by", "patient")},
    **{p: "noun" for p in (
        "customer", "client", "applicant", "employee", "contact", "author", "owner", "assignee",
        "reviewer", "tenant", "landlord", "recipient", "beneficiary", "payee", "passenger", "guest",
        "student", "teacher", "driver", "user", "member", "manager", "colleague")},
    **{p: "title" for p in ("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "herr", "frau", "mme", "mlle",
                            "sr", "sra", "sir", "madam", "dame", "lord", "lady")},
    **{p: "signoff" for p in ("thanks", "thank you", "regards", "cheers", "sincerely", "best", "yours",
                              "signed", "best wishes", "warm regards", "kind regards", "best regards",
                              "many thanks", "--")},
    **{p: "list" for p in ("attendees", "participants", "team members", "members", "cc", "bcc", "invitees",
                           "speakers", "guests", "recipients", "authors", "contacts", "reviewers",
                           "assignees", "panelists", "interviewers", "candidates")},
    **{p: "weak" for p in ("from", "to", "by", "with", "and", "for")},
}

"""The name data the PERSON recognizer works from: frozen lists in `data/` built from several sources by
bench/build_name_data.py (Faker's person providers and US Census name lists; see that script for the
sources, their licences and the one left out), the shipped word lists, the small closed sets of
stop words, particles and titles, and the context phrases that license a name (`CONTEXT_KINDS`).
Loaded once at start-up from plain text; no name package is imported and nothing is downloaded."""

from __future__ import annotations

from pathlib import Path

_DATA = Path(__file__).resolve().parent.parent / "data"


def load_names(without: str = "") -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(first names, last names, names whose sources let them count alone), lower-case ASCII tokens.

    A token only a low-ranked source knows (source "n", absent from the shipped data) may be part of a
    name or follow a cue, never count alone: one noisy source must not decide. `without` drops sources (e.g. "F" to
    measure the detector without Faker's lists, which generated the project's own corpus)."""
    first: set[str] = set()
    last: set[str] = set()
    solo: set[str] = set()
    drop = set(without.upper())
    for line in (_DATA / "names.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        tok, kind, src = line.split("\t")
        if drop:
            src = "".join(c for c in src if c.upper() not in drop)
            if not src:
                continue
        if kind != "l":
            first.add(tok)
        if kind != "f":
            last.add(tok)
        if src != "n":
            solo.add(tok)
    return frozenset(first), frozenset(last), frozenset(solo)


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
PARTICLES = frozenset("van von de der den da di del della du le la bin ibn al el dos das ter ten mc st "
                      "ni nic ui mac bint abu".split())  # Irish Ní/Nic/Uí/Mac, Arabic bint/abu
TITLES = frozenset("mr mrs ms miss mx dr prof sir madam dame lord lady herr frau mme mlle sr sra srta dott "
                   "rev fr capt col gen sgt lt".split())


# Context phrases and what they license for the words after them:
#   title  - "Mr", "Dr": the next Title-case word(s), known or not
#   label  - "Name:", "Patient", "Dear", "Hi": next 1-3 words that are names or not common words
#   intro  - "my name is", "call me": same, lower case allowed
#   self   - "I'm", "this is", "ich bin": same, but a lower-case word must be a known name ("ich bin müde",
#            "I'm unterwegs" say how someone is, not who)
#   signoff- "Regards," + line break: the name on the next line
#   list   - "Attendees:", "CC:": every item of the list that follows
#   weak   - "from", "to", "by": only a known first name
CONTEXT_KINDS = {
    **{p: "intro" for p in ("my name is", "my name's", "name is", "call me", "calls me", "je m'appelle", "me llamo",
                            "ich heiße", "mi chiamo")},
    **{p: "self" for p in ("i am", "i'm", "this is", "it's", "ich bin")},
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
                           "assignees", "panelists", "interviewers", "candidates", "founders", "co-founders",
                           "cofounders")},
    **{p: "weak" for p in ("from", "to", "by", "with", "and", "for")},
}

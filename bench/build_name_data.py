"""Regenerate service/redaction/data/ambiguous_names.txt (a dev-time step, not run by the service).

The PERSON recognizer takes its name lists from Faker's person providers at start-up. Many of
those names are also ordinary words ("will", "may", "case", "bill", "an"); such a name needs
context before it counts as a person. This script lists them. It needs two packages that are NOT
service dependencies:  pip install --target /tmp/devtools english-words==2.0.2 wordfreq==3.1.1
then: PYTHONPATH=/tmp/devtools .venv/bin/python bench/build_name_data.py
A name is ambiguous when its lower-case form is a lower-case dictionary word (Webster web2 list) with an English
Zipf frequency >= 4.0, or is among the 400 commonest words of English or the 150 commonest of
several European languages.
"""
from pathlib import Path

from english_words import get_english_words_set
from wordfreq import top_n_list, zipf_frequency

from service.redaction.detectors.names import load_faker_names

first, last = load_faker_names()
names = first | last
gcide = {w for w in get_english_words_set(["web2"], alpha=True) if w.islower()}
common = set(top_n_list("en", 400))
for lang in ("fr", "de", "es", "it", "nl", "pt", "pl", "sv"):
    common.update(top_n_list(lang, 150))
# Names whose lower-case dictionary sense is rare next to their use as a name (checked by hand).
FORCE_NAMES = set("""
alan allan amy ana anna ann barry ben benjamin beth betty bob bobby brad brett carl carol caroline
colin cyrus dan donna emma eric henry harry jake jane jean jeff jenny jerry jimmy joe joey josh kelly
ken kim kyle larry laura lewis li lin lucy luke maria marc marco mary mia mike molly nancy nick pablo
pete peter ralph randy rick riley roger ruth sally sam seth steven terry timothy tom tommy tony travis
troy victor vincent walter walt willie wang yang singh khan smith miller martin nelson murphy morris
collins lynch walsh wright lee kirk gilbert graham griffin harper henry kerry eve lily dale
""".split())
amb = sorted(n for n in names
             if n not in FORCE_NAMES and (n in common or (n in gcide and zipf_frequency(n, "en") >= 4.0)))
out = Path(__file__).resolve().parents[1] / "service/redaction/data/ambiguous_names.txt"
out.write_text("\n".join(amb) + "\n", encoding="utf-8")
print(len(names), "names,", len(amb), "ambiguous ->", out)

# Common English words (lower-case entries of the public-domain Webster's web2 list with an English
# Zipf frequency >= 3.0; wordfreq only selects, no wordfreq data is copied). The PERSON recognizer uses
# them to tell an unknown capitalised word after "Dear"/"Patient:" (a name) from an ordinary one.
web2_lower = {w for w in get_english_words_set(["web2"], alpha=True) if w.islower() and len(w) > 1}
common_words = sorted(w for w in web2_lower if zipf_frequency(w, "en") >= 3.0)
out2 = out.parent / "common_words.txt"
out2.write_text("\n".join(common_words) + "\n", encoding="utf-8")
print(len(common_words), "common words ->", out2)

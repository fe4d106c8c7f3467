"""service/prediction/vader.py returns exactly what vaderSentiment's SentimentIntensityAnalyzer returns.

"Exactly": same keys in the same order, same types, same floats bit for bit (repr tells -0.0 from 0.0).
Checked on generated texts that pile up VADER's rules (hypothesis), on the package's own demo sentences,
on one sentence per rule, and on the project's labelled corpus (bench/corpus.py).
"""

from __future__ import annotations

import string
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    NEGATE,
    SENTIMENT_LADEN_IDIOMS,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
)

from service.config import ConfigError
from service.prediction import vader as vader_module
from service.prediction.local import VaderSentiment
from service.prediction.registry import ModelSpec
from service.prediction.vader import MIRRORED_VERSION, Vader, VaderVersionError

ORIGINAL = SentimentIntensityAnalyzer()
FAST = Vader()


def exact(scores: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(k, type(v).__name__, repr(v)) for k, v in scores.items()]


def assert_same(text: str) -> None:
    assert exact(FAST.polarity_scores(text)) == exact(ORIGINAL.polarity_scores(text)), repr(text)


# -- generated texts ------------------------------------------------------------------------------------

LEXICON = sorted(ORIGINAL.lexicon)
EMOJI_CHARS = sorted(k for k in ORIGINAL.emojis if len(k) == 1)
EMOJI_SEQUENCES = sorted(k for k in ORIGINAL.emojis if len(k) > 1)
# A small pool, so that rules meet: repeated values (the "but" rule's list.index), "no" next to lexicon
# words, negations and boosters within three words, "least", "so"/"this", special cases.
DENSE = ["good", "bad", "great", "love", "hate", "nice", "no", "not", "isn't", "never", "without", "doubt",
         "but", "BUT", "very", "VERY", "so", "this", "least", "at", "kind", "of", "sort", "the", "shit", "bomb",
         "ass", "yeah", "right", "to", "die", "for", "kiss", "death", "beating", "heart", "bus", "stop", "or",
         "nor", "GOOD", "BAD", "Good", "hardly", "extremely", "kinda", "n't", "no.", "good!", "GREAT!!!", ":)",
         # x * 0.5 == y: "kind but ok" makes the "but" rule rescale "kind" twice and leave "ok" alone
         "ok", "awful", "sob", "glad", "wp", "nice", "jk"]
NEGATIONS = NEGATE + ["n't", "isn't", "don't", "DON'T", "Isn't", "wasn't", "never", "Never", "NEVER", "without",
                      "no", "No", "NO", "nor", "or", "dont", "cant", "ain't", "nothing"]
PHRASES = (list(SPECIAL_CASES) + list(SENTIMENT_LADEN_IDIOMS) + [k for k in BOOSTER_DICT if " " in k]
           + ["at least", "very least", "kind of", "sort of", "never so", "never this", "without doubt",
              "without a doubt", "no or", "no nor", "not so", "but", "BUT", "But", "but.", "least", "Least"])
PUNCTUATION = ["!", "!!", "!!!!", "!!!!!!", "?", "??", "???", "????", "?!", "!?", ".", ",", "...", ";", "-", "'",
               '"', "(", ")", ":", "*"]
EMOTICONS = [":)", ":-(", ":(", ":D", ":-D", ";)", "<3", ":P", "=)", ":/", "</3", "(:", "xD", "XD", ":'("]
SEPARATORS = [" ", " ", " ", "  ", "\n", "\t", "", "\u00a0", "\u3000", " \r\n "]


def with_punctuation(word: str, pre: str, post: str) -> str:
    return pre + word + post


def cased(word: str, how: str) -> str:
    return {"lower": word.lower(), "upper": word.upper(), "title": word.title(), "as is": word}[how]


words = st.one_of(
    st.sampled_from(LEXICON),
    st.sampled_from(DENSE),
    st.sampled_from(DENSE),
    st.sampled_from(sorted(BOOSTER_DICT)),
    st.sampled_from(NEGATIONS),
    st.sampled_from(PHRASES),
    st.sampled_from(PUNCTUATION),
    st.sampled_from(EMOTICONS),
    st.sampled_from(EMOJI_CHARS),
    st.sampled_from(EMOJI_SEQUENCES),
    st.text(alphabet=string.ascii_letters + "'-", min_size=1, max_size=8),
    st.text(max_size=6),
)
tokens = st.one_of(
    words,
    st.builds(cased, words, st.sampled_from(["lower", "upper", "title", "as is"])),
    st.builds(with_punctuation, words, st.text(alphabet=string.punctuation, max_size=3),
              st.text(alphabet=string.punctuation + "!!??", max_size=4)),
)
mixed = st.lists(st.tuples(tokens, st.sampled_from(SEPARATORS)), max_size=30).map(
    lambda pairs: "".join(t + sep for t, sep in pairs))
dense = st.lists(st.sampled_from(DENSE + PUNCTUATION[:4] + EMOTICONS[:3]), max_size=25).map(" ".join)
texts = st.one_of(
    mixed,
    dense,
    dense.map(str.upper),  # all words ALL CAPS: no ALL-CAPS emphasis at all
    st.text(),
    st.text(alphabet=st.sampled_from(list("abo ngdt'!?.:)(-")
                                     + ["😀", "💘", "☺", "©", "\u200d", "\n", "Σ", "İ", "\ud83d"])),
    st.sampled_from(["", " ", "   ", "\n", "\t \n", "\u00a0", "\u3000", "!", "?", "...", "but", ":)"]),
)


@settings(max_examples=4000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
@example("")
@example("no no no good but no good")
@example("good good but good")
@example("great GREAT but GOOD good")
@example("Not so good!! but not BAD at all??? 😀😀 :)")
@example("They were kind but the food was ok")
def test_same_scores_on_generated_texts(text: str) -> None:
    assert_same(text)


@settings(max_examples=1500, deadline=None)
@given(st.text(min_size=0, max_size=400))
def test_same_scores_on_arbitrary_unicode(text: str) -> None:
    assert_same(text)


# -- fixed sentences ------------------------------------------------------------------------------------

# The demo sentences of vaderSentiment's README / __main__.
DEMO = [
    "VADER is smart, handsome, and funny.",
    "VADER is smart, handsome, and funny!",
    "VADER is very smart, handsome, and funny.",
    "VADER is VERY SMART, handsome, and FUNNY.",
    "VADER is VERY SMART, handsome, and FUNNY!!!",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "The book was good.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today SUX!",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Not bad at all",
    "Sentiment analysis has never been good.",
    "Sentiment analysis has never been this good!",
    "Most automated sentiment analysis tools are shit.",
    "With VADER, sentiment analysis is the shit!",
    "Other sentiment analysis tools can be quite bad.",
    "On the other hand, VADER is quite bad ass",
    "VADER is such a badass!",
    "Without a doubt, excellent idea.",
    "Roger Dodger is one of the most compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Not such a badass after all.",
    "Without a doubt, an excellent idea.",
    "It was one of the worst movies I've seen, despite good reviews.",
    "Unbelievably bad acting!!",
    "Poor direction.",
    "VERY poor production.",
    "The movie was bad.",
    "Very bad movie.",
    "VERY BAD movie!",
    "balloons", "cake", "candles", "happy birthday", "friends", "laughing", "smiling", "party",
    "riot", "fire", "fight", "blood", "mob", "war", "police", "tear gas",
    "I'm surprised to see just how amazingly helpful VADER is!",
]

# One or more sentences per rule (and per quirk of the original).
RULES = [
    # lexicon words, emoticons, punctuation kept when stripping would leave <= 2 characters
    "good", "GOOD", "Good!", "'good'", "(good)", "good...", ":)", ":-(", "<3", "(:", ":-D", "xD", "ok", "OK!",
    # booster / dampener words, distance damping, ALL CAPS boosters
    "very good", "VERY good", "very very good", "extremely really good", "hardly good", "slightly bad",
    "the very good", "very the good", "very a b good", "VERY a b GOOD", "very a b c good",
    # ALL CAPS emphasis only when some but not all words are ALL CAPS
    "GOOD", "GOOD BAD", "GOOD bad", "this is GOOD", "I AM HAPPY", "I am HAPPY", "A B C", "VERY GOOD",
    "VERY good", "very GOOD", "it is VERY GOOD", "IT IS VERY GOOD!!", "NOT VERY BAD", "HARDLY GOOD", "not HARDLY good",
    # "no" as negation vs as its own word
    "no", "no good", "no, good", "no very good", "no one good", "no x nor good", "no x or good", "no no", "NO good",
    "good no", "no x y good", "no problem",
    # negation within three words, n't anywhere in the word, NEGATE words
    "not good", "not very good", "not the very good", "not a b good", "isn't good", "ISN'T good",
    "couldn't care less", "shouldn'thave good", "nope good", "uh-uh good", "despite good", "seldom good",
    "rarely a good", "without good", "never good", "never been good",
    # never so / this, without doubt, and the (sic) "so"/"this" right before the word
    "never so good", "never this good", "never been so good", "never x this good", "a b this good",
    "x y so good", "without doubt good", "without a doubt good", "without x doubt good", "doubt",
    # special cases and booster n-grams, before and after the word
    "the shit", "it is the shit", "this is the bomb", "he is bad ass", "a b bad ass", "badass",
    "wait at the bus stop", "yeah right", "a b yeah right", "the kiss of death", "a b c kiss of death",
    "to die for", "x y z to die for", "a beating heart", "x y z beating heart", "x kind of good",
    "x y sort of good", "a kind of good", "it was just enough good", "kind of", "kind", "kind of kind",
    "a b kind of good", "SORT OF GOOD", "cut the mustard", "under the weather", "in the black",
    # least
    "least good", "the least good", "at least good", "very least good", "x least good", "LEAST good",
    # but
    "good but bad", "bad but good", "good but", "but good", "BUT good", "good, but bad",
    "good good but good", "great GREAT but GOOD good", "good but good but good", "no good but no good",
    "love it but hate it but love it", "but but but", "They were kind but the food was ok",
    "It was awful but no sob story", "kind but ok ok", "kind ok but ok",
    # punctuation emphasis
    "good!", "good!!", "good!!!!", "good!!!!!!", "bad!", "good?", "good??", "good???", "good????", "good?!",
    "!!!!", "????", "neutral text!!!", "good bad!!!",
    # emojis: replaced by their description, with a space unless at the start or after a space
    "😀", "😀😀", "good😀", "good 😀", "😀good", "a😀b", "💘 and 💋", "\t😀", " 😀 ", "☺️", "👶🏻",
    # whitespace and empty
    "", " ", "\n\t", "   good   ", "good\nbad", "good\u00a0bad", "good\u3000bad",
    # odd unicode: final sigma, dotted I, non-ASCII punctuation
    "ΟΔΟΣ good", "İyi good", "İİ. good", "“good” ‘bad’", "good…", "naïve café good",
    "lone \ud83d surrogate good", "\ud83d\ude00 (a surrogate pair, not an emoji)",
]


@pytest.mark.parametrize("text", DEMO + RULES)
def test_same_scores_on_rule_sentences(text: str) -> None:
    assert_same(text)


# -- the labelled corpus ----------------------------------------------------------------------------------

def corpus_texts() -> list[str]:
    from bench.corpus import build_corpus
    from tests.prediction.test_predict import LABELLED

    texts: list[str] = [text for text, _ in LABELLED]
    for seed in (None, 7):
        for sample in build_corpus(seed=seed):
            texts.append(sample["text"])
            texts.extend(line for line in sample["text"].splitlines() if line.strip())
    return texts


def test_same_scores_on_the_corpus() -> None:
    texts = corpus_texts()
    assert len(texts) >= 4000
    mismatches = [t for t in texts if exact(FAST.polarity_scores(t)) != exact(ORIGINAL.polarity_scores(t))]
    assert not mismatches, mismatches[:3]


# -- construction ---------------------------------------------------------------------------------------

def test_lexicons_and_version_match_the_package() -> None:
    from importlib import metadata

    assert metadata.version("vaderSentiment") == MIRRORED_VERSION
    assert FAST.lexicon == ORIGINAL.lexicon
    assert FAST.emojis == ORIGINAL.emojis


def test_another_vadersentiment_version_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vader_module.metadata, "version", lambda name: "3.4.0")
    with pytest.raises(VaderVersionError) as info:
        Vader()
    assert isinstance(info.value, ConfigError)
    assert "vaderSentiment 3.4.0" in str(info.value) and MIRRORED_VERSION in str(info.value)
    assert "\n" not in str(info.value)


# -- the built-in model through local.py ---------------------------------------------------------------------

async def test_builtin_model_output_is_unchanged() -> None:
    model = VaderSentiment(ModelSpec(id="sentiment", backend="builtin", task="sentiment"))
    for text in DEMO + ["", "The new release is great and the support team was very helpful with the migration.",
                        "The meeting was a frustrating waste of time.", "Rewrite this in the passive voice."]:
        scores = ORIGINAL.polarity_scores(text)
        compound = scores["compound"]
        label = "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"
        expected = {"label": label, "score": round(abs(compound), 4),
                    "scores": {"positive": scores["pos"], "neutral": scores["neu"], "negative": scores["neg"],
                               "compound": compound}}
        out = await model.predict(text, {})
        assert out == expected
        assert list(out) == ["label", "score", "scores"]
        assert list(out["scores"]) == ["positive", "neutral", "negative", "compound"]
        assert all(type(v) is float for v in out["scores"].values()) and type(out["score"]) is float

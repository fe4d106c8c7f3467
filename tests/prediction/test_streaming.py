"""StreamGuard: streamed model output is filtered as well as the whole reply would be, with a short hold."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.prediction.streaming import MAX_HOLD, StreamGuard
from service.redaction.engine import RedactionEngine, Vault
from service.redaction.service import OutputFilter

ENGINE = RedactionEngine.default()
REPLIES = [
    "Sure! Here is the summary you asked for: the weather is nice and the meeting moved to Tuesday.",
    "Please write to john at example dot com or call +1 415 555 0132 today.",
    "my password is hunter2 and the rest is fine",
    "Card 4111 1111 1111 1111 expires soon, IBAN DE89 3704 0044 0532 0130 00 ok",
    "Dear Peter Miller, your ip 192.168.10.20 is on file with AKIAZ3MSJV4WQ7PLX2TR. Thanks",
    "Reach Jane Doe at jane.doe@corp-example.com, or 2001:db8::8a2e:370:7334 for the server.",
    # values that begin with a common word, which the guard sends before its end is known
    "Theodore Smith called about the contract yesterday.",
    "I have forwarded it to Ian Wright and Young Park.",
    "hello@example.org is where the model says to write.",
]


def _stream(text: str, cuts: list[int], vault: Vault | None = None) -> tuple[str, OutputFilter]:
    f = OutputFilter(ENGINE, vault or Vault())
    guard = StreamGuard(lambda context, t: f.finish(t, "0", context), f.spans)
    out, pos = [], 0
    for cut in sorted(set(cuts)) + [len(text)]:
        if cut > pos:
            out.append(guard.feed(text[pos:cut]))
            pos = cut
    out.append(guard.flush())
    return "".join(out), f


def _values(text: str) -> list[str]:
    return [text[f.start:f.end] for f in ENGINE.analyze(text)]


@pytest.mark.parametrize("text", REPLIES)
@pytest.mark.parametrize("step", [1, 2, 3, 5, 8, 13])
def test_no_value_detected_in_the_whole_reply_survives_streaming(text: str, step: int) -> None:
    streamed, _ = _stream(text, list(range(step, len(text), step)))
    for value in _values(text):
        assert value not in streamed


@settings(max_examples=150, deadline=None)
@given(index=st.integers(0, len(REPLIES) - 1), cuts=st.lists(st.integers(1, 120), max_size=40))
def test_any_chunking_leaks_nothing(index: int, cuts: list[int]) -> None:
    text = REPLIES[index]
    streamed, _ = _stream(text, [c for c in cuts if c < len(text)])
    for value in _values(text):
        assert value not in streamed


@settings(max_examples=100, deadline=None)
@given(cuts=st.lists(st.integers(1, 90), max_size=30))
def test_placeholders_split_anywhere_are_restored(cuts: list[int]) -> None:
    vault = Vault()
    ph = vault.placeholder("PERSON", "Maria Gonzalez")
    email = vault.placeholder("EMAIL_ADDRESS", "maria@example.org")
    text = f"Hello {ph}, we wrote to {email} about the plan."
    streamed, _ = _stream(text, [c for c in cuts if c < len(text)], vault)
    assert streamed == "Hello Maria Gonzalez, we wrote to maria@example.org about the plan."


def test_prose_flows_token_by_token() -> None:
    f = OutputFilter(ENGINE, Vault())
    guard = StreamGuard(lambda context, t: f.finish(t, "0", context), f.spans)
    text = "the weather is nice and the meeting moved to the afternoon because of the rain"
    sent_at = None
    for i in range(0, len(text), 3):
        if guard.feed(text[i:i + 3]) and sent_at is None:
            sent_at = i + 3
    assert sent_at is not None and sent_at <= 12  # after two or three words, not the whole reply


@pytest.mark.parametrize("first", ["Sure", "The", "You", "Hello", "I"])
def test_a_common_first_word_is_sent_without_waiting_for_the_next_chunk(first: str) -> None:
    f = OutputFilter(ENGINE, Vault())
    guard = StreamGuard(lambda context, t: f.finish(t, "0", context), f.spans)
    assert guard.feed(first) == first  # the first token reaches the caller as soon as the model sends it


@pytest.mark.parametrize("first", ["Maria", "john", "+1", "4111", "<PERSON", "password", "at", "Theo", "Sure."])
def test_an_unfinished_word_that_may_start_a_value_is_still_held(first: str) -> None:
    f = OutputFilter(ENGINE, Vault())
    guard = StreamGuard(lambda context, t: f.finish(t, "0", context), f.spans)
    assert guard.feed(first) == ""


def test_only_the_first_word_of_a_reply_goes_out_early() -> None:
    f = OutputFilter(ENGINE, Vault())
    guard = StreamGuard(lambda context, t: f.finish(t, "0", context), f.spans)
    out = guard.feed(" Sure")
    assert out == " Sure"  # leading blanks do not make it a later word
    out += guard.feed(" thing, He")
    assert "He" not in out  # "He" may still become "Hector": held, as any later word is
    out += guard.feed("ctor Smith will call.") + guard.flush()
    assert out.startswith(" Sure thing, ") and "Hector" not in out and "Smith" not in out and "ctor" not in out


def test_a_value_that_grew_out_of_a_sent_word_discloses_no_more_than_that_word() -> None:
    text = "Theodore Smith called about the contract yesterday."
    streamed, _ = _stream(text, list(range(3, len(text), 3)))  # "The" goes out before "odore"
    assert "Theodore" not in streamed and "Smith" not in streamed and "odore" not in streamed
    assert streamed.endswith("called about the contract yesterday.")
    # one character at a time: "I" goes out early, but "a" continues a word, so it is not sent on its own
    streamed, _ = _stream("I have forwarded it to Ian Wright today.", list(range(1, 41)))
    assert "Ia" not in streamed and "Wright" not in streamed


def test_hold_is_bounded() -> None:
    f = OutputFilter(ENGINE, Vault())
    guard = StreamGuard(lambda context, t: f.finish(t, "0", context), f.spans)
    sent = 0
    text = "ABC1 " * 200  # an endless run of suspicious tokens
    for i in range(0, len(text), 5):
        sent += len(guard.feed(text[i:i + 5]))
        assert (i + 5) - sent <= MAX_HOLD + 64

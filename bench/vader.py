"""In-process timing of the built-in sentiment model: vaderSentiment's polarity_scores vs service/prediction/vader.py.

    .venv/bin/python bench/vader.py [--rounds 7] [--seconds 0.2]

Microseconds per call on a few representative texts (a short prompt, a negated/contrastive one, one with
emojis, a ~1 KB prompt, a ~1 KB prompt with no sentiment words). Rounds interleave the two
implementations; each round times a batch of calls and the median round is reported (min alongside),
so a noisy neighbour on the machine skews both sides alike. Also checks that the outputs are equal.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: E402

from service.prediction.vader import Vader  # noqa: E402

SHORT = "The new release is great and the support team was very helpful with the migration."
TEXTS = {
    "short prompt": SHORT,
    "negation + but": "The app isn't bad, but the login never works and support was NOT helpful at all!!",
    "emojis": "Loved the new dashboard 😍😍 but the export is broken 😡 again...",
    "~1 KB prompt": (
        "Please summarise the following customer feedback for the quarterly review. "
        "Overall the customers were happy with the new release: the onboarding flow is much clearer, "
        "the dashboard loads faster and several people said the support team was very helpful. "
        "However, a few users reported that the export feature is still broken and that billing "
        "emails arrive late, which is frustrating. One customer wrote that the mobile app is kind of "
        "slow on older phones, but not terrible. Another said they would never go back to the old "
        "version because this one is so much better. There were complaints about the price increase, "
        "and at least two teams said they are considering alternatives if the API limits are not "
        "raised. The documentation was praised as excellent, although the search could be better. "
        "Please list the top three positives, the top three problems, and suggest next steps for the "
        "product team, keeping the tone neutral and factual. Thanks!"),
    "~1 KB, no sentiment words": ("Rewrite this paragraph in the passive voice and keep the numbers as they are. "
                                  "The team moved the servers to the new region on Tuesday at 10:00 UTC. " * 7),
}


def per_call_us(fn: Callable[[str], object], text: str, seconds: float) -> float:
    n = 1
    while True:  # size the batch to about `seconds`
        t0 = time.perf_counter()
        for _ in range(n):
            fn(text)
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds / 4:
            break
        n *= 2
    n = max(1, int(n * seconds / elapsed))
    t0 = time.perf_counter()
    for _ in range(n):
        fn(text)
    return (time.perf_counter() - t0) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=0.2, help="per batch")
    args = parser.parse_args()

    original = SentimentIntensityAnalyzer()
    fast = Vader()
    print(f"{'text':28} {'chars':>5}  {'original us':>13}  {'fast us':>11}  {'speed-up':>8}")
    for name, text in TEXTS.items():
        assert original.polarity_scores(text) == fast.polarity_scores(text), name
        orig: list[float] = []
        new: list[float] = []
        for _ in range(args.rounds):
            orig.append(per_call_us(original.polarity_scores, text, args.seconds))
            new.append(per_call_us(fast.polarity_scores, text, args.seconds))
        o, f = statistics.median(orig), statistics.median(new)
        print(f"{name:28} {len(text):5}  {o:7.1f} ({min(orig):5.1f})  {f:5.1f} ({min(new):5.1f})  {o / f:7.1f}x")
    print("median of rounds (min in brackets)")


if __name__ == "__main__":
    main()

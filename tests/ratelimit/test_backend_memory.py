"""GCRA semantics, checked on the in-process backend with an injected clock.

The exact bound the property tests hold GCRA to: for every closed interval [a, b], the units admitted
at instants in it are at most ``burst + floor((b - a) / T)`` with ``T = period / limit`` — so at most
``burst + limit`` in any window of one period — and this is reached (burst at a, then one per T).
"""

from __future__ import annotations

import asyncio
import math
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.ratelimit.backend import Decision, MemoryBackend, Rate, RateLimitBackend

S = 10**9  # ns per second


def run(coro):
    """Drive a MemoryBackend coroutine synchronously (it never awaits), so hypothesis stays fast."""
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value
    raise AssertionError("MemoryBackend awaited something")


def retry_ns(decision: Decision) -> int:
    return math.ceil(decision.retry_after * S)


class RefBucket:
    """Reference model: a plain token bucket with exact rational arithmetic (tokens, not times)."""

    def __init__(self, rate: Rate) -> None:
        self.rate = rate
        self.tokens = Fraction(rate.burst)
        self.t = None

    def _refill(self, now: int) -> None:
        if self.t is not None:
            self.tokens = min(Fraction(self.rate.burst), self.tokens + Fraction(now - self.t, self.rate.interval_ns))
        self.t = now

    def hit(self, now: int, cost: int) -> tuple[bool, int, Fraction, Fraction]:
        """allowed, remaining, reset_ns, retry_ns"""
        self._refill(now)
        T, burst = self.rate.interval_ns, self.rate.burst
        if self.tokens >= cost:
            self.tokens -= cost
            return True, math.floor(self.tokens), (burst - self.tokens) * T, Fraction(0)
        retry = math.inf if cost > burst else (cost - self.tokens) * T
        return False, max(0, math.floor(self.tokens)), (burst - self.tokens) * T, retry

    def adjust(self, now: int, delta: int) -> None:
        self._refill(now)
        self.tokens = min(Fraction(self.rate.burst), self.tokens - delta)


rates = st.builds(
    Rate,
    limit=st.integers(1, 20),
    period=st.sampled_from([1.0, 0.5, 2.5, 60.0, 7.0, 0.001]),
    burst=st.none() | st.integers(1, 30),
)
ops = st.lists(
    st.tuples(
        st.sampled_from(["hit", "hit", "hit", "adjust", "retry"]),
        st.integers(0, 3 * S) | st.just(0) | st.integers(0, 1000),  # time step (ns)
        st.integers(0, 35),  # cost
        st.integers(-10, 10),  # adjust delta
    ),
    min_size=1,
    max_size=80,
)
hyp = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class TestRate:
    def test_burst_defaults_to_limit(self):
        assert Rate(10).burst == 10 and Rate(10, burst=3).burst == 3

    def test_interval_is_rounded_up_so_rounding_is_stricter(self):
        rate = Rate(7, 60.0)
        assert rate.interval_ns == math.ceil(60 * S / 7) and rate.interval_ns * 7 >= 60 * S

    @pytest.mark.parametrize("kwargs", [{"limit": 0}, {"limit": 1, "period": 0}, {"limit": 1, "burst": 0},
                                        {"limit": 1.5}, {"limit": 1, "period": math.inf}])
    def test_invalid_policies_are_rejected(self, kwargs):
        with pytest.raises(ValueError):
            Rate(**kwargs)

    def test_rate_is_hashable_and_compares_by_policy(self):
        assert Rate(10, 60) == Rate(10, 60.0, 10) and len({Rate(1), Rate(1)}) == 1


class TestMemoryBackend:
    def test_satisfies_the_protocol(self):
        assert isinstance(MemoryBackend(), RateLimitBackend)

    async def test_30_concurrent_hits_on_10_per_minute_admit_exactly_10(self):
        backend = MemoryBackend()
        decisions = await asyncio.gather(*(backend.hit("k", Rate(10, 60)) for _ in range(30)))
        assert sum(d.allowed for d in decisions) == 10
        assert sorted(d.remaining for d in decisions if d.allowed) == list(range(10))
        assert all(d.retry_after > 0 and d.remaining == 0 for d in decisions if not d.allowed)

    def test_remaining_counts_down_and_reset_is_time_until_full(self, clock):
        backend, rate = MemoryBackend(clock=clock), Rate(10, 60)
        for i in range(10):
            d = run(backend.hit("k", rate))
            assert (d.allowed, d.remaining, d.limit) == (True, 9 - i, 10)
            assert d.reset_after == pytest.approx(6.0 * (i + 1))
        d = run(backend.hit("k", rate))
        assert (d.allowed, d.remaining) == (False, 0) and d.retry_after == pytest.approx(6.0)

    def test_retry_after_is_exact_to_the_nanosecond(self, clock):
        backend, rate = MemoryBackend(clock=clock), Rate(3, 1.0)
        for _ in range(3):
            run(backend.hit("k", rate))
        refused = run(backend.hit("k", rate))
        exact = rate.interval_ns  # the oldest unit comes back one interval after the burst
        assert exact <= refused.retry_after * S <= exact + 1
        start = clock.now
        clock.now = start + exact - 1
        assert not run(backend.hit("k", rate)).allowed
        clock.now = start + retry_ns(refused)
        assert run(backend.hit("k", rate)).allowed

    def test_recovers_exactly_one_unit_per_interval(self, clock):
        rate = Rate(5, 1.0, burst=4)
        backend = MemoryBackend(clock=clock)
        run(backend.hit("k", rate, 4))
        start = clock.now
        for k in range(1, 6):
            clock.now = start + k * rate.interval_ns - 1
            assert run(backend.peek("k", rate)).remaining == min(k - 1, 4)
            clock.now = start + k * rate.interval_ns
            assert run(backend.peek("k", rate)).remaining == min(k, 4)

    def test_cost_above_burst_is_refused_forever_and_consumes_nothing(self, clock):
        backend, rate = MemoryBackend(clock=clock), Rate(10, 60)
        d = run(backend.hit("k", rate, 11))
        assert not d.allowed and d.retry_after == math.inf and d.remaining == 10
        assert run(backend.hit("k", rate, 10)).allowed

    def test_zero_cost_and_peek_consume_nothing(self, clock):
        backend, rate = MemoryBackend(clock=clock), Rate(2, 60)
        assert run(backend.peek("k", rate)).remaining == 2
        assert run(backend.hit("k", rate, 0)).remaining == 2
        assert len(backend) == 0

    def test_negative_cost_is_an_error(self):
        with pytest.raises(ValueError):
            run(MemoryBackend().hit("k", Rate(1), -1))

    def test_adjust_settles_a_reservation_both_ways(self, clock):
        backend, rate = MemoryBackend(clock=clock), Rate(100, 60)
        assert run(backend.hit("k", rate, 50)).remaining == 50  # reserve an estimate
        run(backend.adjust("k", rate, -20))  # actual usage was 30
        assert run(backend.peek("k", rate)).remaining == 70
        run(backend.adjust("k", rate, 200))  # overran: never refused, overdraws the bucket
        d = run(backend.peek("k", rate))
        assert d.remaining == 0 and d.reset_after == pytest.approx(230 * 0.6)
        assert run(backend.hit("k", rate)).retry_after == pytest.approx(131 * 0.6)

    def test_adjust_never_returns_more_than_an_empty_bucket(self, clock):
        backend, rate = MemoryBackend(clock=clock), Rate(10, 60)
        run(backend.hit("k", rate, 3))
        run(backend.adjust("k", rate, -1000))
        assert run(backend.peek("k", rate)).remaining == 10
        assert sum(run(backend.hit("k", rate)).allowed for _ in range(20)) == 10

    def test_idle_keys_are_swept_incrementally(self, clock):
        backend, rate = MemoryBackend(clock=clock), Rate(1, 1.0)
        for i in range(3000):
            run(backend.hit(f"idle{i}", rate))
        clock.advance(2 * S)
        for _ in range(10 * 1024):
            run(backend.peek("other", rate))
        assert len(backend) == 0

    def test_store_is_capped_and_evicts_least_indebted_keys_first(self, clock):
        backend = MemoryBackend(clock=clock, max_keys=100)
        run(backend.hit("heavy", Rate(10, 60), 10))
        for i in range(500):
            run(backend.hit(f"light{i}", Rate(1000, 60)))
            assert len(backend) <= 100
        assert not run(backend.hit("heavy", Rate(10, 60))).allowed


def drive(rate: Rate, steps, check_each=None):
    """Run a random schedule on both the backend and the reference; return admitted (time, cost)."""
    clock_now = [10 * S]
    backend = MemoryBackend(clock=lambda: clock_now[0])
    ref = RefBucket(rate)
    admitted = []
    last_refusal = None
    for kind, dt, cost, delta in steps:
        if kind == "retry" and last_refusal is not None:
            dt, cost = last_refusal
        clock_now[0] += dt
        now = clock_now[0]
        if kind == "adjust":
            run(backend.adjust("k", rate, delta))
            ref.adjust(now, delta)
            last_refusal = None  # the promise holds only if nothing else consumes meanwhile
            continue
        d = run(backend.hit("k", rate, cost))
        allowed, remaining, reset, retry = ref.hit(now, cost)
        if kind == "retry" and last_refusal is not None:
            assert d.allowed, "retrying after retry_after was refused (retry_after early)"
        assert (d.allowed, d.remaining) == (allowed, remaining)
        assert reset <= d.reset_after * S <= reset + 1
        if math.isinf(retry):
            assert d.retry_after == math.inf
        else:
            assert retry <= d.retry_after * S <= retry + 1
        last_refusal = None
        if d.allowed:
            if cost:
                admitted.append((now, cost))
        elif not math.isinf(d.retry_after):
            last_refusal = (retry_ns(d), cost)
        if check_each:
            check_each(backend, d, now)
    return admitted


class TestGcraProperties:
    @hyp
    @given(rate=rates, steps=ops)
    def test_matches_the_token_bucket_reference_model(self, rate, steps):
        drive(rate, steps)

    @hyp
    @given(rate=rates, steps=ops.map(lambda s: [(k if k != "adjust" else "hit", *rest) for k, *rest in s]))
    def test_no_interval_admits_more_than_burst_plus_elapsed_over_t(self, rate, steps):
        admitted = drive(rate, steps)
        period_ns = rate.interval_ns * rate.limit
        for i, (start, _) in enumerate(admitted):
            total = 0
            for t, cost in admitted[i:]:
                total += cost
                assert total <= rate.burst + (t - start) // rate.interval_ns
                if t - start <= period_ns:
                    assert total <= rate.burst + rate.limit

    @hyp
    @given(rate=rates, steps=ops)
    def test_remaining_is_exactly_what_can_be_spent_now(self, rate, steps):
        def check(backend, decision, now):
            clone = MemoryBackend(clock=lambda: now)
            clone._tat = dict(backend._tat)
            if decision.remaining:
                assert run(clone.hit("k", rate, decision.remaining)).allowed
            assert not run(clone.hit("k", rate, 1)).allowed

        drive(rate, steps, check)

    @hyp
    @given(rate=rates, steps=ops)
    def test_after_reset_after_the_bucket_is_full_and_not_before(self, rate, steps):
        def check(backend, decision, now):
            full_at = now + math.ceil(decision.reset_after * S)
            clone = MemoryBackend(clock=lambda: full_at)
            clone._tat = dict(backend._tat)
            assert run(clone.peek("k", rate)).remaining == rate.burst
            if decision.reset_after > 0:
                clone._clock = lambda: full_at - 2
                assert run(clone.peek("k", rate)).remaining < rate.burst

        drive(rate, steps, check)

    @hyp
    @given(rate=rates, idle=st.integers(0, 10 * S), count=st.integers(0, 40))
    def test_recovers_at_the_promised_rate(self, rate, idle, count):
        clock_now = [S]
        backend = MemoryBackend(clock=lambda: clock_now[0])
        while run(backend.hit("k", rate)).allowed:
            pass
        clock_now[0] += idle
        expected = min(rate.burst, idle // rate.interval_ns)
        assert sum(run(backend.hit("k", rate)).allowed for _ in range(count)) == min(count, expected)

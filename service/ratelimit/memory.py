"""In-process rate-limit backend: exact within one worker, nothing shared between workers.

Threat model: same as ``core``, plus memory exhaustion: an attacker who can mint keys (for example
source addresses on the pre-auth limit) must not grow the store without bound.

Invariants:

* Every method runs without an ``await`` between reading and writing a key, so on one event loop
  each decision is atomic; the backend is not thread-safe and must stay on the loop that uses it.
* Only keys with ``TAT > now`` are stored (an expired key equals an absent one). Idle keys are
  reclaimed by an incremental sweep that inspects a few hundred keys every 1,024 operations, so no
  single request pays for a full scan.
* The store never holds more than ``max_keys`` keys. When it is full of live keys, the entries with
  the least debt (closest to expiry) are evicted first: forgetting them admits at most the few
  units they would have refused, which is the smallest possible loss of strictness.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable

from service.ratelimit.core import Decision, Rate, check_cost, check_delta, decide, settle

_SWEEP_EVERY = 1024  # operations between two sweep steps (power of two)
_SWEEP_BATCH = 512  # keys inspected per sweep step


class MemoryBackend:
    def __init__(self, *, clock: Callable[[], int] = time.monotonic_ns, max_keys: int = 200_000) -> None:
        """``clock`` returns integer nanoseconds (monotonic); tests inject a fake one."""
        if max_keys < 1:
            raise ValueError("max_keys must be >= 1")
        self._clock = clock
        self._max_keys = max_keys
        self._tat: dict[str, int] = {}
        self._ops = 0
        self._sweep_queue: list[str] = []

    def __len__(self) -> int:
        return len(self._tat)

    async def hit(self, key: str, rate: Rate, cost: int = 1) -> Decision:
        check_cost(cost)
        now = self._tick()
        tat = self._tat.get(key)
        debt = tat - now if tat is not None and tat > now else 0
        decision, new = decide(debt, rate, cost)
        if new is not None:
            self._store(key, now, new)
        return decision

    async def peek(self, key: str, rate: Rate) -> Decision:
        return await self.hit(key, rate, 0)

    async def adjust(self, key: str, rate: Rate, delta: int) -> None:
        check_delta(delta)
        now = self._tick()
        tat = self._tat.get(key)
        debt = tat - now if tat is not None and tat > now else 0
        self._store(key, now, settle(debt, rate, delta))

    async def close(self) -> None:
        self._tat.clear()
        self._sweep_queue.clear()

    def _tick(self) -> int:
        now = self._clock()
        self._ops += 1
        if not self._ops & (_SWEEP_EVERY - 1):
            self._sweep_step(now)
        return now

    def _store(self, key: str, now: int, debt: int) -> None:
        if debt <= 0:
            self._tat.pop(key, None)
            return
        if key not in self._tat and len(self._tat) >= self._max_keys:
            self._make_room(now)
        self._tat[key] = now + debt

    def _sweep_step(self, now: int) -> None:
        if not self._sweep_queue:
            self._sweep_queue = list(self._tat)
        queue, store = self._sweep_queue, self._tat
        for _ in range(min(_SWEEP_BATCH, len(queue))):
            key = queue.pop()
            tat = store.get(key)
            if tat is not None and tat <= now:
                del store[key]

    def _make_room(self, now: int) -> None:
        expired = [key for key, tat in self._tat.items() if tat <= now]
        for key in expired:
            del self._tat[key]
        overflow = len(self._tat) - self._max_keys + 1
        if overflow > 0:
            # Evict a tenth at once so a flood of new keys pays O(n) once per n/10 keys, not per key.
            count = max(overflow, self._max_keys // 10)
            for key in heapq.nsmallest(count, self._tat, key=self._tat.__getitem__):
                del self._tat[key]

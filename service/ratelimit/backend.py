"""Rate-limit backends: the interface the guards use.

Threat model and invariants live with each part: ``core`` (the GCRA algorithm, its exact bounds and
the state it keeps), ``memory`` (one worker; bounded, self-expiring store) and ``redis`` (shared by
workers and replicas; one atomic server-side script per decision, server clock; behaviour and
default when Redis is unreachable: fail closed by raising ``BackendUnavailable``).

Keys are opaque to the backends. Callers must give distinct keys to distinct policies for the same
principal (for example ``req:<client>`` and ``tok:<client>``): the stored state is a time, and two
rates sharing one key would spend each other's allowance.
"""

from service.ratelimit.core import BackendUnavailable, Decision, Rate, RateLimitBackend
from service.ratelimit.memory import MemoryBackend
from service.ratelimit.redis import RedisBackend

__all__ = ["BackendUnavailable", "Decision", "MemoryBackend", "Rate", "RateLimitBackend", "RedisBackend"]

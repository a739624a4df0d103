"""Replay protection shared by :mod:`pqpay.webhooks` and :mod:`pqpay.request_signing`.

Two pieces:

* a :class:`SeenNonceStore` remembers the ids (event ids, transmission ids, nonces, signatures)
  of requests already accepted, each until an expiry, with one **atomic** check-and-remember
  call, so two concurrent deliveries of the same request cannot both pass;
* :func:`check_timestamp` enforces a timestamp window around ``now`` (past *and* future skew).

:class:`MemoryNonceStore` is the in-process implementation: thread-safe, TTL-based and bounded.
A deployment with several workers needs a shared store instead; any object with the same
two methods will do, for example over Redis (``SET key 1 NX EXAT expires_at`` returns whether
the key was new; a Lua script makes the many-key decision one step)::

    class RedisNonceStore:
        def __init__(self, redis):
            self.redis = redis
            # All or nothing, atomic inside Redis: refuse if any key exists, else set them all.
            self.many = redis.register_script(
                "for _, k in ipairs(KEYS) do if redis.call('EXISTS', k) == 1 then return 0 end end "
                "for _, k in ipairs(KEYS) do redis.call('SET', k, '1', 'EXAT', ARGV[1]) end "
                "return 1"
            )

        def check_and_remember(self, key: str, expires_at: float, now: float) -> bool:
            if expires_at <= now:
                return True
            name = "pqpay:seen:" + key
            return bool(self.redis.set(name, b"1", nx=True, exat=int(expires_at) + 1))

        def check_and_remember_many(self, keys, expires_at: float, now: float) -> bool:
            names = ["pqpay:seen:" + key for key in dict.fromkeys(keys)]
            if expires_at <= now:
                return not self.redis.exists(*names)
            return bool(self.many(keys=names, args=[int(expires_at) + 1]))

The verifiers pass ``expires_at`` already padded (:func:`replay_expiry`: the last accepted
instant plus :data:`REPLAY_MARGIN`), so an id is still remembered at the very instant its
timestamp is last accepted, even with a caller clock of whole seconds; a store only has to
honour ``expires_at`` as given (``exat=int(expires_at) + 1`` rounds up, never down).

Times are seconds since the Unix epoch (``time.time()``); every function takes the caller's
``now`` so tests (and callers with their own clock) stay deterministic.
"""

from __future__ import annotations

import heapq
import math
import threading
import time
from collections.abc import Callable, Sequence
from typing import Final

from pqpay.exceptions import ReplayStoreFull, TimestampError
from pqpay.interfaces import SeenNonceStore

__all__ = [
    "DEFAULT_MAX_ENTRIES",
    "REPLAY_MARGIN",
    "MemoryNonceStore",
    "SeenNonceStore",
    "check_timestamp",
    "replay_expiry",
    "request_key_group",
    "resolve_now",
]

#: Default capacity of :class:`MemoryNonceStore` (ids remembered at once).
DEFAULT_MAX_ENTRIES = 100_000

#: Seconds an id is remembered past the last instant its timestamp is accepted.
#: :func:`check_timestamp` accepts ``now - timestamp <= tolerance`` (inclusive) while a store
#: forgets an id once ``expires_at <= now``; remembering until ``timestamp + tolerance`` would
#: free the id at the very instant it is still accepted (a whole second of replays with an
#: integer clock). One second covers that, and an integer store TTL rounded either way.
REPLAY_MARGIN: Final = 1.0


def request_key_group(key: str) -> str | None:
    """The default quota group of :class:`MemoryNonceStore`: ``request:<key id>`` for the
    ids :mod:`pqpay.request_signing` remembers (``request:<key id>:<nonce>``), so each client
    key has its own share; ``None`` (no group, only the store-wide limit) for the webhook
    providers' ids, which only the provider can make."""
    if key.startswith("request:"):
        # Key ids may hold ':' but nonces never do: the group ends at the last one.
        group, _, nonce = key.rpartition(":")
        if nonce and group != "request":
            return group
    return None


class MemoryNonceStore:
    """A thread-safe, bounded, in-memory :class:`SeenNonceStore`.

    Entries expire at their ``expires_at``; expired entries are dropped on every call. When
    ``max_entries`` unexpired ids are held, a new id raises
    :class:`~pqpay.exceptions.ReplayStoreFull` instead of evicting a live entry (evicting one
    would let that request be replayed). Size it for your peak rate times your window, e.g.
    100 requests/s with a 300 s window needs about 60,000 entries (a window either side).

    **Quotas.** So that one client cannot fill the store and lock every other out, ids are
    grouped by ``group(key)`` (default :func:`request_key_group`: one group per request-signing
    key id; webhook ids are in no group) and each group holds at most ``max_per_group``
    unexpired ids (default a quarter of ``max_entries``); a group at its quota raises
    ``ReplayStoreFull`` for that group only. With a single client key, pass
    ``max_per_group=max_entries``; ``group`` may return ``None`` to exempt a key.
    """

    __slots__ = (
        "_expiry",
        "_group",
        "_group_count",
        "_group_of",
        "_heap",
        "_lock",
        "_max_entries",
        "_max_per_group",
    )

    def __init__(
        self,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        *,
        max_per_group: int | None = None,
        group: Callable[[str], str | None] = request_key_group,
    ) -> None:
        if isinstance(max_entries, bool) or not isinstance(max_entries, int):
            raise TypeError(f"max_entries must be an int, not {type(max_entries).__name__}")
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        if max_per_group is None:
            max_per_group = max(1, max_entries // 4)
        if isinstance(max_per_group, bool) or not isinstance(max_per_group, int):
            raise TypeError(f"max_per_group must be an int, not {type(max_per_group).__name__}")
        if max_per_group < 1:
            raise ValueError(f"max_per_group must be at least 1, got {max_per_group}")
        if not callable(group):
            raise TypeError("group must be a function from a key to a group name or None")
        self._max_entries = max_entries
        self._max_per_group = max_per_group
        self._group = group
        self._lock = threading.Lock()
        self._expiry: dict[str, float] = {}
        # (expires_at, key) for every entry of _expiry: the next one to expire on top.
        self._heap: list[tuple[float, str]] = []
        self._group_of: dict[str, str] = {}  # key -> its group, for grouped keys only
        self._group_count: dict[str, int] = {}

    @property
    def max_entries(self) -> int:
        """The most unexpired ids held at once."""
        return self._max_entries

    @property
    def max_per_group(self) -> int:
        """The most unexpired ids one group (one client key, by default) holds at once."""
        return self._max_per_group

    def __len__(self) -> int:
        """Entries currently held (some may have expired since the last call)."""
        with self._lock:
            return len(self._expiry)

    def __repr__(self) -> str:
        return f"<MemoryNonceStore {len(self)}/{self._max_entries} entries>"

    def check_and_remember(self, key: str, expires_at: float, now: float) -> bool:
        """See :meth:`SeenNonceStore.check_and_remember`."""
        if not isinstance(key, str):
            raise TypeError(f"key must be a str, not {type(key).__name__}")
        expires_at = _finite(expires_at, "expires_at")
        now = _finite(now, "now")
        group = self._group(key)
        with self._lock:
            self._purge(now)
            if key in self._expiry:
                return False
            if expires_at <= now:
                return True
            self._check_room(1, {group: 1} if group is not None else {})
            self._insert(key, group, expires_at)
            return True

    def check_and_remember_many(self, keys: Sequence[str], expires_at: float, now: float) -> bool:
        """See :meth:`SeenNonceStore.check_and_remember_many`: all keys or none, under one lock.

        Raises :class:`~pqpay.exceptions.ReplayStoreFull`, remembering none, when the new keys
        do not all fit.
        """
        unique = _keys(keys)
        expires_at = _finite(expires_at, "expires_at")
        now = _finite(now, "now")
        groups = [self._group(key) for key in unique]
        wanted: dict[str, int] = {}
        for group in groups:
            if group is not None:
                wanted[group] = wanted.get(group, 0) + 1
        with self._lock:
            self._purge(now)
            if any(key in self._expiry for key in unique):
                return False
            if expires_at <= now:
                return True
            self._check_room(len(unique), wanted)
            for key, group in zip(unique, groups, strict=True):
                self._insert(key, group, expires_at)
            return True

    def _check_room(self, count: int, per_group: dict[str, int]) -> None:
        """Raises ReplayStoreFull unless ``count`` more ids fit, ``per_group[g]`` of them in
        each group ``g`` (lock held)."""
        if len(self._expiry) + count > self._max_entries:
            raise ReplayStoreFull(
                f"replay store is full: {self._max_entries} unexpired ids are held; "
                "raise max_entries or use a shared store"
            )
        for group, n in per_group.items():
            if self._group_count.get(group, 0) + n > self._max_per_group:
                raise ReplayStoreFull(
                    f"replay quota of {group} is full: {self._max_per_group} unexpired ids "
                    "(max_per_group); other groups are unaffected"
                )

    def _insert(self, key: str, group: str | None, expires_at: float) -> None:
        self._expiry[key] = expires_at
        heapq.heappush(self._heap, (expires_at, key))
        if group is not None:
            self._group_of[key] = group
            self._group_count[group] = self._group_count.get(group, 0) + 1

    def _purge(self, now: float) -> None:
        """Drops every entry whose expiry is not after ``now`` (lock held)."""
        heap = self._heap
        while heap and heap[0][0] <= now:
            _, key = heapq.heappop(heap)
            # A key is only re-added after its entry expired and was popped here, so each key
            # has exactly one heap entry and it matches the dict.
            del self._expiry[key]
            group = self._group_of.pop(key, None)
            if group is not None:
                left = self._group_count[group] - 1
                if left:
                    self._group_count[group] = left
                else:
                    del self._group_count[group]


def replay_expiry(timestamp: float, tolerance: float) -> float:
    """Until when to remember the id of a request whose ``timestamp`` passed
    :func:`check_timestamp` with ``tolerance``: ``timestamp + tolerance +``
    :data:`REPLAY_MARGIN`, strictly after the last instant the timestamp is accepted."""
    return _finite(timestamp, "timestamp") + _window(tolerance, "tolerance") + REPLAY_MARGIN


def resolve_now(now: float | None) -> float:
    """``now`` as a finite float, or the current time when it is ``None``."""
    if now is None:
        return time.time()
    return _finite(now, "now")


def check_timestamp(
    timestamp: float,
    *,
    now: float,
    tolerance: float,
    future_tolerance: float | None = None,
    what: str = "signed timestamp",
    error: type[TimestampError] = TimestampError,
) -> None:
    """Raises ``error`` (a :class:`~pqpay.exceptions.TimestampError`; the webhook verifiers
    pass :class:`~pqpay.exceptions.WebhookTimestampError`) unless
    ``now - tolerance <= timestamp <= now + future_tolerance``.

    ``future_tolerance`` defaults to ``tolerance``: a timestamp too far ahead is as suspect
    as one too old (a clock skewed forward would otherwise extend the replay window).
    """
    tolerance = _window(tolerance, "tolerance")
    ahead = tolerance if future_tolerance is None else _window(future_tolerance, "future_tolerance")
    age = now - timestamp
    if age > tolerance:
        raise error(f"{what} is {age:.0f} s old; at most {tolerance:g} s is accepted")
    if -age > ahead:
        raise error(
            f"{what} is {-age:.0f} s in the future; at most {ahead:g} s of clock skew is accepted"
        )


def _keys(keys: Sequence[str]) -> list[str]:
    """``keys`` without repeats, in order, each checked to be a str."""
    if isinstance(keys, (str, bytes)) or not isinstance(keys, Sequence):
        raise TypeError(f"keys must be a sequence of str, not {type(keys).__name__}")
    for key in keys:
        if not isinstance(key, str):
            raise TypeError(f"every key must be a str, not {type(key).__name__}")
    return list(dict.fromkeys(keys))


def _finite(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return result


def _window(value: float, name: str) -> float:
    result = _finite(value, name)
    if result < 0:
        raise ValueError(f"{name} must be at least 0 seconds, got {value!r}")
    return result

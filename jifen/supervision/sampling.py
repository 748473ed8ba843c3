"""The random sample of a spot check, as a pure function of a seed and a set of entry ids.

Each id gets the key sha256("<seed>:<id>") and the sample is the `size` ids with the smallest
keys. Because the key depends on nothing but the seed and the id, the same seed over the same
ids gives the same sample on any machine, Python version or database, in any order the ids come
in; and entries added later never reshuffle the ones already drawn. sha256 behaves as a uniform
random function, so every subset of `size` ids is equally likely for a random seed.
"""

import hashlib
import heapq
import secrets
from collections.abc import Iterable

MAX_SEED = 2**63 - 1  # fits the database's signed 64-bit integer


def new_seed() -> int:
    """A fresh seed short enough to read out and type in again."""
    return secrets.randbelow(999_999_999) + 1


def _key(seed: int, entry_id: int) -> bytes:
    return hashlib.sha256(f"{seed}:{entry_id}".encode()).digest()


def draw(ids: Iterable[int], *, seed: int, size: int) -> list[int]:
    """The sample, in the order of drawing (smallest key first)."""
    return heapq.nsmallest(size, set(ids), key=lambda i: (_key(seed, i), i))


def digest(ids: Iterable[int]) -> str:
    """A fingerprint of the population: equal digests mean the draw saw the same entries."""
    return hashlib.sha256(",".join(str(i) for i in sorted(set(ids))).encode()).hexdigest()

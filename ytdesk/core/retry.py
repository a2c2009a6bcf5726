"""The one retry policy: exponential backoff with jitter, a cap, and a number of attempts."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_seconds: float = 5.0
    factor: float = 2.0
    cap_seconds: float = 300.0

    @classmethod
    def from_settings(cls, settings) -> RetryPolicy:
        return cls(attempts=settings.get("retry_attempts"),
                   base_seconds=settings.get("retry_base_seconds"),
                   factor=settings.get("retry_factor"),
                   cap_seconds=settings.get("retry_cap_seconds"))

    def gives_up_after(self, attempts_made: int) -> bool:
        return attempts_made >= self.attempts

    def delay(self, attempts_made: int, rng: random.Random | None = None) -> float:
        """Wait before attempt `attempts_made + 1`. "Equal jitter": at least half the
        exponential delay, so retries never bunch up at zero, and at most all of it."""
        exponential = self.base_seconds * self.factor ** max(0, attempts_made - 1)
        ceiling = min(self.cap_seconds, exponential)
        return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)

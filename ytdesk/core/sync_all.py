"""'Sync all now': a sync for every enabled subscription, in one transaction."""

from __future__ import annotations

from .channels import queue_syncs
from .jobstore import PRIORITIES
from .models import Subscription


def queue_all_syncs() -> list[int]:
    """The ids of the jobs that sync every enabled subscription (one already queued or
    running is reused: nothing is listed twice)."""
    wanted = [row.id for row in Subscription.select(Subscription.id)
              .where(Subscription.enabled).order_by(Subscription.id)]
    return queue_syncs(wanted, PRIORITIES["normal"]) if wanted else []

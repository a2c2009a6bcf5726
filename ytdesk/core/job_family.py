"""A job and the jobs it queued (a sync's downloads, a playlist's videos), at any depth:
what `ytdesk-cli sync` waits for."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .models import Job


def statuses(root_ids: Sequence[int]) -> dict[int, str]:
    """id -> status of these jobs and all their descendants, in one query."""
    if not root_ids:
        return {}
    family = (Job.select(Job.id).where(Job.id.in_(list(root_ids)))
              .cte("family", recursive=True, columns=("id",)))
    child = Job.alias()
    family = family.union_all(child.select(child.id)
                              .join(family, on=(child.parent == family.c.id)))
    rows: Any = (Job.select(Job.id, Job.status).join(family, on=(Job.id == family.c.id))
            .with_cte(family).tuples())
    return dict(rows)

"""The indexes the queue reads open work through (issue 16): kept out of models.py (at its size
limit) and attached to the tables when the package is imported.

Status comes right after the partnership (or worker), so closed history lies in its own range
of each index: a queue page reads only open cases, however many closed ones are stored.
"""

from __future__ import annotations

from sqlalchemy import Index

from storage.models import Case, CheckIn

# Waiting (status, nobody) oldest first, and the team's open cases (storage.queue).
QUEUE = Index("ix_cases_queue", Case.partnership_id, Case.status, Case.worker_id, Case.created_at)
# My open cases, the most recently changed first; the unread count per worker.
MINE = Index("ix_cases_worker_open", Case.worker_id, Case.status, Case.updated_at)
# Low check-in answers of the last week only (storage.checkins.low_since).
ANSWERED = Index("ix_checkins_answered", CheckIn.status, CheckIn.answered_at)

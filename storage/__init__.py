"""Persistence: SQLAlchemy models, the database handle and one repository per aggregate."""

# The group-offer tables and the queue's indexes live in their own modules: imported with the
# package, so that Base.metadata (migrations, tests) always holds them.
from storage import offer_models as offer_models
from storage import queue_indexes as queue_indexes

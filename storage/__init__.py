"""Persistence: SQLAlchemy models, the database handle and one repository per aggregate."""

# The group-offer tables live in their own module: imported with the package, so that
# Base.metadata (migrations, tests) always holds them.
# The indexes for open work (issue 16) likewise: storage.models is full.
from storage import counters as counters  # service-wide totals (metrics)
from storage import flood as flood  # the flood budget shared by instances (issue 17)
from storage import indexes as indexes
from storage import offer_models as offer_models
from storage import retention as retention  # its indexes

# The timeline's composite indexes are declared beside its queries (models.py is full).
from storage import timeline as timeline

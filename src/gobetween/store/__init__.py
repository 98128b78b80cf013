"""Persistence: SQLAlchemy tables, scoped repositories, Alembic migrations, audit chain."""

# The stage 4-5 tables live in their own module; importing it registers them on Base.metadata.
from gobetween.store import agreement_tables as agreement_tables
from gobetween.store import bidding_tables as bidding_tables  # double-blind bidding
from gobetween.store import language_tables as language_tables  # working languages, translations
from gobetween.store import login_tables as login_tables  # devices that logged in before
from gobetween.store import record_tables as record_tables  # assessments, entries, publishing
from gobetween.store import setup_tables as setup_tables  # set-up, mail, agenda versions
from gobetween.store import team_tables as team_tables
from gobetween.store import text_tables as text_tables  # drafts, approvals, drafting rules

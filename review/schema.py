"""The review app's tables (prefixed review_), beside Rasa's `events` table in the same database."""

from __future__ import annotations

import sqlalchemy as sa

# Rasa's table, described here only to read and purge it: Rasa creates and owns it
# (rasa.core.tracker_store.SQLTrackerStore.SQLEvent), so it is not in `metadata` below.
rasa_tables = sa.MetaData()
events = sa.Table(
    "events",
    rasa_tables,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)

metadata = sa.MetaData()

# One row a conversation (Rasa sender id): a summary derived from its events, refreshed
# incrementally, and the counsellors' decisions about it. The list pages are queries on this table.
conversations = sa.Table(
    "review_conversations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, unique=True),
    sa.Column("started_at", sa.Float),
    sa.Column("last_at", sa.Float),
    sa.Column("last_event_id", sa.Integer, nullable=False),
    sa.Column("message_count", sa.Integer, nullable=False, default=0),
    sa.Column("level", sa.Integer, nullable=False, default=0),  # safeguarding.levels.RiskLevel
    sa.Column("detectors", sa.String(100), nullable=False, default=""),  # comma-separated
    sa.Column("preview", sa.Text, nullable=False, default=""),
    # The counsellors' part: never touched by the refresh.
    sa.Column("corrected_level", sa.Integer),
    sa.Column("reviewed_by", sa.String(64)),
    sa.Column("reviewed_at", sa.Float),
    sa.Column("keep", sa.Boolean, nullable=False, default=False),
    sa.Index("ix_review_conversations_level", "level", "last_at"),
    sa.Index("ix_review_conversations_last_at", "last_at"),
)

# How far the refresh has read the events table.
index_state = sa.Table(
    "review_index_state",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("last_event_id", sa.Integer, nullable=False),
)

counsellors = sa.Table(
    "review_counsellors",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

# Counsellors who may lift "keep" (python -m review set-role NAME admin); others cannot.
admins = sa.Table(
    "review_admins",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("granted_at", sa.Float, nullable=False),
)

# Signed-in sessions (review/sessions.py): the cookie carries a random id, this table only its
# SHA-256, so a session ends for everyone holding the cookie on sign-out, a new password or removal.
sessions = sa.Table(
    "review_sessions",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, index=True),
    sa.Column("started_at", sa.Float, nullable=False),
    sa.Column("last_seen_at", sa.Float, nullable=False),
)

# The sign-in throttle (review/throttle.py): one row per name typed (whether or not an account has
# it, so the throttle tells nobody which names exist) and one per client address, each updated in
# place and forgotten a day after its last failure. (Earlier versions wrote one row per failure to
# review_sign_in_failures; it is no longer read.)
sign_in_throttle = sa.Table(
    "review_sign_in_throttle",
    metadata,
    sa.Column("key", sa.String(128), primary_key=True),  # "name:alex" or "address:203.0.113.7"
    sa.Column("failures", sa.Integer, nullable=False),  # tries counted since the last success
    sa.Column("wait_seconds", sa.Integer, nullable=False),  # the wait the last failure imposed
    sa.Column("blocked_until", sa.Float, nullable=False),
    sa.Column("refused", sa.Integer, nullable=False),  # tries refused while blocked (not audited)
    sa.Column("last_failed_at", sa.Float, nullable=False, index=True),
)

level_corrections = sa.Table(
    "review_level_corrections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("from_level", sa.Integer, nullable=False),
    sa.Column("to_level", sa.Integer, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("counsellor", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

notes = sa.Table(
    "review_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("counsellor", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

# A child's message the assistant misunderstood, for `make suggestions` to turn into training data.
misunderstood = sa.Table(
    "review_misunderstood",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("event_id", sa.Integer, nullable=False, unique=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("sender", sa.String(16), nullable=False),  # "user": the child
    sa.Column("message_at", sa.Float),
    sa.Column("predicted_intent", sa.String(255)),
    sa.Column("suggested_intent", sa.String(255)),
    sa.Column("counsellor", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

# Who did what when. Nothing deletes it, not even the retention purge: its lines hold no child's
# words (names, actions, levels, intents), so who viewed, exported or lifted keep stays on record.
audit_log = sa.Table(
    "review_audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("counsellor", sa.String(64), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("sender_id", sa.String(255), index=True),
    sa.Column("details", sa.Text, nullable=False, default=""),
)

"""Initial schema: published forms with item snapshots, access codes, attempts, responses, scores, examiners.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forms",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("standard_id", sa.String(100), nullable=False),
        sa.Column("standard_version", sa.String(100)),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("form_sha256", sa.String(64), nullable=False),
        sa.Column("rules", sa.Text, nullable=False),
        sa.Column("time_limit_minutes", sa.Integer),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("published_by", sa.String(100)),
        sa.Column("published_at", sa.Float, nullable=False),
    )
    op.create_table(
        "form_items",
        sa.Column("form_id", sa.String(200), sa.ForeignKey("forms.id"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("item_sha256", sa.String(64), nullable=False),
        sa.Column("snapshot", sa.Text, nullable=False),
    )
    op.create_table(
        "access_codes",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("form_id", sa.String(200), sa.ForeignKey("forms.id"), nullable=False),
        sa.Column("candidate_id", sa.String(100)),
        sa.Column("attempt_id", sa.Integer),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("form_id", sa.String(200), sa.ForeignKey("forms.id"), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("candidate_id", sa.String(100), nullable=False),
        sa.Column("started_at", sa.Float, nullable=False),
        sa.Column("deadline_at", sa.Float),
        sa.Column("extra_seconds", sa.Float, nullable=False),
        sa.Column("option_orders", sa.Text, nullable=False),
        sa.Column("current_position", sa.Integer, nullable=False),
        sa.Column("submitted_at", sa.Float),
        sa.Column("submitted_by", sa.String(20)),
    )
    op.create_index("ix_attempts_candidate", "attempts", ["candidate_id"])
    op.create_index("ix_attempts_form", "attempts", ["form_id"])
    op.create_table(
        "responses",
        sa.Column("attempt_id", sa.Integer, sa.ForeignKey("attempts.id"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("answer", sa.String(40), nullable=False),
        sa.Column("flagged", sa.Boolean, nullable=False),
        sa.Column("saved_at", sa.Float, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
    )
    op.create_table(
        "scores",
        sa.Column("attempt_id", sa.Integer, sa.ForeignKey("attempts.id"), primary_key=True),
        sa.Column("raw", sa.Float, nullable=False),
        sa.Column("max", sa.Float, nullable=False),
        sa.Column("percent", sa.Float, nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("scored_at", sa.Float, nullable=False),
    )
    op.create_table(
        "examiners",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.UniqueConstraint("name", name="uq_examiners_name"),
    )


def downgrade() -> None:
    for table in ("examiners", "scores", "responses", "attempts", "access_codes", "form_items", "forms"):
        op.drop_table(table)

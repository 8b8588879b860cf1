"""Authoring: roles on accounts, blind reviews of items, and every change to an item.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_roles",
        sa.Column("name_key", sa.String(100), primary_key=True),
        sa.Column("role", sa.String(20), primary_key=True),
    )
    # every existing account was an examiner
    op.execute("INSERT INTO account_roles (name_key, role) SELECT name_key, 'examiner' FROM examiners WHERE name_key IS NOT NULL")
    op.create_table(
        "item_reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("reviewer", sa.String(100), nullable=False),
        sa.Column("blind_answer", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("matched", sa.Boolean, nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("checklist", sa.Text, nullable=False, server_default="{}"),
        sa.Column("comments", sa.Text, nullable=False, server_default=""),
        sa.Column("source", sa.String(200), nullable=False, server_default="app"),
        sa.Column("reviewed_at", sa.Float, nullable=False),
    )
    op.create_index("ix_item_reviews_item", "item_reviews", ["item_id", "revision"])
    op.create_table(
        "item_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("diff", sa.Text, nullable=False),
    )
    op.create_index("ix_item_history_item", "item_history", ["item_id", "at"])


def downgrade() -> None:
    op.drop_table("item_history")
    op.drop_table("item_reviews")
    op.drop_table("account_roles")

"""Blueprint drafts with history, and the blueprint of record per standard.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blueprint_drafts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("standard_id", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("note", sa.String(200), nullable=False, server_default=""),
        sa.Column("saved_by", sa.String(100), nullable=False),
        sa.Column("saved_at", sa.Float, nullable=False),
    )
    op.create_index("ix_blueprint_drafts_standard", "blueprint_drafts", ["standard_id", "saved_at"])
    op.create_table(
        "blueprint_defaults",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("standard_id", sa.String(200), nullable=False),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("blueprint_drafts.id")),  # NULL: back to the shipped file
        sa.Column("set_by", sa.String(100), nullable=False),
        sa.Column("set_at", sa.Float, nullable=False),
    )
    op.create_index("ix_blueprint_defaults_standard", "blueprint_defaults", ["standard_id", "set_at"])


def downgrade() -> None:
    op.drop_table("blueprint_defaults")
    op.drop_table("blueprint_drafts")

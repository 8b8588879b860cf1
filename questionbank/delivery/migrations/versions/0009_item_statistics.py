"""Item statistics from the analysis of published forms, by item id and content hash.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "item_statistics",
        sa.Column("form_id", sa.String(200), sa.ForeignKey("forms.id"), primary_key=True),
        sa.Column("item_id", sa.String(200), primary_key=True),
        sa.Column("item_sha256", sa.String(64), nullable=False),
        sa.Column("modes", sa.String(40), nullable=False),
        sa.Column("responses", sa.Integer, nullable=False),
        sa.Column("p", sa.Float),
        sa.Column("corrected_r", sa.Float),
        sa.Column("omit_rate", sa.Float),
        sa.Column("flags", sa.Text, nullable=False),
        sa.Column("computed_at", sa.Float, nullable=False),
    )
    op.create_index("ix_item_statistics_item", "item_statistics", ["item_id", "item_sha256"])


def downgrade() -> None:
    op.drop_index("ix_item_statistics_item", "item_statistics")
    op.drop_table("item_statistics")

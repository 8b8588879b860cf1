"""Cut decisions: who set a form's pass mark, when, by which method and numbers.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cut_decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("form_id", sa.String(200), sa.ForeignKey("forms.id"), nullable=False),
        sa.Column("method", sa.String(40), nullable=False),
        sa.Column("numbers", sa.Text, nullable=False),
        sa.Column("cut_percent", sa.Float),
        sa.Column("cut_raw", sa.Float),
        sa.Column("previous", sa.Text, nullable=False),
        sa.Column("decided_by", sa.String(100), nullable=False),
        sa.Column("decided_at", sa.Float, nullable=False),
        sa.Column("rescored", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("cut_decisions")

"""Duty verdicts of official forms: whether each duty's subscore is reported to candidates (Haberman's PRMSE).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duty_verdicts",
        sa.Column("form_id", sa.String(200), sa.ForeignKey("forms.id"), primary_key=True),
        sa.Column("duty", sa.String(40), primary_key=True),
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("reliability", sa.Float),
        sa.Column("prmse_subscore", sa.Float),
        sa.Column("prmse_total", sa.Float),
        sa.Column("reportable", sa.Boolean, nullable=False),
        sa.Column("candidates", sa.Integer, nullable=False),
        sa.Column("decided_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("duty_verdicts")

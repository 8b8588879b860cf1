"""Standard-setting studies held in the app: the panel, its Angoff ratings per round, its Hofstee judgements.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cut_studies",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("form_id", sa.String(200), sa.ForeignKey("forms.id"), nullable=False),
        sa.Column("owner", sa.String(100), nullable=False),
        sa.Column("owner_key", sa.String(100), nullable=False),
        sa.Column("round", sa.Integer, nullable=False, server_default="1"),
        sa.Column("opened_at", sa.Float, nullable=False),
        sa.Column("round_two_at", sa.Float),
        sa.Column("closed_at", sa.Float),
    )
    op.create_table(
        "study_panelists",
        sa.Column("study_id", sa.Integer, sa.ForeignKey("cut_studies.id"), primary_key=True),
        sa.Column("name_key", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("invited_by", sa.String(100), nullable=False),
        sa.Column("invited_at", sa.Float, nullable=False),
        sa.Column("withdrawn_at", sa.Float),
    )
    op.create_table(
        "study_ratings",
        sa.Column("study_id", sa.Integer, sa.ForeignKey("cut_studies.id"), primary_key=True),
        sa.Column("name_key", sa.String(100), primary_key=True),
        sa.Column("round", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.String(200), primary_key=True),
        sa.Column("rating", sa.Float, nullable=False),
        sa.Column("saved_at", sa.Float, nullable=False),
    )
    op.create_table(
        "study_judgements",
        sa.Column("study_id", sa.Integer, sa.ForeignKey("cut_studies.id"), primary_key=True),
        sa.Column("name_key", sa.String(100), primary_key=True),
        sa.Column("k_min", sa.Float, nullable=False),
        sa.Column("k_max", sa.Float, nullable=False),
        sa.Column("f_min", sa.Float, nullable=False),
        sa.Column("f_max", sa.Float, nullable=False),
        sa.Column("entered_by", sa.String(100), nullable=False),
        sa.Column("saved_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("study_judgements")
    op.drop_table("study_ratings")
    op.drop_table("study_panelists")
    op.drop_table("cut_studies")

"""Challenges (試題疑義), rulings as key amendments, and score revisions.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("forms", sa.Column("challenge_days", sa.Integer, nullable=False, server_default="7"))
    op.add_column("scores", sa.Column("revision", sa.Integer, nullable=False, server_default="1"))
    op.create_table(
        "amendments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("form_id", sa.String(200), sa.ForeignKey("forms.id"), nullable=False),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("keys", sa.Text, nullable=False, server_default="[]"),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("ruled_by", sa.String(100), nullable=False),
        sa.Column("ruled_at", sa.Float, nullable=False),
    )
    op.create_table(
        "challenges",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("form_id", sa.String(200), sa.ForeignKey("forms.id"), nullable=False),
        sa.Column("attempt_id", sa.Integer, sa.ForeignKey("attempts.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("cites", sa.String(40), nullable=False, server_default=""),
        sa.Column("filed_at", sa.Float, nullable=False),
        sa.Column("amendment_id", sa.Integer, sa.ForeignKey("amendments.id")),
        sa.UniqueConstraint("attempt_id", "position", name="uq_challenges_attempt_position"),
    )
    op.create_table(
        "score_revisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("attempt_id", sa.Integer, sa.ForeignKey("attempts.id"), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("raw", sa.Float, nullable=False),
        sa.Column("max", sa.Float, nullable=False),
        sa.Column("percent", sa.Float, nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("scored_at", sa.Float, nullable=False),
        sa.UniqueConstraint("attempt_id", "revision", name="uq_score_revisions"),
    )


def downgrade() -> None:
    op.drop_table("score_revisions")
    op.drop_table("challenges")
    op.drop_table("amendments")
    with op.batch_alter_table("scores") as batch:
        batch.drop_column("revision")
    with op.batch_alter_table("forms") as batch:
        batch.drop_column("challenge_days")

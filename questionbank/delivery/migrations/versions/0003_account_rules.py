"""Account rules: case-insensitive unique examiner names, and login attempts per client.

Revision ID: 0003
Revises: 0002
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("examiners", sa.Column("name_key", sa.String(100), nullable=True))
    op.add_column("login_attempts", sa.Column("client", sa.String(200), nullable=False, server_default=""))
    op.add_column("login_attempts", sa.Column("name_key", sa.String(100), nullable=False, server_default=""))
    conn = op.get_bind()
    for row in conn.execute(sa.text("SELECT id, name FROM examiners")).all():
        key = unicodedata.normalize("NFKC", row.name).strip().casefold()
        conn.execute(sa.text("UPDATE examiners SET name_key = :k WHERE id = :i"), {"k": key, "i": row.id})
    for row in conn.execute(sa.text("SELECT DISTINCT name FROM login_attempts")).all():
        key = unicodedata.normalize("NFKC", row.name).strip().casefold()
        conn.execute(sa.text("UPDATE login_attempts SET name_key = :k WHERE name = :n"), {"k": key, "n": row.name})
    op.create_index("uq_examiners_name_key", "examiners", ["name_key"], unique=True)
    op.create_index("ix_login_attempts_key_client_at", "login_attempts", ["name_key", "client", "at"])
    op.create_index("ix_login_attempts_client_at", "login_attempts", ["client", "at"])


def downgrade() -> None:
    op.drop_index("ix_login_attempts_client_at", "login_attempts")
    op.drop_index("ix_login_attempts_key_client_at", "login_attempts")
    op.drop_index("uq_examiners_name_key", "examiners")
    with op.batch_alter_table("login_attempts") as batch:
        batch.drop_column("name_key")
        batch.drop_column("client")
    with op.batch_alter_table("examiners") as batch:
        batch.drop_column("name_key")

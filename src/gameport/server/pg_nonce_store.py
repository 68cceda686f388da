"""One-time Meta nonces in PostgreSQL: every backend process issues and consumes from the same table, so a
nonce issued by one process is accepted once by whichever process receives the login, and never twice.
"""

from __future__ import annotations

from .ledger.pg_db import PgDatabase
from .nonce_store import NonceOutcome, new_nonce


class PgNonceStore:
    """An :class:`~.nonce_store.AsyncNonceStore` over the backend's PostgreSQL database.

    Consumption is one conditional ``UPDATE`` (consumed only if still unconsumed and unexpired), so two
    processes racing on one nonce cannot both succeed.
    """

    def __init__(self, db: PgDatabase) -> None:
        self.db = db

    async def issue(self, *, ttl_s: float, now: float) -> str:
        nonce = new_nonce()
        async with self.db.write() as conn:
            await conn.execute("DELETE FROM nonces WHERE expires_at < %s", (now - ttl_s,))
            await conn.execute("INSERT INTO nonces (nonce, expires_at) VALUES (%s, %s)", (nonce, now + ttl_s))
        return nonce

    async def consume(self, nonce: str, *, now: float) -> NonceOutcome:
        async with self.db.read() as conn:
            cur = await conn.execute(
                "UPDATE nonces SET consumed_at = %s WHERE nonce = %s AND consumed_at IS NULL"
                " AND expires_at >= %s",
                (now, nonce, now),
            )
            if cur.rowcount == 1:
                return NonceOutcome.OK
            cur = await conn.execute("SELECT consumed_at FROM nonces WHERE nonce = %s", (nonce,))
            row = await cur.fetchone()
        if row is not None and row[0] is not None:
            return NonceOutcome.REPLAYED
        return NonceOutcome.UNKNOWN

    async def close(self) -> None:
        await self.db.close()

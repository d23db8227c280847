"""The record of desks' access to personal data (PIPL Art. 51): the audit trail's entries
for each reading of the expert register in full, each other reading in full (an expert's
bank account number, the withholding declaration's ID numbers, an ID card's face) and
each export holding people's personal data (a download holding none is a `download`, not
listed), newest first; each says what it held, as services/audit/exports.py declares it.
The entries are written by miniapp_api/audit.py and chained by
services/audit/chain.py."""

from __future__ import annotations

from models.audit import AuditEntry
from services.common.paging import PAGE, Page, keyset

ACCESS = ("unmask_register", "read_full", "export")


async def recent_access(limit: int = PAGE, after: str | None = None) -> Page[AuditEntry]:
    """A page after the cursor `after` (keyset paging by id: entries are appended in time
    order)."""
    return await keyset(AuditEntry.filter(action__in=ACCESS), limit, after)

"""The record of desks' access to personal data (PIPL Art. 51): the audit trail's entries
for each reading of the expert register in full and each export, newest first. The entries
are written and chained by services/admin/audit_chain.py."""

from __future__ import annotations

from models.audit import AuditEntry

ACCESS = ("unmask_register", "export")


async def recent_access(limit: int = 200) -> list[AuditEntry]:
    return await AuditEntry.filter(action__in=ACCESS).order_by("-at", "-id").limit(limit)

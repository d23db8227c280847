"""The audit trail (GB/T 22239-2019 level 3 安全审计): the hash-chained entries every desk
action writes, their nightly anchor, and the record of access to personal data. Below
people and admin, which both write to it.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.audit.chain import AuditChain, SignInHow

__all__ = [
    "AuditChain",
    "SignInHow",
]

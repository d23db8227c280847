"""A person's rights over their data (PIPL Art. 44-47): the copy of their data, corrections,
retention and anonymisation after deregistration, the inventory of what is kept. Above
every context it reads.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.rights.data_inventory import COPY_LINK, COPY_PATH, INVENTORY
from services.rights.personal_data import PersonalData
from services.rights.retention import Retention, RetentionJob

__all__ = [
    "COPY_LINK",
    "COPY_PATH",
    "INVENTORY",
    "PersonalData",
    "Retention",
    "RetentionJob",
]

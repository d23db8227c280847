"""Help that answers: the centre's knowledge base (常见问题, 办理指南), the 智能客服 that
answers a question in a person's own words from it. Above people (roles); nothing above
it but the edges.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.help.by_sms import HelpBySms
from services.help.knowledge import Audience, EntryText, Kind, Process
from services.help.ranker import Mode, ModelUnavailable, Ranker, RemoteModel
from services.help.review import HelpReviews
from services.help.segment import Segmenter
from services.help.service import SEARCHES_PER_MINUTE, Answer, Contact, Help
from services.help.support import Conversation, SupportDesk, Waiting

__all__ = [
    "SEARCHES_PER_MINUTE",
    "Answer",
    "Audience",
    "Contact",
    "Conversation",
    "EntryText",
    "Help",
    "HelpBySms",
    "HelpReviews",
    "Kind",
    "Mode",
    "ModelUnavailable",
    "Process",
    "Ranker",
    "RemoteModel",
    "Segmenter",
    "SupportDesk",
    "Waiting",
]

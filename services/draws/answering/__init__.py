"""An expert's answer to an invitation, whichever way it comes (chat, SMS, a keypress on a
call, the answer page): the words that mean 1 参加 / 2 不参加 / 3 需回避 and the one `decide`
every channel meets.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from services.draws.answering.answers import (
    ACKNOWLEDGE,
    ANSWER,
    LONE_SQL,
    Answer,
    Answers,
    NotAnAnswer,
    Several,
)
from services.draws.answering.service import Answering
from services.draws.answering.sms_answers import SmsReplies
from services.draws.answering.voice_answers import VoiceReplies

__all__ = [
    "ACKNOWLEDGE",
    "ANSWER",
    "LONE_SQL",
    "Answer",
    "Answering",
    "Answers",
    "NotAnAnswer",
    "Several",
    "SmsReplies",
    "VoiceReplies",
]

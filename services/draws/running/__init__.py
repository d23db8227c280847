"""A running draw: the engine (waves, replies, lifecycle, sweep) and its parts the outside
reads, answers by chat, SMS, voice and link, calls to those who have not answered.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from typing import TYPE_CHECKING

from services.common.doors import lazy

if TYPE_CHECKING:
    from services.draws.running.answers import ACKNOWLEDGE, ANSWER, Answer, NotAnAnswer, Several
    from services.draws.running.calls import CallPolicy, DrawCalls
    from services.draws.running.counts import Counts
    from services.draws.running.engine import DrawEngine
    from services.draws.running.moot import DRAW_MOOT
    from services.draws.running.rules import SANCTIONED
    from services.draws.running.seal import CHECKIN_LINK, RESULT_LINK, SEAL_BEFORE
    from services.draws.running.sealed import SEALED_ACTIONS
    from services.draws.running.sms_answers import SmsReplies
    from services.draws.running.voice_answers import VoiceReplies

__all__ = [
    "ACKNOWLEDGE",
    "ANSWER",
    "CHECKIN_LINK",
    "DRAW_MOOT",
    "RESULT_LINK",
    "SANCTIONED",
    "SEALED_ACTIONS",
    "SEAL_BEFORE",
    "Answer",
    "CallPolicy",
    "Counts",
    "DrawCalls",
    "DrawEngine",
    "NotAnAnswer",
    "Several",
    "SmsReplies",
    "VoiceReplies",
]
__getattr__ = lazy(__name__, __file__)

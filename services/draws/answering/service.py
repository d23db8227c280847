"""An expert's answer as the channels meet it: the one decision (`answers.decide`), the
answer by SMS (and on the invitation's page), and the key pressed on a call."""

from __future__ import annotations

from dataclasses import dataclass

from services.draws.answering.answers import Answers
from services.draws.answering.sms_answers import SmsReplies
from services.draws.answering.voice_answers import VoiceReplies


@dataclass(frozen=True, kw_only=True)
class Answering:
    answers: Answers
    sms_answers: SmsReplies
    voice_answers: VoiceReplies

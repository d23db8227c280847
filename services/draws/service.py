"""The draws as one service with its parts, each named as its package, its API routes,
its console pages and its tests are (facts, news, candidates, randomness, running, setup,
venue, followups, record, answering): the composition root builds it, the edges reach an
operation as `domain.draws.<part>.<service>.<operation>`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from redis.asyncio import Redis

from services.common.links import Links
from services.common.pii import Vault
from services.common.ports import FaceVerifier
from services.common.reactions import Announcer
from services.common.redis_keys import RedisKeys
from services.common.schedule import Schedule, Unschedule
from services.common.texts import Texts
from services.draws.answering.answers import Answers
from services.draws.answering.service import Answering
from services.draws.answering.sms_answers import SmsReplies
from services.draws.answering.voice_answers import VoiceReplies
from services.draws.candidates.kin_release import KinReleases
from services.draws.candidates.service import Candidates
from services.draws.facts.service import Facts
from services.draws.followups.absences import Absences
from services.draws.followups.lent import LentDesk
from services.draws.followups.recall import Recall
from services.draws.followups.sealed import SealedRequests
from services.draws.followups.service import Followups
from services.draws.followups.supplements import Supplements
from services.draws.followups.virtual_calls import VirtualCalls
from services.draws.followups.withdrawals import Withdrawals
from services.draws.news.agency_news import AgencyNews
from services.draws.news.service import News
from services.draws.randomness.service import Randomness
from services.draws.record.performance import Performance
from services.draws.record.performance_due import PerformanceDue
from services.draws.record.service import Record
from services.draws.running.calls import DrawCalls
from services.draws.running.service import Running
from services.draws.setup.activities import Activities
from services.draws.setup.avoidance_import import AvoidanceImport
from services.draws.setup.involvement import Involvement
from services.draws.setup.service import Setup
from services.draws.setup.urgency import URGENT_MINUTES, Urgency
from services.draws.setup.verification import Verification
from services.draws.venue.attendance import Attendance
from services.draws.venue.face import FaceCheckIns
from services.draws.venue.identity import IdentityChecks
from services.draws.venue.service import Venue
from services.help import HelpBySms
from services.notifications import NumberPrivacy, Outbox


@dataclass(frozen=True)
class Timing:
    """What a deployment sets of the draw's clock (config/settings)."""

    emergency_minutes: int = URGENT_MINUTES  # an urgent draw's answer window
    reminders: tuple[int, ...] = ()  # minutes before the gathering an expert is reminded
    urges: tuple[int, ...] = ()  # minutes after it those not arrived are urged


@dataclass(frozen=True, kw_only=True)
class Draws:
    running: Running
    setup: Setup
    venue: Venue
    followups: Followups
    record: Record
    answering: Answering
    news: News
    candidates: Candidates
    facts: Facts = field(default_factory=Facts)
    randomness: Randomness = field(default_factory=Randomness)

    @classmethod
    def made(cls, *, outbox: Outbox, schedule: Schedule, vault: Vault, texts: Texts,
             links: Links, redis: Redis, keys: RedisKeys, timing: Timing = Timing(),
             answer_link: Callable[[int], str] | None = None, calls: DrawCalls | None = None,
             privacy: NumberPrivacy | None = None, face: FaceVerifier | None = None,
             help_sms: HelpBySms | None = None, announcer: Announcer | None = None,
             unschedule: Unschedule | None = None) -> Draws:
        """Every part, each given what it uses."""
        running = Running.over(outbox, schedule, answer_link, calls, unschedule)
        urgency = Urgency(texts, timing.emergency_minutes)
        activities = Activities(outbox, vault, texts, urgency)
        attendance = Attendance(outbox, activities, list(timing.reminders), list(timing.urges),
                                answer_link)
        absences = Absences(outbox, schedule)
        supplements = Supplements(schedule, running.lifecycle)
        withdrawals = Withdrawals(outbox, answer_link)
        answers = Answers(running.replies)
        return cls(
            running=running,
            setup=Setup(activities=activities, urgency=urgency,
                        verification=Verification(outbox, texts, urgency),
                        avoidance_import=AvoidanceImport(activities),
                        involvement=Involvement(vault)),
            venue=Venue(attendance=attendance, identity=IdentityChecks(attendance),
                        face=FaceCheckIns(attendance, face, vault, redis, keys)),
            followups=Followups(
                absences=absences, supplements=supplements,
                sealed=SealedRequests(outbox, supplements, running.lifecycle),
                withdrawals=withdrawals, recall=Recall(outbox),
                virtual_calls=VirtualCalls(privacy), lent=LentDesk(absences, supplements)),
            record=Record(performance=Performance(outbox, links, announcer),
                          performance_due=PerformanceDue(outbox)),
            answering=Answering(
                answers=answers,
                sms_answers=SmsReplies(answers, outbox, texts, answer_link, withdrawals,
                                       attendance, help_sms),
                voice_answers=VoiceReplies(answers, withdrawals, outbox, texts,
                                           answer_link)),
            news=News(agency_news=AgencyNews(outbox)),
            candidates=Candidates(kin_releases=KinReleases(outbox)))

"""The domain aggregate built for a process: every service given what it uses, by keyword
(the composition root's one place that knows how the services are made)."""

from __future__ import annotations

from datetime import datetime, timedelta

from arq.connections import ArqRedis
from arq.constants import expires_extra_ms, job_key_prefix
from redis.asyncio import Redis
from tortoise.backends.base.client import BaseDBAsyncClient

from bot.redis_batch import ScriptBatcher
from config.invoicing import Invoicing, invoice_words, mail_text
from config.key_dates import key_dates_of
from config.observability.job_trace import traced_kwargs
from config.settings import Settings, make_vault
from config.settings.replica import lagging_reads
from services.admin import (
    Administration,
    AdminViews,
    FeedbackDesk,
    KeyDates,
    StatisticsDesk,
    TrailWords,
)
from services.applicants import (
    ApplicationReads,
    Applications,
    PublicNotice,
    Review,
    UnitRequests,
)
from services.audit import AuditChain
from services.common.clock import SYSTEM_CLOCK, Clock, china_time
from services.common.files import DiskStore
from services.common.links import ANSWER_LINK, Links
from services.common.ports import FaceVerifier
from services.common.reactions import Reactions
from services.common.redis_keys import RedisKeys
from services.common.scenes import SceneCodec
from services.common.texts import Texts
from services.documents import Documents
from services.domain import Domain
from services.draws import Draws, Timing
from services.draws.running import CallPolicy, DrawCalls
from services.education import (
    Education,
    Exams,
    Marking,
    Materials,
    Training,
    TrainingRefunds,
)
from services.evaluation import (
    CommitteeReads,
    CommitteeWatches,
    Corrections,
    EvaluationSystems,
    EventDesk,
    FlagStatistics,
    Portraits,
    Proposals,
    ScoreDesk,
    ScoreReviews,
    SystemClient,
    SystemTrust,
)
from services.federation import DirectoryReader, PeerAsks, PeerDesk, PeerLending
from services.fees import (
    FeeChannels,
    Fees,
    Funding,
    PayoutAccounts,
    Payouts,
    Receipts,
    TransferAuthorisations,
)
from services.help import (
    Contact,
    Help,
    HelpBySms,
    RemoteModel,
    Segmenter,
    SupportDesk,
)
from services.notifications import (
    CodeSms,
    NumberPrivacy,
    Outbox,
    SmsGateway,
    VoiceGateway,
)
from services.onboarding import Onboarding
from services.payments import BillReconcile, PayGateway, Payments
from services.payments.invoicing import EInvoices, Invoices
from services.payments.transfers import FundFlowGateway, TransferGateway, TransferReconcile
from services.people import (
    Agencies,
    Binding,
    Callers,
    Experts,
    IdentityRules,
    People,
    Reencryption,
    Registration,
    Relatives,
    RelativesYearly,
    SecondFactor,
    SecurityDesk,
    VerificationCodes,
    WeChatPrivacy,
)
from services.people.dishonesty import DishonestyCheck, DishonestyChecks
from services.people.register import RegisterImports
from services.people.verifiers import IdentityPlatform, RealNameCheck, UnifiedIdentity
from services.reactions import table as reaction_table
from services.reference import ConsultContacts, Holidays, Reference
from services.rights import PersonalData, Retention, RetentionJob
from services.standing import ConductCatalogue, CreditDesk, SanctionDesk, YearlyAccounts

JOB_KEPT = timedelta(milliseconds=expires_extra_ms)  # arq's day past a job's time

# jobs taken off arq's queue (KEYS: the queue, then each job's data; ARGV: the jobs' ids)
UNSCHEDULE = """redis.call('ZREM', KEYS[1], unpack(ARGV))
redis.call('DEL', unpack(KEYS, 2))
return #ARGV"""


def build_domain(settings: Settings, *, redis: Redis, keys: RedisKeys, arq: ArqRedis,
                 outbox: Outbox, texts: Texts, sms: SmsGateway, public_url: str,
                 pay: PayGateway | None, voice: VoiceGateway | None = None,
                 realname: RealNameCheck | None = None,
                 dishonesty: DishonestyCheck | None = None,
                 privacy: NumberPrivacy | None = None,
                 invoicing: Invoicing | None = None,
                 replica: BaseDBAsyncClient | None = None,
                 transfers: TransferGateway | None = None,
                 fund_flow: FundFlowGateway | None = None,
                 peers: PeerDesk | None = None,
                 face: FaceVerifier | None = None, identity: IdentityPlatform | None = None,
                 systems: SystemTrust | None = None, system_client: SystemClient | None = None,
                 help_model: RemoteModel | None = None,
                 clock: Clock = SYSTEM_CLOCK) -> Domain:
    """The domain services, each given what it uses."""

    async def schedule(name: str, when: datetime, args: tuple[object, ...],
                       job_id: str) -> bool:
        # the job's data kept a day past its time by the service's clock, as arq keeps it
        # by the system's (the same where they agree; arq's own sum goes negative, and
        # Redis refuses it, on a clock set back more than a day)
        keep = max(when - clock.now(), timedelta()) + JOB_KEPT
        return await arq.enqueue_job(name, *args, _job_id=job_id, _defer_until=when,
                                     _expires=keep, **traced_kwargs()) is not None

    unscheduling = ScriptBatcher(arq, settings.redis_timeout)
    unschedule_sha = unscheduling.register(UNSCHEDULE)

    async def unschedule(job_ids: list[str]) -> None:
        # arq's queue and each job's data, one script a call; the calls of one event-loop
        # turn (the replies answered at the same moment) share one round trip. A job whose
        # data is gone is dropped by the worker that finds it due
        if not job_ids:
            return
        await unscheduling.call(unschedule_sha, [arq.default_queue_name, *(
            job_key_prefix + j for j in job_ids)], list(job_ids))

    vault = make_vault(settings)
    links = Links(settings.secret_key, public_url)
    people = People(vault, outbox, settings.password_cost)
    codes = VerificationCodes(redis, keys, clock, on_person_locked=people.tell_locked,
                              per_hour=settings.sms_codes_per_hour)
    code_sms = CodeSms(sms, texts)
    files = DiskStore(settings.var_dir / "files")
    education = Education(outbox, links, settings.secret_key)
    training = Training(outbox)
    reactions = Reactions(reaction_table(outbox, education, training))  # services/reactions.py
    relatives = Relatives(vault, reactions)
    exams = Exams(outbox, links, education, relatives, schedule)
    calls = None if voice is None else DrawCalls(outbox, schedule, CallPolicy(
        timedelta(minutes=settings.voice_after_minutes),
        timedelta(minutes=settings.voice_retry_minutes), settings.voice_attempts))
    knowledge = Help(settings.texts_dir, Segmenter(),
                     Contact(settings.help_hotline, settings.help_hours))
    support = SupportDesk(outbox)

    async def roles_of(person_id: int, now: datetime) -> set[str]:
        return {str(g.role) for g in await people.active_roles(person_id, now)}

    help_sms = HelpBySms(knowledge, support, texts, links.address, sms, outbox, redis, keys,
                         vault.lookup_hash, roles_of)
    draws = Draws.made(
        outbox=outbox, schedule=schedule, vault=vault, texts=texts, links=links, redis=redis,
        keys=keys, answer_link=lambda invitation_id: links.address(
            "/a/" + links.short(ANSWER_LINK, str(invitation_id))), calls=calls,
        timing=Timing(settings.emergency_response_minutes,
                      tuple(settings.minutes(settings.reminder_minutes)),
                      tuple(settings.minutes(settings.urge_minutes))),
        privacy=privacy, face=face, help_sms=help_sms, announcer=reactions,
        unschedule=unschedule)
    second_factor = SecondFactor(vault, AuditChain.key_of(settings.secret_key + "/2fa"))
    reads = lagging_reads(settings, replica)
    audit = AuditChain(AuditChain.key_of(settings.secret_key), reads)
    payments = Payments(pay, outbox, redis, keys, links, invoice_words(texts, invoicing),
                        reactions)
    return Domain(
        vault=vault, people=people, experts=Experts(),
        unified_identity=UnifiedIdentity(people, identity, settings.unified_identity_level_url),
        relatives=relatives, relatives_yearly=RelativesYearly(outbox),
        callers=Callers(),
        identity_rules=IdentityRules(), reencryption=Reencryption(), codes=codes, outbox=outbox,
        files=files, links=links,
        documents=Documents(),
        scenes=SceneCodec(settings.secret_key), reference=Reference(), holidays=Holidays(),
        key_dates=KeyDates(key_dates_of(settings, peers.federation if peers else None), texts),
        consult_contacts=ConsultContacts(),
        binding=Binding(people, codes, code_sms, redis, keys),
        registration=Registration(people, codes, code_sms, realname),
        applications=Applications(outbox, files, people, relatives),
        application_reads=ApplicationReads(),
        exams=exams,
        review=Review(outbox, exams, relatives), marking=Marking(exams),
        public_notice=PublicNotice(outbox, relatives, vault, files, texts, sms,
                                   invoicing.mailer if invoicing else None, schedule),
        education=education,
        materials=Materials(files, links), unit_requests=UnitRequests(outbox),
        training=training, refunds=TrainingRefunds(pay, training, outbox),
        payments=payments,
        invoices=Invoices(outbox),
        bill_reconcile=BillReconcile(pay),
        transfer_reconcile=TransferReconcile(fund_flow, transfers),
        draws=draws,
        agencies=Agencies(people), onboarding=Onboarding(),
        administration=Administration(people, exams),
        admin_views=AdminViews(), statistics=StatisticsDesk(), trail_words=TrailWords(texts),
        register=RegisterImports(people, files, schedule),
        feedback=FeedbackDesk(outbox),
        sanctions=SanctionDesk(outbox, reactions, links), conduct=ConductCatalogue(),
        credit=CreditDesk(), yearly_accounts=YearlyAccounts(outbox),
        fees=Fees(payouts=Payouts(transfers, outbox, lambda at: texts.render(
            "payout/remark.j2", day=china_time(at).split(" ")[0]),
            PayoutAccounts(outbox, vault, links), TransferAuthorisations(
                transfers, settings.transfer_authorised,
                lambda name: texts.render("payout/authorisation_name.j2", name=name).strip())),
            funding=(funding := Funding(payments)), receipts=Receipts(transfers, files),
            channels=FeeChannels(transfers)),
        dishonesty=DishonestyChecks(vault, dishonesty, schedule,
                                    timedelta(days=settings.dishonesty_every_days)),
        einvoices=EInvoices(outbox, files, links, invoicing.provider if invoicing else None,
                            invoicing.mailer if invoicing else None, schedule,
                            mail_text(texts), invoicing.auto if invoicing else False),
        audit=audit, reads=reads,
        second_factor=second_factor, security=SecurityDesk(second_factor, codes.lockout),
        personal_data=PersonalData(texts, settings.retention_days, settings.log_retention_days,
                                   audit),
        knowledge=knowledge, support=support,
        retention=RetentionJob(Retention(timedelta(days=settings.retention_days),
                                         timedelta(days=settings.log_retention_days)),
                               vault, files, texts, audit),
        wechat_privacy=WeChatPrivacy(outbox), peers=peers or PeerDesk.off(),
        lending=PeerLending(draws, audit, vault, peers, funding),
        asking=PeerAsks(peers or PeerDesk.off(), draws, audit, vault),
        directory=DirectoryReader(),
        evaluation_systems=EvaluationSystems(systems.identity if systems else None),
        watches=CommitteeWatches(systems or SystemTrust(None, redis, keys.prefix), audit,
                                 system_client),
        score_reviews=ScoreReviews(systems or SystemTrust(None, redis, keys.prefix), audit,
                                   system_client),
        committee_reads=CommitteeReads(), evaluation_events=EventDesk(),
        scores=(scores := ScoreDesk(proposals := Proposals(draws.record.performance),
                                    draws.news.agency_news)),
        corrections=Corrections(scores), proposals=proposals,
        portraits=Portraits(), flag_statistics=FlagStatistics())

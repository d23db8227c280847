"""Everything a process runs on (Redis, the database, the domain, the channels out, the chat
engine), started in order and stopped in reverse, for the web app and the worker alike.
The composition root (config.app, config.worker) hands each edge the part it uses."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiohttp
from arq.connections import ArqRedis
from redis.asyncio import Redis
from tortoise.backends.base.client import BaseDBAsyncClient

from bot.background import Background, cancel_and_wait
from bot.conversation.engine import Engine
from bot.providers.pay.client import WeChatPayClient
from bot.providers.voice.callbacks import VoiceInbox
from bot.relay.channels import Channels
from bot.relay.relay import OutboxNudge
from config.channels_build import build_channels
from config.chat import build_engine
from config.clients import (
    PrivacySetup,
    VoiceSetup,
    dishonesty_check,
    identity_platform,
    pay_client,
    privacy_setup,
    realname_check,
    sms_factory,
    transfers_of,
    voice_setup,
)
from config.database import database, replica_database
from config.embedded_redis import embedded_redis
from config.evaluation import system_client, system_trust
from config.federation import peer_desk
from config.invoicing import Invoicing, invoice_words, invoicing, mail_text
from config.job_trace import traced_kwargs
from config.redis_client import RedisTarget, make_arq, make_redis
from config.settings import Settings, make_vault
from config.settings.face import face_verifier
from config.settings.redis import redis_target
from config.settings.replica import lagging_reads
from miniapp_api.sessions import Sessions
from services.admin import (
    Administration,
    AdminViews,
    FeedbackDesk,
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
from services.draws import (
    Attendance,
    AvoidanceImport,
    CallPolicy,
    Drafts,
    DrawCalls,
    DrawEngine,
    DrawFollowups,
    DrawRecord,
    DrawScope,
    DrawSetup,
    Evidence,
    FaceCheckIns,
    IdentityChecks,
    Involvement,
    LentDesk,
    Performance,
    Recall,
    RequestRecord,
    Templates,
    Terminals,
    Urgency,
    VirtualCalls,
    VoiceReplies,
)
from services.education import (
    Education,
    Exams,
    Marking,
    Materials,
    Training,
    TrainingRefunds,
)
from services.evaluation import (
    CommitteeWatches,
    EvaluationSystems,
    FlagStatistics,
    Portraits,
    Proposals,
    ScoreDesk,
    SystemClient,
    SystemTrust,
)
from services.federation import FeeTerms, PeerAsks, PeerDesk, PeerLending
from services.fees import (
    HOSTED_TERMS,
    Fees,
    Funding,
    PayoutAccounts,
    Payouts,
    Receipts,
    TransferAuthorisations,
)
from services.help import Contact, Help, Segmenter, SupportDesk
from services.notifications import (
    ALL_CHANNELS,
    CodeSms,
    NumberPrivacy,
    Outbox,
    SmsGateway,
    VoiceGateway,
)
from services.onboarding import Onboarding
from services.payments import (
    BillReconcile,
    EInvoices,
    FundFlowGateway,
    Invoices,
    PayGateway,
    Payments,
    TransferGateway,
    TransferReconcile,
)
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
from services.standing import ConductCatalogue, CreditDesk, SanctionDesk


@dataclass(frozen=True, kw_only=True)
class Runtime:
    settings: Settings
    redis_target: RedisTarget  # REDIS_URL, or the sentinels' master
    redis: Redis
    keys: RedisKeys
    texts: Texts
    background: Background
    http: aiohttp.ClientSession
    domain: Domain
    channels: Channels
    engine: Engine
    sessions: Sessions
    pay: WeChatPayClient | None  # None while payments are not configured
    voice: VoiceSetup  # the voice provider's callback secret (and the sandbox's stand-in)
    privacy: PrivacySetup  # the number-privacy provider's (and the sandbox's stand-in)
    invoicing: Invoicing  # the e-invoice provider and the mailer (and the sandbox's catcher)
    clock: Clock  # what counts and expires by the clock reads it (a test's own in tests)


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
                 clock: Clock = SYSTEM_CLOCK) -> Domain:
    """The domain services, each given what it uses."""

    async def schedule(name: str, when: datetime, args: tuple[object, ...],
                       job_id: str) -> bool:
        return await arq.enqueue_job(name, *args, _job_id=job_id, _defer_until=when,
                                     **traced_kwargs()) is not None

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
    draws = DrawEngine(outbox, schedule, answer_link=lambda invitation_id: links.address(
        "/a/" + links.short(ANSWER_LINK, str(invitation_id))), calls=calls)
    urgency = Urgency(texts, settings.emergency_response_minutes)
    setup = DrawSetup(outbox, vault, texts, urgency)
    second_factor = SecondFactor(vault, AuditChain.key_of(settings.secret_key + "/2fa"))
    reads = lagging_reads(settings, replica)
    audit = AuditChain(AuditChain.key_of(settings.secret_key), reads)
    payments = Payments(pay, outbox, redis, keys, links, invoice_words(texts, invoicing),
                        reactions)
    attendance = Attendance(outbox, setup, settings.minutes(settings.reminder_minutes),
                            settings.minutes(settings.urge_minutes), draws.answer_link)
    return Domain(
        vault=vault, people=people, experts=Experts(),
        unified_identity=UnifiedIdentity(people, identity, settings.unified_identity_level_url),
        relatives=relatives,
        callers=Callers(),
        identity_rules=IdentityRules(), reencryption=Reencryption(), codes=codes, outbox=outbox,
        files=files, links=links,
        documents=Documents(),
        scenes=SceneCodec(settings.secret_key), reference=Reference(), holidays=Holidays(),
        consult_contacts=ConsultContacts(),
        binding=Binding(people, codes, code_sms, redis, keys),
        registration=Registration(people, codes, code_sms, realname),
        applications=Applications(outbox, files, people, relatives),
        application_reads=ApplicationReads(),
        exams=exams,
        review=Review(outbox, exams, relatives), marking=Marking(exams),
        public_notice=PublicNotice(outbox, relatives),
        education=education,
        materials=Materials(files, links), unit_requests=UnitRequests(outbox),
        training=training, refunds=TrainingRefunds(pay, training, outbox),
        payments=payments,
        invoices=Invoices(outbox),
        bill_reconcile=BillReconcile(pay),
        transfer_reconcile=TransferReconcile(fund_flow, transfers),
        draw_setup=setup, drafts=Drafts(), draw_evidence=Evidence(), draw_requests=RequestRecord(),
        draw_templates=Templates(), draw_terminals=Terminals(), draw_urgency=urgency,
        avoidance_import=AvoidanceImport(setup), involvement=Involvement(vault), draws=draws,
        draw_scope=DrawScope(),
        draw_record=DrawRecord(), performance=(performance := Performance(outbox, links)),
        draw_followups=(followups := DrawFollowups(outbox, draws)),
        attendance=attendance, identity_checks=IdentityChecks(attendance),
        lent_desk=LentDesk(followups),
        face_checkins=FaceCheckIns(attendance, face, vault, redis, keys),
        agencies=Agencies(people), onboarding=Onboarding(),
        administration=Administration(people, exams),
        admin_views=AdminViews(), statistics=StatisticsDesk(), trail_words=TrailWords(texts),
        register=RegisterImports(people, files, schedule),
        feedback=FeedbackDesk(outbox),
        sanctions=SanctionDesk(outbox, reactions, links), conduct=ConductCatalogue(),
        credit=CreditDesk(),
        fees=Fees(payouts=Payouts(transfers, outbox, lambda at: texts.render(
            "payout/remark.j2", day=china_time(at).split(" ")[0]),
            PayoutAccounts(outbox, vault, links), TransferAuthorisations(
                transfers, settings.transfer_authorised,
                lambda name: texts.render("payout/authorisation_name.j2", name=name).strip())),
            funding=(funding := Funding(payments)), receipts=Receipts(transfers, files)),
        dishonesty=DishonestyChecks(vault, dishonesty, schedule,
                                    timedelta(days=settings.dishonesty_every_days)),
        virtual_calls=VirtualCalls(privacy),
        einvoices=EInvoices(outbox, files, links, invoicing.provider if invoicing else None,
                            invoicing.mailer if invoicing else None, schedule,
                            mail_text(texts), invoicing.auto if invoicing else False),
        recall=Recall(outbox), audit=audit, reads=reads,
        second_factor=second_factor, security=SecurityDesk(second_factor, codes.lockout),
        personal_data=PersonalData(texts, settings.retention_days, settings.log_retention_days,
                                   audit),
        knowledge=Help(settings.texts_dir, Segmenter(),
                       Contact(settings.help_hotline, settings.help_hours)),
        support=SupportDesk(outbox),
        retention=RetentionJob(Retention(timedelta(days=settings.retention_days),
                                         timedelta(days=settings.log_retention_days)),
                               vault, files, texts, audit),
        wechat_privacy=WeChatPrivacy(outbox), peers=peers or PeerDesk.off(),
        lending=PeerLending(draws, audit, followups, vault, attendance, peers, performance,
                            funding),
        asking=PeerAsks(peers or PeerDesk.off(), draws, audit, vault),
        evaluation_systems=EvaluationSystems(),
        watches=CommitteeWatches(systems or SystemTrust(None, redis, keys.prefix), audit,
                                 system_client),
        scores=ScoreDesk(proposals := Proposals(performance)), proposals=proposals,
        portraits=Portraits(), flag_statistics=FlagStatistics())


@contextlib.asynccontextmanager
async def open_runtime(settings: Settings, own_url: str, clock: Clock = SYSTEM_CLOCK
                       ) -> AsyncIterator[Runtime]:
    """Start every resource in order and stop them in reverse. `own_url` is where this
    deployment's web process listens (the sandbox WeChat API lives under it); `clock` is
    what counts and expires by the clock reads (the system's but in tests)."""
    make_sms = sms_factory(settings)  # before anything starts
    texts = Texts(settings.texts_dir)
    # desk roles' pushes point to where the work is done: the console of this deployment
    texts.env.globals["console_url"] = own_url.rstrip("/") + "/console/"
    DrawEngine.venues.use_texts(texts)  # 主场 / 副场 in the experts' notices
    HOSTED_TERMS.add(FeeTerms.hosted)  # a 副场 served here for another library's 主场
    voice = voice_setup(settings, texts, settings.api_base(own_url))
    privacy = privacy_setup(settings, settings.api_base(own_url))
    target = redis_target(settings.redis_url)  # a bad REDIS_SENTINELS is named here
    async with contextlib.AsyncExitStack() as stack:
        if not settings.redis_url and not target.through_sentinel:
            persist = settings.env == "development"
            target = RedisTarget(await stack.enter_async_context(
                embedded_redis(settings.var_dir / "redis", persist=persist)))
        keys = RedisKeys(settings.redis_prefix)
        redis = make_redis(target, settings)
        stack.push_async_callback(redis.aclose)
        conv_redis = make_redis(target, settings, read_timeout=False)
        stack.push_async_callback(conv_redis.aclose)
        arq = make_arq(target, settings)
        stack.push_async_callback(arq.aclose)
        await stack.enter_async_context(database(settings))
        replica = await stack.enter_async_context(replica_database(settings))
        # reference data every process reads without awaiting: read now, then kept fresh
        snapshots = Reference.snapshots
        refresh = asyncio.create_task(snapshots.keep_fresh(await snapshots.first_read()),
                                      name="reference")
        stack.push_async_callback(cancel_and_wait, refresh)
        background = Background()
        stack.push_async_callback(background.drain, 10.0)
        http = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=settings.wechat_api_timeout),
            connector=aiohttp.TCPConnector(limit=100))
        stack.push_async_callback(http.close)
        sms = make_sms(http, settings.sms_api_base or settings.api_base(own_url))
        phone = voice.make(http)
        outbox = Outbox(OutboxNudge(redis, keys, arq), lease=settings.outbox_lease,
            at_once=settings.channels_at_once,
            available=ALL_CHANNELS if voice.enabled else ALL_CHANNELS - {"voice"})
        public_url = settings.public_base_url or own_url
        pay = None
        if settings.payments_on:
            pay = await stack.enter_async_context(pay_client(settings, own_url, public_url))
        invoices = await stack.enter_async_context(invoicing(settings, pay))
        domain = build_domain(settings, redis=redis, keys=keys, arq=arq, outbox=outbox,
                              texts=texts, sms=sms, public_url=public_url, pay=pay,
                              voice=phone, privacy=privacy.make(http), invoicing=invoices,
                              realname=realname_check(settings, http, settings.api_base(own_url)),
                              dishonesty=dishonesty_check(settings, http,
                                                          settings.api_base(own_url)),
                              replica=replica,
                              transfers=transfers_of(settings, texts, pay, public_url),
                              fund_flow=pay,
                              peers=peer_desk(settings, http, redis, keys),
                              face=face_verifier(settings, http, redis, keys,
                                                 settings.api_base(own_url)),
                              identity=identity_platform(settings, http, own_url, public_url),
                              systems=system_trust(settings, redis, keys),
                              system_client=system_client(http), clock=clock)
        stack.push_async_callback(domain.codes.drain)  # codes still on their way by SMS
        channels = build_channels(settings, http=http, redis=redis, keys=keys, outbox=outbox,
                                  texts=texts, sms=sms, own_url=own_url, voice=phone,
                                  clock=clock)
        engine = build_engine(settings, keys=keys, conv_redis=conv_redis, arq=arq,
                              texts=texts, background=background, domain=domain,
                              channels=channels)
        yield Runtime(settings=settings, redis_target=target, redis=redis, keys=keys,
                      texts=texts, background=background, http=http, domain=domain,
                      channels=channels, engine=engine, sessions=Sessions(redis, keys),
                      pay=pay, voice=voice, privacy=privacy, invoicing=invoices, clock=clock)


def voice_inbox(rt: Runtime) -> VoiceInbox | None:
    """Where the voice provider's callbacks go (None while VOICE_PROVIDER is off): the web
    process answers them, the worker retries those that came before their call."""
    if rt.channels.voice is None:
        return None
    replies = VoiceReplies(rt.domain.draws, rt.domain.draw_followups, rt.domain.outbox,
                           rt.texts)
    return VoiceInbox(replies.keypress, replies.answered, rt.voice.callback_token, rt.redis,
                      rt.keys)

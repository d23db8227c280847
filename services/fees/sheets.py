"""专家酬劳支付情况 (GD-DRAW): after the evaluation the agency records, per expert who
served it, the fee and whether it was paid; the fee the published standard gives is
computed from the expert's check-in and check-out (the evaluation's planned times where one
is missing), and an amount other than it needs a reason, kept and shown. Each expert sees
their own fees with how they came about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from models.draws import DrawActivity, DrawStatus, Invitation, InvitationStatus, Notice
from models.experts import ExpertProfile
from models.fees import FeeStandard
from models.money.payouts import (
    FUNDING_HELD,
    OPEN,
    FeeChannel,
    FeeChannelChoice,
    FeeFunding,
    FundingState,
    Payout,
    PayoutAccount,
    PayoutState,
)
from models.people import Person
from models.wechat import Channel, WeChatIdentity
from services.common.clock import CHINA, china_today
from services.common.errors import BadInput, ClosedWindow, Conflict, NotFound
from services.common.reactions import Happened, RecordMarked
from services.draws.facts import Actor, Family, OperationLog, Venues
from services.draws.news import Notices
from services.fees.channels import FeeChannels
from services.fees.forfeit import forfeited, grounds_of
from services.fees.rule import Computed, Situation
from services.fees.secondary import fee_at_venue
from services.fees.standards import FeeStandards
from services.reference import Reference

MAX_FEE_FEN = 10_000_000  # 100 000 yuan: above it, a typo
ON_ARRIVAL = "现场回避"  # the absence of an expert who came and had to withdraw
REASON_MAX = 200


@dataclass(frozen=True)
class FeeRow:
    invitation: Invitation
    name: str  # the agency sees who served once the evaluation is over
    computed: Computed | None  # None: no standard in force on the evaluation day
    standard: FeeStandard | None
    # the expert uses WeChat (the official account or the mini-program: they can look up
    # their fees there), and the mini-program (a WeChat Pay transfer can reach them)
    wechat: bool = False
    mini_program: bool = False
    # a fee recorded above what the law now allows that is no longer changed: "approved"
    # (finance approved the sheet) or "paid" (sent or paid); "" otherwise
    fixed: str = ""


@dataclass(frozen=True)
class FeeSheet:
    """The agency's page of an evaluation's fees: each expert's fee, the standard, how the
    fees are paid and, when paid here, the sheet's funding, each fee's latest transfer and
    the bank account an expert without the mini-program gave (both by invitation id)."""

    rows: list[FeeRow]
    standard: FeeStandard | None
    channel: FeeChannel
    funding: FeeFunding | None
    latest: dict[int, Payout]
    accounts: dict[int, PayoutAccount]


@dataclass(frozen=True)
class MyFee:
    invitation: Invitation
    notice: Notice
    computed: Computed | None
    standard: FeeStandard | None
    payout: Payout | None = None  # the latest WeChat Pay transfer of the fee, if any
    fixed: str = ""  # as FeeRow's


async def _require_finished(activity: DrawActivity) -> None:
    if not await FeeSheets.closed(activity):
        raise ClosedWindow("fee.not_finished", eval_end=activity.eval_end)


async def _paid_for(activity: DrawActivity) -> list[Invitation]:
    """Those the fee is for: who served, and who came and withdrew on arrival."""
    rows = await Family.serving(activity, InvitationStatus.CONFIRMED, InvitationStatus.ABSENT)
    return [r for r in rows if r.status == InvitationStatus.CONFIRMED or r.absence == ON_ARRIVAL]


async def standard_for(activity: DrawActivity) -> FeeStandard | None:
    """The standard in force on the evaluation's day."""
    return await FeeStandards.in_force(china_today(activity.eval_start))


async def fee_by_standard(root: DrawActivity, item: Invitation, notice: Notice,
                          standard: FeeStandard | None) -> Computed | None:
    """What the standard gives this expert for this evaluation."""
    if standard is None:
        return None
    situation = Situation.CANCELLED if root.status == DrawStatus.WITHDRAWN else \
        Situation.WITHDREW if item.absence == ON_ARRIVAL else Situation.SERVED
    profile = await ExpertProfile.get_or_none(id=item.expert_id)
    # 异地 as the record marks it and the draw honours it (services/reference: elsewhere)
    away = profile is not None and Reference.regions.elsewhere(
        profile.region, Notices.venue_region(notice))
    # at a 副场, the administrator's rule picks the standard (FG-807)
    computed = await fee_at_venue(standard, notice, china_today(root.eval_start),
                                  item.checkin_at or root.eval_start,
                                  item.checkout_at or root.eval_end, situation, away)
    # what the law forbids taken off (CK-198 Art. 25: services/fees/forfeit.py)
    return forfeited(computed, await grounds_of(await Family.root_of(root), item))


async def fees_of(activity: DrawActivity) -> list[FeeRow]:
    """Every expert who served the evaluation (its 补抽 included), with their fee record and
    what the standard gives."""
    await _require_finished(activity)
    rows = await _paid_for(activity)
    people = [r.person_id for r in rows]
    names = dict(await Person.filter(id__in=people).values_list("id", "name"))
    channels = await WeChatIdentity.filter(person_id__in=people).values_list(
        "person_id", "channel")
    wechat = {p for p, _ in channels}
    mini = {p for p, c in channels if c == Channel.MINI_PROGRAM}
    standard = await standard_for(activity)
    root = await Family.root_of(activity)
    out = []
    for r in rows:
        computed = await fee_by_standard(activity, r, await Notices.notice_of(r), standard)
        out.append(FeeRow(r, str(names.get(r.person_id, "")), computed, standard,
                          r.person_id in wechat, r.person_id in mini,
                          await _fixed_above(root, r, computed)))
    return out


async def _fixed_above(root: DrawActivity, item: Invitation, computed: Computed | None) -> str:
    """_fixed() of a fee recorded above what the law allows ("" for any other)."""
    if computed is None or not computed.forfeited_fen or item.fee_fen is None or \
            item.fee_fen <= computed.total_fen:
        return ""
    return await _fixed(root, item)


async def _follow_line(root: DrawActivity, item: Invitation, amount: int, computed: Computed,
                       now: datetime) -> None:
    """The line set to `amount` with the standard's new figure, the sheet waiting for
    finance (or being paid) holding it too, the change on the evaluation's log."""
    item.fee_fen, item.fee_computed_fen = amount, computed.total_fen
    item.fee_reason = item.fee_reason if amount != computed.total_fen else None
    await item.save(update_fields=["fee_fen", "fee_computed_fen", "fee_reason"])
    funding = await FeeFunding.get_or_none(activity_id=root.id)
    if funding is not None and funding.state in (FundingState.SUBMITTED, FundingState.PAYING) \
            and str(item.id) in funding.amounts:
        funding.amounts = {**funding.amounts, str(item.id): amount}
        funding.total_fen = sum(funding.amounts.values())
        await funding.save(update_fields=["amounts", "total_fen"])
    await OperationLog.record(root, OperationLog.SYSTEM, "fee_forfeit", now, None,
                              invitation=item.id, fen=amount, computed=computed.total_fen,
                              taken=computed.forfeited_fen)


async def _guard_platform(activity: DrawActivity, item: Invitation, amount_fen: int,
                          paid: bool) -> None:
    """Paid through the platform, "paid" is the transfer's outcome, never a tick; and a fee
    on its way to the expert (or paid) is not changed under it."""
    root = await Family.root_of(activity)
    choice = await FeeChannelChoice.get_or_none(activity_id=root.id)
    if choice is None or choice.channel != FeeChannel.PLATFORM:
        return
    if paid != item.fee_paid:
        raise BadInput("fee.paid_by_platform")
    # the sheet submitted for funding, or approved, holds its amounts (funding.py): finance
    # returns it for a change
    if amount_fen != item.fee_fen and await FeeFunding.filter(
            activity_id=root.id, state__in=list(FUNDING_HELD)).exists():
        raise Conflict("funding.held")
    if amount_fen != item.fee_fen and await Payout.filter(
            invitation_id=item.id, state__in=[*OPEN, PayoutState.PAID]).exists():
        raise Conflict("fee.payout_sent")


async def _fixed(root: DrawActivity, item: Invitation) -> str:
    """Why a recorded fee is no longer changed by a record: "paid" (ticked, or a transfer
    on its way or paid), "approved" (finance approved the sheet), "" when it still may be."""
    if item.fee_paid or await Payout.filter(invitation_id=item.id,
                                            state__in=[*OPEN, PayoutState.PAID]).exists():
        return "paid"
    if await FeeFunding.filter(activity_id=root.id, state=FundingState.APPROVED).exists():
        return "approved"
    return ""


def _follow(item: Invitation, computed: Computed) -> int:
    """The recorded amount the law allows: never above the fee less what it forbids; the
    standard's again, once a review took the grounds away, where the agency had taken it."""
    if computed.forfeited_fen:
        return min(int(item.fee_fen or 0), computed.total_fen)
    return computed.total_fen if item.fee_fen == item.fee_computed_fen else int(
        item.fee_fen or 0)


class FeeSheets:
    """The fees of an evaluation as its agency records them, and an expert's own."""

    @staticmethod
    async def on_marked(happened: Happened) -> None:
        """A record's 早退 or conduct items changed (the reactions table calls it, inside the
        record's change): the expert's fee line follows CK-198 Art. 25 before finance
        approves — a recorded amount lowered to what the law allows (or the standard's
        again when a review took the grounds away), a sheet waiting for finance (or being
        paid) holding the new amount; a fee finance approved, or on its way, or paid, is
        not changed, and its line says so; the expert is told with the reason."""
        details = happened.details
        assert isinstance(details, RecordMarked)
        item = await Invitation.get_or_none(id=details.invitation_id)
        if item is None:
            return
        root = await Family.root_of(await DrawActivity.get(id=item.activity_id))
        notice = await Notices.notice_of(item)
        computed = await fee_by_standard(root, item, notice, await standard_for(root))
        if computed is None:
            return
        before, fixed = item.fee_computed_fen, ""
        if item.fee_recorded_at is not None:
            fixed = await _fixed(root, item)
            amount = item.fee_fen if fixed else _follow(item, computed)
            if not fixed and (amount != item.fee_fen or before != computed.total_fen):
                await _follow_line(root, item, int(amount or 0), computed, happened.at)
            elif fixed and before != computed.total_fen:  # on the log, the line unchanged
                await OperationLog.record(root, OperationLog.SYSTEM, "fee_forfeit",
                                          happened.at, None, invitation=item.id,
                                          fen=item.fee_fen, computed=computed.total_fen,
                                          taken=computed.forfeited_fen, fixed=fixed)
        if not computed.forfeited_fen and (before is None or before == computed.total_fen):
            return  # nothing taken, nothing given back: nothing to tell
        await happened.change.notify("fee.forfeit", {
            "day": f"{notice.gather_at.astimezone(CHINA):%Y年%m月%d日}",
            "venue": Venues.venue_label(notice),
            "why": computed.grounds,
            "taken": f"{computed.forfeited_fen / 100:.2f}",
            "total": f"{computed.total_fen / 100:.2f}",
            "held": computed.held, "fixed": fixed},
            person_id=item.person_id)

    @staticmethod
    async def closed(activity: DrawActivity) -> bool:
        """Over for its fees: finished (at its expected end, or an on-site one when all left),
        withdrawn, or every expert who served has checked out, on site or not — the fee page's
        "评标结束后（… 或全部专家离场后）"."""
        if activity.finished_at is not None or activity.status == DrawStatus.WITHDRAWN:
            return True
        served = await Family.serving(activity)
        return bool(served) and all(i.checkout_at is not None for i in served)


    @staticmethod
    async def sheet(activity: DrawActivity) -> FeeSheet:
        """fees_of() with the standard, the channel, the funding, and the latest transfer and
        the bank account of each fee."""
        rows = await fees_of(activity)
        standard = await standard_for(activity)
        root = await Family.root_of(activity)
        channel = await FeeChannels.channel_of(root.id)
        ids = [r.invitation.id for r in rows]
        latest = {p.invitation_id: p for p in await Payout.filter(
            invitation_id__in=ids).order_by("id")}
        accounts = {a.invitation_id: a for a in await PayoutAccount.filter(
            activity_id=root.id, invitation_id__in=ids)}
        return FeeSheet(rows, standard, channel,
                        await FeeFunding.get_or_none(activity_id=root.id), latest, accounts)

    @staticmethod
    async def record(activity: DrawActivity, invitation_id: int, amount_fen: int, paid: bool,
                     reason: str, now: datetime, actor: Actor) -> Invitation:
        """The fee recorded: an amount other than the standard's needs a reason."""
        await _require_finished(activity)
        if not 0 <= amount_fen <= MAX_FEE_FEN:
            raise BadInput("fee.amount", most=MAX_FEE_FEN // 100)
        item = next((r for r in await _paid_for(activity) if r.id == invitation_id), None)
        if item is None:
            raise NotFound("urge.not_in_activity")
        await _guard_platform(activity, item, amount_fen, paid)
        computed = await fee_by_standard(activity, item, await Notices.notice_of(item),
                                         await standard_for(activity))
        reason = " ".join(reason.split())
        if len(reason) > REASON_MAX:
            raise BadInput("fee.reason_long", most=REASON_MAX)
        if computed is None and amount_fen:  # no standard: the law still forbids a fee
            grounds = await grounds_of(await Family.root_of(activity), item)
            if grounds.government and grounds.any:
                raise BadInput("fee.forfeited_typed", why=grounds.why)
        if computed is not None and computed.forfeited_fen and amount_fen > computed.total_fen:
            raise BadInput("fee.forfeited", most=f"{computed.total_fen / 100:.2f}",
                           taken=f"{computed.forfeited_fen / 100:.2f}")
        if computed is not None and amount_fen != computed.total_fen and not reason:
            raise BadInput("fee.reason_needed", computed=f"{computed.total_fen / 100:.2f}")
        changed = computed is not None and amount_fen != computed.total_fen
        async with in_transaction():
            item.fee_fen, item.fee_paid, item.fee_recorded_at = amount_fen, paid, now
            item.fee_computed_fen = computed.total_fen if computed else None
            item.fee_reason = reason if changed or (computed is None and reason) else None
            await item.save(update_fields=["fee_fen", "fee_paid", "fee_recorded_at",
                                           "fee_computed_fen", "fee_reason"])
            await OperationLog.record(activity, actor, "fee", now, item.fee_reason,
                                      invitation=item.id, fen=amount_fen, paid=paid,
                                      computed=computed.total_fen if computed else None)
        return item

    @staticmethod
    async def mine(person_id: int) -> list[MyFee]:
        """An expert's own fees, newest first: every evaluation they served (or came to and
        withdrew from, or that was cancelled after they agreed) once it is over."""
        rows = await Invitation.filter(person_id=person_id, status__in=[
            InvitationStatus.CONFIRMED, InvitationStatus.ABSENT]).order_by("-id").limit(100)
        latest = {p.invitation_id: p for p in await Payout.filter(
            invitation_id__in=[r.id for r in rows]).order_by("id")}
        out = []
        for r in rows:
            if r.status == InvitationStatus.ABSENT and r.absence != ON_ARRIVAL:
                continue
            root = await Family.root_of(await DrawActivity.get(id=r.activity_id))
            if not await FeeSheets.closed(root) and r.fee_recorded_at is None:
                continue  # not over yet: nothing to show
            notice = await Notices.notice_of(r)
            standard = await standard_for(root)
            computed = await fee_by_standard(root, r, notice, standard)
            out.append(MyFee(r, notice, computed, standard, latest.get(r.id),
                             await _fixed_above(root, r, computed)))
        return out

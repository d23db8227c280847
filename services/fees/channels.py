"""How an evaluation's fees are paid: through the platform (WeChat Pay's transfers, from a
sheet the agency funded) or elsewhere, recorded as paid (the default). The agency chooses per
evaluation, and goes back to elsewhere only while nothing was sent or funded."""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from models.draws import DrawActivity
from models.money.payouts import (
    FUNDING_HELD,
    OPEN,
    FeeChannel,
    FeeChannelChoice,
    FeeFunding,
    Payout,
    PayoutState,
)
from services.common.errors import Conflict
from services.draws.facts import Actor, Family, OperationLog
from services.payments.transfers import TransferGateway


class FeeChannels:
    """The agency's choice of how an evaluation's fees are paid (the part `channels` of
    Fees)."""

    def __init__(self, gateway: TransferGateway | None) -> None:
        self.gateway = gateway  # None: WeChat Pay's transfers are off here

    @staticmethod
    async def channel_of(activity_id: int) -> FeeChannel:
        """How the evaluation's fees are paid: through the platform, or elsewhere (the
        default)."""
        choice = await FeeChannelChoice.get_or_none(activity_id=activity_id)
        return FeeChannel(choice.channel) if choice else FeeChannel.ELSEWHERE

    async def choose(self, activity: DrawActivity, channel: FeeChannel, actor: Actor,
                     now: datetime) -> FeeChannel:
        """Fees paid here or elsewhere; back to elsewhere only while nothing was sent."""
        root = await Family.root_of(activity)
        if channel == FeeChannel.PLATFORM and self.gateway is None:
            raise Conflict("payout.off")
        async with in_transaction():
            choice = await FeeChannelChoice.select_for_update().get_or_none(activity_id=root.id)
            if channel == FeeChannel.ELSEWHERE and await Payout.filter(
                    activity_id=root.id, state__in=[*OPEN, PayoutState.PAID]).exists():
                raise Conflict("payout.channel_locked")
            if channel == FeeChannel.ELSEWHERE and await FeeFunding.filter(
                    activity_id=root.id, state__in=list(FUNDING_HELD)).exists():
                raise Conflict("funding.held")
            if choice is None:
                await FeeChannelChoice.create(activity_id=root.id, channel=channel,
                                              chosen_by=actor.person_id or 0, chosen_at=now)
            elif choice.channel != channel:
                choice.channel, choice.chosen_by, choice.chosen_at = \
                    channel, actor.person_id or 0, now
                await choice.save(update_fields=["channel", "chosen_by", "chosen_at"])
            else:
                return channel
            await OperationLog.record(root, actor, "fee_channel", now, None, channel=str(channel))
        return channel

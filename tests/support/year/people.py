"""People over the year: a sanction that starts and ends, an expert who leaves and whose
personal data the retention removes when its period ends while the fees paid to them stay
(ACC-ARCH: 30 years), and the relatives asked again in January."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from tortoise.expressions import Q

from models.draws import Invitation
from models.experts import ExpertProfile
from models.money.payouts import Payout
from models.notifications import Notification
from models.people import Person
from services.common.clock import CHINA
from services.rights.retention import ANONYMISED, FINISHED
from tests.support.year.world import Year

SUSPENDED_DAYS = 40  # a suspension across the month's end


async def sanction(year: Year) -> None:
    """The administrator suspends the first expert from today for SUSPENDED_DAYS days."""
    admin = await year.api.login(year.demo["admin"].mp_openid)
    expert = year.experts[0]
    today = year.today()
    ends = today + timedelta(days=SUSPENDED_DAYS)
    decided = await year.api.call("POST", "/admin/sanctions", admin, {
        "expert_number": expert.expert_number, "kind": "suspension",
        "reason": "无正当理由拒不参加评审", "starts_on": today.isoformat(),
        "ends_on": ends.isoformat()})
    if decided.status != 200:
        year.broke(f"{today} sanction: {decided.message or decided.data}")
        return
    year.suspended, year.suspended_at = (expert.person_id, today, ends), year.now()
    year.ran("sanctions decided")


async def sanction_holds(year: Year) -> None:
    """The suspension rules the evaluations held within its days: the expert is not invited
    to one once it is decided, and a place confirmed before, on one not yet begun, is
    released (services/reactions.py); the administrator's list shows it in force exactly
    within its days."""
    if year.suspended is None:
        return
    person, starts, ends = year.suspended
    decided = year.suspended_at or year.now()
    month = datetime.combine(year.month.first, time(), CHINA)
    for item in await Invitation.filter(person_id=person, sent_at__gte=month).order_by(
            "id").prefetch_related("activity"):
        begins = item.activity.eval_start
        held = begins.astimezone(CHINA).date()
        if not starts <= held <= ends:
            continue
        if item.sent_at >= decided:
            year.broke(f"{item.sent_at.astimezone(CHINA):%Y-%m-%d} the suspended expert was "
                       f"invited to an evaluation on {held} (activity {item.activity_id})")
        elif begins > decided and item.status == "confirmed":
            year.broke(f"the suspended expert keeps a place on {held} (activity "
                       f"{item.activity_id}), confirmed before the suspension")
    admin = await year.api.login(year.demo["admin"].mp_openid)
    listed = await year.api.call("GET", "/admin/sanctions", admin, params={"view": "in_force"})
    today = year.today()
    shown = any(s.get("expert_number") == year.experts[0].expert_number
                for s in listed.data.get("items", []))
    if shown != (starts <= today <= ends):
        year.broke(f"{today} the suspension {starts}..{ends} listed in force: {shown}")
    if ends.replace(day=1) == year.month.first:
        year.month.notes.append(f"suspension ends {ends}")


async def leaves(year: Year, expert: ExpertProfile) -> None:
    """The expert deregisters today."""
    token = await year.api.login(f"mp_ex_{expert.expert_number.removeprefix('T-')}")
    gone = await year.api.call("POST", "/expert/deregister", token, {"confirm": "确认注销"})
    if gone.status != 200:
        year.broke(f"{year.today()} deregistration: {gone.message or gone.data}")
        return
    year.gone[expert.person_id] = year.now()
    year.fees_kept[expert.person_id] = await Payout.filter(person_id=expert.person_id).count()
    year.ran("experts deregistered")


async def nothing_kept_past_its_period(year: Year, retention_days: int, log_days: int
                                       ) -> None:
    """Every person deregistered longer than the period ago is anonymised, the fees paid to
    them all still there; no notification finished longer than the logs' period ago."""
    now = year.now()
    # the nightly run (03:20) removes what its period ended by then: a row may wait a day.
    # A row's created_at is the database's wall clock (auto_now_add), its sent_at the
    # relay's moment on the service's clock: on a moved clock only both tell its age.
    cutoff = now - timedelta(days=log_days + 2)
    old = await Notification.filter(status__in=FINISHED, created_at__lt=cutoff).filter(
        Q(sent_at=None) | Q(sent_at__lt=cutoff)).order_by("id")
    if old:
        year.broke(f"{year.today()} {len(old)} notification(s) kept past {log_days} days: "
                   + ", ".join(f"{n.kind} made {n.created_at:%Y-%m-%d %H:%M}, {n.status} "
                               f"{n.sent_at}" for n in old[:2]))
    for person_id, when in year.gone.items():
        person = await Person.get(id=person_id)
        anonymised = person.id_number_hash.startswith(ANONYMISED)
        due = when + timedelta(days=retention_days)
        if now >= due + timedelta(days=1) and not anonymised:
            year.broke(f"{year.today()} person {person_id} kept past {due:%Y-%m-%d}")
        if anonymised and now < due:
            year.broke(f"{year.today()} person {person_id} anonymised before {due:%Y-%m-%d}")
        if anonymised and person_id not in year.anonymised:
            year.anonymised.add(person_id)
            year.ran("persons anonymised")
        kept = await Payout.filter(person_id=person_id).count()
        if kept != year.fees_kept[person_id]:
            year.broke(f"{year.today()} fees of person {person_id}: {kept} of "
                       f"{year.fees_kept[person_id]} kept")


async def relatives_asked_in_january(year: Year, month: date) -> None:
    """In January each active expert asked once; in no other month."""
    asked = year.month.ran.get("relatives asked", 0)
    active = await ExpertProfile.filter(active=True).count()
    if month.month == 1 and asked != active:
        year.broke(f"{month:%Y-%m} relatives asked of {asked} experts, {active} active")
    if month.month != 1 and asked:
        year.broke(f"{month:%Y-%m} relatives asked of {asked} experts outside January")

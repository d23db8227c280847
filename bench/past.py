"""A library's past for the benchmarks: evaluations held over the last year, each with its
experts confirmed, as every working library has them under today's draws. A reply's
statements meet that table, not an empty one, and the planner's statistics (taken before
measuring) know confirmed invitations as they are on any working day.

Made in a few statements (a template evaluation copied with `generate_series`), so that a
province's year, tens of thousands of evaluations, takes seconds; kept across rounds and
runs, and made again only when another size is asked for (`--past 0` removes it: the
morning's benchmark runs on whatever past the database holds). The copies share the template's
project, notice and condition: what a reply reads of the past is its activities, their times
and the invitations' experts and statuses. Each confirmed invitation's notice is there too, as
sent and delivered (`PAST_NOTICES`): the notification table of a working library holds its
history (nothing removes it), so its statements meet a table of that size, and the
benchmarks empty only what is not the past (`clear_notifications`)."""

from __future__ import annotations

from datetime import datetime, timedelta

PROJECT = "BENCHH"  # the past's one project
YEAR_HOURS = 365 * 24 - 48  # the evaluations spread over the year before the day before
PAST_NOTICES = "past-"  # the client_msg_id's prefix of the past's notifications


async def ensure_past(agency_id: int, handler_id: int, experts: list[tuple[int, int]],
                      count: int, per: int, now: datetime) -> None:
    """`count` evaluations held in the year before `now`, `per` experts confirmed for each
    (`experts`: (person id, expert id), taken in turn)."""
    from tortoise import connections

    from models.draws import DrawActivity, DrawStatus, Notice, Project

    project = await Project.get_or_none(number=PROJECT)
    if project is not None:
        if await DrawActivity.filter(project_id=project.id).count() == count:
            await _notices(project.id, missing_only=True)  # a past made before they were
            return
        await _remove(project.id)
    if count <= 0:
        return
    project = await Project.create(
        agency_id=agency_id, created_by=handler_id, name="往年项目", number=PROJECT,
        kind="工程", region="4401", tenderer_name="某中学",
        tenderer_credit_code="91440101MA59X0000A")
    held = now - timedelta(days=366)
    template = await DrawActivity.create(
        project=project, agency_id=agency_id, handler_id=handler_id, status=DrawStatus.ENDED,
        bid_open_at=held - timedelta(days=1), eval_start=held, eval_end=held + timedelta(hours=4),
        total=per, started_at=held - timedelta(days=1), ended_at=held - timedelta(days=1),
        finished_at=held + timedelta(hours=4), unsealed_pushed=True)  # told long ago
    notice = await Notice.create(
        activity=template, venue="评标室", city="广州市", district="天河区", street="天润路333号",
        gather_at=held - timedelta(minutes=30), contact_name="陈", contact_phone="020-1")
    condition = await _condition(template, notice, per)
    conn = connections.get("default")
    # the copies, an evaluation every YEAR_HOURS / count hours after the template's
    moved = ("bid_open_at", "eval_start", "eval_end", "started_at", "ended_at", "finished_at")
    kept = [c for c in sorted(DrawActivity._meta.db_fields) if c != "id" and c not in moved]
    step = max(YEAR_HOURS * 3600 // count, 1)
    shift = f"make_interval(secs => g * {step})"
    await conn.execute_query(
        f"INSERT INTO draw_activity ({', '.join(kept + list(moved))}) SELECT "
        f"{', '.join(kept)}, {', '.join(f'{c} + {shift}' for c in moved)} "
        f"FROM draw_activity, generate_series(1, {count - 1}) g WHERE id = {template.id}")
    # each evaluation's experts, confirmed: the list taken in turn
    persons = [p for p, _e in experts]
    ids = [e for _p, e in experts]
    await conn.execute_query(
        "INSERT INTO draw_invitation (expert_id, person_id, pool, rank, wave, status, sent_at, "
        "due_at, replied_at, code, supplementary, activity_id, condition_id, "
        "withdrawal_notices, urges, manual_urges, fee_paid, answered_via, eval_start, "
        "eval_end) SELECT x.expert, x.person, 'main', k, 1, 'confirmed', a.started_at, "
        "a.eval_start, a.started_at, lpad(k::text, 6, '0'), false, a.id, $1, 0, 0, 0, false, "
        "'chat', a.eval_start, a.eval_end FROM (SELECT id, started_at, eval_start, eval_end, "
        "row_number() OVER (ORDER BY id) - 1 AS n "
        "FROM draw_activity WHERE project_id = $2) a CROSS JOIN generate_series(0, $3 - 1) k "
        "JOIN (SELECT e.expert, e.person, e.n - 1 AS n FROM unnest($4::bigint[], "
        "$5::bigint[]) WITH ORDINALITY AS e(expert, person, n)) x "
        "ON x.n = (a.n * $3 + k) % $6", [condition, project.id, per, ids, persons, len(ids)])
    await _notices(project.id)


async def _notices(project_id: int, missing_only: bool = False) -> None:
    """Each of the past's invitations' notice, delivered as a template message (the
    channel the relay records for an official account's invitation) when the draw sent it."""
    from tortoise import connections

    conn = connections.get("default")
    if missing_only and (await conn.execute_query_dict(
            "SELECT 1 AS x FROM notification WHERE client_msg_id LIKE $1 LIMIT 1",
            [PAST_NOTICES + "%"])):
        return
    await conn.execute_query(
        "INSERT INTO notification (kind, params, person_id, dedupe_key, status, channel, "
        "ruled_out, channels, covered, attempts, lane, next_attempt_at, client_msg_id, "
        "created_at, sent_at, delivered_at) "
        "SELECT 'draw.invitation', '{}', v.person_id, 'invitation:' || v.id, 'delivered', "
        "'template', '', '', false, 1, 0, v.sent_at, $2 || v.id, v.sent_at, v.sent_at, "
        "v.sent_at FROM draw_invitation v JOIN draw_activity a ON a.id = v.activity_id "
        "WHERE a.project_id = $1", [project_id, PAST_NOTICES])


async def clear_notifications() -> None:
    """Every notification but the past's, gone: runs start alike, on a library's history.
    The worker may still be recording the last sends' outcomes, row by row in its own order:
    a deadlock with it (PostgreSQL cancels one side) is tried again."""
    import asyncio

    from asyncpg.exceptions import DeadlockDetectedError
    from tortoise import connections

    for attempt in range(5):
        try:
            await connections.get("default").execute_query(
                "DELETE FROM notification WHERE client_msg_id NOT LIKE $1",
                [PAST_NOTICES + "%"])
            return
        except DeadlockDetectedError:
            if attempt == 4:
                raise
            await asyncio.sleep(0.5)


async def _condition(activity: object, notice: object, per: int) -> int:
    from models.draws import Condition

    made = await Condition.create(activity=activity, notice=notice, regions=["4401"],
                                  main_specialty="A0401", planned=per)
    return int(made.id)


async def _remove(project_id: int) -> None:
    """The past of another size, gone (its invitations and copies by statement)."""
    from tortoise import connections

    from models.draws import Condition, DrawActivity, Notice, Project

    conn = connections.get("default")
    await conn.execute_query("DELETE FROM notification WHERE client_msg_id LIKE $1",
                             [PAST_NOTICES + "%"])
    await conn.execute_query(
        "DELETE FROM draw_invitation WHERE activity_id IN "
        "(SELECT id FROM draw_activity WHERE project_id = $1)", [project_id])
    kept = await DrawActivity.filter(project_id=project_id).order_by("id").first()
    await conn.execute_query("DELETE FROM draw_activity WHERE project_id = $1 AND id <> $2",
                             [project_id, kept.id if kept else 0])
    if kept is not None:
        await Condition.filter(activity_id=kept.id).delete()
        await Notice.filter(activity_id=kept.id).delete()
        await kept.delete()
    await Project.filter(id=project_id).delete()

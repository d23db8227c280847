"""The sandbox's own evaluation system, as a tester uses it after `make run`: the simulator's
demo draw answered, its buttons make the fake system read the committee (the evaluation
moved to start in 20 minutes), post a table with one deviating expert (the evaluation moved
to be over) and report an expert late — the library proposes the deviation and the late
arrival; the committee's next change is pushed to the fake under /sandbox/evaluation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from models.draws import Invitation, InvitationStatus
from models.evaluation.scores import RecordProposal
from models.evaluation.systems import EvaluationSystem
from tests.support.helpers import eventually
from tests.support.phone import demo_draw_answered
from web.context import DOMAIN


async def _press(sandbox: TestServer, button: str, aid: int) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.post(
            sandbox.make_url(f"/sandbox/api/evaluation/{button}"),
            json={"activity_id": aid}) as answer:
        said = await answer.json()
        assert answer.status == 200, said
        return dict(said)


async def test_the_simulator_s_evaluation_system_reads_scores_reports_and_hears_changes(
        sandbox: TestServer) -> None:
    aid, confirmed = await demo_draw_answered(sandbox)
    assert len(confirmed) == 3
    read = await _press(sandbox, "read", aid)
    assert "20分钟后开始" in read["moved"]
    assert read["answer"]["seq"] == 1 and len(read["answer"]["members"]) == 3
    system = await EvaluationSystem.get(code="SANDBOX")
    assert system.url == str(sandbox.make_url("/sandbox/evaluation"))
    assert system.centres == ["44", "4401"]
    scored = await _press(sandbox, "scores", aid)
    assert "结束" in scored["moved"]
    assert scored["answer"]["proposals"] == 1
    assert [(p["kind"], p["status"]) for p in scored["proposals"]] == [("评分偏离", "待确认")]
    odd = next(i for i in confirmed if i.code == scored["answer"]["deviating"])
    proposed = await RecordProposal.filter(activity_id=aid)
    assert [(p.kind, p.invitation_id) for p in proposed] == [("deviation", odd.id)]
    late = await _press(sandbox, "late", aid)
    assert late["answer"]["kept"] is True and late["moved"] == ""
    assert [p["kind"] for p in late["proposals"]] == ["评分偏离", "现场事件"]
    # a leave registered: the worker's sweep pushes the committee to the sandbox's system
    await Invitation.filter(id=confirmed[0].id).update(status=InvitationStatus.ABSENT,
                                                       absence="请假")
    await sandbox.app[DOMAIN].watches.sweep(datetime.now(UTC))

    async def pushed() -> bool:
        async with aiohttp.ClientSession() as http, http.get(sandbox.make_url(
                f"/sandbox/evaluation/state?activity_id={aid}")) as answer:
            return [c["seq"] for c in (await answer.json())["committees"]] == [1, 2]

    await eventually(pushed)

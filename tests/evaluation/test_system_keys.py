"""A system's registered key decides the algorithm of its link (docs/evaluation-systems.md,
"Signing"), so the register takes only a key of an algorithm this library holds a key of,
and says which setting lets it take the other."""

from __future__ import annotations

import pytest

from config.settings import Settings
from services.federation import ED25519, Identity, Keys
from tests.support.api import Api
from tests.support.evaluation import System


@pytest.fixture
def settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """This library on SM2 alone: no Ed25519 key kept."""
    monkeypatch.setenv("EVALUATION_PRIVATE_KEY", Keys.new_private())
    monkeypatch.delenv("EVALUATION_LEGACY_KEY", raising=False)
    monkeypatch.delenv("FEDERATION_LEGACY_KEY", raising=False)
    return settings


async def test_a_system_on_ed25519_is_refused_where_the_library_kept_no_such_key(
        api: Api, demo: dict) -> None:
    admin = await api.login(demo["admin"].mp_openid)
    old = Identity("GZJY", "广州交易中心电子评标系统", Keys.new_private(ED25519))
    refused = await api.call("POST", "/admin/evaluation-systems", admin, {
        "code": old.code, "name": old.name, "centres": ["440100"],
        "public_key": old.public_key()})
    assert refused.status == 400 and "EVALUATION_LEGACY_KEY" in refused.message
    assert "索取 SM2 公钥" in refused.message
    listed = (await api.call("GET", "/admin/evaluation-systems", admin)).data
    assert listed["systems"] == [] and listed["legacy_public_key"] == ""
    new = System(Identity("GZJY", "广州交易中心电子评标系统", Keys.new_private()))
    await new.register(api, demo, ["440100"])
    assert (await new.call("GET", "/evaluation/v1/activities"))["activities"] == []

"""The settings: the variables a deployment sets (core.py, composing one class per concept:
process, wechat, providers, outbox, pay, draws, keys), how a process loads them (loading.py),
and each provider's own (face, invoice, privacy, redis, replica, sms, voice)."""

from config.settings.core import SECRET_FIELDS, Settings, SettingsError
from config.settings.loading import (
    load_settings,
    make_vault,
    second_factor_roles,
    settings_or_exit,
)
from config.settings.process import ROOT

__all__ = ["ROOT", "SECRET_FIELDS", "Settings", "SettingsError", "load_settings", "make_vault",
           "second_factor_roles", "settings_or_exit"]

"""People: persons and their identities, binding and sign-in, lockout and second factor,
experts and their particulars (the application form's parts), agencies, the register
import, dishonest-debtor checks.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.people.agencies import AGENCY_ROLES, Agencies
from services.people.binding import LOGIN, SECOND_FACTOR, Binding
from services.people.codes import TooSoon, VerificationCodes, WrongCode
from services.people.lockout import MAX_FAILURES, PERSON_FAILURES
from services.people.particulars import TITLE_LEVELS, ApplicationDraft
from services.people.persons import NewPerson, People
from services.people.realname import RealNameCheck, Verdict
from services.people.register_import import PROBLEMS_KEPT, ImportView, RegisterImports
from services.people.registration import Registration
from services.people.relatives import RelativeIn, Relatives
from services.people.second_factor import SecondFactor
from services.people.security_desk import SecurityDesk
from services.people.service import Callers, Experts, IdentityRules, Reencryption
from services.people.unified_identity import (
    IdentityPlatform,
    PlatformRefused,
    UnifiedIdentity,
    Verified,
)
from services.people.wechat_privacy import EVENTS, SCOPES, PrivacyEvent, WeChatPrivacy

__all__ = [
    "AGENCY_ROLES",
    "EVENTS",
    "LOGIN",
    "MAX_FAILURES",
    "PERSON_FAILURES",
    "PROBLEMS_KEPT",
    "SCOPES",
    "SECOND_FACTOR",
    "TITLE_LEVELS",
    "Agencies",
    "ApplicationDraft",
    "Binding",
    "Callers",
    "Experts",
    "IdentityPlatform",
    "IdentityRules",
    "ImportView",
    "NewPerson",
    "People",
    "PlatformRefused",
    "PrivacyEvent",
    "RealNameCheck",
    "Reencryption",
    "RegisterImports",
    "Registration",
    "RelativeIn",
    "Relatives",
    "SecondFactor",
    "SecurityDesk",
    "TooSoon",
    "UnifiedIdentity",
    "Verdict",
    "VerificationCodes",
    "Verified",
    "WeChatPrivacy",
    "WrongCode",
]

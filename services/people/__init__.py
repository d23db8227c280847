"""People: persons and their identities, binding and sign-in, lockout and second factor,
experts and their particulars (the application form's parts), agencies; its parts: the
register import (`register`), the parties that vouch for identities (`verifiers`), the
dishonest-debtor checks (`dishonesty`).

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.people.agencies import AGENCY_ROLES, Agencies
from services.people.binding import LOGIN, SECOND_FACTOR, Binding
from services.people.callers import Callers
from services.people.codes import TooSoon, VerificationCodes, WrongCode
from services.people.experts import Experts
from services.people.identity_rules import IdentityRules
from services.people.lockout import MAX_FAILURES, PERSON_FAILURES
from services.people.particulars import TITLE_LEVELS, ApplicationDraft, Particulars
from services.people.persons import NewPerson, People
from services.people.reencrypt import Reencryption
from services.people.registration import Registration
from services.people.relatives import RelativeIn, Relatives
from services.people.relatives_yearly import RelativesYearly
from services.people.second_factor import SecondFactor
from services.people.security_desk import SecurityDesk
from services.people.wechat_privacy import EVENTS, SCOPES, PrivacyEvent, WeChatPrivacy

__all__ = [
    "AGENCY_ROLES",
    "EVENTS",
    "LOGIN",
    "MAX_FAILURES",
    "PERSON_FAILURES",
    "SCOPES",
    "SECOND_FACTOR",
    "TITLE_LEVELS",
    "Agencies",
    "ApplicationDraft",
    "Binding",
    "Callers",
    "Experts",
    "IdentityRules",
    "NewPerson",
    "Particulars",
    "People",
    "PrivacyEvent",
    "Reencryption",
    "Registration",
    "RelativeIn",
    "Relatives",
    "RelativesYearly",
    "SecondFactor",
    "SecurityDesk",
    "TooSoon",
    "VerificationCodes",
    "WeChatPrivacy",
    "WrongCode",
]

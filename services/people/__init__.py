"""People: persons and their identities, binding and sign-in, lockout and second factor,
experts and their particulars (the application form's parts), agencies, the register
import, dishonest-debtor checks.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.people.agencies import AGENCY_ROLES, Agencies, acting_grants, agencies_held
from services.people.binding import LOGIN, SECOND_FACTOR, Binding
from services.people.callers import signed_identity
from services.people.codes import TooSoon, VerificationCodes, WrongCode
from services.people.dishonesty import (
    Case,
    DishonestyBadQuery,
    DishonestyCheck,
    DishonestyRefused,
    DishonestyUnavailable,
    Finding,
)
from services.people.dishonesty_runs import (
    DishonestyChecks,
    FlagView,
    RunView,
    flag_views,
    run_views,
)
from services.people.experts import (
    Department,
    apply_to_profile,
    department_of,
    make_formal_expert,
    set_department,
)
from services.people.identity_rules import (
    id_check_character,
    parse_credit_code,
    parse_id_number,
    parse_phone,
    require_applicant_age,
    uscc_check_char,
)
from services.people.lockout import MAX_FAILURES, PERSON_FAILURES, second_factor_party
from services.people.particulars import (
    TITLE_LEVELS,
    ApplicationDraft,
    missing_parts,
    require_complete,
)
from services.people.password_age import password_expired
from services.people.persons import NewPerson, People, names_of
from services.people.profile import profile_of
from services.people.realname import RealNameCheck, Verdict
from services.people.reencrypt import (
    reencrypt,
    rehash_ids,
    remaining,
    seal_clear_phones,
    seal_form_phones,
    seal_seeds,
)
from services.people.register_import import PROBLEMS_KEPT, ImportView, RegisterImports
from services.people.register_rows import template
from services.people.registration import Registration
from services.people.schedule import add_unavailability, deregister, remove_unavailability, upcoming
from services.people.second_factor import SecondFactor
from services.people.security_desk import SecurityDesk
from services.people.wechat_privacy import (
    EVENTS,
    SCOPES,
    PrivacyEvent,
    WeChatPrivacy,
    parse_scopes,
)

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
    "Case",
    "Department",
    "DishonestyBadQuery",
    "DishonestyCheck",
    "DishonestyChecks",
    "DishonestyRefused",
    "DishonestyUnavailable",
    "Finding",
    "FlagView",
    "ImportView",
    "NewPerson",
    "People",
    "PrivacyEvent",
    "RealNameCheck",
    "RegisterImports",
    "Registration",
    "RunView",
    "SecondFactor",
    "SecurityDesk",
    "TooSoon",
    "Verdict",
    "VerificationCodes",
    "WeChatPrivacy",
    "WrongCode",
    "acting_grants",
    "add_unavailability",
    "agencies_held",
    "apply_to_profile",
    "department_of",
    "deregister",
    "flag_views",
    "id_check_character",
    "make_formal_expert",
    "missing_parts",
    "names_of",
    "parse_credit_code",
    "parse_id_number",
    "parse_phone",
    "parse_scopes",
    "password_expired",
    "profile_of",
    "reencrypt",
    "rehash_ids",
    "remaining",
    "remove_unavailability",
    "require_applicant_age",
    "require_complete",
    "run_views",
    "seal_clear_phones",
    "seal_form_phones",
    "seal_seeds",
    "second_factor_party",
    "set_department",
    "signed_identity",
    "template",
    "upcoming",
    "uscc_check_char",
]

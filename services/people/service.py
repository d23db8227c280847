"""What the other contexts and the edges use of people besides the services that change
them: the identity rules (ID numbers, phones, credit codes, the applicant's age), experts'
particulars, schedules and departments, who is calling (a session's identity and grants),
and the re-encryption of sealed data."""

from __future__ import annotations

from services.people.agencies import acting_grants, agencies_held
from services.people.callers import signed_identity
from services.people.experts import (
    apply_to_profile,
    backfill_histories,
    department_of,
    emergency_of,
    make_formal_expert,
    set_department,
    set_emergency,
)
from services.people.identity_rules import (
    id_check_character,
    parse_credit_code,
    parse_id_number,
    parse_phone,
    require_applicant_age,
    uscc_check_char,
)
from services.people.lockout import second_factor_party
from services.people.particulars import missing_parts, require_complete
from services.people.password_age import password_expired
from services.people.persons import names_of
from services.people.profile import profile_of
from services.people.reencrypt import (
    reencrypt,
    rehash_ids,
    remaining,
    seal_clear_phones,
    seal_form_phones,
    seal_seeds,
)
from services.people.schedule import (
    add_unavailability,
    deregister,
    remove_unavailability,
    upcoming,
)


class IdentityRules:
    """The rules of identity numbers (GB-11643, GB-32100), phones and the applicant's age:
    pure checks, the same for every context."""

    parse_id_number = staticmethod(parse_id_number)
    parse_phone = staticmethod(parse_phone)
    parse_credit_code = staticmethod(parse_credit_code)
    id_check_character = staticmethod(id_check_character)
    uscc_check_char = staticmethod(uscc_check_char)
    require_applicant_age = staticmethod(require_applicant_age)


class Experts:
    """Experts' particulars and standing as people: their profile, department, schedule
    (unavailability, deregistration), what their form still lacks, their names."""

    profile_of = staticmethod(profile_of)
    department_of = staticmethod(department_of)
    set_department = staticmethod(set_department)
    emergency_of = staticmethod(emergency_of)
    set_emergency = staticmethod(set_emergency)
    apply_to_profile = staticmethod(apply_to_profile)
    backfill_histories = staticmethod(backfill_histories)
    make_formal_expert = staticmethod(make_formal_expert)
    missing_parts = staticmethod(missing_parts)
    require_complete = staticmethod(require_complete)
    upcoming = staticmethod(upcoming)
    add_unavailability = staticmethod(add_unavailability)
    remove_unavailability = staticmethod(remove_unavailability)
    deregister = staticmethod(deregister)
    names_of = staticmethod(names_of)


class Callers:
    """Who is calling: a session's identity, person and grants, the agency they act for, a
    desk password's age, and the party a second factor's failures are counted for."""

    signed_identity = staticmethod(signed_identity)
    agencies_held = staticmethod(agencies_held)
    acting_grants = staticmethod(acting_grants)
    password_expired = staticmethod(password_expired)
    second_factor_party = staticmethod(second_factor_party)


class Reencryption:
    """Sealed personal data moved to the current key (`expertbot reencrypt`), and how much
    is left."""

    reencrypt = staticmethod(reencrypt)
    rehash_ids = staticmethod(rehash_ids)
    remaining = staticmethod(remaining)
    seal_clear_phones = staticmethod(seal_clear_phones)
    seal_form_phones = staticmethod(seal_form_phones)
    seal_seeds = staticmethod(seal_seeds)

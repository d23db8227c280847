"""Domain refusals to API errors, with their Chinese messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from miniapp_api.framework import ApiError, bad_request, conflict, forbidden
from models.people import ImmutableFieldError
from services.binding import BindingError
from services.codes import CodeError, Locked, TooSoon
from services.identity_rules import RuleError
from services.review import Conflict, OutOfScope


@contextmanager
def domain_errors() -> Iterator[None]:
    try:
        yield
    except (Locked, TooSoon) as exc:
        raise ApiError(429, "too_many_attempts", exc.message) from None
    except BindingError as exc:
        raise conflict(exc.message) from None
    except OutOfScope as exc:
        raise forbidden(exc.message, "out_of_scope") from None
    except Conflict as exc:
        raise conflict(exc.message) from None
    except CodeError as exc:
        raise bad_request(exc.message, "code_rejected") from None
    except RuleError as exc:
        raise bad_request(exc.message, "rule_violated") from None
    except ImmutableFieldError as exc:
        raise bad_request(str(exc), "immutable") from None

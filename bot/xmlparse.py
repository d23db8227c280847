"""Untrusted XML in, a flat dict out: no DTDs, no entities, no external references."""

from __future__ import annotations

from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from bot.errors import BadRequest


def parse_xml(body: bytes | str) -> dict[str, str]:
    """Parse a WeChat `<xml>` document into {tag: text}; nested tags become `Parent.Child`.

    Raises BadRequest for malformed XML and for any DTD or entity declaration (XXE and
    billion-laughs payloads are refused before expansion, since DTDs are forbidden outright).
    """
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise BadRequest(f"forbidden XML construct: {type(exc).__name__}") from None
    except (ParseError, ValueError, LookupError) as exc:  # LookupError: unknown encoding=
        raise BadRequest(f"malformed XML: {str(exc)[:200]}") from None
    if root.tag != "xml":
        raise BadRequest("the root element is not <xml>")
    out: dict[str, str] = {}
    for child in root:
        if len(child):
            for grand in child.iter():
                if grand is not child and not len(grand):
                    out[f"{child.tag}.{grand.tag}"] = (grand.text or "").strip()
        else:
            out[child.tag] = child.text or ""
    return out

"""Untrusted XML in, a flat dict out: no DTDs, no entities, no external references.

WeChat's pushes are flat: `<xml>` holding `<Tag><![CDATA[text]]></Tag>` or `<Tag>123</Tag>`
elements. A body made of nothing else is read by a strict pattern (the receipt storm of a
mass notice is thousands of them a second, and building a defused parser costs more than
the rest of the push); anything else — a prolog, attributes, nesting, an entity or
character reference, a carriage return, a control character, a declaration — goes to
defusedxml, which refuses DTDs and entities outright. Both give the same dict."""

from __future__ import annotations

import re
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from bot.errors import BadRequest

_DOCUMENT = re.compile(r"\s*<xml>(.*)</xml>\s*", re.S)
_ELEMENT = re.compile(
    r"\s*<([A-Za-z_][A-Za-z0-9_]*)>(?:<!\[CDATA\[(.*?)\]\]>|([^<&>\]]*))</\1>\s*", re.S)
# what the fast path leaves to the parser: references, CR (XML turns CRLF into LF) and the
# characters XML 1.0 does not allow
_NOT_PLAIN = re.compile(r"[&\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _flat(body: bytes | str) -> dict[str, str] | None:
    """The fields of a flat WeChat document, or None for anything else."""
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
    except UnicodeDecodeError:
        return None
    document = _DOCUMENT.fullmatch(text)
    if document is None or _NOT_PLAIN.search(text):
        return None
    inner, at, out = document.group(1), 0, {}
    while at < len(inner):
        element = _ELEMENT.match(inner, at)
        if element is None:
            return None
        tag, cdata, plain = element.groups()
        out[tag] = cdata if cdata is not None else plain
        at = element.end()
    return out


def parse_xml(body: bytes | str) -> dict[str, str]:
    """Parse a WeChat `<xml>` document into {tag: text}; nested tags become `Parent.Child`.

    Raises BadRequest for malformed XML and for any DTD or entity declaration (XXE and
    billion-laughs payloads are refused before expansion, since DTDs are forbidden outright).
    """
    flat = _flat(body)
    if flat is not None:
        return flat
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

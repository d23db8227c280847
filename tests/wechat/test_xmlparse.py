"""The flat fast path of the push parser reads exactly what the defused parser reads, and
leaves everything else to it (DTDs and entities are still refused). WeChat's pushes are
flat `<xml>` documents of CDATA or plain elements (公众号开发文档, 接收普通消息 / 事件推送)."""

from __future__ import annotations

import pytest
from defusedxml.ElementTree import fromstring
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import BadRequest
from bot.wechat.xmlparse import _flat, parse_xml


def slow(body: bytes) -> dict[str, str]:
    root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    return {c.tag: c.text or "" for c in root}


RECEIPT = (b"<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><FromUserName>"
           b"<![CDATA[oia2TjuEGTNoeX76QEjQNrcURxG8]]></FromUserName><CreateTime>1395658920"
           b"</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA["
           b"TEMPLATESENDJOBFINISH]]></Event><MsgID>200163836</MsgID><Status><![CDATA["
           b"success]]></Status></xml>")


def test_a_template_receipt_takes_the_fast_path_and_reads_the_same() -> None:
    assert _flat(RECEIPT) is not None
    assert parse_xml(RECEIPT) == slow(RECEIPT)
    assert parse_xml(RECEIPT)["Status"] == "success"


@pytest.mark.parametrize("body", [
    b'<?xml version="1.0"?><xml><A>1</A></xml>',  # a prolog
    b'<xml><A x="1">1</A></xml>',  # an attribute
    b"<xml><A>a &amp; b</A></xml>",  # a reference
    b"<xml><A><![CDATA[a\r\nb]]></A></xml>",  # CRLF, which XML reads as LF
    b"<xml><A/></xml>",  # an empty element
    "<xml><A><![CDATA[同]]>x</A></xml>".encode(),  # mixed content
])
def test_anything_but_flat_goes_to_the_defused_parser_and_reads_the_same(body: bytes) -> None:
    assert _flat(body) is None
    assert parse_xml(body)["A"] == slow(body)["A"]


def test_nested_elements_go_to_the_defused_parser() -> None:
    """ScanCodeInfo, SendPicsInfo: `Parent.Child`."""
    body = b"<xml><A><B>1</B></A><C>2</C></xml>"
    assert _flat(body) is None and parse_xml(body) == {"A.B": "1", "C": "2"}


@pytest.mark.parametrize("body", [
    b'<!DOCTYPE xml [<!ENTITY a "aaaa">]><xml><A>&a;</A></xml>',
    b"<xml><A>1</B></xml>", b"<xml><A>\x01</A></xml>", b"<xml><A>1</A></xml><xml></xml>",
])
def test_what_the_parser_refuses_is_still_refused(body: bytes) -> None:
    assert _flat(body) is None
    with pytest.raises(BadRequest):
        parse_xml(body)


names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True)
texts = st.text(st.characters(blacklist_categories=("Cs",), min_codepoint=9), max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(names, texts, st.booleans()), max_size=8), st.sampled_from(
    ["", " ", "\n", "\n  "]))
def test_any_flat_document_reads_the_same_either_way(
        fields: list[tuple[str, str, bool]], gap: str) -> None:
    parts = []
    for name, text, cdata in fields:
        if cdata:
            text = text.replace("]]>", "")
            parts.append(f"<{name}><![CDATA[{text}]]></{name}>")
        else:
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            parts.append(f"<{name}>{text}</{name}>")
    body = f"<xml>{gap}{gap.join(parts)}{gap}</xml>".encode()
    try:
        expected = slow(body)
    except Exception:
        with pytest.raises(BadRequest):
            parse_xml(body)
        return
    assert parse_xml(body) == expected

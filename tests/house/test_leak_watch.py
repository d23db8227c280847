"""The watch every test runs under (tests/support/leaks.py): a phone or an ID number the
service sent in clear fails the test, in every answer that carried it."""

from __future__ import annotations

from tests.support.leaks import KNOWN_IDS, KNOWN_PHONES, scan, watching_for_leaks

PHONE = "13800000002"
ID_NUMBER = "440106198001010013"


def test_a_number_in_clear_is_reported_for_each_answer_that_carried_it() -> None:
    with watching_for_leaks() as leaks:
        KNOWN_PHONES.add(PHONE)
        KNOWN_IDS.add(ID_NUMBER)
        for where in ("response GET /a 200", "response GET /b 200"):  # the same text twice
            scan(where, "请致电 +86 138-0000-0002，证件 440106198001010013")
        scan("response GET /c 200", "请致电 138****0002，证件 4401**********0013")
    # the regex finds the ID number as written; the known numbers are found however written
    assert [leak for leak in leaks if "/a " in leak] == [
        leak.replace("/b ", "/a ") for leak in leaks if "/b " in leak]
    assert any("/a " in leak and ID_NUMBER in leak for leak in leaks)
    assert any("/a " in leak and PHONE in leak for leak in leaks)
    assert not [leak for leak in leaks if "/c " in leak]  # masked: nothing

"""GD-DRAW's 模板下载: "《专家抽取申请模板》下载 … 《回避单位模板》下载" — the agency downloads
the four application forms as Word documents it fills in, stamps and uploads, and the
avoidance template as an Excel workbook it fills in and imports; nobody else has them."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from services.demo import demo_credit_code
from tests.support.api import Api
from tests.support.draw_world import TENDERER, prepared

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMS = {"draw": ("专家抽取申请模板", "评标评审专家抽取申请表", "申请抽取事由"),
         "redraw": ("重新抽取专家申请模板", "重新抽取评标评审专家申请表", "重新抽取原因"),
         "reeval": ("通知原专家评标申请模板", "通知原专家评标（复评）申请表", "复评原因"),
         "withdrawal": ("退选专家申请模板", "退选评标评审专家申请表", "退选原因说明")}


def document_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        assert "word/document.xml" in docx.namelist()
        return docx.read("word/document.xml").decode()


async def test_the_agency_downloads_the_five_templates(api: Api, demo: dict) -> None:
    token = await api.login(demo["handler"].mp_openid)
    listed = await api.call("GET", "/draws/templates", token)
    assert listed.status == 200
    assert [(t["kind"], t["title"]) for t in listed.data["templates"]] == [
        *((kind, names[0]) for kind, names in FORMS.items()), ("avoidance", "回避单位模板")]
    for kind, (name, title, asks) in FORMS.items():
        got = await api.client.get(f"/miniapp/v1/draws/templates/{kind}",
                                   headers={"Authorization": f"Bearer {token}"})
        assert got.status == 200 and got.content_type.endswith("wordprocessingml.document")
        assert "filename*=UTF-8''" in got.headers["Content-Disposition"]
        assert name in _filename(got.headers["Content-Disposition"])
        words = document_text(await got.read())
        assert title in words and asks in words and "盖章" in words
    got = await api.call("GET", "/draws/templates/avoidance", token)
    assert got.status == 200
    book = load_workbook(io.BytesIO(got.data["body"]))
    assert book.sheetnames == ["回避单位", "回避人员", "填写说明"]
    units, persons = book["回避单位"], book["回避人员"]
    assert [c.value for c in units[1]] == ["单位名称", "统一社会信用代码", "回避原因"]
    assert [c.value for c in persons[1]] == ["姓名", "身份证号", "回避原因"]
    # the reason is picked from the list, not typed; codes stay text (no 1.2E+17)
    picks = units.data_validations.dataValidation
    assert picks and "招标代理机构" in picks[0].formula1 and "C2" in str(picks[0].sqref)
    assert units.column_dimensions["B"].number_format == "@"
    assert persons.column_dimensions["B"].number_format == "@"
    # the legal person has them too; an expert and an unknown kind have none
    legal = await api.login(demo["agency_legal"].mp_openid)
    assert (await api.call("GET", "/draws/templates/withdrawal", legal)).status == 200
    expert = await api.login(demo["expert"].mp_openid)
    assert (await api.call("GET", "/draws/templates/draw", expert)).status == 403
    missing = await api.call("GET", "/draws/templates/other", token)
    assert missing.status == 404 and "模板下载" in missing.message


def _filename(disposition: str) -> str:
    from urllib.parse import unquote

    return unquote(disposition.split("filename*=UTF-8''", 1)[1])


def filled(template: bytes, units: list[tuple[str, str, str]],
           persons: list[tuple[str, str, str]]) -> bytes:
    """The downloaded template, filled in as an agency would in Excel."""
    book = load_workbook(io.BytesIO(template))
    for name, rows in (("回避单位", units), ("回避人员", persons)):
        for row in rows:
            book[name].append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_the_filled_in_template_imports_its_good_rows_and_refuses_each_bad_one(
        api: Api, demo: dict) -> None:
    aid, token = await prepared(api, demo, submitted=False)
    blank = (await api.call("GET", "/draws/templates/avoidance", token)).data["body"]
    good_code = demo_credit_code(61)
    bad_code = good_code[:-1] + ("0" if good_code[-1] != "0" else "1")
    workbook = filled(blank, units=[
        ("某建设集团有限公司", good_code, "投标人"),          # row 2: imported
        ("某设计院", bad_code, "投标人"),                    # row 3: check character
        ("某监理公司", "", "朋友"),                          # row 4: reason not in the list
        (TENDERER[0], TENDERER[1], "招标人"),               # row 5: on the list already
        ("某建设集团有限公司", "", "其他利害关系"),          # row 6: repeats row 2
        ("某咨询公司", "", "与投标人有利害关系"),            # row 7: imported
    ], persons=[
        ("张三", "11010519491231002X", "投标人"),           # row 2: imported
        ("李四", "110105194912310021", "投标人"),           # row 3: check digit
        ("王五", "", "投标人"),                             # row 4: no ID number
    ])
    done = await api.upload(f"/draws/activities/{aid}/avoidances/import", token, workbook,
                            "回避单位模板.xlsx", XLSX)
    assert done.status == 200, done.data
    assert done.data["added"] == 3
    refused = {(r["sheet"], r["row"]): r["message"] for r in done.data["refused"]}
    assert sorted(refused) == [("回避人员", 3), ("回避人员", 4), ("回避单位", 3),
                               ("回避单位", 4), ("回避单位", 5), ("回避单位", 6)]
    assert "校验" in refused[("回避单位", 3)] or "代码" in refused[("回避单位", 3)]
    assert "下拉列表" in refused[("回避单位", 4)] and "朋友" in refused[("回避单位", 4)]
    assert "已在回避名单中" in refused[("回避单位", 5)]
    assert "回避单位第2行" in refused[("回避单位", 6)]
    assert "身份证号" in refused[("回避人员", 4)]
    names = [a["name"] for a in done.data["activity"]["avoidances"]]
    assert {"某建设集团有限公司", "某咨询公司", "张三"} <= set(names)
    assert not {"某设计院", "某监理公司", "王五", "李四"} & set(names)
    assert names.count(TENDERER[0]) == 1
    # the refused rows corrected and imported again: only they are added
    again = filled(blank, units=[("某设计院", good_code[:-2], "投标人")], persons=[])
    fixed = filled(blank, units=[("某监理公司", "", "投标人")],
                   persons=[("王五", "11010519491231002X", "投标人")])
    second = await api.upload(f"/draws/activities/{aid}/avoidances/import", token, fixed,
                              "回避单位模板.xlsx", XLSX)
    assert second.data["added"] == 1 and len(second.data["refused"]) == 1
    assert "已在回避名单中" in second.data["refused"][0]["message"]  # 张三's number again
    # not the template: refused whole, saying which template to use
    other = await api.upload(f"/draws/activities/{aid}/avoidances/import", token,
                             "名称,原因\n甲,乙\n".encode(), "名单.csv", "text/csv")
    assert other.status == 400 and "回避单位模板" in other.message
    empty = await api.upload(f"/draws/activities/{aid}/avoidances/import", token, blank,
                             "回避单位模板.xlsx", XLSX)
    assert empty.status == 400 and "逐行填写" in empty.message
    # a code cut short is refused on its own row too
    short = await api.upload(f"/draws/activities/{aid}/avoidances/import", token, again,
                             "回避单位模板.xlsx", XLSX)
    assert short.data["added"] == 0 and short.data["refused"][0]["row"] == 2

"""The audit trail in words, as the audit administrator reads it (GB/T 22239-2019 安全审计
d): "应对审计记录进行…分析"): each entry says who did what to which record — an act in
words (texts/audit/act.j2, texts/draw/action.j2), the record by its name (an activity by
its project and number, a payee by the masked name and the amount in yuan), whether it was
done — and never a field name, a path, a media type or a counter. An entry's words come
from what it holds: the record named when it was written, or, for the operation log's rows
(chained with their digest) and entries written before records were named, the ids it
holds looked up now. Stored entries are never rewritten: the chain verifies as it was."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from models.audit import AuditEntry
from models.draws import DrawLog
from services.admin.trail_subjects import (
    KINDS,
    Named,
    activity_names,
    invitation_experts,
    person_names,
    yuan,
)
from services.common.texts import Texts
from services.draws.news import Views

DRAW_LOG = "draw_log"
# the operation log's actions that name the expert they concern on the trail: a fee and
# its payment, a performance record (after the evaluation); the others name the activity
# only (a sealed 补抽's rows must not say who was drawn before the results unseal)
NAMES_EXPERT = frozenset({"fee", "payout", "payout_account_ask", "payout_account_read",
                          "payout_account_paid", "performance", "performance_review",
                          "staff_checkin", "staff_checkout"})
FILES = ("export", "download")
READ_FULL = "read_full"  # a reading in full that is no file (AuditChain.recent_access)


class TrailWords:
    """The audit trail in words: each entry's act and the records it names."""

    def __init__(self, texts: Texts) -> None:
        self.texts = texts

    @staticmethod
    async def named(params: Mapping[str, str], noted: Mapping[str, int] | None = None) -> Named:
        """The records a call's path names and its handler noted, in words (masked): an empty
        dict when it names none or they are gone (a record deleted by the change itself)."""
        ids = {k.removesuffix("_id"): int(v) for k, v in params.items()
               if k.endswith("_id") and v.isascii() and v.isdigit() and len(v) <= 18}
        out: Named = {}
        for kind, key in {**ids, **(noted or {})}.items():
            if kind in KINDS:
                out.update({k: v for k, v in (await KINDS[kind](key)).items() if v})
        return out

    async def say(self, entries: Sequence[AuditEntry]) -> list[str]:
        """Each entry in words, in the order given (a page of the trail: a few queries)."""
        logs = {r.id: r for r in await DrawLog.filter(id__in=[
            int(e.detail.get("log", 0)) for e in entries if e.action == DRAW_LOG])}
        unnamed = [int(v) for e in entries if e.action != DRAW_LOG and "about" not in e.detail
                   for k, v in (e.detail.get("params") or {}).items()
                   if k == "activity_id" and str(v).isdigit()]
        activities = await activity_names([r.activity_id for r in logs.values()] + unnamed)
        experts = await invitation_experts(
            int(r.detail["invitation"]) for r in logs.values()
            if r.action in NAMES_EXPERT and str(r.detail.get("invitation", "")).isdigit())
        granted = await person_names(int(e.detail["to"]) for e in entries
                                     if e.action == "role_granted" and "about" not in e.detail
                                     and str(e.detail.get("to", "")).isdigit())
        return [self._say(e, logs, activities, experts, granted) for e in entries]

    def _say(self, entry: AuditEntry, logs: Mapping[int, DrawLog],
             activities: Mapping[int, Named], experts: Mapping[int, str],
             granted: Mapping[int, str]) -> str:
        d, action = entry.detail, entry.action
        if action == DRAW_LOG:
            row = logs.get(int(d.get("log", 0)))
            return self._draw_log(row, activities, experts) if row else self._what("draw_log")
        if action in FILES:
            return self._what("file", act=self._act(d, action), record=self._record(
                d, activities), outcome=d.get("outcome", ""), refusal=self._refusal(d),
                people=d.get("people", 0), rows=d.get("rows", 0), full=bool(d.get("full")),
                blank=action == "download", **self._held(d))
        if action == READ_FULL:
            return self._what("read", act=self._act(d, action), record=self._record(
                d, activities), people=d.get("people", 0), **self._held(d))
        if action == "unmask_register":
            return self._what("register", people=d.get("people", d.get("rows", 0)))
        if action == "access_denied":
            return self._denied(d)
        if "op" in d:  # a change, done or refused; a look (a preview) changed nothing
            return self._what("op", act=self._act(d, action), record=self._record(
                d, activities), outcome=d.get("outcome", "") if action != "look" else "",
                refusal=self._refusal(d))
        if action == "role_granted":
            to = (d.get("about") or {}).get("person") or granted.get(int(d.get("to") or 0))
            return self._what("grant", to=to or f"人员 {d.get('to')}",
                              role=self.texts.word("role", str(d.get("role", ""))))
        if "days" in d:  # an auditor's reading and the verification it ran
            return self._what("verify", days=d["days"], holds=d.get("holds"),
                              broken_at=d.get("broken_at"))
        if d.get("filter") == "access_log":
            return self._what("access_log")
        if "how" in d:  # a sign-in or its second factor: by what
            return self._what("sign_in", how=self.texts.word("sign_in_how", str(d["how"])),
                              account=d.get("account") or "", refusal=self._refusal(d))
        if action == "second_factor_failed":
            return self._what("second_factor_failed", failures=d.get("failures", 1))
        if action == "personal_data_export":
            return self._what("copy", via=d.get("via", ""))
        if action == "federation":  # another library's signed call, answered
            return self._what("federation", peer=d.get("peer", ""),
                              peer_name=d.get("peer_name", ""),
                              what=self.texts.word("federation_what", str(d.get("what", ""))))
        if action == "evaluation":  # an evaluation system's signed call, answered
            return self._what("federation", peer=d.get("peer", ""),
                              peer_name=d.get("peer_name", ""),
                              what=self.texts.word("evaluation_what", str(d.get("what", ""))))
        if action == "retention":
            return self._what("retention", persons=d.get("persons", 0),
                              tally=self._tally(d.get("counts") or {}))
        # an entry of a kind not named here: its values, never its keys
        return self._what("other", text="、".join(
            str(v) for k, v in d.items() if k != "browser" and not isinstance(v, dict | list)))

    def _what(self, case: str, **values: Any) -> str:
        defaults = {"act": "", "record": "", "outcome": "", "refusal": ""}
        return self.texts.render("audit/what.j2", case=case, **{**defaults, **values})

    def _act(self, d: Mapping[str, Any], action: str) -> str:
        """What a change or a download did, by its operation; an operation no longer served
        (an entry older than a rename) by the kind of entry."""
        params = d.get("params") or {}
        return self.texts.render("audit/act.j2", op=str(d.get("op", "")),
                                 purpose=str(params.get("purpose", ""))) \
            or self.texts.word("access_action", action)

    def _record(self, d: Mapping[str, Any], activities: Mapping[int, Named]) -> str:
        """The record named when the entry was written; for an entry from before, the
        activity its path held, by its project and number."""
        about = d.get("about")
        if about is None:
            raw = (d.get("params") or {}).get("activity_id", "")
            key = int(raw) if str(raw).isdigit() else 0
            about = activities.get(key,
                                   {"activity_no": Views.activity_number(key)}) if key else {}
        return self.texts.render("audit/record.j2", about=about)

    def _draw_log(self, row: DrawLog, activities: Mapping[int, Named],
                  experts: Mapping[int, str]) -> str:
        activity = activities.get(row.activity_id) or {
            "activity_no": Views.activity_number(row.activity_id)}
        concerns: Named = {}
        if row.action in NAMES_EXPERT:
            expert = experts.get(int(row.detail.get("invitation") or 0))
            concerns |= {"expert": expert} if expert else {}
            fen = row.detail.get("fen")
            concerns |= {"yuan": yuan(fen)} if isinstance(fen, int) and fen else {}
        return self._what("draw_log", record=self.texts.render("audit/record.j2", about=activity),
                          act=self.texts.render("draw/action.j2", action=row.action,
                                                result=self.result(row)),
                          concerns=self.texts.render("audit/record.j2", about=concerns))

    async def log_concerns(self, rows: list[DrawLog]) -> dict[int, str]:
        """What each operation-log entry about one expert concerns, in words (专家 李*国，
        900.00元), by the entry's id: the operation log shows it as the trail does."""
        about = [r for r in rows if r.action in NAMES_EXPERT]
        experts = await invitation_experts(
            int(r.detail["invitation"]) for r in about
            if str(r.detail.get("invitation", "")).isdigit())
        out = {}
        for row in about:
            expert = experts.get(int(row.detail.get("invitation") or 0))
            fen = row.detail.get("fen")
            concerns: Named = ({"expert": expert} if expert else {}) | (
                {"yuan": yuan(fen)} if isinstance(fen, int) and fen else {})
            if concerns:
                out[row.id] = self.texts.render("audit/record.j2", about=concerns)
        return out

    def result(self, row: DrawLog) -> str:
        """What an operation-log entry came to, where its action alone does not say: a
        transfer's outcome (已到账, 转账未成功 ...), an urgency's reason and decision."""
        state = str(row.detail.get("state") or "")
        if row.action == "payout_result" and state:
            return self.texts.word("payout_state", state)
        # 应急: the reason asked, and what the verifier decided of it with the approval
        if row.action in ("urgency_ask", "verify") and row.detail.get("urgency"):
            reason = self.texts.word("urgency_reason", str(row.detail.get(
                "urgency_reason") or row.detail["urgency"]))
            decided = str(row.detail["urgency"])
            return reason if row.action == "urgency_ask" else \
                f"{self.texts.word('urgency_status', decided)}（{reason}）"
        return ""

    def _denied(self, d: Mapping[str, Any]) -> str:
        """A refused attempt at another role's work: the console page by its menu name, or
        the API's area; an entry from before by the page its operation named."""
        page = str(d.get("page") or "")
        op = str(d.get("op", ""))
        if not page and op.startswith("页面 /"):  # written before pages were named
            page = op.removeprefix("页面 /").replace("-", "_")
        try:
            menu = self.texts.render("console/nav.j2", page=page) if page else ""
        except Exception:  # a page no longer on the menu
            menu = ""
        return self._what("denied", menu=menu, area=str(d.get("area") or ""))

    def holding(self, entry: AuditEntry) -> tuple[list[str], str]:
        """What an access held, each kind in words (完整身份证号), and why; nothing for an
        entry that noted none (written before, or no access)."""
        return ([self.texts.render("audit/held.j2", pairs=[pair]) for pair in self._pairs(
            entry.detail)], self._held(entry.detail)["why"])

    def _pairs(self, d: Mapping[str, Any]) -> list[tuple[str, str]]:
        return [(self.texts.word("personal_field", str(kind)), str(shown))
                for kind, shown in d.get("held") or []]

    def _held(self, d: Mapping[str, Any]) -> dict[str, str]:
        """The kinds of personal data an access held, in words (完整身份证号, 手机号（脱敏）),
        and why; none for an entry written before they were noted."""
        pairs = self._pairs(d)
        why = str(d.get("why") or "")
        return {"held": self.texts.render("audit/held.j2", pairs=pairs) if pairs else "",
                "why": self.texts.word("access_purpose", why) if why else ""}

    def _refusal(self, d: Mapping[str, Any]) -> str:
        """A refusal's reason (安全审计 b): "事件是否成功"), without its parameters (they
        may name people): its first sentence."""
        code = str(d.get("error") or d.get("refusal") or "")
        if not code:
            return ""
        try:
            said = self.texts.error_gist(code)
        except Exception:  # a code with no words (an older one): said as not done
            said = ""
        return str(said).split("。")[0]

    def _tally(self, counts: Mapping[str, Any]) -> str:
        """A retention run's records by kind of personal data (texts/words/personal_data)."""
        return "、".join(
            f"{self.texts.render('words/personal_data.j2', key=f'kind.{k}', days=0, log_days=0)}"
            f" {n} 条" for k, n in counts.items() if n)

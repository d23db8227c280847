"use strict";
// What is on record about an expert, and their say on it: performance records (a reply,
// once, perhaps disputing one), credit, sanctions (an appeal, once); and the desks' pages the
// chat links to (审核, 核验, 意见反馈), as far as the API lets a mini-program session do them.

function replyForm(testid, label, send) {
  // one text box and its button; `send(text, dispute)` calls the API
  const form = el("form", { class: "mp-form", testid },
    input(label, { tag: "textarea", name: "text" }));
  return { form, text: () => form.elements.text.value.trim() };
}

SCREENS.records = {
  title: "履职记录",
  async show(body) {
    const { records } = await mp("GET", "/me/performance");
    if (!records.length) body.append(el("p", { class: "hint", text: "还没有履职记录。" }));
    for (const r of records) {
      const c = card("mp-record-" + r.id, el("h4", { text: r.eval_day + " · " + r.venue }),
        row("记录单位", r.agency), row("到场情况", r.attendance),
        r.score !== null ? row("评分", r.score + " 分") : null,
        r.conduct.length ? row("履职问题", r.conduct.map((x) => x.name).join("、")) : null,
        row("评语", r.comment), row("记录时间", china(r.recorded_at)),
        r.reply ? row("我的说明", r.reply + (r.disputed ? "（已申请复核）" : ""), "mp-record-reply") : null,
        r.review_title ? row("复核结果", r.review_title + (r.review_note ? "：" + r.review_note : "")) : null);
      if (!r.reply) {
        const { form, text } = replyForm("mp-record-form-" + r.id, "说明（每条记录限一次）");
        const send = (dispute) => async () => {
          await mp("POST", "/me/performance/" + r.id + "/reply", { text: text(), dispute });
          await again();
          say(dispute ? "说明已提交，已申请管理员复核。" : "说明已提交。");
        };
        form.append(el("div", { class: "mp-actions" },
          button("提交说明", "mp-record-reply-" + r.id, send(false), true),
          button("有异议，申请复核", "mp-record-dispute-" + r.id, send(true))));
        c.append(form);
      }
      body.append(c);
    }
    // what an evaluation system's analysis or a venue's event put on the record, once the
    // agency confirmed it: the basis with its numbers and the agency's reason
    const { proposals } = await mp("GET", "/me/performance/proposals");
    if (proposals.length) body.append(el("h4", { text: "评分分析与现场事件（代理机构已确认）" }));
    for (const p of proposals) {
      body.append(card("mp-proposal-" + p.id, el("h4", { text: p.kind_title }),
        row("依据", p.explanation, "mp-proposal-basis"),
        p.mark_title ? row("记入事项", p.mark_title) : null,
        row("代理机构的理由", p.reason, "mp-proposal-reason"),
        p.decided_at ? row("确认时间", china(p.decided_at)) : null));
    }
  },
};

SCREENS.portrait = {
  title: "专家画像",
  async show(body) {
    // the expert's own portrait (NDRC-195): each dimension with the events it rests on
    const p = await mp("GET", "/me/portrait");
    body.append(el("p", { class: "hint", text: p.name + "（" + p.number + "），统计自 " +
                                                china(p.since) + " 起" }));
    for (const d of p.dimensions) {
      const c = card("mp-dimension-" + d.key, el("h4", { text: d.title }),
                     row("情况", d.value));
      for (const e of d.events.slice(0, 10)) {
        c.append(row(china(e.at), e.what + (e.activity ? "（" + e.activity + "）" : "")));
      }
      body.append(c);
    }
  },
};

SCREENS.credit = {
  title: "信用",
  async show(body) {
    const credit = await mp("GET", "/expert/credit");
    body.append(card("mp-credit", el("h4", { text: credit.expert_name + " · " + credit.expert_number }),
      row("信用分", credit.score + " 分", "mp-credit-score"), row("信用等级", credit.level),
      row("计入", "履职记录 " + credit.records + " 条，处分 " + credit.sanctions + " 次，缺席或请假 " +
          credit.absences + " 次"),
      el("div", { class: "mp-log" }, credit.explanation.map((line) => el("div", { text: line })))));
    if (credit.history.length) {
      body.append(el("h4", { text: "变化" }), card("mp-credit-history",
        credit.history.map((h) => row(china(h.at), h.score + " 分（" + h.level + "） " + h.cause))));
    }
  },
};

SCREENS.sanctions = {
  title: "处分",
  async show(body) {
    const { items } = await mp("GET", "/expert/sanctions");
    if (!items.length) body.append(el("p", { class: "hint", text: "没有处分记录。" }));
    for (const s of items) {
      const c = card("mp-sanction-" + s.id, el("h4", { text: s.kind_title + " · " + s.period }),
        row("违规行为", s.conduct_names.join("、")), row("理由", s.reason),
        row("决定日期", s.decided_on), row("现在", s.in_force ? "生效中：不会被抽取" : "不影响抽取"),
        s.appeal ? row("我的申诉", s.appeal + "（" + china(s.appealed_at) + "）", "mp-sanction-appeal") : null,
        s.appealed_at ? row("复核", s.outcome_title + (s.ruling ? "：" + s.ruling : "")) : null);
      if (!s.appeal) {
        const { form, text } = replyForm("mp-appeal-form-" + s.id, "申诉理由（只能申诉一次）");
        form.append(button("提出申诉", "mp-appeal-" + s.id, async () => {
          await mp("POST", "/expert/sanctions/" + s.id + "/appeal", { appeal: text() });
          await again();
          say("申诉已提交，管理员复核后会通知您。");
        }));
        c.append(form);
      }
      body.append(c);
    }
  },
};

// what a return names for the applicant to change (services/applicants/returns.py SECTIONS)
const RETURN_ITEMS = [["basic", "基本信息"], ["work", "工作经历"], ["education", "学历信息"],
  ["title", "职称"], ["qualifications", "执业资格"], ["specialties", "评标专业"],
  ["avoid", "回避单位"], ["attachments", "附件"]];

SCREENS.review = {
  title: "待我审核",
  async show(body) {
    const { applications } = await mp("GET", "/review/queue");
    if (!applications.length) body.append(el("p", { class: "hint", text: "没有待审核的申请。" }));
    for (const a of applications) {
      const { form, text } = replyForm("mp-review-form-" + a.id, "意见（退回、不通过时必填）");
      form.append(el("div", { class: "mp-checks" }, el("span", { class: "mp-label", text: "退回修改的内容" }),
        RETURN_ITEMS.map(([item, words]) => el("label", {},
          el("input", { type: "checkbox", name: "items", value: item }), words))));
      const items = () => [...form.querySelectorAll("input[name=items]:checked")].map((c) => c.value);
      const decide = (action, words) => button(words, "mp-review-" + action + "-" + a.id, async () => {
        await mp("POST", "/review/applications/" + a.id + "/decision",
                 { action, reason: text(), items: action === "return" ? items() : [] });
        await again();
        say(a.applicant + "的申请：已" + words);
      }, action !== "approve");
      form.append(el("div", { class: "mp-actions" }, decide("approve", "通过"),
                     decide("return", "退回修改"), decide("reject", "不通过")));
      body.append(card("mp-review-" + a.id, el("h4", { text: a.applicant + " · " + a.batch }),
        row("环节", a.stage), row("地区 · 行业", [a.region, a.industry].filter(Boolean).join(" · ")),
        a.submitted_at ? row("提交时间", china(a.submitted_at)) : null, form));
    }
  },
};

SCREENS.verify = {
  title: "待核验",
  async show(body) {
    const { activities } = await mp("GET", "/verify/activities");
    if (!activities.length) body.append(el("p", { class: "hint", text: "没有待核验的抽取。" }));
    for (const a of activities) {
      body.append(card("mp-verify-" + a.id, el("h4", { text: a.project }),
        row("项目编号", a.project_number), row("评标开始", china(a.eval_start)),
        row("专家人数", a.total + " 人")));
    }
  },
};

SCREENS.feedback = {
  title: "意见反馈",
  async show(body) {
    const answer = await mp("GET", "/admin/feedback");
    const items = answer.feedback;
    if (!items.length) body.append(el("p", { class: "hint", text: "没有意见反馈。" }));
    for (const f of items) {
      body.append(card("mp-feedback-" + f.id, el("h4", { text: f.number + " · " + f.category }),
        el("p", { text: f.content }), row("提交时间", china(f.created_at)),
        row("回复", f.answer || "未回复")));
    }
  },
};

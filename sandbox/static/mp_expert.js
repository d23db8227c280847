"use strict";
// A formal expert's mini-program: invitations (reply 1 / 2 / 3, check in by face where the
// venue checks identity), fees and their transfers (收款 confirmed on WeChat's page, or
// authorised once), fees to pay, continuing education, and deregistration.

const ANSWERS = [[1, "参加"], [2, "不参加"], [3, "需回避"]];

SCREENS.invitations = {
  title: "评标邀请",
  async show(body) {
    const { invitations } = await mp("GET", "/expert/invitations");
    if (!invitations.length) body.append(el("p", { class: "hint", text: "近30天没有评标邀请。" }));
    for (const item of invitations) body.append(invitationCard(item));
  },
};

function invitationCard(item) {
  const c = card("mp-invitation-" + item.id,
    el("h4", { text: item.venue + (item.venue_role ? "（" + item.venue_role + "）" : "") }),
    row("状态", item.status_title, "mp-invitation-status"),
    row("集合时间", china(item.gather_at)), row("地址", item.address),
    row("联系人", item.contact), item.notes ? row("备注", item.notes) : null,
    item.status === "sent" ? row("回复截止", china(item.due_at)) : null,
    item.verification_code ? row("验证码", item.verification_code) : null,
    item.identity_check ? row("签到", item.face_checkin ? "须核验身份：可刷脸签到，或出示身份证由工作人员核对"
                                                       : "须出示身份证，由现场工作人员核对") : null);
  if (item.status === "sent") {
    c.append(el("div", { class: "mp-actions" }, ANSWERS.map(([choice, words]) =>
      button(choice + " " + words, "mp-reply-" + choice, async () => {
        await mp("POST", "/expert/invitations/" + item.id + "/reply", { choice });
        await again();
        say("已回复：" + words);
      }, choice !== 1))));
  }
  if (item.face_checkin && item.status === "confirmed") {
    c.append(button("刷脸签到", "mp-face-checkin", () => faceCheckin(item)));
  }
  return c;
}

async function faceCheckin(item) {
  // start: WeChat opens a verification; the phone's face; then the service asks WeChat
  const started = await mp("POST", "/expert/invitations/" + item.id + "/face-checkin");
  const ret = await requestFacialVerify(started.verify_id, started.notice);
  if (ret === null) return;
  try {
    const result = await mp("POST", "/expert/invitations/" + item.id + "/face-checkin/result",
                            { verify_id: started.verify_id });
    await again();
    say(result.message);
  } catch (err) {
    await again();
    refuse(err);
  }
}

SCREENS.fees = {
  title: "劳务费",
  async show(body) {
    const [{ fees }, payouts] = await Promise.all([mp("GET", "/expert/fees"),
                                                   mp("GET", "/expert/payouts")]);
    body.append(authorisationCard(payouts));
    body.append(el("h4", { text: "待收款与转账" }));
    if (!payouts.payouts.length) body.append(el("p", { class: "hint", text: "没有专家费转账。" }));
    for (const p of payouts.payouts) {
      const c = card("mp-payout-" + p.id, el("h4", { text: "评标日期 " + p.eval_day }),
        row("状态", p.state_title, "mp-payout-state"), row("金额", p.amount_words),
        p.can_confirm ? row("确认期限", china(p.expires_at) + " 前") : null,
        p.finished_at ? row("完成时间", china(p.finished_at)) : null);
      if (p.can_confirm) c.append(button("确认收款", "mp-confirm-" + p.id, () => receive(p)));
      // the 电子回单 the paid notice promises here: once WeChat Pay made it and it is archived
      if (p.receipt) {
        c.append(button("下载电子回单", "mp-receipt-" + p.id, () => mpDownload(
          "/expert/payouts/" + p.id + "/receipt", "电子回单-" + p.eval_day + ".pdf")));
      } else if (p.state === "paid") {
        c.append(row("电子回单", "微信支付生成后可在这里下载", "mp-receipt-pending-" + p.id));
      }
      body.append(c);
    }
    body.append(el("h4", { text: "我的评标劳务费" }));
    if (!fees.length) body.append(el("p", { class: "hint", text: "还没有评标结束后的劳务费。" }));
    for (const f of fees) {
      body.append(card("mp-fee-" + f.eval_day, el("h4", { text: f.eval_day + " · " + f.venue }),
        f.computed_yuan ? row("按标准", yuan(f.computed_yuan) + "（" + f.breakdown + "）") : null,
        row("登记金额", f.amount_yuan ? yuan(f.amount_yuan) : "代理机构尚未登记"),
        f.reason ? row("与标准不同的原因", f.reason) : null,
        // what the law took off the fee and why (CK-198 Art. 25), from the performance record
        f.withheld ? row("按规定扣除", f.withheld, "mp-withheld-" + f.eval_day) : null,
        row("支付", f.paid ? "已支付" : "未支付"),
        f.payout ? row("转账", f.payout.state_title + "：" + f.payout.amount_words) : null));
    }
  },
};

async function receive(payout) {
  // GET confirm -> wx.requestMerchantTransfer -> POST check
  const params = await mp("GET", "/expert/payouts/" + payout.id + "/confirm");
  if (await requestMerchantTransfer(params) === null) return;
  const checked = await mp("POST", "/expert/payouts/" + payout.id + "/check");
  await again();
  say("转账" + checked.state_title + "：" + checked.amount_words);
}

function authorisationCard(payouts) {
  const c = card("mp-authorisation", el("h4", { text: "免确认收款" }),
    row("状态", payouts.authorised ? "已开通：专家费直接转入微信零钱" : "未开通：每笔转账需确认收款",
        "mp-authorisation-state"));
  if (!payouts.authorisation_available) {
    c.append(el("p", { class: "hint", text: "本系统未提供免确认收款。" }));
  } else if (payouts.authorised) {
    c.append(button("关闭免确认收款", "mp-revoke", async () => {
      const answer = await mp("POST", "/expert/payouts/authorisation/revoke");
      await again();
      say(answer.state_title);
    }, true));
  } else {
    c.append(button("开通免确认收款", "mp-authorise", async () => {
      const params = await mp("POST", "/expert/payouts/authorisation");
      if (await requestMerchantTransfer(params) === null) return;
      const answer = await mp("POST", "/expert/payouts/authorisation/check");
      await again();
      say(answer.state_title);
    }));
  }
  return c;
}

SCREENS.payments = {
  title: "缴费",
  async show(body) {
    const { enabled, fees } = await mp("GET", "/payments/fees");
    if (!enabled) body.append(el("p", { class: "hint", text: "本系统未开通在线缴费。" }));
    if (!fees.length) body.append(el("p", { class: "hint", text: "没有应缴的费用。" }));
    const words = { paid: "已缴", open: "可缴", not_yet: "未开放", closed: "已截止" };
    for (const fee of fees) {
      const c = card("mp-due-" + fee.kind + "-" + fee.ref_id, el("h4", { text: fee.title }),
        row("金额", (fee.amount_fen / 100).toFixed(2) + "元"),
        row("缴费时间", china(fee.opens) + " 至 " + china(fee.closes)),
        row("状态", words[fee.state] || fee.state, "mp-due-state"));
      if (fee.state === "open") {
        c.append(button("缴费", "mp-pay-" + fee.kind + "-" + fee.ref_id, async () => {
          const out = await mp("POST", "/payments/fees/" + fee.kind + "/" + fee.ref_id + "/checkout");
          if (await requestPayment(out.jsapi, out.title, out.amount_fen) === null) return;
          await again();
          say("已支付：微信支付通知专家库后，这里显示“已缴”，回执推送到微信。");
        }));
      }
      body.append(c);
    }
  },
};

SCREENS.courses = {
  title: "继续教育",
  async show(body) {
    const { courses } = await mp("GET", "/education/courses");
    if (!courses.length) body.append(el("p", { class: "hint", text: "没有继续教育课程。" }));
    for (const course of courses) {
      const e = course.enrollment;
      const c = card("mp-course-" + course.id, el("h4", { text: course.title }),
        row("学时", course.hours + " 学时"), row("学习时间", course.study_window),
        course.fee_yuan ? row("费用", yuan(course.fee_yuan)) : null,
        e ? row("学习情况", (e.paid ? "已缴费" : "未缴费") + " · 进度 " + e.progress + "% · " + e.grading_title) : null,
        e && e.certificate_no ? row("证书编号", e.certificate_no) : null);
      if (!e) {
        c.append(button("报名", "mp-enroll-" + course.id, async () => {
          await mp("POST", "/education/courses/" + course.id + "/enroll");
          await again();
          say("已报名：" + course.title);
        }));
      } else if (e.certificate_no) {
        c.append(button("查看证书", "mp-certificate-" + course.id, async () => {
          const cert = await mp("GET", "/education/enrollments/" + e.id + "/certificate");
          window.open(cert.page, "_blank", "noopener");
        }, true));
      }
      body.append(c);
    }
  },
};

SCREENS.deregister = {
  title: "注销",
  async show(body) {
    const form = el("form", { class: "mp-form" },
      input("请输入「确认注销」", { name: "confirm", testid: "mp-deregister-confirm" }));
    form.append(button("注销账户", "mp-deregister", async () => {
      const answer = await mp("POST", "/expert/deregister", { confirm: form.elements.confirm.value.trim() });
      MP.token = null; MP.login = null; MP.history = [];
      $("#mp-body").replaceChildren(card("mp-deregistered", el("h4", { text: "账户已注销" }),
                                         el("p", { class: "mp-message", text: answer.message })));
      say("账户已注销。");
    }));
    body.append(card("mp-card-deregister",
      el("p", { text: "注销后账户将不能再使用，也不会再被抽取。按规定须保存的记录继续保存，注销后会告诉您保存什么、保存多久。" }),
      form));
  },
};

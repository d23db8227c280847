"use strict";
// The simulator talks to /sandbox/api/*, which pushes signed (and, with AES on, encrypted)
// messages to the service's real /wechat/callback and reads what the fake platform delivered.
const $ = (sel) => document.querySelector(sel);
const state = { openid: null, after: 0, timer: null };

async function api(path, body) {
  const opts = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const resp = await fetch("/sandbox/api/" + path, opts);
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) throw new Error(data.message || ("HTTP " + resp.status));
  return data;
}

// WeChat shows <a href ... data-miniprogram-path=...>label</a> in a text as a link: show the
// label as one, and the page it opens as its title (built as text nodes, never as HTML).
const TEXT_LINK = /<a\s([^>]*)>(.*?)<\/a>/g;
const PAGE_ATTR = /data-miniprogram-path="([^"]*)"/;

// An address in a message (the answer, appeal, reply and payout pages an SMS or a chat
// text links) opens in a new tab, as the phone would open it: built as an element whose
// href is only ever an http(s) address, never as HTML.
const URL_IN_TEXT = /https?:\/\/[^\s，。；）)"<>]+/g;

function appendPlain(div, text) {
  let last = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    div.appendChild(document.createTextNode(text.slice(last, m.index)));
    const a = document.createElement("a");
    a.href = m[0]; a.textContent = m[0]; a.target = "_blank"; a.rel = "noopener";
    a.dataset.testid = "message-link";
    div.appendChild(a);
    last = m.index + m[0].length;
  }
  div.appendChild(document.createTextNode(text.slice(last)));
}

function fillText(div, text) {
  let last = 0;
  for (const m of text.matchAll(TEXT_LINK)) {
    appendPlain(div, text.slice(last, m.index));
    const link = document.createElement("span");
    link.className = "textlink";
    link.textContent = m[2];
    const page = m[1].match(PAGE_ATTR);
    if (page) {  // a mini-program page: tapped, the phone's mini-program opens it
      const path = page[1];
      link.title = "小程序页面：" + path;
      link.dataset.testid = "mini-program-link";
      link.addEventListener("click", () => openPage(path));
    }
    div.appendChild(link);
    last = m.index + m[0].length;
  }
  appendPlain(div, text.slice(last));
}

function bubble(cls, text, testid) {
  const div = document.createElement("div");
  div.className = "msg " + cls;
  fillText(div, text);
  if (testid) div.dataset.testid = testid;
  $("#chat").appendChild(div);
  $("#chat").scrollTop = $("#chat").scrollHeight;
  return div;
}

function showReply(result) {
  if (result.status !== 200) { bubble("note", "服务返回 HTTP " + result.status); return; }
  const reply = result.reply;
  if (!reply) { bubble("note", "（服务回复 success：没有被动回复，" + result.elapsed_ms + " ms）"); return; }
  if (reply.type === "image") {
    const div = bubble("bot", "", "reply");
    const img = document.createElement("img");
    img.src = "/sandbox/media?media_id=" + encodeURIComponent(reply.media_id);
    div.appendChild(img);
  } else {
    bubble("bot", reply.content, "reply");
  }
}

async function run(action, label) {
  if (!state.openid) return;
  if (label) bubble("me", label);
  try { showReply(await action()); } catch (err) { bubble("note", "出错了：" + err.message); }
  loadQRCodes();
}

async function loadUsers() {
  const users = await api("users");
  const list = $("#users");
  list.innerHTML = "";
  for (const u of users) {
    const li = document.createElement("li");
    li.dataset.openid = u.openid;
    li.dataset.testid = "user-" + u.openid;
    li.innerHTML = "<div class='name'></div><div class='roles'></div><div class='openid'></div>";
    li.querySelector(".name").textContent = u.name + (u.phone ? "（" + u.phone + "）" : "");
    li.querySelector(".roles").textContent = u.roles.join("、") || (u.name === "未绑定的用户" ? "" : "无角色");
    li.querySelector(".openid").textContent = u.openid;
    li.addEventListener("click", () => choose(u));
    list.appendChild(li);
  }
}

function choose(user) {
  state.openid = user.openid;
  state.after = 0;
  document.querySelectorAll("#users li").forEach((li) =>
    li.classList.toggle("active", li.dataset.openid === user.openid));
  $("#who").textContent = user.name + " · " + user.openid;
  $("#chat").innerHTML = "";
  $("#inbox").innerHTML = "";
  mpUser(user);
  for (const el of ["#text", "#send", "#notify", "#close-window", "#follow", "#unfollow"]) $(el).disabled = false;
  $("#text").focus();
  pollInbox();
}

async function loadMenu() {
  const menu = await api("menu");
  const bar = $("#menu");
  bar.innerHTML = "";
  for (const top of menu) {
    const cell = document.createElement("div");
    const button = document.createElement("button");
    button.className = "top";
    button.type = "button";
    button.textContent = top.name;
    cell.appendChild(button);
    if (top.sub_button && top.sub_button.length) {
      const subs = document.createElement("div");
      subs.className = "subs";
      for (const item of top.sub_button) subs.appendChild(menuButton(item));
      cell.appendChild(subs);
      button.addEventListener("click", () => cell.classList.toggle("open"));
    } else {
      button.addEventListener("click", () => menuAction(top));
    }
    bar.appendChild(cell);
  }
}

function menuButton(item) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = item.name;
  b.dataset.testid = "menu-" + (item.key || item.name);
  b.addEventListener("click", () => {
    document.querySelectorAll("#menu > div").forEach((d) => d.classList.remove("open"));
    menuAction(item);
  });
  return b;
}

function menuAction(item) {
  if (item.type === "click") {
    run(() => api("click", { openid: state.openid, key: item.key, aes: $("#aes").checked }),
        "【菜单】" + item.name);
  } else if (item.type === "miniprogram") {
    openPage(item.pagepath);
  } else {
    bubble("note", "（打开网页：" + item.url + "）");
  }
}

function smsReply(seq) {
  // reply to this SMS from the phone (上行), as an expert without WeChat answers
  const form = document.createElement("form");
  form.className = "sms-reply";
  const input = document.createElement("input");
  input.placeholder = "回复短信，例如：1";
  input.dataset.testid = "sms-reply-text";
  const button = document.createElement("button");
  button.textContent = "回复";
  button.dataset.testid = "sms-reply-send";
  form.append(input, button);
  form.onsubmit = async (event) => {
    event.preventDefault();
    try {
      await api("sms-reply", { seq, text: input.value });
      input.value = "";
      input.placeholder = "已回复";
    } catch (err) {
      input.placeholder = err.message;
    }
  };
  return form;
}

function keypad(seq) {
  // a ringing call: press 1 / 2 / 3 as the callee would, or let it ring out
  const pad = document.createElement("div");
  pad.className = "keypad";
  for (const [key, label] of [["1", "1 参加"], ["2", "2 不参加"], ["3", "3 需回避"],
                              ["miss", "未接听"]]) {
    const button = document.createElement("button");
    button.textContent = label;
    button.dataset.testid = "voice-key-" + key;
    button.onclick = async () => {
      try {
        await api("voice-key", { seq, key });
        pad.textContent = key === "miss" ? "未接听" : "已按 " + key;
      } catch (err) {
        pad.textContent = err.message;
      }
    };
    pad.appendChild(button);
  }
  return pad;
}

function renderItem(item) {
  const div = document.createElement("div");
  div.className = "item";
  div.dataset.testid = "inbox-" + item.kind;
  const names = { custom_text: "客服消息", custom_image: "客服图片", template: "模板消息",
                  subscribe: "订阅消息", sms: "短信", voice: "来电", privacy_call: "虚拟号码来电",
                  mail: "邮件" };
  const tag = document.createElement("span");
  tag.className = "tag " + item.kind;
  tag.textContent = names[item.kind] || item.kind;
  div.appendChild(tag);
  const when = document.createElement("small");
  // China time, whatever the time zone of the machine that opens the simulator
  when.textContent = new Date(item.at * 1000).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });
  div.appendChild(when);
  if (item.to) {  // another person's phone, shown in a shared inbox: whose
    const to = document.createElement("small");
    to.className = "to"; to.dataset.testid = "sms-to"; to.textContent = " " + item.to;
    div.appendChild(to);
  }
  if (item.fields) {
    const dl = document.createElement("dl");
    for (const [k, v] of Object.entries(item.fields)) {
      const dt = document.createElement("dt"); dt.textContent = k;
      const dd = document.createElement("dd"); dd.textContent = v;
      dl.append(dt, dd);
    }
    div.appendChild(dl);
  } else if (item.image) {
    const img = document.createElement("img"); img.src = item.image; img.width = 160;
    div.appendChild(img);
  } else {
    const p = document.createElement("div"); p.className = "text"; fillText(p, item.text);
    p.style.whiteSpace = "pre-wrap";
    div.appendChild(p);
  }
  if (item.page) {  // a template or subscribe message that opens a mini-program page
    const open = document.createElement("button");
    open.type = "button"; open.className = "open-page"; open.dataset.testid = "open-page";
    open.textContent = "进入小程序查看"; open.title = item.page;
    open.addEventListener("click", () => openPage(item.page));
    div.appendChild(open);
  }
  if (item.kind === "voice") div.appendChild(keypad(item.seq));
  if (item.kind === "sms") div.appendChild(smsReply(item.seq));
  for (const file of item.files || []) {  // a mail's attachments
    const a = document.createElement("a");
    a.href = file.url; a.textContent = "附件：" + file.name; a.download = file.name;
    a.dataset.testid = "mail-file"; a.style.display = "block";
    div.appendChild(a);
  }
  $("#inbox").prepend(div);
  if (item.kind === "custom_text") bubble("bot", item.text, "pushed");
}

async function pollInbox() {
  clearTimeout(state.timer);
  const openid = state.openid;
  if (!openid) return;
  try {
    const items = await api("inbox?openid=" + encodeURIComponent(openid) + "&after=" + state.after);
    if (openid !== state.openid) return;
    for (const item of items) { renderItem(item); state.after = Math.max(state.after, item.seq); }
  } catch (err) { /* the service may be restarting; try again */ }
  state.timer = setTimeout(pollInbox, 800);
}

async function loadQRCodes() {
  const list = $("#qrcodes");
  const codes = await api("qrcodes").catch(() => []);
  list.innerHTML = "";
  for (const qr of codes) {
    const li = document.createElement("li");
    const img = document.createElement("img"); img.src = qr.image; img.alt = qr.kind;
    const info = document.createElement("span");
    info.textContent = qr.kind + "（" + Math.round(qr.expires_in / 60) + " 分钟后过期）";
    const button = document.createElement("button");
    button.textContent = "扫码"; button.type = "button";
    button.dataset.testid = "scan-" + qr.kind;
    button.addEventListener("click", () =>
      run(() => api("scan", { openid: state.openid, ticket: qr.ticket, aes: $("#aes").checked }),
          "【扫码】" + qr.kind));
    li.append(img, info, button);
    list.appendChild(li);
  }
}

async function loadPayOrders() {
  const list = $("#pay-orders");
  const orders = await api("pay-orders").catch(() => []);
  list.innerHTML = "";
  for (const order of orders) {
    const li = document.createElement("li");
    const info = document.createElement("span");
    info.textContent = order.description + "：" + (order.total / 100).toFixed(2) + "元";
    const button = document.createElement("button");
    button.textContent = "扫码支付"; button.type = "button";
    button.dataset.testid = "pay-" + order.out_trade_no;
    button.addEventListener("click", async () => {
      await api("pay-scan", { out_trade_no: order.out_trade_no, openid: state.openid }).then(
        () => bubble("note", "（已支付 " + info.textContent + "，等待缴费回执）"),
        (err) => bubble("note", "支付失败：" + err.message));
      loadPayOrders();
    });
    li.append(info, button);
    list.appendChild(li);
  }
}
setInterval(loadPayOrders, 2000);

function callButton(label, testid, action) {
  const button = document.createElement("button");
  button.textContent = label; button.type = "button"; button.dataset.testid = testid;
  button.addEventListener("click", async () => {
    await action().catch((err) => bubble("note", "出错了：" + err.message));
    loadPrivacy();
  });
  return button;
}

async function loadPrivacy() {
  const list = $("#privacy");
  const rows = await api("privacy/bindings").catch(() => []);
  list.innerHTML = "";
  for (const b of rows) {
    const li = document.createElement("li");
    const info = document.createElement("span");
    info.textContent = "虚拟号 " + b.middle_number + "：工作人员 " + b.staff + " ⇄ 专家 " + b.expert +
      "（" + Math.max(1, Math.round(b.expires_in / 60)) + " 分钟后解绑）";
    li.append(info,
      callButton("工作人员拨打", "dial-staff-" + b.subs_id,
                 () => api("privacy/dial", { subs_id: b.subs_id, side: "staff" })),
      callButton("专家回拨", "dial-expert-" + b.subs_id,
                 () => api("privacy/dial", { subs_id: b.subs_id, side: "expert" })));
    for (const c of b.calls) {
      const line = document.createElement("div");
      line.textContent = (c.from_staff ? "工作人员 → 专家" : "专家 → 工作人员") + (c.answered ? "：通话中" : "：响铃中");
      if (!c.answered) line.append(callButton("接听", "answer-" + c.call_id, () => api("privacy/answer", { call_id: c.call_id })));
      line.append(callButton("挂断", "hang-up-" + c.call_id, () => api("privacy/hang-up", { call_id: c.call_id, seconds: 95 })));
      li.append(line);
    }
    list.appendChild(li);
  }
}
setInterval(loadPrivacy, 2000);
loadPrivacy();

$("#demo-draw").addEventListener("click", async () => {
  await api("demo-draw", {}).then(
    (r) => {
      state.draw = r.activity;
      bubble("note", "（已开始演示抽取：" + r.progress + "，" + r.waiting + " 位专家收到邀请；随机种子摘要 " + r.seed_hash.slice(0, 16) + "…）");
    },
    (err) => bubble("note", "出错了：" + err.message));
  loadUsers();
});

// The sandbox's evaluation system acts on the last demo draw (or the latest draw): what it
// did, what the library answered, and the proposals the library now holds for the draw.
function evaluationSaid(act, r) {
  const a = r.answer;
  const lines = [];
  if (r.moved) lines.push(r.moved);
  if (act === "read") {
    const serving = a.members.filter((m) => m.state === "serving").length;
    lines.push("电子评标系统读取了评标委员会（第 " + a.seq + " 版）：" + a.members.length + " 人，其中 " + serving + " 人在岗");
  } else if (act === "scores") {
    lines.push("评分表 " + a.table_id + (a.replayed ? " 重复提交，专家库按原结果答复" : " 已提交") + "：" + a.experts + " 位专家、" + a.bidders + " 家投标人" + (a.deviating ? "；偏离的专家验证码 " + a.deviating : "（在岗专家不足3人，不分析偏离）"));
  } else {
    lines.push("已报告专家（验证码 " + a.expert + "）迟到" + (a.replayed ? "（重复报告）" : ""));
  }
  const made = r.proposals.map((p) => p.expert + " · " + p.kind + " · " + p.status);
  if (act !== "read") lines.push(made.length ? "这次评标的履职建议：" + made.join("；") : "这次评标还没有履职建议");
  return "（" + lines.join("。") + "）";
}
for (const act of ["read", "scores", "late"]) {
  $("#eval-" + act).addEventListener("click", async () => {
    await api("evaluation/" + act, state.draw ? { activity_id: state.draw } : {}).then(
      (r) => bubble("note", evaluationSaid(act, r), "eval-note"),
      (err) => bubble("note", "出错了：" + err.message, "eval-note"));
  });
}

$("#composer").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = $("#text").value.trim();
  if (!text) return;
  $("#text").value = "";
  run(() => api("send", { openid: state.openid, text, aes: $("#aes").checked }), text);
});
$("#notify").addEventListener("click", async () => {
  await api("notify", { openid: state.openid }).then(
    () => bubble("note", "（已排队一条测试推送，稍后出现在右侧）"),
    (err) => bubble("note", "出错了：" + err.message));
});
$("#close-window").addEventListener("click", async () => {
  await api("close-window", { openid: state.openid });
  bubble("note", "（48小时客服窗口已过期：之后的推送会改用模板消息）");
});
$("#follow").addEventListener("click", () =>
  run(() => api("follow", { openid: state.openid, follow: true, aes: $("#aes").checked }), "【关注】"));
$("#unfollow").addEventListener("click", () =>
  run(() => api("follow", { openid: state.openid, follow: false, aes: $("#aes").checked }), "【取消关注】"));

loadUsers();
loadMenu();
loadQRCodes();
setInterval(loadQRCodes, 5000);

"use strict";
// The phone's mini-program: the selected user's mini-program, calling the service's real
// mini-program API (/miniapp/v1) over HTTP as the mini-program does. wx.login is the
// sandbox's login code for the user's mini-program openid, sent to POST /auth/login; every
// later call carries the session token (Authorization: Bearer). What WeChat itself shows
// (the transfer and authorisation pages, face verification, payment) is drawn as a sheet
// over the screen and played against the sandbox's fakes (sandbox/phone.py).
const MP = { user: null, token: null, login: null, me: null, screen: "index", params: {},
             history: [] };
const SCREENS = {};  // name -> { title, show(body, params) }, filled by mp_*.js
// the mini-program's page paths (a template message's pagepath, a chat link, the menu)
const PAGES = {
  "pages/index/index": "index", "pages/application/index": "application",
  "pages/review/index": "review", "pages/verify/index": "verify",
  "pages/admin/feedback": "feedback",
};

class Refusal extends Error {
  // the API's refusal: its code, its words, and a form's fields with theirs
  constructor(status, body) {
    super(body.message || ("服务返回 HTTP " + status));
    this.status = status; this.code = body.error || ""; this.fields = body.fields || [];
  }
}

// --- the mini-program's calls --------------------------------------------------------------

async function wxLogin() {
  // wx.login(): WeChat's one-time code for this user in this mini-program, then our login
  const { code } = await api("login-code", { openid: MP.user.mp_openid });
  const resp = await fetch("/miniapp/v1/auth/login", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ code }) });
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) throw new Refusal(resp.status, data);
  MP.token = data.token; MP.login = data;
  return data;
}

async function mpFetch(method, path, body) {
  // one call with the session; a session that expired is renewed once with wx.login
  if (!MP.token) await wxLogin();
  for (let attempt = 0; ; attempt++) {
    const opts = { method, headers: { Authorization: "Bearer " + MP.token } };
    if (body instanceof FormData) opts.body = body;
    else if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body);
    }
    const resp = await fetch("/miniapp/v1" + path, opts);
    if (resp.status === 401 && attempt === 0) { await wxLogin(); continue; }
    if (!resp.ok) throw new Refusal(resp.status, await resp.json().catch(() => ({})));
    return resp;
  }
}

async function mp(method, path, body) {
  return (await mpFetch(method, path, body)).json();
}

async function mpDownload(path, filename) {
  // a file the API answers (a PDF): saved as the phone's download, opened from there
  const blob = await (await mpFetch("GET", path)).blob();
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob); a.download = filename;
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
}

// --- drawing -------------------------------------------------------------------------------

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "testid") node.dataset.testid = value;
    else if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key in node && typeof value !== "string") node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function china(iso, dateOnly) {
  // China time, whatever the time zone of the machine that opens the simulator
  if (!iso) return "";
  const options = { timeZone: "Asia/Shanghai", hour12: false };
  if (dateOnly) return new Date(iso).toLocaleDateString("zh-CN", options);
  return new Date(iso).toLocaleString("zh-CN", options);
}

function yuan(value) {
  return value === null || value === undefined ? "" : Number(value).toFixed(2) + "元";
}

function row(label, value, testid) {
  // `testid` names the value, which a test reads
  return el("div", { class: "mp-row" },
    el("span", { class: "mp-label", text: label }), el("span", { text: value ?? "", testid }));
}

function card(testid, ...children) {
  return el("div", { class: "mp-card", testid }, ...children);
}

function button(label, testid, action, secondary) {
  // runs `action`; what it answers, or the API's refusal in its own words, is shown above
  const b = el("button", { type: "button", text: label, testid,
                           class: secondary ? "secondary" : "" });
  b.addEventListener("click", async () => {
    b.disabled = true;
    try { await action(); } catch (err) { refuse(err); } finally { b.disabled = false; }
  });
  return b;
}

function input(label, props) {
  const field = el(props.tag || "input", { ...props, tag: undefined });
  if (props.value !== undefined) field.value = props.value;
  return el("label", { class: "mp-field" }, el("span", { text: label }), field);
}

function select(label, name, options, value) {
  // options: [[value, words], ...]
  const s = el("select", { name });
  for (const [v, words] of options) s.append(el("option", { value: v, text: words }));
  s.value = value ?? "";
  return el("label", { class: "mp-field" }, el("span", { text: label }), s);
}

function say(text) {
  const status = $("#mp-status");
  status.className = "done"; status.textContent = text;
}

function refuse(err) {
  const status = $("#mp-status");
  status.className = "refused";
  status.replaceChildren(el("div", { text: err.message }));
  for (const f of err.fields || []) status.append(el("div", { text: f.field + "：" + f.message }));
}

// --- screens -------------------------------------------------------------------------------

async function show(name, params, keepStatus) {
  const screen = SCREENS[name] || SCREENS.index;
  MP.screen = name; MP.params = params || {};
  $("#mp-title").textContent = screen.title;
  if (!keepStatus) { $("#mp-status").textContent = ""; $("#mp-status").className = ""; }
  const body = $("#mp-body");
  body.replaceChildren(el("p", { class: "hint", text: "加载中…" }));
  const fresh = el("div");
  try { await screen.show(fresh, MP.params); } catch (err) { refuse(err); }
  if (MP.screen === name) body.replaceChildren(fresh);
}

function go(name, params) {
  MP.history.push([MP.screen, MP.params]);
  return show(name, params);
}

function again() {
  // the same screen read anew after a change, what the change said kept above it
  return show(MP.screen, MP.params, true);
}

function openPage(path) {
  // a page path as WeChat opens it: pages/application/index?id=12
  if (!MP.user) return;
  const [page, query] = String(path || "pages/index/index").split("?");
  const params = Object.fromEntries(new URLSearchParams(query || ""));
  switchTab("mp");
  if (!(page in PAGES)) {
    show("index");
    say("模拟器的小程序没有这个页面：" + page);
    return;
  }
  MP.history = [];
  go(PAGES[page], params);
}

function switchTab(which) {
  const onMp = which === "mp";
  $("#tab-chat").classList.toggle("on", !onMp);
  $("#tab-mp").classList.toggle("on", onMp);
  $("#chat-pane").hidden = onMp;
  $("#mp").hidden = !onMp;
  if (onMp && !$("#mp-body").childElementCount) show("index");
}

function mpUser(user) {
  // another user picked: their own phone, signed out of the last one's mini-program
  MP.user = user; MP.token = null; MP.login = null; MP.me = null; MP.history = [];
  $("#tab-mp").disabled = false;
  $("#wx-sheet").hidden = true;
  $("#mp-body").replaceChildren();
  if (!$("#mp").hidden) show("index");
}

// --- WeChat's own pages over the mini-program ---------------------------------------------

function wxSheet(title, lines, choices) {
  // WeChat's page: `choices` are [label, testid, action]; resolves with the chosen one's
  // answer (null when cancelled)
  const sheet = $("#wx-sheet");
  return new Promise((resolve) => {
    const buttons = choices.map(([label, testid, action]) => el("button", {
      type: "button", text: label, testid,
      onclick: async () => {
        try { const got = await action(); sheet.hidden = true; resolve(got); } catch (err) {
          sheet.hidden = true; refuse(err); resolve(null);
        }
      } }));
    const cancel = el("button", { type: "button", class: "secondary", text: "取消",
                                  testid: "wx-cancel",
                                  onclick: () => { sheet.hidden = true; resolve(null); } });
    sheet.replaceChildren(el("div", { class: "wx-page" },
      el("div", { class: "wx-brand", text: "微信" }), el("h3", { text: title }),
      ...lines.map((l) => el("p", { text: l })), el("div", { class: "wx-actions" }, buttons, cancel)));
    sheet.hidden = false;
  });
}

async function requestMerchantTransfer(params) {
  // wx.requestMerchantTransfer({mchId, appId, package, openId}): WeChat's page for a
  // transfer (收款) or an authorisation (免确认收款授权)
  const page = await api("merchant-transfer?package=" + encodeURIComponent(params.package));
  const tap = () => api("merchant-transfer", { package: params.package, openid: MP.user.mp_openid });
  if (page.kind === "transfer") {
    return wxSheet("商家转账", ["收款金额：" + (page.amount / 100).toFixed(2) + "元",
                               "转账备注：" + page.remark], [["收款", "wx-receive", tap]]);
  }
  return wxSheet("免确认收款授权", ["授权后，该商户向你发起的转账无需逐笔确认，直接到账零钱。",
                                    "可随时在微信支付中关闭授权。"],
                 [["同意授权", "wx-authorise", tap]]);
}

function requestFacialVerify(verifyId, notice) {
  // wx.requestFacialVerify({verifyId}): the person in front of the camera; a documented
  // failure code as WeChat would end it
  const done = (ret) => () => api("face", { verify_id: verifyId, verify_ret: ret }).then(() => ret);
  return wxSheet("微信人脸核身", [notice],
    [["刷脸（本人）", "wx-face-pass", done(10000)],
     ["刷脸失败（没有采集到清晰的人脸）", "wx-face-fail", done(90011)]]);
}

function requestPayment(jsapi, title, fen) {
  // wx.requestPayment(jsapi): WeChat Pay's page for the order (its prepay_id)
  const prepay = String(jsapi.package || "").replace(/^prepay_id=/, "");
  return wxSheet("微信支付", [title, "金额：" + (fen / 100).toFixed(2) + "元"],
    [["支付", "wx-pay", () => api("pay-scan", { out_trade_no: prepay, openid: MP.user.mp_openid })]]);
}

$("#tab-chat").addEventListener("click", () => switchTab("chat"));
$("#tab-mp").addEventListener("click", () => switchTab("mp"));
$("#mp-home").addEventListener("click", () => { MP.history = []; show("index"); });
$("#mp-back").addEventListener("click", () => {
  const last = MP.history.pop();
  if (last) show(last[0], last[1]); else show("index");
});

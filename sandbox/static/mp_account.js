"use strict";
// The mini-program's home: who is signed in and what they can do; for a WeChat user the
// service does not know yet, the ways in (register as an applicant, sign in with a password
// or an SMS code, bind by ID number); the initial password changed before anything else.

// what each role finds on the home screen: [screen, words]
const TILES = {
  any: [["application", "申请入库 · 申报进度"], ["payments", "缴费"]],
  expert: [["invitations", "评标邀请 · 签到"], ["fees", "劳务费 · 收款"],
           ["records", "履职记录"], ["portrait", "专家画像"], ["credit", "信用"], ["sanctions", "处分 · 申诉"],
           ["courses", "继续教育"], ["deregister", "注销"]],
  reviewer: [["review", "待我审核"]],
};

function formValues(form) {
  const out = {};
  for (const item of form.elements) if (item.name) out[item.name] = item.value.trim();
  return out;
}

function gb11643(first17) {
  // the check character of an ID number (ISO 7064 MOD 11-2)
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return "10X98765432"[sum % 11];
}

function sampleIdentity() {
  // a made-up person for the sandbox: a valid ID number (born 1985), a phone nobody has
  const day = String(1 + Math.floor(Math.random() * 28)).padStart(2, "0");
  const seq = String(Math.floor(Math.random() * 1000)).padStart(3, "0");
  const first17 = "44010619850" + "6" + day + seq;
  return { name: "测试申请人", id_number: first17 + gb11643(first17),
           phone: "139" + String(Math.floor(Math.random() * 1e8)).padStart(8, "0"),
           email: "tester@example.com", password: "Demo2026ok" };
}

async function bound(answer) {
  MP.login.bound = true; MP.me = answer.profile;
  MP.history = [];
  await show("index");
  say(answer.message || ("已登录：" + answer.profile.name));
}

function codeButton(form, path, testid) {
  // 获取验证码: the SMS goes to the number typed, which is this phone's
  return button("获取验证码", testid, async () => {
    const phone = form.elements.phone.value.trim();
    // the number is this phone's (the API says what is wrong with one that is not)
    if (/^\+?\d{11,15}$/.test(phone)) await api("phone-number", { openid: MP.user.openid, phone });
    const answer = await mp("POST", path, { phone });
    say(answer.message + "（短信在右侧收件箱）");
  }, true);
}

function registerCard() {
  const form = el("form", { class: "mp-form", testid: "mp-register" },
    input("姓名", { name: "name" }), input("身份证号", { name: "id_number" }),
    input("手机号", { name: "phone" }), input("短信验证码", { name: "code" }),
    input("密码（至少8位，含大小写字母和数字）", { name: "password", type: "password" }),
    input("电子邮箱（选填）", { name: "email" }));
  const fill = button("填入示例", "mp-register-sample", async () => {
    for (const [k, v] of Object.entries(sampleIdentity())) form.elements[k].value = v;
  }, true);
  const submit = button("注册", "mp-register-submit", async () => {
    const values = formValues(form);
    if (!values.email) delete values.email;
    await bound(await mp("POST", "/auth/register", values));
  });
  form.append(el("div", { class: "mp-actions" }, fill,
                  codeButton(form, "/auth/register/start", "mp-register-code"), submit));
  return card("mp-card-register", el("h4", { text: "注册为申请人" }), form);
}

function passwordCard() {
  const form = el("form", { class: "mp-form" },
    input("手机号或身份证号", { name: "account" }),
    input("密码", { name: "password", type: "password" }));
  form.append(button("登录", "mp-password-login", async () =>
    bound(await mp("POST", "/auth/password-login", formValues(form)))));
  return card("mp-card-password", el("h4", { text: "账号密码登录" }), form);
}

function smsCard() {
  const form = el("form", { class: "mp-form" }, input("手机号", { name: "phone" }),
                  input("短信验证码", { name: "code" }));
  form.append(el("div", { class: "mp-actions" },
    codeButton(form, "/auth/sms-login/start", "mp-sms-code"),
    button("登录", "mp-sms-login", async () =>
      bound(await mp("POST", "/auth/sms-login/confirm", formValues(form))))));
  return card("mp-card-sms", el("h4", { text: "短信验证码登录" }), form);
}

function bindCard() {
  // an account on record (migrated, imported): its ID number, the code to its phone
  const form = el("form", { class: "mp-form" }, input("身份证号", { name: "id_number" }),
                  input("短信验证码", { name: "code" }));
  form.append(el("div", { class: "mp-actions" },
    button("获取验证码", "mp-bind-code", async () => {
      say((await mp("POST", "/auth/bind/start", { id_number: form.elements.id_number.value.trim() })).message);
    }, true),
    button("绑定", "mp-bind", async () =>
      bound(await mp("POST", "/auth/bind/confirm", { code: form.elements.code.value.trim() })))));
  return card("mp-card-bind", el("h4", { text: "已有账户：身份证号绑定" }), form);
}

function passwordChange() {
  const form = el("form", { class: "mp-form", testid: "mp-password-change" },
    input("原密码（初始密码）", { name: "old_password", type: "password" }),
    input("新密码（至少8位，含大小写字母和数字）", { name: "new_password", type: "password" }));
  form.append(button("修改密码", "mp-password-submit", async () => {
    const answer = await mp("POST", "/auth/password", formValues(form));
    MP.login.must_change_password = false;
    await show("index");
    say(answer.message);
  }));
  return card("mp-card-password-change", el("h4", { text: "请先修改初始密码" }), form);
}

SCREENS.index = {
  title: "评标专家库",
  async show(body) {
    const login = MP.login || await wxLogin();
    if (!login.bound) {
      body.append(el("p", { class: "hint", text: "这个微信还没有绑定评标专家库的账户。" }),
                  registerCard(), passwordCard(), smsCard(), bindCard());
      return;
    }
    if (login.must_change_password) { body.append(passwordChange()); return; }
    const me = MP.me = await mp("GET", "/me");
    body.append(card("mp-me", el("h4", { text: me.name }),
      row("角色", me.role_titles.join("、") || "无"),
      me.expert_number ? row("专家编号", me.expert_number) : null,
      row("手机号", me.phone), row("身份证号", me.id_number)));
    const tiles = [...TILES.any];
    for (const role of me.roles) tiles.push(...(TILES[role] || []));
    body.append(el("div", { class: "mp-tiles" }, tiles.map(([name, words]) =>
      el("button", { type: "button", text: words, testid: "mp-tile-" + name,
                     onclick: () => go(name) }))));
    body.append(el("div", { class: "mp-actions" },
      button("退出登录", "mp-logout", async () => {
        const answer = await mp("POST", "/auth/logout");
        MP.token = null; MP.login = null;
        await show("index");
        say(answer.message);
      }, true),
      button("解除绑定", "mp-unbind", async () => {
        const answer = await mp("POST", "/auth/unbind");
        MP.login.bound = false; MP.me = null;
        await show("index");
        say(answer.message);
      }, true)));
  },
};

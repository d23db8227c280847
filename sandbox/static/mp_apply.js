"use strict";
// Applying for admission (申请入库): the batches open now, my applications with their status,
// stage and review log; one application's form (saved as a draft at any time), its
// attachments, printing (which locks the form), the signed form uploaded, submitted or
// withdrawn. The pages are the API's: /batches, /applications, /applications/{id}/...

const POLITICAL = ["中共党员", "中共预备党员", "共青团员", "民主党派", "无党派人士", "群众"];
const DEGREES = ["中专", "大专", "本科", "硕士", "博士"];
const LEVELS = ["初级", "中级", "副高", "正高"];
const OPTIONAL_FILES = { qualification: "执业资格证书（PDF）", extra: "其他证明材料（JPG）" };
const IMAGE_ONLY = ["id_front", "id_back", "photo", "extra"];
// a made-up application for the sandbox (the demo applicant's, services/demo.py)
const SAMPLE_FORM = {
  political_status: "群众", region: "4401", willing_regions: "4401, 4406",
  work_unit: "广州市示例建筑设计研究院", email: "applicant@example.com",
  remote_ok: "true", emergency_ok: "false", title_name: "高级工程师", title_level: "副高",
  practice_specialty: "A0401", practice_years: "17", specialties: "A0401, A0402",
  primary_specialty: "A0401", work_start: "2008-07", work_unit_past: "广州市示例建筑设计研究院",
  work_position: "高级工程师", school: "华南理工大学", major: "建筑学", degree: "硕士",
  graduated: "2008-06", qualification_name: "一级注册建筑师", qualification_number: "JZ2012000123",
  evaluation_experience: "2016年起参加房屋建筑类项目评标20余次",
};

function applicationCard(app) {
  const c = card("mp-application-" + app.id, el("h4", { text: app.batch.name }),
    row("状态", app.status_title + (app.stage ? " · " + app.stage : ""), "mp-application-status"),
    app.last_reason ? row("退回原因", app.last_reason) : null,
    app.returned_items ? row("退回项", app.returned_items) : null,
    app.missing.length ? row("还需填写", app.missing.join("、")) : null);
  if (app.log.length) {
    c.append(el("div", { class: "mp-log", testid: "mp-application-log" }, app.log.map((e) =>
      el("div", { text: china(e.at) + " " + [e.stage, e.action_title, e.actor, e.reason, e.items]
        .filter(Boolean).join(" · ") }))));
  }
  return c;
}

SCREENS.application = {
  title: "申请入库",
  async show(body, params) {
    if (params.id) { await applicationDetail(body, Number(params.id)); return; }
    const [{ applications }, { batches }] = await Promise.all([
      mp("GET", "/applications"), mp("GET", "/batches")]);
    body.append(el("h4", { text: "我的申请" }));
    if (!applications.length) body.append(el("p", { class: "hint", text: "还没有申请。" }));
    for (const app of applications) {
      const c = applicationCard(app);
      c.append(button("查看与办理", "mp-open-application-" + app.id,
                      () => go("application", { id: app.id })));
      body.append(c);
    }
    body.append(el("h4", { text: "征集批次" }));
    for (const batch of batches) {
      body.append(card("mp-batch-" + batch.id, el("h4", { text: batch.name }),
        row("申报时间", batch.apply_window), row("审核环节", batch.stages.join(" → ")),
        batch.fee_yuan ? row("培训费", yuan(batch.fee_yuan)) : null,
        button("在此批次申请", "mp-start-" + batch.id, async () => {
          const app = await mp("POST", "/applications", { batch_id: batch.id });
          await go("application", { id: app.id });
          say("已开始申请：请填写申报信息，随时可保存草稿。");
        })));
    }
  },
};

async function applicationDetail(body, id) {
  // what can be done depends on where the application stands: a draft is filled in and
  // printed; a printed one gets its signed form and is submitted; one in review or returned
  // may be withdrawn to change it
  const app = await mp("GET", "/applications/" + id);
  const status = app.status;
  const path = "/applications/" + id;
  body.append(applicationCard(app));
  const actions = el("div", { class: "mp-actions" });
  if (status === "draft" || status === "printed") {
    actions.append(button(status === "draft" ? "打印申报表" : "再次打开申报表", "mp-print", async () => {
      const printed = await mp("POST", path + "/print");
      await again();
      say("申报表已生成，填写的内容已锁定：打开后打印，本人签字、单位盖章，扫描后在下面“签字盖章的申报表”处上传，再提交审核。");
      $("#mp-body").prepend(el("a", { href: printed.form_url, target: "_blank", rel: "noopener",
                                     text: "打开申报表（打印）", testid: "mp-form-link",
                                     class: "mp-link" }));
    }));
  }
  if (status !== "draft") {
    actions.append(button("下载申请和资格审查表 PDF", "mp-review-form-pdf",
                          () => mpDownload(path + "/review-form.pdf", "review-form.pdf"), true));
  }
  actions.append(button("下载诚信承诺书", "mp-pledge-pdf",
                        () => mpDownload(path + "/pledge.pdf", "pledge.pdf"), true));
  if (status === "printed") {
    actions.append(button("提交审核", "mp-submit", async () => {
      await mp("POST", path + "/submit");
      await again();
      say("已提交审核。");
    }));
  }
  if (status === "in_review" || status === "returned") {
    actions.append(button("撤回修改", "mp-withdraw", async () => {
      await mp("POST", path + "/withdraw");
      await again();
      say("已撤回，可以修改后再打印、提交。");
    }, true));
  }
  body.append(actions);
  if (status === "draft") body.append(el("h4", { text: "申报信息" }), applicationForm(app));
  if (status === "draft") body.append(el("h4", { text: "附件" }), attachments(app));
  // printed: the form is locked, the signed form is what is still to upload
  if (status === "printed") body.append(el("h4", { text: "附件" }), attachments(app, ["review_form"]));
}

function applicationForm(app) {
  const d = app.data || {};
  const work = (d.work_history || [])[0] || {};
  const edu = (d.education || [])[0] || {};
  const qual = (d.qualifications || [])[0] || {};
  const yesNo = [["", "请选择"], ["true", "是"], ["false", "否"]];
  const flag = (v) => (v === true ? "true" : v === false ? "false" : "");
  // the batch's rule set, said beside each field it limits (GET /batches: limits.said)
  const said = (field) => el("div", { class: "mp-label", testid: "mp-limit-" + field,
                                      text: app.batch.limits.said[field] });
  const form = el("form", { class: "mp-form", testid: "mp-application-form" },
    select("政治面貌", "political_status", [["", "请选择"], ...POLITICAL.map((p) => [p, p])],
           d.political_status),
    input("所在市州（代码，如 4401）", { name: "region", value: d.region || "" }),
    input("意愿评标区（代码，逗号分隔）", { name: "willing_regions",
                                           value: (d.willing_regions || []).join(", ") }),
    input("工作单位", { name: "work_unit", value: d.work_unit || "" }),
    input("单位统一社会信用代码", { name: "unit_credit_code", value: d.unit_credit_code || "" }),
    input("电子邮箱（发票发送到这里）", { name: "email", value: d.email || "" }),
    select("是否接受远程异地评标", "remote_ok", yesNo, flag(d.remote_ok)),
    select("是否愿意成为应急专家", "emergency_ok", yesNo, flag(d.emergency_ok)),
    input("职称名称", { name: "title_name", value: d.title_name || "" }), said("titles"),
    select("职称级别", "title_level", [["", "请选择"], ...LEVELS.map((l) => [l, l])], d.title_level),
    input("从事专业类别（二级代码，如 A0401）", { name: "practice_specialty",
                                                 value: d.practice_specialty || "" }),
    input("从事专业年限", { name: "practice_years", type: "number",
                           value: d.practice_years ?? "" }),
    input("评标专业（代码，逗号分隔）", { name: "specialties",
                                         value: (d.specialties || []).join(", ") }),
    said("specialties"),
    input("首选专业（代码）", { name: "primary_specialty", value: d.primary_specialty || "" }),
    el("h5", { text: "工作经历" }), said("work_history"),
    input("开始年月（YYYY-MM）", { name: "work_start", value: work.start || "" }),
    input("结束年月（至今留空）", { name: "work_end", value: work.end || "" }),
    input("单位", { name: "work_unit_past", value: work.unit || "" }),
    input("职务", { name: "work_position", value: work.position || "" }),
    el("h5", { text: "学历" }),
    input("学校", { name: "school", value: edu.school || "" }),
    input("专业", { name: "major", value: edu.major || "" }),
    select("学历", "degree", [["", "请选择"], ...DEGREES.map((x) => [x, x])], edu.degree),
    input("毕业年月（YYYY-MM）", { name: "graduated", value: edu.graduated || "" }),
    el("h5", { text: "执业资格（选填）" }), said("qualifications"),
    input("名称", { name: "qualification_name", value: qual.name || "" }),
    input("证书编号", { name: "qualification_number", value: qual.number || "" }),
    input("评标实践经验（没有请填“无”）", { tag: "textarea", name: "evaluation_experience",
                                            value: d.evaluation_experience || "" }));
  form.append(el("div", { class: "mp-actions" },
    button("填入示例", "mp-form-sample", async () => {
      for (const [k, v] of Object.entries(SAMPLE_FORM)) form.elements[k].value = v;
      // the unit as the register lists it (工作单位，可根据单位名称搜索选择)
      const { units } = await mp("GET", "/reference/units?q=" + encodeURIComponent(SAMPLE_FORM.work_unit));
      if (units.length) form.elements.unit_credit_code.value = units[0].credit_code || "";
    }, true),
    button("查找单位", "mp-find-unit", async () => {
      const q = form.elements.work_unit.value.trim();
      const { units } = await mp("GET", "/reference/units?q=" + encodeURIComponent(q || "公司"));
      if (!units.length) { say("单位列表中没有找到“" + q + "”：可在单位列表中申请新增。"); return; }
      form.elements.work_unit.value = units[0].name;
      form.elements.unit_credit_code.value = units[0].credit_code || "";
      say("已选用单位：" + units[0].name);
    }, true),
    button("保存草稿", "mp-save", async () => {
      await mp("PUT", "/applications/" + app.id, draftOf(app.data || {}, formValues(form)));
      await again();
      say("已保存。");
    })));
  return form;
}

function draftOf(data, v) {
  // the form over the draft as saved: what the form does not show is kept as it is
  const text = (s) => (s ? s : null);
  const codes = (s) => s.split(/[,，\s]+/).filter(Boolean);
  const flag = (s) => (s === "true" ? true : s === "false" ? false : null);
  const out = { ...data, political_status: text(v.political_status), region: text(v.region),
    willing_regions: codes(v.willing_regions), work_unit: text(v.work_unit),
    unit_credit_code: text(v.unit_credit_code), email: text(v.email),
    remote_ok: flag(v.remote_ok), emergency_ok: flag(v.emergency_ok),
    title_name: text(v.title_name), title_level: text(v.title_level),
    practice_specialty: text(v.practice_specialty),
    practice_years: v.practice_years === "" ? null : Number(v.practice_years),
    specialties: codes(v.specialties), primary_specialty: text(v.primary_specialty),
    primary_specialties: v.primary_specialty ? [v.primary_specialty] : [],
    evaluation_experience: text(v.evaluation_experience) };
  const rest = (list) => (list || []).slice(1);
  out.work_history = v.work_start || v.work_unit_past || v.work_position
    ? [{ start: v.work_start, end: text(v.work_end), unit: v.work_unit_past,
         position: v.work_position }, ...rest(data.work_history)] : rest(data.work_history);
  out.education = v.school || v.major || v.degree || v.graduated
    ? [{ school: v.school, major: v.major, degree: v.degree, graduated: v.graduated },
       ...rest(data.education)] : rest(data.education);
  out.qualifications = v.qualification_name || v.qualification_number
    ? [{ name: v.qualification_name, number: v.qualification_number },
       ...rest(data.qualifications)] : rest(data.qualifications);
  return out;
}

function attachments(app, only) {
  const all = { ...app.required_attachments, ...OPTIONAL_FILES };
  // a draft's: every certificate (the signed form comes once it is printed)
  const kinds = Object.fromEntries(Object.entries(all).filter(([k]) =>
    only ? only.includes(k) : k !== "review_form"));
  const list = el("div", { testid: "mp-attachments" });
  for (const [kind, title] of Object.entries(kinds)) {
    const mine = app.attachments.filter((a) => a.kind === kind);
    const picker = el("input", { type: "file", testid: "mp-file-" + kind,
                                 accept: IMAGE_ONLY.includes(kind) ? "image/*" : "image/*,application/pdf" });
    const upload = async (file, name) => {
      const form = new FormData();
      form.append("file", file, name);
      const saved = await mp("POST", "/applications/" + app.id + "/attachments/" + kind, form);
      await again();
      say("已上传" + saved.title + "：" + saved.filename);
    };
    picker.addEventListener("change", () => {
      if (picker.files.length) upload(picker.files[0], picker.files[0].name).catch(refuse);
    });
    list.append(el("div", { class: "mp-attachment", testid: "mp-attachment-" + kind },
      el("div", { class: "mp-label", text: title + (kind in app.required_attachments ? "" : "（选填）") }),
      kind === "extra" ? el("div", { class: "mp-label", testid: "mp-limit-extra",
                                     text: app.batch.limits.said.extra }) : [],
      mine.map((a) => el("div", { class: "mp-file" }, a.filename + "（" + Math.ceil(a.size / 1024) + " KB）",
        button("删除", "mp-remove-" + a.id, async () => {
          await mp("DELETE", "/applications/" + app.id + "/attachments/" + kind + "/" + a.id);
          await again();
          say("已删除" + a.filename);
        }, true))),
      el("div", { class: "mp-actions" }, el("label", { class: "mp-pick", text: "选择文件" }, picker),
        button("用示例文件", "mp-sample-" + kind, async () => {
          const [file, name] = await sampleFile(kind, title);
          await upload(file, name);
        }, true))));
  }
  return list;
}

async function sampleFile(kind, title) {
  // the phone's album: a picture for an image-only kind, else a one-page PDF
  if (IMAGE_ONLY.includes(kind)) {
    const canvas = el("canvas", { width: 480, height: 300 });
    const g = canvas.getContext("2d");
    g.fillStyle = "#f4f1e8"; g.fillRect(0, 0, 480, 300);
    g.fillStyle = "#333"; g.font = "28px sans-serif"; g.fillText("示例：" + title, 30, 150);
    return [await new Promise((done) => canvas.toBlob(done, "image/jpeg", 0.85)), kind + ".jpg"];
  }
  return [new Blob([samplePdf(kind)], { type: "application/pdf" }), kind + ".pdf"];
}

function samplePdf(label) {
  // a valid one-page PDF saying "Sample: <kind>" (ASCII: the PDF's own font)
  const objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R " +
    "/Resources << /Font << /F1 5 0 R >> >> >>", null,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"];
  const stream = "BT /F1 24 Tf 72 760 Td (Sample: " + label + ") Tj ET";
  objects[3] = "<< /Length " + stream.length + " >>\nstream\n" + stream + "\nendstream";
  let pdf = "%PDF-1.4\n";
  const offsets = objects.map((body, i) => {
    const at = pdf.length; pdf += (i + 1) + " 0 obj\n" + body + "\nendobj\n"; return at;
  });
  const xref = pdf.length;
  pdf += "xref\n0 6\n0000000000 65535 f \n" +
    offsets.map((o) => String(o).padStart(10, "0") + " 00000 n \n").join("") +
    "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n" + xref + "\n%%EOF\n";
  return pdf;
}

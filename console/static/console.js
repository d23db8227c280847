"use strict";
// A form marked data-confirm asks before it is sent (a deletion, a cancellation).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// A PDF attachment loads when it is opened, not with the page: Chromium's PDF viewer takes the
// focus as its frame finishes loading, which moved the page and sent the reason being typed
// into the frame; five viewers at once also made the review page slow to come back.
document.addEventListener("toggle", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLDetailsElement) || !box.open || !box.hasAttribute("data-frame-on-open")) return;
  const frame = box.querySelector("iframe[data-src]");
  if (frame && !frame.getAttribute("src")) frame.src = frame.dataset.src;
}, true);

// The forms the person changed here (typed, picked, removed a chosen region) and has not sent,
// and those brought back after a refusal: a reload would lose them. Only the person's own
// events count (isTrusted): a picker filling its field from a stored code is not an edit.
const touched = new Set();
for (const type of ["input", "change", "click"]) {
  document.addEventListener(type, (event) => {
    const el = event.target instanceof Element ? event.target : null;
    if (!event.isTrusted || !el || (type === "click" && !el.closest("button[type=button]"))) return;
    const form = el.closest("form");
    if (form) touched.add(form);
  }, true);
}
function unsentInput() {
  return Array.from(touched).some((form) => form.isConnected)
    || document.querySelector("form[data-restored]") !== null;
}

// Counts that update by themselves: the activity page polls its progress every 3 s.
(function () {
  const box = document.getElementById("counts");
  if (!box) return;
  const status = document.querySelector("[data-count=status_title]");
  const shown = status ? status.textContent : null;
  const changed = document.getElementById("status-changed");
  async function poll() {
    try {
      const resp = await fetch(box.dataset.url, { credentials: "same-origin" });
      if (resp.ok) {
        const counts = await resp.json();
        // a new status brings other actions (the draw ended: its results): show them, unless
        // that would lose what is being typed; then say so and keep it
        if (shown !== null && counts.status_title !== shown) {
          if (!unsentInput() || !changed) { location.reload(); return; }
          changed.querySelector("[data-new-status]").textContent = counts.status_title;
          changed.hidden = false;
        }
        document.querySelectorAll("[data-count]").forEach((el) => {
          const value = counts[el.dataset.count];
          if (value !== undefined) el.textContent = value;
        });
        // what is said only while the results are sealed goes once they unseal
        document.querySelectorAll("[data-when-sealed]").forEach((el) => { el.hidden = !counts.sealed; });
      }
    } catch (e) { /* offline for a moment: the next poll tries again */ }
  }
  setInterval(poll, 3000);
})();

// Long tables filter and page in the browser: a table marked data-filter gets a search box
// (rows whose text contains every typed word) and pages of 20 rows.
(function () {
  const SIZE = 20;
  document.querySelectorAll("table[data-filter]").forEach((table) => {
    const rows = Array.from(table.querySelectorAll("tr")).slice(1);
    if (rows.length <= 5) return;
    const bar = document.createElement("div");
    bar.className = "tablebar";
    bar.innerHTML = '<input type="search" placeholder="筛选：输入关键字" aria-label="筛选">' +
      '<span class="muted"></span><button type="button" class="btn plain">上一页</button>' +
      '<button type="button" class="btn plain">下一页</button>';
    table.parentNode.insertBefore(bar, table);
    const [box, info, prev, next] = bar.children;
    let page = 0;
    function show() {
      const words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      const hits = rows.filter((r) => words.every((w) => r.textContent.toLowerCase().includes(w)));
      const pages = Math.max(1, Math.ceil(hits.length / SIZE));
      page = Math.min(page, pages - 1);
      rows.forEach((r) => { r.hidden = true; });
      hits.slice(page * SIZE, (page + 1) * SIZE).forEach((r) => { r.hidden = false; });
      info.textContent = `共 ${hits.length} 条 · 第 ${page + 1}/${pages} 页`;
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }
    box.addEventListener("input", () => { page = 0; show(); });
    prev.addEventListener("click", () => { page -= 1; show(); });
    next.addEventListener("click", () => { page += 1; show(); });
    show();
  });
})();

// Forms never lose what was typed: a form's values are kept in the tab's sessionStorage as it
// is sent; when the page comes back refusing it (or with a preview), the form is filled again
// and the fields the refusal names are marked, each with its problem. Runs before the pickers,
// which read their hidden inputs.
(function () {
  const KEY = "eb-form";
  const SKIP = new Set(["file", "password", "submit", "button", "reset"]);
  function forms() { return Array.from(document.querySelectorAll("form")); }
  function id(form) {
    const action = form.getAttribute("action") || "";
    const same = forms().filter((f) => (f.getAttribute("action") || "") === action);
    return { page: location.pathname, action: action, index: same.indexOf(form) };
  }
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || (form.method || "").toLowerCase() !== "post") return;
    const values = [];
    for (const el of form.elements) {
      if (!el.name || SKIP.has(el.type)) continue;
      // hidden inputs are the page's own, but for the pickers' chosen codes
      if (el.type === "hidden" && !el.closest("[data-region-picker],[data-specialty-picker]")) continue;
      values.push([el.name, el.value, el.checked === true]);
    }
    try { sessionStorage.setItem(KEY, JSON.stringify({ ...id(form), values: values })); } catch (e) { /* storage full or off */ }
  }, true);
  let kept = null;
  try { kept = JSON.parse(sessionStorage.getItem(KEY) || "null"); sessionStorage.removeItem(KEY); } catch (e) { kept = null; }
  // the message shown once (a refusal of a page's own, such as sign-in's, says so too)
  const flash = document.querySelector("[data-testid=flash]") || document.querySelector("[data-kind]");
  const kind = flash ? flash.dataset.kind : null;
  if (kind !== "refused" && kind !== "kept") return;
  let form = null;
  if (kept && kept.page === location.pathname) {
    form = forms().filter((f) => (f.getAttribute("action") || "") === kept.action)[kept.index] || null;
  }
  if (form) {
    form.dataset.restored = "1";  // unsent still (unsentInput)
    const seen = {};
    for (const [name, value, checked] of kept.values) {
      const all = Array.from(form.elements).filter((el) => el.name === name && !SKIP.has(el.type) && el.name !== "_csrf");
      if (all.length && (all[0].type === "radio" || all[0].type === "checkbox")) {
        const el = all.find((e) => e.value === value);
        if (el) el.checked = checked;
        continue;
      }
      const n = seen[name] = (seen[name] || 0) + 1;
      const el = all[n - 1];
      if (el) el.value = value;
    }
    // a form folded in a <details> (不予新增, 修改) is shown open again, what was typed in sight
    for (let d = form.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) d.open = true;
  }
  if (kind !== "refused") return;
  let fields = [];
  try { fields = JSON.parse(flash.dataset.fields || "[]"); } catch (e) { fields = []; }
  let first = null;
  for (const [name, message] of fields) {
    const el = form ? form.querySelector(`[name="${CSS.escape(name)}"]`) : null;
    if (!el) continue;
    const box = el.closest("[data-region-picker],[data-specialty-picker]");
    const target = box || el;
    target.classList.add("invalid");
    const note = document.createElement("div");
    note.className = "field-error";
    note.dataset.testid = "field-error";
    note.textContent = message;
    (box || el.parentElement || form).appendChild(note);
    first = first || (box ? box.querySelector("input:not([type=hidden]),select") : el);
  }
  if (first && first.focus) first.focus();
})();

// Region pickers: a field marked data-region-picker keeps its codes in its hidden input and
// offers 省 → 市 → 区县 from the region list; the places chosen show by name. With
// data-multiple, 添加 adds the place chosen to a list (a draw's regions).
(function () {
  const API = "/miniapp/v1/reference/regions";
  async function places(query) {
    try {
      const resp = await fetch(API + query, { credentials: "same-origin" });
      return resp.ok ? (await resp.json()).regions : [];
    } catch (e) { return []; }
  }
  document.querySelectorAll("[data-region-picker]").forEach((box) => {
    const hidden = box.querySelector("input[type=hidden]");
    const multiple = box.hasAttribute("data-multiple");
    const chosen = new Map();  // code -> full name
    const chips = document.createElement("div");
    chips.className = "chips";
    const row = document.createElement("div");
    row.className = "pickrow";
    const levels = ["省", "市", "区县"].map((word) => {
      const select = document.createElement("select");
      select.setAttribute("aria-label", word);
      select.innerHTML = `<option value="">${word}</option>`;
      row.appendChild(select);
      return select;
    });
    const add = document.createElement("button");
    add.type = "button";
    add.className = "btn plain";
    add.textContent = "添加";
    if (multiple) row.appendChild(add);
    box.appendChild(chips);
    box.appendChild(row);
    const names = {};
    function fill(select, list, word) {
      select.innerHTML = `<option value="">${word}</option>` + list.map(
        (p) => `<option value="${p.code}">${p.name}</option>`).join("");
      list.forEach((p) => { names[p.code] = p.full_name; });
      select.disabled = list.length === 0;
    }
    function deepest() {
      for (let i = levels.length - 1; i >= 0; i--) if (levels[i].value) return levels[i].value;
      return "";
    }
    function render() {
      hidden.value = Array.from(chosen.keys()).join(",");
      chips.innerHTML = "";
      chosen.forEach((name, code) => {
        const chip = document.createElement("span");
        chip.className = "tag chip";
        chip.textContent = name + " ";
        const drop = document.createElement("button");
        drop.type = "button";
        drop.textContent = "×";
        drop.setAttribute("aria-label", "去掉 " + name);
        drop.onclick = () => { chosen.delete(code); render(); };
        chip.appendChild(drop);
        chips.appendChild(chip);
      });
    }
    levels.forEach((select, i) => {
      select.addEventListener("change", async () => {
        for (let j = i + 1; j < levels.length; j++) fill(levels[j], [], ["省", "市", "区县"][j]);
        // the place picked is the field's at once, before the next level's places come: a
        // form sent right after picking a city sends the city, not its province
        if (!multiple) {
          chosen.clear();
          const code = deepest();
          if (code) chosen.set(code, names[code] || code);
          render();
        }
        if (select.value && i + 1 < levels.length) {
          fill(levels[i + 1], await places("?parent=" + select.value), ["省", "市", "区县"][i + 1]);
        }
      });
    });
    add.addEventListener("click", () => {
      const code = deepest();
      if (code) { chosen.set(code, names[code] || code); render(); }
    });
    (async () => {
      fill(levels[0], await places(""), "省");
      fill(levels[1], [], "市");
      fill(levels[2], [], "区县");
      for (const code of hidden.value.split(",").filter(Boolean)) {
        const found = (await places("?q=" + code)).find((p) => p.code === code);
        chosen.set(code, found ? found.full_name : code);
      }
      render();
    })();
  });
})();

// Specialty pickers: a field marked data-specialty-picker searches the catalogue by name or
// code at any level; the specialty chosen shows as its path (工程 / 设计 / 建筑工程设计).
(function () {
  const boxes = document.querySelectorAll("[data-specialty-picker]");
  if (!boxes.length) return;
  const items = [];
  const ready = fetch("/miniapp/v1/catalogue", { credentials: "same-origin" })
    .then((r) => r.json()).then((data) => {
      (function walk(nodes, path) {
        nodes.forEach((n) => {
          const here = path.concat(n.name);
          if (path.length) items.push({ code: n.code, path: here.join(" / ") });
          walk(n.children || [], here);
        });
      })(data.specialties, []);
    }).catch(() => {});
  boxes.forEach((box) => {
    const hidden = box.querySelector("input[type=hidden]");
    const search = box.querySelector("input[type=search]");
    const list = document.createElement("ul");
    list.className = "picklist";
    list.hidden = true;
    box.appendChild(list);
    function choose(item) {
      hidden.value = item ? item.code : "";
      search.value = item ? item.path : "";
      list.hidden = true;
    }
    ready.then(() => {
      if (hidden.value) choose(items.find((i) => i.code === hidden.value));
    });
    search.addEventListener("input", () => {
      hidden.value = "";
      const words = search.value.trim().split(/\s+/).filter(Boolean);
      const found = words.length ? items.filter((i) => words.every(
        (w) => i.path.includes(w) || i.code.startsWith(w.toUpperCase()))).slice(0, 30) : [];
      list.innerHTML = "";
      found.forEach((item) => {
        const li = document.createElement("li");
        li.textContent = `${item.path}（${item.code}）`;
        li.setAttribute("role", "option");
        li.onclick = () => choose(item);
        list.appendChild(li);
      });
      list.hidden = found.length === 0;
    });
  });
})();

// Unit pickers: a field marked data-unit-picker offers, as its name is typed, the units the
// register knows (name and unified social credit code); choosing one fills both inputs
// (data-unit-name, data-unit-code). A unit the register lacks is simply typed in full.
(function () {
  document.querySelectorAll("[data-unit-picker]").forEach((box) => {
    const name = box.querySelector("[data-unit-name]");
    const code = box.querySelector("[data-unit-code]");
    if (!name) return;
    const list = document.createElement("ul");
    list.className = "picklist";
    list.hidden = true;
    name.parentElement.style.position = "relative";
    name.parentElement.appendChild(list);
    let asked = 0;
    name.setAttribute("autocomplete", "off");
    name.addEventListener("input", async () => {
      const typed = name.value.trim();
      const mine = ++asked;
      if (typed.length < 2) { list.hidden = true; return; }
      let units = [];
      try {
        const resp = await fetch("/console/units/find?q=" + encodeURIComponent(typed),
                                 { credentials: "same-origin" });
        if (resp.ok) units = (await resp.json()).units;
      } catch (e) { units = []; }
      if (mine !== asked) return;  // a later keystroke asked again
      list.innerHTML = "";
      units.forEach((u) => {
        const li = document.createElement("li");
        li.setAttribute("role", "option");
        li.textContent = u.credit_code ? `${u.name}（${u.credit_code}）` : u.name;
        li.onclick = () => {
          name.value = u.name;
          if (code && u.credit_code) code.value = u.credit_code;
          list.hidden = true;
        };
        list.appendChild(li);
      });
      list.hidden = units.length === 0;
    });
    name.addEventListener("blur", () => setTimeout(() => { list.hidden = true; }, 200));
  });
})();

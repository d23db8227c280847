"use strict";
// Counts that update by themselves: the activity page polls its progress every 3 s.
(function () {
  const box = document.getElementById("counts");
  if (!box) return;
  const status = document.querySelector("[data-count=status_title]");
  const shown = status ? status.textContent : null;
  async function poll() {
    try {
      const resp = await fetch(box.dataset.url, { credentials: "same-origin" });
      if (resp.ok) {
        const counts = await resp.json();
        // a new status brings other actions (the draw ended: its results): show them
        if (shown !== null && counts.status_title !== shown) { location.reload(); return; }
        document.querySelectorAll("[data-count]").forEach((el) => {
          const value = counts[el.dataset.count];
          if (value !== undefined) el.textContent = value;
        });
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

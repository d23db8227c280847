"use strict";
// Counts that update by themselves: the activity page polls its progress every 3 s.
(function () {
  const box = document.getElementById("counts");
  if (!box) return;
  async function poll() {
    try {
      const resp = await fetch(box.dataset.url, { credentials: "same-origin" });
      if (resp.ok) {
        const counts = await resp.json();
        document.querySelectorAll("[data-count]").forEach((el) => {
          const value = counts[el.dataset.count];
          if (value !== undefined) el.textContent = value;
        });
      }
    } catch (e) { /* offline for a moment: the next poll tries again */ }
  }
  setInterval(poll, 3000);
})();

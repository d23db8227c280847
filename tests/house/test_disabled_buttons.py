"""A disabled action says why on the page: every console button a template may disable is
followed, under the same condition, by its reason in words (`class="why"`, shown beside it,
not a tooltip), and a disabled button looks disabled. The pager's 上一页 / 下一页, disabled by
script at either end of a list, say it by themselves and are not templates' buttons."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "console" / "templates"
BUTTON = re.compile(r"<button\b[^>]*>", re.S)
NEAR = 500  # characters after the button where its reason must stand


def test_every_disabled_button_says_why_beside_it() -> None:
    missing = []
    seen = 0
    for path in sorted(TEMPLATES.glob("*.html")):
        text = path.read_text(encoding="utf-8")
        for match in BUTTON.finditer(text):
            tag = match.group(0)
            if "disabled" not in tag:
                continue
            seen += 1
            after = text[match.end():match.end() + NEAR]
            if 'class="why"' not in after or "title=" in tag:
                missing.append(f"{path.name}: {tag[:80]}")
    assert seen >= 3, "the check found no disabled button: has the markup changed?"
    assert not missing, f"disabled without a reason beside it: {missing}"


def test_a_disabled_button_looks_disabled() -> None:
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    rule = re.search(r"\.btn:disabled[^{]*\{([^}]*)\}", base)
    assert rule is not None and "not-allowed" in rule.group(1) and "background" in rule.group(1)
    assert re.search(r"\.why\s*\{", base)

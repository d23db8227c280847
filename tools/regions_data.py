"""Writes services/reference/data/regions.json from the npm package @vant/area-data (MIT):
China's administrative divisions, GB/T 2260 codes, province -> city -> county, kept current
by the Vant project (2.1.0 has the counties set up in December 2024, 和康县 and 和安县).
Run by hand when a newer release is out (needs npm and node):

    python tools/regions_data.py 2.1.0

Codes are written as the service uses them: a province by its first 2 digits (44), a city
by its first 4 (4401), a county by all 6 (440106)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "services" / "reference" / "data" / "regions.json"


def main(version: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"@vant/area-data@{version}"], cwd=tmp, check=True,
                       capture_output=True)
        subprocess.run(["tar", "xzf", next(Path(tmp).glob("*.tgz")).name], cwd=tmp,
                       check=True)
        raw = subprocess.run(["node", "-e", "process.stdout.write(JSON.stringify(require("
                              "'./package/dist/index.cjs').areaList))"], cwd=tmp, check=True,
                             capture_output=True, text=True).stdout
    areas = json.loads(raw)
    regions: dict[str, str] = {}
    for code, name in areas["province_list"].items():
        regions[code[:2]] = name
    for code, name in areas["city_list"].items():
        regions[code[:4]] = name
    for code, name in areas["county_list"].items():
        regions[code] = name
    OUT.write_text(json.dumps({
        "_source": f"China's administrative divisions (GB/T 2260 codes) from the npm package "
                   f"@vant/area-data {version} (MIT), written by tools/regions_data.py: "
                   "province (2 digits), city (4), county (6).",
        "package": f"@vant/area-data@{version}",
        "regions": dict(sorted(regions.items()))}, ensure_ascii=False, indent=0) + "\n")
    print(f"{len(regions)} regions written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "2.1.0")

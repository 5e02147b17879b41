"""Golden-file fixtures: tests/fixtures/<source>/<case>/{page.*, meta.json, expected.json}.

    python -m tests.fixtures            # rewrite every expected.json from today's parsers (review the diff!)
    python -m tests.fixtures --check    # print the cases whose output differs
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from modeltrail.pipelines.sources import get

ROOT = Path(__file__).parent / "fixtures"


def cases():
    for meta in sorted(ROOT.glob("*/*/meta.json")):
        yield meta.parent


def page_file(case: Path) -> Path:
    (page,) = [p for p in case.iterdir() if p.name.startswith("page.")]
    return page


def run_case(case: Path) -> list[dict]:
    meta = json.loads((case / "meta.json").read_text())
    parsed = get(case.parent.name).parser.parse(page_file(case).read_bytes(), meta["url"],
                                                datetime.fromisoformat(meta["fetched_at"]))
    return [json.loads(c.model_dump_json()) for c in parsed.cards]


def main(argv):
    check = "--check" in argv
    for case in cases():
        out = run_case(case)
        target = case / "expected.json"
        old = json.loads(target.read_text()) if target.exists() else None
        if old != out:
            print(("differs: " if check else "wrote: ") + str(case))
            if not check:
                target.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])

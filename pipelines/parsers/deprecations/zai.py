"""Z.ai's pages (docs.z.ai): neither states a deprecation (the vendor has no lifecycle page), so they say
which models exist and when they were released.

- pricing (guides/overview/pricing.md): the tables whose first column is "Model" (text, vision, image,
  video, audio models; not the tools or agents tables) list the models offered -> active;
- release notes (release-notes/new-released.md): one `<Update label="YYYY-MM-DD" description="GLM-5.3">`
  per release -> the model named by the description (as written: "GLM-4.5 Series" stays a series) released
  that day; status unstated.

Both give ids as the vendor writes them ("GLM-5.3"), so one model's cards of the two pages merge; the
pricing page leads (rank 0).
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from modeltrail.pipelines.parsers.deprecations.common import Lifecycle

from modeltrail.pipelines.parsers.deprecations.common import blocks

from modeltrail.pipelines.parsers.deprecations.common import plain

from modeltrail.pipelines.parsers.deprecations.rows import offered_models
from modeltrail.pipelines.parsers.deprecations.updates import updates


def parse(page, url: str, fetched_at: datetime, content_type: str | None = None):
    from modeltrail.pipelines.parsers.deprecations import PARSER_VERSION
    lc = Lifecycle("z-ai", "Z.ai", page, url, fetched_at, PARSER_VERSION)
    text = lc.text()
    if "release-notes" in urlsplit(url).path:
        section = {b.start: b.section for b in blocks(text)}
        starts = sorted(section)
        for u in updates(text):
            name = plain(u.description)
            if not name:
                continue
            where = section[max([s for s in starts if s <= u.start], default=0)]
            f = lc.fact(name, where or None)
            lc.released(f, u.label, f"entry {u.label!r}")
    else:
        offered_models(lc, text)
    return lc.parsed()

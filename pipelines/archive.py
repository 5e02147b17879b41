"""Item pipeline: writes each fetched page to the crawl's output folder, for the parent process to
parse and load. Bodies are stored once per content hash; pages.jsonl lists every fetch in order."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path


class ArchivePipeline:
    def __init__(self, out_dir: str):
        self.out = Path(out_dir)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("MODELTRAIL_OUT"))

    def open_spider(self, spider=None):
        (self.out / "bodies").mkdir(parents=True, exist_ok=True)
        self.index = open(self.out / "pages.jsonl", "a", encoding="utf-8")

    def close_spider(self, spider=None):
        self.index.close()

    def process_item(self, item, spider=None):
        record = {k: v for k, v in item.items() if k != "body"}
        body = item.get("body")
        if body is not None:
            sha = hashlib.sha256(body).hexdigest()
            path = self.out / "bodies" / sha
            if not path.exists():  # written whole or not at all: a killed crawl leaves no half body
                part = path.with_name(sha + ".part")
                part.write_bytes(body)
                os.replace(part, path)
            record["sha256"] = sha
        self.index.write(json.dumps(record) + "\n")
        self.index.flush()
        return item

"""Item pipeline: writes each fetched page to the crawl's output folder, for the parent process to
parse and load. Bodies are appended once per content hash to bodies.bin (one open file, not one file
per page); pages.jsonl lists every fetch in order, with where its body lies in bodies.bin. A body is
written and flushed before the line that points at it (a rendered page has two: the HTML after
rendering, which the parser reads, and the HTML as served, raw_*), so a crawl killed at any moment leaves an index
whose every line points at a whole body."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


class ArchivePipeline:
    def __init__(self, out_dir: str):
        self.out = Path(out_dir)
        self.where: dict[str, tuple[int, int]] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("MODELTRAIL_OUT"))

    def open_spider(self, spider=None):
        self.out.mkdir(parents=True, exist_ok=True)
        self.bodies = open(self.out / "bodies.bin", "ab")
        self.index = open(self.out / "pages.jsonl", "a", encoding="utf-8")

    def close_spider(self, spider=None):
        self.bodies.close()
        self.index.close()

    def process_item(self, item, spider=None):
        record = {k: v for k, v in item.items() if k not in ("body", "raw_body")}
        for key, prefix in (("body", ""), ("raw_body", "raw_")):
            body = item.get(key)
            if body is not None:
                sha = self._store(body)
                record[prefix + "sha256"] = sha
                record[prefix + ("offset" if prefix else "body_offset")], \
                    record[prefix + ("length" if prefix else "body_length")] = self.where[sha]
        self.index.write(json.dumps(record) + "\n")
        self.index.flush()
        return item

    def _store(self, body: bytes) -> str:
        sha = hashlib.sha256(body).hexdigest()
        if sha not in self.where:
            self.where[sha] = (self.bodies.tell(), len(body))
            self.bodies.write(body)
            self.bodies.flush()
        return sha

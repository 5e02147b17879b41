"""A lean static server for the crawl benchmark: every page of a site folder held in memory and sent by
asyncio with keep-alive, in its own process, so the server costs the crawlers under test as little CPU
as possible (http.server parses every request's headers in Python). Binds 127.0.0.1 only.

    python -m bench.server SITE_DIR     # prints the port, serves until killed
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path


def load(root: Path) -> dict[bytes, bytes]:
    pages = {}
    for path in root.rglob("*"):
        if path.is_file():
            rel = "/" + path.relative_to(root).as_posix()
            body = path.read_bytes()
            ctype = b"text/html; charset=utf-8"
            head = b"HTTP/1.1 200 OK\r\nContent-Type: " + ctype + b"\r\nContent-Length: " + str(len(body)).encode()
            pages[rel.encode()] = head + b"\r\n\r\n" + body
            if path.name == "index.html":
                pages[rel[: -len("index.html")].rstrip("/").encode() or b"/"] = pages[rel.encode()]
    return pages


NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"


async def main(root: Path) -> None:
    pages = load(root)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].split(b"?", 1)[0]
                writer.write(pages.get(path, NOT_FOUND))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, IndexError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))

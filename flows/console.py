"""What goes to a terminal: every control character a page could carry (a model's name, an id) written
out as a visible escape, never sent raw. Used by the CLI's output and by the progress lines of long work."""

from __future__ import annotations

#: characters a terminal may act on instead of showing: C0 controls, DEL, C1 controls (ESC starts
#: cursor moves, screen clears, OSC 0 window titles, OSC 52 clipboard writes), and the Unicode bidi
#: overrides and line separators that reorder or break what is shown
_UNSAFE = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0x200E, 0x200F, *range(0x202A, 0x202F),
           *range(0x2066, 0x206A), 0x2028, 0x2029]
_SHOWN = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _UNSAFE}
_IN_CELL = {**_SHOWN, ord("\t"): " ", ord("\n"): " ", ord("\r"): " "}
_IN_LINES = {**_SHOWN, ord("\t"): "\t", ord("\n"): "\n"}
#: what JSON's own escaping leaves raw (it escapes C0 only): \u escapes, the same text once decoded
_IN_JSON = {c: f"\\u{c:04x}" for c in _UNSAFE if c >= 0x7F}


def terminal_safe(text: str, lines: bool = False) -> str:
    """Text a terminal shows as text: every control character written out as a visible escape
    (`\\x1b`), never sent raw. lines=True keeps newlines and tabs (a message of several lines); else a
    newline, tab or carriage return is a space (a table cell)."""
    return text.translate(_IN_LINES if lines else _IN_CELL)


def json_safe(text: str) -> str:
    """A JSON text with the controls JSON leaves raw (DEL, C1, bidi overrides) written as \\u escapes:
    the same data once decoded, and nothing a terminal acts on if it is shown."""
    return text.translate(_IN_JSON)


def echo(message: str = "", err: bool = False) -> None:
    """click.echo for messages that may carry names or ids from a page: controls made visible."""
    import click
    click.echo(terminal_safe(message, lines=True), err=err)

"""Tables on a terminal: cut to fit its width, in an order that keeps what a row is about readable;
piped or written to a file, every cell whole."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest

from modeltrail import output


def shown(cols, rows, width):
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COLUMNS", str(width))
        output.render(cols, rows, out=out)
    return out.getvalue().splitlines()


def test_a_narrow_terminal_cuts_urls_and_hashes_and_values_before_ids(monkeypatch):
    cols = ["source_model_id", "field", "value", "source_url", "raw_sha256"]
    row = ["openai/gpt-4o-mini-2024-07-18", "price.input", "x" * 30, "https://example.com/" + "p" * 40, "f" * 64]
    monkeypatch.setenv("COLUMNS", "80")
    out = io.StringIO()
    output.render(cols, [row], out=out)
    lines = out.getvalue().splitlines()
    assert all(len(line) <= 80 for line in lines)
    row = lines[1 + next(n for n, line in enumerate(lines) if set(line) == {"-", " "})]
    assert row.startswith("openai/gpt-4o-mini-2024-07-18  price.input  ")  # whole
    assert "…" in row


def test_a_table_too_wide_for_the_terminal_is_shown_a_row_at_a_time(monkeypatch):
    """`compare` of a model twenty offerings list, on a 100-column terminal: cut to fit, every column would
    be two characters wide ("b…" for every field). Each row is then a block of name and value lines, its
    blank cells left out; piped, it is the table, whole."""
    offerings = [f"litellm:azure/eu/o3-mini-2025-01-{d:02d}" for d in range(1, 21)]
    cols = ["field", *offerings, "conflict"]
    rows = [["benchmark.gpqa", *(["77.0%"] + [None] * 19), "yes"],
            ["capabilities", *(["function_calling,reasoning,structured_outputs," * 3] * 20), None]]
    monkeypatch.setenv("COLUMNS", "100")
    out = io.StringIO()
    output.render(cols, rows, out=out)
    lines = out.getvalue().splitlines()
    assert all(len(line) <= 100 for line in lines)
    name = len(offerings[0])  # (the longest column name: the name's width)
    assert lines[:4] == ["-[ 1 ]" + "-" * 34, "field".ljust(name) + "  benchmark.gpqa",
                         offerings[0] + "  77.0%", "conflict".ljust(name) + "  yes"]
    assert lines[4].startswith("-[ 2 ]") and len(lines) == 4 + 1 + 1 + 20  # (no blank cell shown)
    assert all(line.startswith(o + "  function_calling,") and line.endswith("…")
               for line, o in zip(lines[6:], offerings))
    monkeypatch.setenv("COLUMNS", "1000")  # room for a column each: the table as always
    out = io.StringIO()
    output.render(cols, rows, out=out)
    assert out.getvalue().splitlines()[0].startswith("field           litellm:azure/eu/o3-mini-2025-01-01")
    monkeypatch.delenv("COLUMNS")  # piped: the table, every cell whole
    out = io.StringIO()
    output.render(cols, rows, out=out)
    assert len(out.getvalue().splitlines()) == 4 and "…" not in out.getvalue()


def test_piped_tables_are_never_cut_and_prices_are_plain_decimals(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    out = io.StringIO()  # not a terminal
    url = "https://example.com/" + "p" * 100
    output.render(["url", "price", "whole", "ctx"], [[url, 1e-05, 2.5e-07, 128000.0]], out=out)
    lines = out.getvalue().splitlines()
    assert url in lines[2] and "…" not in out.getvalue()
    assert lines[2].split()[1:] == ["0.00001", "0.00000025", "128000"]
    out = io.StringIO()
    output.render(["price"], [[1e-05]], fmt="csv", out=out)
    assert out.getvalue() == "price\n0.00001\n"



def test_a_number_is_never_cut_and_a_time_keeps_its_day():
    """Cut like a text, `1048576` would read `104…` and `2025-01-31T09:00:00Z` `2025-…`: a number keeps
    every digit and a time its day, and the text beside them gives way."""
    cols = ["source_model_id", "context_window", "released", "note"]
    rows = [["gemini-2.0-flash-001", 1048576, datetime(2025, 1, 31, 9, tzinfo=timezone.utc), "x" * 40],
            ["gemini-2.0-flash-lite", 1000000, "2025-02-25", "y" * 40]]
    lines = shown(cols, rows, 60)
    assert all(len(line) <= 60 for line in lines), lines
    dashes = next(n for n, line in enumerate(lines) if set(line) == {"-", " "})
    first = lines[dashes + 1]
    assert " 1048576 " in first and " 2025-01-31" in first and first.endswith("…")
    assert " 1000000 " in lines[dashes + 2] and " 2025-02-25 " in lines[dashes + 2]
    # (the rest of the row: the id whole, the note cut)
    assert first.startswith("gemini-2.0-flash-001 ") and "x" * 40 not in first


def test_what_every_row_holds_is_said_once_above_a_table_that_must_be_cut():
    """`history gpt-4o --field price.input` on 120 columns: every row repeats the model, the field and
    its time, and the table cut them all to `2026-…`. A column holding one value in every row is said
    once above the table, those blank in every row named, and the rest keeps its width."""
    cols = ["model_id", "source", "source_model_id", "field", "value", "valid_from", "valid_to", "url",
            "page_sha256"]
    ids = ["azure/eu/gpt-4o-2024-08-06", "azure/global-standard/gpt-4o-2024-08-06", "gpt-4o-2024-05-13"]
    rows = [["openai/gpt-4o", "litellm", i, "price.input", v, "2026-12-07T23:02:32Z", None,
             "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json",
             "15e09b288901e7a70909992d18aa82ba35b4485107c5a014a5c06b409e6f5359"]
            for i, v in zip(ids, [2.75, 2.5, 5.0])]
    lines = shown(cols, rows, 100)
    assert all(len(line) <= 100 for line in lines), lines
    assert lines[:6] == ["model_id: openai/gpt-4o", "source: litellm", "field: price.input",
                         "valid_from: 2026-12-07T23:02:32Z",
                         "url: https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json",
                         "page_sha256: 15e09b288901e7a70909992d18aa82ba35b4485107c5a014a5c06b409e6f5359"]
    assert lines[6] == "blank in every row: valid_to"
    assert lines[7].split() == ["source_model_id", "value"] and set(lines[8]) == {"-", " "}
    assert [line.split() for line in lines[9:]] == [[i, v] for i, v in zip(ids, ["2.75", "2.5", "5"])]
    # a table that fits (or only needs its urls and hashes cut) is shown as it is, each row whole
    wide = shown(cols, rows, 400)
    assert wide[0].split() == cols and len(wide) == 5
    cut = shown(cols, rows, 220)  # (the urls cut, a name wrapped: nothing said above the table)
    assert len(cut) == 2 + 1 + 3 and cut[1].split()[0] == "model_id" and "…" in cut[3]
    # one row: nothing is "in every row"
    one = shown(cols, rows[:1], 100)
    assert not any(line.startswith("model_id:") for line in one) and len(one) == 4  # (a header of 2 lines)
    assert one[1].startswith("model_id       source ")


def test_a_hoisted_column_is_not_repeated_in_a_row_at_a_time():
    cols = ["field", *(f"litellm:azure/eu/o3-mini-2025-01-{d:02d}" for d in range(1, 21)), "source"]
    rows = [[f"price.{k}", *([str(n)] * 20), "litellm"] for n, k in enumerate(["input", "output"])]
    lines = shown(cols, rows, 80)
    assert lines[0] == "source: litellm" and lines[1].startswith("-[ 1 ]")
    assert not any(line.startswith("source ") for line in lines[1:])
    assert len(lines) == 1 + 2 * (1 + 21)


def test_a_cut_column_name_is_wrapped_at_its_underscores():
    """`models` on 160 columns headed four columns `cheapest…`: a name cut to its column is written
    over as many lines as it needs (up to three), broken where it has a "_"."""
    cols = ["model_id", "cheapest_input", "cheapest_input_at", "cheapest_output", "cheapest_output_at"]
    rows = [["01-ai/yi-34b-200k", 0.6, "litellm:deepinfra/01-ai/Yi-34B-200K", 0.6,
             "litellm:deepinfra/01-ai/Yi-34B-200K"]] * 2
    lines = shown(cols, rows, 70)
    assert all(len(line) <= 70 for line in lines), lines
    dashes = next(n for n, line in enumerate(lines) if set(line) == {"-", " "})
    head = lines[:dashes]
    assert 2 <= len(head) <= 3 and head[-1].startswith("model_id  ")
    widths = [len(d) for d in lines[dashes].split("  ")]
    starts = [sum(widths[:k]) + 2 * k for k in range(len(widths))]
    names = ["_".join(line[s:s + w].strip() for line in head if line[s:s + w].strip())
             for s, w in zip(starts, widths)]
    assert names == cols  # every name whole, read down its column
    assert lines[dashes + 1].split()[1] == "0.6"


def test_csv_and_json_are_never_wrapped_or_hoisted(monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    cols = ["model_id", "cheapest_input_at"]
    rows = [["openai/gpt-4o", "litellm:azure/eu/gpt-4o-2024-08-06"]] * 2
    for fmt, first in (("csv", "model_id,cheapest_input_at"), ("json", '{"model_id": "openai/gpt-4o"')):
        out = io.StringIO()
        output.render(cols, rows, fmt=fmt, out=out)
        assert out.getvalue().startswith(first) and "…" not in out.getvalue()

"""The one way tests run the `modeltrail` command.

`run` runs it as a user does, in its own process (`python -m modeltrail`, or the installed `modeltrail`
script with script=True): its exit code, stdout and stderr are what a shell sees, and nothing it sets
(environment, Prefect's settings, open warehouses) stays behind. `invoke` runs it in this process through
click's CliRunner: no interpreter to start, for commands whose output is all a test asks about.
"""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

#: the installed console script beside this interpreter
SCRIPT = Path(sys.executable).parent / "modeltrail"


def command(*args: str, script: bool = False) -> list[str]:
    """The argv that runs `modeltrail ARGS`."""
    return [str(SCRIPT), *args] if script else [sys.executable, "-m", "modeltrail", *args]


def environment(env: dict[str, str | None] | None = None, base: dict[str, str] | None = None) -> dict[str, str]:
    """os.environ (or base) with env's values over it; a value of None removes that variable."""
    out = dict(os.environ if base is None else base)
    for key, value in (env or {}).items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def run(*args: str, input: str | bytes | None = None, env: dict[str, str | None] | None = None,
        cwd: str | Path | None = None, timeout: float = 300, check: bool = False, script: bool = False,
        text: bool = True) -> subprocess.CompletedProcess:
    """Run `modeltrail ARGS` in a new process and wait for it; check=True fails the test on a non-zero
    exit, showing what it printed."""
    proc = subprocess.run(command(*args, script=script), input=input, capture_output=True, text=text,
                          env=environment(env), cwd=cwd, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"modeltrail {' '.join(map(str, args))} -> {proc.returncode}\n"
                             f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def popen(*args: str, env: dict[str, str | None] | None = None, script: bool = False, text: bool = True,
          **kw) -> subprocess.Popen:
    """Start `modeltrail ARGS` in a new process (stdout and stderr piped unless given) and return it."""
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen(command(*args, script=script), env=environment(env), text=text, **kw)


def invoke(*args: str, input: str | bytes | None = None, catch_exceptions: bool = False):
    """Run `modeltrail ARGS` in this process (click's CliRunner) and return its Result; the environment
    variables the command sets for itself (MODELTRAIL_DB, PREFECT_HOME, …) are put back afterwards."""
    from click.testing import CliRunner

    from modeltrail.cli import main
    saved = dict(os.environ)
    # a refresh run here takes SIGINT and SIGTERM for itself (flows/stopping.py): the test process gets
    # its own handlers back, so a later test's Ctrl-C is pytest's again
    main_thread = threading.current_thread() is threading.main_thread()
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)} if main_thread else {}
    try:
        return CliRunner().invoke(main, list(args), input=input, catch_exceptions=catch_exceptions)
    finally:
        if os.environ != saved:
            os.environ.clear()
            os.environ.update(saved)
        stopping = sys.modules.get("modeltrail.flows.stopping")
        if stopping is not None:
            stopping._enabled = False
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def run_here(*args: str, input: str | bytes | None = None, check: bool = False) -> subprocess.CompletedProcess:
    """`run` in this process (through `invoke`), for a command whose exit code and output are all a test
    asks about (`parse`; a refresh whose warehouse the test reads afterwards): the same exit code, stdout
    and stderr, without starting an interpreter (and importing Prefect, ~5-15 s) each time. An exception
    the command lets out fails the test, as a traceback in a subprocess would. Keep `run` where the test
    is about the process itself: its signals, its environment, what it leaves behind when it ends."""
    res = invoke(*args, input=input)
    proc = subprocess.CompletedProcess(command(*args), res.exit_code, res.stdout, res.stderr)
    # the command's last frame (kept by its SystemExit's traceback) may hold a warehouse connection, which
    # a process would have closed by ending: let it go, so the test opens the file as it likes
    res.exc_info = None
    del res
    gc.collect()
    if check and proc.returncode != 0:
        raise AssertionError(f"modeltrail {' '.join(map(str, args))} -> {proc.returncode}\n{proc.stdout[-3000:]}\n"
                             f"{proc.stderr[-3000:]}")
    return proc

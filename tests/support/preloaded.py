"""`expertbot` commands in processes of their own without importing the service each time
(`serve` among them: tests/support/forked.py).

A plain `python -m config.cli …` spent 1.5–2.5 s of CPU importing the service before its
command did anything, and the suite runs the command some thirty times. A worker starts
one process that has imported it (`python -m tests.support.preloaded SOCKET`), and each
command is a fork of that process: its own pid, environment, working directory, standard
output and error (files the caller reads), and exit status, as `python -m config.cli` has
them. A command whose environment chooses Prometheus' multiprocess mode (which must be
chosen before the service's modules are imported) still runs as a plain process.

The server ends when the worker does (its standard input closes)."""

from __future__ import annotations

import atexit
import contextlib
import gc
import json
import os
import selectors
import socket
import sys
import time
import traceback

# what the `expertbot` subcommands import when they run (config/cli/*.py)
PRELOAD = ("config.cli", "config.app", "config.serve", "config.worker", "config.runtime",
           "config.doctor", "config.federation", "config.db.database", "config.db.tortoise",
           "config.settings.replica", "bot.conversation.explain", "bot.conversation.router",
           "bot.providers.federation.client", "handlers.fallback", "handlers.menu",
           "handlers.routing", "services.audit", "services.demo", "services.draws.candidates",
           "services.draws.facts", "services.draws.randomness", "services.draws.record",
           "services.federation", "services.payments", "services.people",
           "services.people.register", "services.reference")


def _command(request: dict[str, object]) -> int:
    """Runs in the fork: the command as `python -m config.cli` would run it."""
    os.environ.clear()
    os.environ.update(request["env"])  # type: ignore[arg-type]
    time.tzset()
    os.chdir(str(request["cwd"]))
    # appended: one file may take both (a long-running command's log)
    written = os.O_WRONLY | os.O_APPEND | os.O_CREAT
    for fd, path, mode in ((0, os.devnull, os.O_RDONLY), (1, request["out"], written),
                           (2, request["err"], written)):
        opened = os.open(str(path), mode)
        os.dup2(opened, fd)
        os.close(opened)
    argv = [str(arg) for arg in request["argv"]]  # type: ignore[attr-defined]
    sys.argv = [sys.argv[0], *argv]
    code = 0
    try:
        from config.cli import main

        main(argv)
    except SystemExit as exc:
        if exc.code is None:
            code = 0
        elif isinstance(exc.code, int):
            code = exc.code
        else:  # as the interpreter does: the message on stderr, status 1
            print(exc.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    with contextlib.suppress(BaseException):
        atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    return code


def _serve(path: str) -> None:
    for name in PRELOAD:
        __import__(name)
    gc.freeze()  # the forks share these objects' pages instead of the collector touching them
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(16)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(sys.stdin, selectors.EVENT_READ)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        # the forks that ended are reaped here (their CPU counts as this process's children's)
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        for key, _ in selector.select(0.5):
            if key.fileobj is sys.stdin:  # the worker is gone
                if not sys.stdin.buffer.read1(1024):
                    return
                continue
            conn, _ = listener.accept()
            if os.fork() == 0:
                listener.close()
                selector.close()
                conn.sendall(f"{os.getpid()}\n".encode())
                with conn.makefile("rb") as asked:
                    request = json.loads(asked.readline())
                code = 1
                try:
                    code = _command(request)
                finally:
                    with contextlib.suppress(OSError):
                        conn.sendall(f"{code}\n".encode())
                    os._exit(code)
            conn.close()


if __name__ == "__main__":
    _serve(sys.argv[1])

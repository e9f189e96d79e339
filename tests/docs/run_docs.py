#!/usr/bin/env python3
"""Runs the commands of README.md and docs/*.md, so the docs cannot drift.

The convention (README.md, "Commands in the docs"): a fenced block tagged
`console` holds commands after a `$ ` prompt and their output; one tagged
`sh` holds only commands (a trailing `&` starts one in the background).
Any other block that mentions a cardflow program must be tagged `text` (a
synopsis, an output, a file): an untagged one fails this test, so a new
command cannot slip past it.

Every cardflow command (cardflow-coordinator, -node, -chaos, -probe, also as
build/bin/...) runs from a scratch directory with the built programs first
on PATH:

- first with CARDFLOW_PARSE_ONLY=1 (the program parses its command line and
  exits: 0, or 2 for a bad one) - this is what commands that need Docker, a
  LAN, certificates or a node file get;
- then for real where nothing outside this machine is needed: `run`,
  `check` and `demo` without --node/--nodes-file, and blocks that start
  nodes and proxies on 127.0.0.1 in the background (every fixed port is
  moved to a free one, the chaos control API too; the background programs
  are stopped with SIGTERM at the end of the block). A real run must end
  in 0, 1 or 3 (a verdict), never 2 (bad arguments), a signal or a hang.

Other commands (docker, kubectl, scripts/..., curl) are not run; `export
VAR=VALUE` lines set VAR for the commands after them, and absolute paths in
such values are moved under the scratch directory.

Usage: run_docs.py SOURCE_DIR BIN_DIR
"""
import glob
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

PROGRAMS = {"cardflow-coordinator", "cardflow-node", "cardflow-chaos", "cardflow-probe"}
RUNNABLE_TAGS = {"console", "sh"}
REAL_RUN_SECONDS = 180
START_SECONDS = 30


class Command:
    def __init__(self, where, words, env, background):
        self.where = where          # "README.md:12"
        self.words = words          # argv, program first
        self.env = env              # VAR=VALUE before it
        self.background = background


def blocks(path):
    """(line, tag, lines) of every fenced block in the file."""
    found, tag, start, body = [], None, 0, None
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("```"):
                if body is None:
                    tag, start, body = line[3:].strip(), number, []
                else:
                    found.append((start, tag, body))
                    body = None
            elif body is not None:
                body.append((number, line))
    return found


def command_lines(tag, body):
    """(line, text) of the commands in a runnable block, continuations joined."""
    commands, pending, first = [], "", 0
    for number, line in body:
        if tag == "console":
            if not pending:
                if not line.startswith("$ "):
                    continue  # output
                line = line[2:]
        if not pending:
            first = number
            if not line.strip() or line.lstrip().startswith("#"):
                continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        commands.append((first, pending + line))
        pending = ""
    return commands


def mentions_a_command(body):
    return any(re.match(r"\s*(\$ )?(build/bin/)?cardflow-(coordinator|node|chaos|probe)\b", line)
               for _, line in body)


def parse(path, line, text, exported):
    """A Command, or None for what this test does not run."""
    words = shlex.split(text, comments=True)
    background = bool(words) and words[-1] == "&"
    if background:
        words = words[:-1]
    env = {}
    while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    if words[:1] == ["export"]:
        for word in words[1:]:
            name, value = word.split("=", 1)
            exported[name] = value
        return None
    if not words:
        return None
    program = os.path.basename(words[0]) if words[0].startswith("build/bin/") else words[0]
    if program not in PROGRAMS:
        return None
    return Command(f"{path}:{line}", [program] + words[1:], {**exported, **env}, background)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Checker:
    def __init__(self, source, bin_dir, scratch):
        self.source, self.scratch = source, scratch
        self.base_env = dict(os.environ)
        self.base_env["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
        self.base_env.pop("CARDFLOW_REPORTS", None)
        self.failures = []
        self.ran = 0
        self.parsed = 0

    def env_for(self, command, **extra):
        env = dict(self.base_env)
        for name, value in command.env.items():
            if value.startswith("/"):  # /reports: under the scratch directory instead
                value = os.path.join(self.scratch, value.lstrip("/"))
                os.makedirs(value, exist_ok=True)
            env[name] = os.path.expandvars(value)
        env.update(extra)
        return env

    def fail(self, command, why, output=""):
        self.failures.append(f"{command.where}: {shlex.join(command.words)}\n  {why}\n" +
                             "".join("    " + l + "\n" for l in output.splitlines()[-15:]))

    def dry_parse(self, command):
        self.parsed += 1
        print(f"parse {command.where}: {shlex.join(command.words)}", flush=True)
        done = subprocess.run(command.words, cwd=self.scratch, capture_output=True, text=True,
                              env=self.env_for(command, CARDFLOW_PARSE_ONLY="1"), timeout=60)
        if done.returncode != 0:
            self.fail(command, f"its command line does not parse (exit {done.returncode})",
                      done.stderr)
            return False
        return True

    def run_for_real(self, command):
        self.ran += 1
        print(f"run   {command.where}: {shlex.join(command.words)}", flush=True)
        try:
            done = subprocess.run(command.words, cwd=self.scratch, capture_output=True, text=True,
                                  env=self.env_for(command), timeout=REAL_RUN_SECONDS)
        except subprocess.TimeoutExpired:
            self.fail(command, f"still running after {REAL_RUN_SECONDS} s")
            return
        if done.returncode not in (0, 1, 3):
            self.fail(command, f"exit {done.returncode} (a verdict is 0, 1 or 3)",
                      done.stderr + done.stdout)

    def local_only(self, command):
        """True for a coordinator run/check/demo that needs no other machine."""
        words = command.words
        return (words[0] == "cardflow-coordinator" and len(words) > 1 and
                words[1] in ("run", "check", "demo") and
                not any(w.startswith(("--node", "--tls", "--token")) for w in words))

    def check_block(self, commands):
        if not all(self.dry_parse(c) for c in commands):
            return
        starters = [c for c in commands if c.background]
        if starters:
            self.run_cluster_block(commands)
            return
        for command in commands:
            if self.local_only(command):
                self.run_for_real(command)

    def run_cluster_block(self, commands):
        """Background nodes and proxies on 127.0.0.1, then the commands that use them."""
        text = " ".join(w for c in commands for w in c.words)
        hosts = set(re.findall(r"([A-Za-z0-9.\-]+):\d+", text))
        if hosts - {"127.0.0.1", "localhost"}:
            return  # needs other machines: parsed above, that is all
        ports = {}

        def move(word):
            return re.sub(r"(?<=127\.0\.0\.1:)(\d+)",
                          lambda m: m.group(1) if m.group(1) == "0" else
                          str(ports.setdefault(m.group(1), free_port())), word)

        started = []
        try:
            for command in commands:
                command.words = [move(w) for w in command.words]
                if command.words[0] == "cardflow-chaos" and not any(
                        w.startswith(("--control", "--port")) for w in command.words):
                    command.words += ["--control", f"127.0.0.1:{free_port()}"]
                if not command.background:
                    self.run_for_real(command)
                    continue
                log = os.path.join(self.scratch, f"background-{len(started)}.log")
                with open(log, "w") as stderr:
                    process = subprocess.Popen(command.words, cwd=self.scratch,
                                               env=self.env_for(command), stdout=subprocess.PIPE,
                                               stderr=stderr, text=True)
                started.append((command, process))
                print(f"start {command.where}: {shlex.join(command.words)}", flush=True)
                if not self.wait_listening(command, process, log):
                    return
        finally:
            for command, process in started:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for command, process in started:
                try:
                    process.wait(timeout=START_SECONDS)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                    self.fail(command, "did not stop on SIGTERM")

    def wait_listening(self, command, process, log):
        """True once the program printed its last `listening on` line."""
        expected = 1 if command.words[0] == "cardflow-node" else \
            sum(1 for w in command.words if w == "--link") + 1  # links, then control
        lines = []
        reader = threading.Thread(
            target=lambda: lines.extend(iter(process.stdout.readline, "")), daemon=True)
        reader.start()
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline and process.poll() is None:
            if sum(1 for line in list(lines) if "listening on" in line) >= expected:
                return True
            reader.join(timeout=0.1)  # wakes when a line arrives or the program ends
        with open(log, encoding="utf-8", errors="replace") as f:
            self.fail(command, f"did not say it was listening (exit {process.poll()})", f.read())
        return False


def main():
    source, bin_dir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    files = ["README.md"] + sorted(os.path.relpath(p, source)
                                   for p in glob.glob(os.path.join(source, "docs", "*.md")))
    with tempfile.TemporaryDirectory(prefix="cardflow-docs-") as scratch:
        checker = Checker(source, bin_dir, scratch)
        for name in files:
            exported = {}
            for start, tag, body in blocks(os.path.join(source, name)):
                if tag not in RUNNABLE_TAGS:
                    if tag == "" and mentions_a_command(body):
                        checker.failures.append(
                            f"{name}:{start}: a block with a cardflow command is not tagged: "
                            "`console` or `sh` to run it, `text` for a synopsis or output\n")
                    continue
                commands = [c for line, text in command_lines(tag, body)
                            if (c := parse(name, line, text, exported)) is not None]
                checker.check_block(commands)
        print(f"{checker.parsed} commands parsed, {checker.ran} run for real")
        if checker.failures:
            print("\n".join(checker.failures), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

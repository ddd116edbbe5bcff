"""Drives `goal-lease chat` in a real pseudo-terminal, as a person would, and prints what the screen showed.

Usage: python3 pty-chat.py [--idle-ctrl-c] COMMAND [ARGS...]
With --idle-ctrl-c it only presses Ctrl-C at the first, idle prompt; otherwise it runs a goal, pauses it
with Ctrl-C and exits with a second one.
Prints one JSON object: {"steps": [...names of steps reached...], "screen": "...", "exit": CODE}.
"""
import json
import os
import pty
import select
import sys
import time

idle = sys.argv[1] == "--idle-ctrl-c"
command = sys.argv[2:] if idle else sys.argv[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(command[0], command)

screen = b""
steps = []


def read_until(needle: bytes, seconds: float) -> bool:
    global screen
    deadline = time.time() + seconds
    while needle not in screen:
        remaining = deadline - time.time()
        if remaining <= 0:
            return False
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return False
            if not chunk:
                return False
            screen += chunk
    return True


def step(name: str, send: bytes, expect: bytes, seconds: float = 20) -> bool:
    if send:
        os.write(fd, send)
    reached = read_until(expect, seconds)
    if reached:
        steps.append(name)
    return reached


ok = idle and (
    step("prompt", b"", b"> ")
    and step("idle ctrl-c exits", b"\x03", b"\x00", 3) is False
) or not idle and (
    step("prompt", b"", b"> ")
    and step("goal started", b"/goal start write the guide --max-turns 20\r", b"Goal started")
    and step("continuation marked", b"", b"continuation 1/20")
    and step("status line", b"", b"continuations \xc2\xb7")
    and step("ctrl-c pauses", b"\x03", b"Goal paused")
    and step("status shows paused", b"/goal\r", b"Status: paused")
    and step("second ctrl-c exits", b"\x03", b"\x00", 3) is False
)
_, status = os.waitpid(pid, 0)
read_until(b"\x00", 0.2)
print(json.dumps({"steps": steps, "screen": screen.decode("utf8", "replace"), "exit": os.waitstatus_to_exitcode(status)}))

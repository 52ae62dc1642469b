"""Runs a command in a pseudo-terminal (for the CLI tests).

Usage: python3 pty-driver.py COLUMNS ROWS -- command [args...]

The child sees a terminal on stdin, stdout and stderr (COLUMNS x ROWS). Bytes on this
process's stdin are typed into the terminal (so "\\x03" is Ctrl-C, delivered as SIGINT by the
terminal); everything the child writes is copied to this process's stdout. Exits with the
child's exit code (128 + N when signal N ended it).
"""
import errno
import fcntl
import os
import pty
import select
import struct
import sys
import termios


def main() -> int:
    cols, rows = int(sys.argv[1]), int(sys.argv[2])
    argv = sys.argv[sys.argv.index("--") + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    inputs = [fd, sys.stdin.fileno()]
    while True:
        try:
            ready, _, _ = select.select(inputs, [], [])
        except InterruptedError:
            continue
        if fd in ready:
            try:
                data = os.read(fd, 65536)
            except OSError as e:
                if e.errno != errno.EIO:
                    raise
                data = b""
            if not data:
                break
            os.write(sys.stdout.fileno(), data)
        if sys.stdin.fileno() in ready:
            data = os.read(sys.stdin.fileno(), 65536)
            if not data:
                inputs.remove(sys.stdin.fileno())
            else:
                os.write(fd, data)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main())

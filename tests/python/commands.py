"""Running the ``cheroot-rs`` and ``cheroot`` commands as processes: start one, read the
address it prints, stop it with a signal, collect its exit status and output."""

import os
import pathlib
import signal
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]

# Bounds on every wait for a command.
START_S = 30.0
STOP_S = 15.0


def rust_cheroot():
    """The Rust ``cheroot`` binary (``$CHEROOT_BIN``, else the debug build ``cargo xtask ci``
    makes before this suite runs)."""
    path = pathlib.Path(os.environ.get('CHEROOT_BIN', REPO / 'target' / 'debug' / 'cheroot'))
    if not path.is_file():
        pytest.fail(f'{path} is missing: build it with `cargo build -p cheroot-cli` (or set CHEROOT_BIN)')
    return str(path)


def python_front():
    """``python -m cheroot_rs`` with this interpreter (the one that has the package)."""
    return [sys.executable, '-m', 'cheroot_rs']


class Command:
    """A server command running in the background; ``address`` is what it printed."""

    def __init__(self, argv, cwd=None, env=None, pass_fds=()):
        self.argv = argv
        self.proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            pass_fds=pass_fds,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.address = None
        self.stderr = ''

    def wait_for_address(self):
        """The one line the command prints on stdout once it listens: ``host:port``."""
        line = _readline_bounded(self.proc, START_S)
        if not line:
            self.stop()
            pytest.fail(f'{self.argv} printed no address; stderr:\n{self.stderr}')
        self.address = line.strip()
        return self.address

    def host_port(self):
        host, _, port = self.address.rpartition(':')
        return host.strip('[]'), int(port)

    def stop(self, sig=signal.SIGTERM):
        """Signals the command and returns its exit status (killed after STOP_S)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            _, self.stderr = self.proc.communicate(timeout=STOP_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, self.stderr = self.proc.communicate()
            pytest.fail(f'{self.argv} did not stop within {STOP_S} s of {sig!r}')
        return self.proc.returncode


def run_to_end(argv, cwd=None, env=None):
    """Runs a command that should exit by itself; returns (status, stdout, stderr)."""
    done = subprocess.run(
        argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=START_S
    )
    return done.returncode, done.stdout, done.stderr


def _readline_bounded(proc, timeout_s):
    """One line of ``proc``'s stdout, or '' if it exits or says nothing within the bound."""
    import selectors

    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout_s):
            return ''
    return proc.stdout.readline()

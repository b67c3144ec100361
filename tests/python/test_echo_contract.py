"""The echo contract on the Python path: ``cheroot_rs.testing:echo`` served by the Python
front answers every request byte for byte as the Rust ``builtin:echo`` does (``Date`` aside)."""

import re
import socket
import time

import pytest

from commands import Command, python_front, rust_cheroot
from echo_requests import REQUESTS

# A response ends when the server closes (every request asks it to); a pause this long means
# it did not.
IDLE_S = 5.0
# How long a piece waits before the next (the Expect: 100-continue case sends in pieces).
PIECE_PAUSE_S = 0.2


@pytest.fixture(scope='module')
def servers():
    rust = Command([rust_cheroot(), '--bind', '127.0.0.1:0', 'builtin:echo'])
    python = Command([*python_front(), '--bind', '127.0.0.1:0', 'cheroot_rs.testing:echo'])
    try:
        rust.wait_for_address()
        python.wait_for_address()
        yield rust, python
    finally:
        assert rust.stop() == 0, rust.stderr
        assert python.stop() == 0, python.stderr


def exchange(command, raw):
    """Sends ``raw`` (bytes, or pieces sent with a pause) and reads until the server closes."""
    with socket.create_connection(command.host_port(), timeout=IDLE_S) as sock:
        for piece in raw if isinstance(raw, list) else [raw]:
            sock.sendall(piece)
            if isinstance(raw, list):
                time.sleep(PIECE_PAUSE_S)
        received = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            data = sock.recv(1 << 20)
            if not data:
                return b''.join(received)
            received.append(data)
    pytest.fail('the response did not end within 60 s')


def masked(response):
    return re.sub(rb'(?im)^Date: [^\r\n]*', b'Date: <masked>', response)


@pytest.mark.parametrize('name, raw', REQUESTS, ids=[name for name, _ in REQUESTS])
def test_python_echo_answers_as_builtin_echo(servers, name, raw):
    rust, python = servers
    expected = masked(exchange(rust, raw))
    assert expected.startswith(b'HTTP/1.'), expected[:200]
    assert masked(exchange(python, raw)) == expected

"""The WSGI applications of `cargo xtask bench --python`: one file, served as it is by every
server under test (cheroot-rs, granian, cheroot, gunicorn), so they all run the same code.

Each app answers every path with 200 ``text/plain`` and a ``Content-Length``, so the harness
can check the body before loading the server with wrk:

- ``hello``: ``Hello world!`` as a one-element list, the smallest WSGI app;
- ``flask_hello``: the same answer from a Flask view;
- ``big``: a 1 MiB body as one bytes object;
- ``file``: the 1 MiB file named by ``$CHEROOT_BENCH_FILE`` through ``wsgi.file_wrapper``
  (granian and cheroot offer none: there the app streams the file in blocks itself, as
  PEP 3333 says an app should).
"""

import os

from flask import Flask, Response

HELLO = b"Hello world!"
HELLO_HEADERS = [("Content-Type", "text/plain"), ("Content-Length", str(len(HELLO)))]


def hello(environ, start_response):
    start_response("200 OK", HELLO_HEADERS)
    return [HELLO]


flask_hello = Flask(__name__)


@flask_hello.route("/", defaults={"path": ""})
@flask_hello.route("/<path:path>")
def _flask_hello_view(path):
    return Response(HELLO, mimetype="text/plain")


# Built once: the app measures the server's handling of a large body, not its allocation.
BIG = b"x" * (1 << 20)
BIG_HEADERS = [("Content-Type", "text/plain"), ("Content-Length", str(len(BIG)))]


def big(environ, start_response):
    start_response("200 OK", BIG_HEADERS)
    return [BIG]


# The harness creates this file before it starts a server; every server reads the same one.
FILE_PATH = os.environ.get("CHEROOT_BENCH_FILE", "")
FILE_BLOCK = 64 * 1024


def _read_blocks(f, blksize):
    """``wsgi.file_wrapper``'s fallback for a server that offers none (PEP 3333's own)."""
    try:
        while True:
            block = f.read(blksize)
            if not block:
                return
            yield block
    finally:
        f.close()


def file(environ, start_response):
    f = open(FILE_PATH, "rb")
    size = os.fstat(f.fileno()).st_size
    start_response(
        "200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(size))]
    )
    # granian puts the key in with the value None, so a missing key is not the only "none".
    wrapper = environ.get("wsgi.file_wrapper") or _read_blocks
    return wrapper(f, FILE_BLOCK)

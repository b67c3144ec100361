"""A 1 GiB upload read by the app in 64 KiB pieces: exact length and sha256, with flat server memory."""

import hashlib
import re
import time

import pytest

import wire

UPLOAD_BYTES = 1 << 30
READ_SIZE = 64 * 1024
SEND_BLOCK = bytes(1 << 20)
# sha256 of 2**30 zero bytes (hashlib.sha256(bytes(1 << 30)).hexdigest()).
ZEROS_1GIB_SHA256 = '49bc20df15e412a64472421e13fe86ff1c5165e18b2afccf160d4dc19fe68a14'
MAX_GROWTH_BYTES = 100 * 1024 * 1024
SAMPLE_EVERY = 1024  # reads, i.e. every 64 MiB
IO_TIMEOUT_S = 30.0
MAX_SECONDS = 240.0


def rss_bytes():
    """Resident set size of this process (the server runs in-process), from /proc/self/status."""
    with open('/proc/self/status') as status:
        match = re.search(r'^VmRSS:\s+(\d+) kB', status.read(), re.MULTILINE)
    return int(match.group(1)) * 1024


def streaming_digest_app(peak_rss):
    def app(environ, start_response):
        stream = environ['wsgi.input']
        hasher, length = hashlib.sha256(), 0
        for count in range(UPLOAD_BYTES // READ_SIZE + 10):
            piece = stream.read(READ_SIZE)
            if not piece:
                break
            hasher.update(piece)
            length += len(piece)
            if count % SAMPLE_EVERY == 0:
                peak_rss.append(rss_bytes())
        body = f'{length} {hasher.hexdigest()}'.encode()
        start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
        return [body]

    return app


@pytest.mark.slow
def test_one_gib_upload_streams_through_flat_memory(serve):
    assert UPLOAD_BYTES % len(SEND_BLOCK) == 0
    peak_rss = []
    # No body-size limit (cheroot's default; cheroot-rs's is 100 MiB, which a 1 GiB body
    # passes).
    with serve(streaming_digest_app(peak_rss), attributes={'max_request_body_size': 0}) as srv:
        # Warm up threads and buffers so they are not counted as growth.
        srv.request('POST', '/', body=b'warm-up')
        peak_rss.clear()
        rss_before = rss_bytes()
        started = time.monotonic()
        with srv.connect(IO_TIMEOUT_S) as sock:
            sock.sendall(
                wire.build_request(
                    'POST', '/', [('Content-Type', 'application/octet-stream'), ('Content-Length', str(UPLOAD_BYTES))]
                )
            )
            for _ in range(UPLOAD_BYTES // len(SEND_BLOCK)):
                sock.sendall(SEND_BLOCK)
                assert time.monotonic() - started < MAX_SECONDS, 'upload too slow'
            response = wire.read_response(wire.WireReader(sock, IO_TIMEOUT_S))
        rss_after = rss_bytes()
    assert response.status == 200
    assert response.body.decode() == f'{UPLOAD_BYTES} {ZEROS_1GIB_SHA256}'
    assert len(peak_rss) >= UPLOAD_BYTES // READ_SIZE // SAMPLE_EVERY
    growth = max(peak_rss + [rss_after]) - rss_before
    assert growth < MAX_GROWTH_BYTES, f'server memory grew by {growth / 2**20:.0f} MiB during the upload'

"""Raw-socket HTTP/1.1 helpers: build request bytes and read responses exactly as they are on the wire."""

import dataclasses
import socket
import time

# Every raw read is bounded both per recv() (the socket timeout) and in total.
DEFAULT_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 64 * 1024 * 1024


class WireTimeout(AssertionError):
    """The server did not finish sending within the allowed time."""


@dataclasses.dataclass
class RawResponse:
    """One HTTP response as received: the head verbatim, parsed headers and the de-framed body."""

    status: int
    reason: str
    head: bytes
    headers: list
    body: bytes

    def header(self, name):
        """Value of the first header called `name` (case-insensitive), or None."""
        values = self.header_all(name)
        return values[0] if values else None

    def header_all(self, name):
        """All values of headers called `name` (case-insensitive), in order."""
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]


class WireReader:
    """Buffered reader over a socket with a total deadline and a size cap."""

    def __init__(self, sock, deadline_s=DEFAULT_TIMEOUT):
        self.sock = sock
        self.buf = bytearray()
        self.eof = False
        self.deadline = time.monotonic() + deadline_s

    def _fill(self):
        """Read more bytes into the buffer; return False at EOF."""
        if self.eof:
            return False
        if time.monotonic() > self.deadline:
            raise WireTimeout('response not complete before the deadline')
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout as exc:
            raise WireTimeout('server sent nothing within the socket timeout') from exc
        except ConnectionResetError:
            # A reset after the server closed is EOF for our purposes.
            chunk = b''
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        if len(self.buf) > MAX_RESPONSE_BYTES:
            raise AssertionError('response larger than the test cap')
        return True

    def _take(self, n):
        data = bytes(self.buf[:n])
        del self.buf[:n]
        return data

    def read_until(self, delimiter):
        """Bytes up to and including `delimiter`; EOFError if the stream ends first."""
        while True:
            index = self.buf.find(delimiter)
            if index >= 0:
                return self._take(index + len(delimiter))
            if not self._fill():
                raise EOFError(f'EOF before {delimiter!r}; got {bytes(self.buf)!r}')

    def read_exact(self, n):
        """Exactly `n` bytes; EOFError if the stream ends first."""
        while len(self.buf) < n:
            if not self._fill():
                raise EOFError(f'EOF after {len(self.buf)} of {n} bytes')
        return self._take(n)

    def read_to_eof(self):
        """Everything until the peer closes."""
        while self._fill():
            pass
        return self._take(len(self.buf))


def build_request(method, path, headers=(), body=b'', host='127.0.0.1'):
    """Request bytes with Host first, then `headers` (pairs of str) verbatim, then `body`."""
    lines = [f'{method} {path} HTTP/1.1', f'Host: {host}']
    lines += [f'{name}: {value}' for name, value in headers]
    head = ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1')
    return head + body


def chunked(pieces):
    """Encode byte pieces with the chunked transfer coding, including the last-chunk."""
    out = bytearray()
    for piece in pieces:
        if piece:
            out += b'%x\r\n' % len(piece) + piece + b'\r\n'
    out += b'0\r\n\r\n'
    return bytes(out)


def parse_head(head):
    """(status, reason, headers) from a response head that ends in CRLFCRLF."""
    lines = head[:-4].split(b'\r\n')
    protocol, _, rest = lines[0].partition(b' ')
    assert protocol.startswith(b'HTTP/1.'), f'bad status line {lines[0]!r}'
    code, _, reason = rest.partition(b' ')
    headers = []
    for line in lines[1:]:
        name, sep, value = line.partition(b':')
        assert sep, f'malformed header line {line!r}'
        headers.append((name.decode('latin-1'), value.strip().decode('latin-1')))
    return int(code), reason.decode('latin-1'), headers


def read_chunked_body(reader):
    """De-chunk a chunked body (trailers are read and dropped)."""
    body = bytearray()
    for _ in range(1_000_000):
        size_line = reader.read_until(b'\r\n')
        size = int(size_line.split(b';')[0].strip(), 16)
        if size == 0:
            while reader.read_until(b'\r\n') != b'\r\n':
                pass
            return bytes(body)
        body += reader.read_exact(size)
        assert reader.read_exact(2) == b'\r\n', 'chunk not followed by CRLF'
    raise AssertionError('too many chunks')


def read_head(reader):
    """Read only the status line and headers of the next final response (its body is left unread)."""
    return read_response(reader, method='HEAD')


def read_response(reader, method='GET', skip_informational=True):
    """Read one complete response from `reader`, framing the body as the headers say."""
    while True:
        head = reader.read_until(b'\r\n\r\n')
        status, reason, headers = parse_head(head)
        if not (skip_informational and 100 <= status < 200):
            break
    response = RawResponse(status, reason, head, headers, b'')
    if method == 'HEAD' or status in (204, 304) or 100 <= status < 200:
        return response
    transfer_encoding = (response.header('Transfer-Encoding') or '').lower()
    length = response.header('Content-Length')
    if 'chunked' in transfer_encoding:
        response.body = read_chunked_body(reader)
    elif length is not None:
        response.body = reader.read_exact(int(length))
    else:
        response.body = reader.read_to_eof()
    return response


def encode_multipart(fields, files, boundary='----cheroot-rs-test-boundary-7d1f'):
    """multipart/form-data body and its Content-Type for `fields` {name: str} and `files` {name: (filename, bytes)}."""
    out = bytearray()
    for name, value in fields.items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        out += value.encode() + b'\r\n'
    for name, (filename, data) in files.items():
        out += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            'Content-Type: application/octet-stream\r\n\r\n'
        ).encode()
        out += data + b'\r\n'
    out += f'--{boundary}--\r\n'.encode()
    return bytes(out), f'multipart/form-data; boundary={boundary}'


def read_body_until_eof(reader, response):
    """For a response whose body was cut off: (bytes received, whether the framing said it was complete).

    Reads to EOF; a chunked body is de-chunked as far as it goes.
    """
    rest = reader.read_to_eof()
    if 'chunked' not in (response.header('Transfer-Encoding') or '').lower():
        length = response.header('Content-Length')
        return rest, length is not None and len(rest) == int(length)
    data = bytearray()
    while True:
        line_end = rest.find(b'\r\n')
        if line_end < 0:
            return bytes(data), False
        size = int(rest[:line_end].split(b';')[0], 16)
        if size == 0:
            return bytes(data), rest[line_end:].startswith(b'\r\n\r\n')
        chunk = rest[line_end + 2 : line_end + 2 + size]
        data += chunk
        if len(chunk) < size:
            return bytes(data), False
        rest = rest[line_end + 2 + size + 2 :]

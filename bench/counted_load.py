"""A bounded keep-alive load for instruction counts (callgrind) and system-call counts (perf stat).

Opens C keep-alive connections to HOST:PORT, writes D `GET PATH` requests per write on each
(pipelined when D > 1), waits for all D responses, and repeats R times per connection, then
exits. One thread, a selectors loop: the client adds no scheduling noise of its own, and the
run always ends (every read waits at most 10 s). Responses are counted by their status line,
so the server must answer with a Content-Length and no body larger than 64 KiB.

    python3 bench/counted_load.py PORT C D R [PATH]

Run it twice (say R for 2,000 and for 10,000 responses) against a server under
`valgrind --tool=callgrind` and subtract: start-up and shutdown cancel out
(docs/benchmarks.md, "Issue 16: where the pool path's time goes").
"""

import selectors
import socket
import sys

STATUS = b"HTTP/1.1 200 "

def main() -> int:
    port, conns, depth, rounds = (int(a) for a in sys.argv[1:5])
    path = sys.argv[5] if len(sys.argv) > 5 else "/hello"
    request = f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode() * depth
    sel = selectors.DefaultSelector()
    state = {}
    for _ in range(conns):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        sock.sendall(request)
        state[sock] = [rounds - 1, 0, b""]  # rounds left, responses seen this round, tail
        sel.register(sock, selectors.EVENT_READ)
    answered = 0
    while state:
        events = sel.select(timeout=10)
        if not events:
            print(f"stalled after {answered} responses", file=sys.stderr)
            return 1
        for key, _ in events:
            sock = key.fileobj
            data = sock.recv(1 << 16)
            if not data:
                print(f"server closed a connection after {answered} responses", file=sys.stderr)
                return 1
            entry = state[sock]
            text = entry[2] + data
            # The tail kept is shorter than the status line, so no line is counted twice,
            # and a line split between two reads is counted once, when it completes.
            entry[1] += text.count(STATUS)
            entry[2] = text[-(len(STATUS) - 1) :]
            if entry[1] >= depth:
                answered += depth
                entry[1] = 0
                entry[2] = b""
                if entry[0] == 0:
                    sel.unregister(sock)
                    sock.close()
                    del state[sock]
                else:
                    entry[0] -= 1
                    sock.sendall(request)
    print(answered)
    return 0


if __name__ == "__main__":
    sys.exit(main())

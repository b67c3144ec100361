"""Each request's environ holds its own values, though pool threads build it from the last one.

cheroot_rs makes a request's environ as a copy of a per-thread template of the last request's
entries, setting again only the values that changed (crates/cheroot-python/src/environ/
template.rs). With one worker thread every request below goes through the same template, so a
value carried over from an earlier request, a key left behind, or an app's change leaking into
the next request shows here.
"""

import wire

REQUESTS = [
    # (path, headers): the first three share their keys, the third going back to the first's
    # values, the fourth adds one and drops one, the fifth is the first again, the sixth has
    # a latin-1 header value, the seventh as many keys as the sixth but one of them another,
    # the last four two fields whose names make one key.
    ('/a?x=1', [('X-A', 'one'), ('User-Agent', 'ua-1')]),
    ('/bb?y=22', [('X-A', 'two'), ('User-Agent', 'ua-2')]),
    ('/a?x=1', [('X-A', 'one'), ('User-Agent', 'ua-1')]),
    ('/c', [('X-B', 'three'), ('User-Agent', 'ua-2'), ('Content-Type', 'text/plain')]),
    ('/a?x=1', [('X-A', 'one'), ('User-Agent', 'ua-1')]),
    ('/d', [('X-A', 'caf\xe9'), ('User-Agent', 'ua-1')]),
    ('/e', [('X-B', 'same-count'), ('User-Agent', 'ua-1')]),
    # Two names with one key: the later field's value is the environ's, whichever changes.
    ('/f', [('X_Dup', 'u1'), ('X-Dup', 'd1')]),
    ('/f', [('X_Dup', 'u2'), ('X-Dup', 'd1')]),
    ('/f', [('X_Dup', 'u2'), ('X-Dup', 'd2')]),
    ('/f', [('X_Dup', 'u1'), ('X-Dup', 'd1')]),
]


def mutating_app(seen):
    """Records the request's strings, then changes, adds and removes keys of its environ."""

    def app(environ, start_response):
        seen.append({key: value for key, value in environ.items() if isinstance(value, str)})
        environ['PATH_INFO'] = '/changed-by-the-app'
        environ['APP_ADDED'] = 'added'
        environ.pop('HTTP_X_A', None)
        start_response('200 OK', [('Content-Length', '2')])
        return [b'ok']

    return app


def test_every_request_sees_its_own_values_on_one_thread(serve):
    seen = []
    with serve(mutating_app(seen), validate=False, numthreads=1, max=1) as srv:
        with srv.connect() as sock:
            reader = wire.WireReader(sock)
            for path, headers in REQUESTS:
                sock.sendall(wire.build_request('GET', path, headers))
                assert wire.read_response(reader).status == 200

    assert len(seen) == len(REQUESTS)
    for (path, headers), environ in zip(REQUESTS, seen):
        target_path, _, query = path.partition('?')
        assert environ['PATH_INFO'] == target_path
        assert environ['QUERY_STRING'] == query
        assert environ['REQUEST_URI'] == path
        assert 'APP_ADDED' not in environ
        sent = {'HTTP_' + name.upper().replace('-', '_'): value for name, value in headers}
        if 'HTTP_CONTENT_TYPE' in sent:
            sent['CONTENT_TYPE'] = sent.pop('HTTP_CONTENT_TYPE')
        header_keys = {key for key in environ if key.startswith('HTTP_') or key == 'CONTENT_TYPE'}
        assert header_keys == set(sent) | {'HTTP_HOST'}
        for key, value in sent.items():
            assert environ[key] == value, key

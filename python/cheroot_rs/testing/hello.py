"""The hello app the benchmarks load: ``200 Hello world!`` to every request."""

# How much of the body one read asks for while discarding it.
READ_SIZE = 64 * 1024

_BODY = b"Hello world!"


def hello(environ, start_response):
    """Reads and discards any request body, then answers ``200`` ``Hello world!``."""
    stream = environ["wsgi.input"]
    while stream.read(READ_SIZE):
        pass
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(_BODY)))])
    return [_BODY]

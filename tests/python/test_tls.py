"""HTTPS through cheroot's SSL adapter classes: serving, the TLS environ, encrypted keys, and setup errors."""

import importlib.util
import socket
import ssl
import subprocess
import types

import pytest

import wire
from markers import UNDER_CHEROOT, cheroot_defect
from serving import wsgi_module

KEY_PASSWORD = 'secret'

# cheroot's pyOpenSSLAdapter needs the pyOpenSSL package (its constructor raises ImportError without
# it); cheroot_rs's drives the system's OpenSSL from Rust. Where the oracle cannot run the adapter,
# its tests are expected to fail with exactly that ImportError, and strictly so. With pyOpenSSL
# installed (cheroot's own suite needs it), cheroot's adapter differs from ours in its environ, key
# passwords and errors: the oracle's pyopenssl cases are then expected failures, not compared.
if importlib.util.find_spec('OpenSSL') is None:
    needs_pyopenssl_under_cheroot = pytest.mark.xfail(
        UNDER_CHEROOT,
        reason="cheroot's pyOpenSSLAdapter needs the pyOpenSSL package, which is not installed",
        raises=ImportError,
        strict=True,
    )
else:
    needs_pyopenssl_under_cheroot = pytest.mark.xfail(
        UNDER_CHEROOT,
        reason="cheroot's pyOpenSSLAdapter: its environ, key passwords and errors are not ours",
        strict=False,
    )
ADAPTERS = [
    pytest.param('builtin', id='builtin'),
    pytest.param('pyopenssl', id='pyopenssl', marks=needs_pyopenssl_under_cheroot),
]


def adapter_class(name):
    """The SSL adapter class called `name` ('builtin' or 'pyopenssl') of the server under test."""
    if UNDER_CHEROOT:
        from cheroot.ssl.builtin import BuiltinSSLAdapter
        from cheroot.ssl.pyopenssl import pyOpenSSLAdapter
    else:
        from cheroot_rs.ssl.builtin import BuiltinSSLAdapter
        from cheroot_rs.ssl.pyopenssl import pyOpenSSLAdapter
    return {'builtin': BuiltinSSLAdapter, 'pyopenssl': pyOpenSSLAdapter}[name]


def make_certificate(directory, name, password=None):
    """A self-signed certificate for localhost and its key (encrypted with `password` if given), made by openssl."""
    cert, key = directory / f'{name}-cert.pem', directory / f'{name}-key.pem'
    command = ['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-keyout', str(key), '-out', str(cert)]
    command += ['-days', '1', '-subj', '/CN=localhost']
    command += ['-passout', f'pass:{password}'] if password else ['-nodes']
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    return cert, key


@pytest.fixture(scope='module')
def certs(tmp_path_factory):
    """Paths of a plain key pair (cert, key) and one with an encrypted key (encrypted_cert, encrypted_key)."""
    directory = tmp_path_factory.mktemp('tls')
    cert, key = make_certificate(directory, 'plain')
    encrypted_cert, encrypted_key = make_certificate(directory, 'encrypted', KEY_PASSWORD)
    assert b'ENCRYPTED' in encrypted_key.read_bytes()
    return types.SimpleNamespace(
        directory=directory, cert=cert, key=key, encrypted_cert=encrypted_cert, encrypted_key=encrypted_key
    )


def tls_environ_app(environ, start_response):
    """Answers the TLS-related environ values, one 'KEY=value' line each."""
    keys = ['wsgi.url_scheme', 'HTTPS', 'SSL_PROTOCOL']
    body = ''.join(f'{key}={environ.get(key)!s}\n' for key in keys).encode()
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]


def https_get(srv, ca_file, path='/'):
    """GET `path` over TLS, trusting only `ca_file` and checking the name 'localhost'; the response as received."""
    context = ssl.create_default_context(cafile=str(ca_file))
    with socket.create_connection((srv.host, srv.port), timeout=wire.DEFAULT_TIMEOUT) as raw:
        with context.wrap_socket(raw, server_hostname='localhost') as sock:
            sock.sendall(wire.build_request('GET', path, [('Connection', 'close')]))
            response = wire.read_response(wire.WireReader(sock))
    return response


def environ_lines(body):
    return dict(line.split('=', 1) for line in body.decode().splitlines())


@pytest.mark.parametrize('adapter', ADAPTERS)
def test_https_request_gets_the_apps_answer_and_a_tls_environ(serve, certs, adapter):
    ssl_adapter = adapter_class(adapter)(str(certs.cert), str(certs.key))
    # Not validated here: the oracle's TLS environ fails wsgiref.validate (see the test below).
    with serve(tls_environ_app, validate=False, attributes={'ssl_adapter': ssl_adapter}) as srv:
        response = https_get(srv, certs.cert)
    assert response.status == 200
    environ = environ_lines(response.body)
    assert environ['wsgi.url_scheme'] == 'https'
    assert environ['HTTPS'] == 'on'
    assert environ['SSL_PROTOCOL'].startswith('TLSv1.')


@pytest.mark.parametrize(
    'adapter',
    [
        pytest.param(
            'builtin',
            id='builtin',
            marks=cheroot_defect('SSL_CIPHER_USEKEYSIZE and SSL_CIPHER_ALGKEYSIZE are ints; PEP 3333 wants str'),
        ),
        pytest.param('pyopenssl', id='pyopenssl', marks=needs_pyopenssl_under_cheroot),
    ],
)
def test_the_tls_environ_passes_wsgiref_validate(serve, certs, adapter):
    ssl_adapter = adapter_class(adapter)(str(certs.cert), str(certs.key))
    with serve(tls_environ_app, attributes={'ssl_adapter': ssl_adapter}) as srv:
        assert https_get(srv, certs.cert).status == 200


@pytest.mark.parametrize('adapter', ADAPTERS)
@pytest.mark.parametrize(
    'password',
    [KEY_PASSWORD, KEY_PASSWORD.encode(), lambda: KEY_PASSWORD],
    ids=['str', 'bytes', 'callable'],
)
def test_an_encrypted_key_is_read_with_private_key_password(serve, certs, adapter, password):
    ssl_adapter = adapter_class(adapter)(
        str(certs.encrypted_cert), str(certs.encrypted_key), private_key_password=password
    )
    with serve(tls_environ_app, validate=False, attributes={'ssl_adapter': ssl_adapter}) as srv:
        response = https_get(srv, certs.encrypted_cert)
    assert response.status == 200
    assert environ_lines(response.body)['HTTPS'] == 'on'


def prepare_with_adapter(adapter_factory):
    """Build the adapter and prepare a server with it (stopping it again should that succeed)."""
    server = wsgi_module().Server(('127.0.0.1', 0), tls_environ_app)
    # cheroot's builtin adapter loads the files in its constructor, cheroot_rs's at prepare(): both before serving.
    server.ssl_adapter = adapter_factory()
    server.prepare()
    server.stop()


def wrong_password_error(certs, adapter):
    with pytest.raises(OSError) as raised:
        prepare_with_adapter(
            lambda: adapter_class(adapter)(
                str(certs.encrypted_cert), str(certs.encrypted_key), private_key_password='not-the-password'
            ),
        )
    return raised.value


@pytest.mark.parametrize('adapter', ADAPTERS)
def test_a_wrong_key_password_fails_before_serving(certs, adapter):
    assert isinstance(wrong_password_error(certs, adapter), OSError)


@pytest.mark.parametrize(
    'adapter',
    [
        pytest.param('builtin', id='builtin', marks=cheroot_defect("the error is only '[SSL] PEM lib'")),
        pytest.param('pyopenssl', id='pyopenssl', marks=needs_pyopenssl_under_cheroot),
    ],
)
def test_a_wrong_key_password_error_says_what_is_wrong(certs, adapter):
    message = str(wrong_password_error(certs, adapter)).lower()
    assert 'password' in message or 'decrypt' in message, message


def missing_certificate_error(certs, adapter):
    missing = certs.directory / 'no-such-cert.pem'
    with pytest.raises(OSError) as raised:
        prepare_with_adapter(lambda: adapter_class(adapter)(str(missing), str(certs.key)))
    return missing, raised.value


@pytest.mark.parametrize('adapter', ADAPTERS)
def test_a_missing_certificate_fails_before_serving(certs, adapter):
    _, error = missing_certificate_error(certs, adapter)
    assert isinstance(error, OSError)


@pytest.mark.parametrize(
    'adapter',
    [
        pytest.param(
            'builtin',
            id='builtin',
            marks=cheroot_defect("FileNotFoundError(2, 'No such file or directory') without the file's name"),
        ),
        pytest.param('pyopenssl', id='pyopenssl', marks=needs_pyopenssl_under_cheroot),
    ],
)
def test_a_missing_certificate_error_names_the_path(certs, adapter):
    missing, error = missing_certificate_error(certs, adapter)
    assert str(missing) in str(error)


@pytest.mark.parametrize('adapter', ADAPTERS)
def test_plain_http_on_the_tls_port_gets_400_or_a_closed_connection(serve, certs, adapter):
    ssl_adapter = adapter_class(adapter)(str(certs.cert), str(certs.key))
    with serve(tls_environ_app, validate=False, attributes={'ssl_adapter': ssl_adapter}) as srv:
        with srv.connect() as sock:
            sock.sendall(wire.build_request('GET', '/'))
            # Bounded: a server waiting for a TLS handshake that never comes fails here with WireTimeout.
            answer = wire.WireReader(sock).read_to_eof()
        still_serving = https_get(srv, certs.cert)
    if answer:
        assert answer.startswith(b'HTTP/1.') and b' 400 ' in answer.split(b'\r\n', 1)[0], answer
    assert still_serving.status == 200


def test_cheroots_own_builtin_adapter_is_served_with_its_files(serve, certs):
    # What CherryPy and cheroot users build: cheroot.ssl.builtin's adapter, given to the server.
    from cheroot.ssl.builtin import BuiltinSSLAdapter

    ssl_adapter = BuiltinSSLAdapter(str(certs.cert), str(certs.key))
    with serve(tls_environ_app, validate=False, attributes={'ssl_adapter': ssl_adapter}) as srv:
        response = https_get(srv, certs.cert)
    assert response.status == 200
    assert environ_lines(response.body)['HTTPS'] == 'on'


@pytest.mark.skipif(UNDER_CHEROOT, reason='a cheroot-rs refusal')
def test_a_cheroot_adapter_whose_context_checks_client_certificates_is_refused(certs):
    from cheroot.ssl.builtin import BuiltinSSLAdapter

    ssl_adapter = BuiltinSSLAdapter(str(certs.cert), str(certs.key))
    ssl_adapter.context.verify_mode = ssl.CERT_REQUIRED
    server = wsgi_module().Server(('127.0.0.1', 0), tls_environ_app)
    server.ssl_adapter = ssl_adapter
    with pytest.raises(ValueError, match='client certificate verification is not supported'):
        server.prepare()

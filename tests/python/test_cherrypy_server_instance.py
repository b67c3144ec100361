"""A CherryPy application switched to cheroot-rs by its configuration alone
(server.instance = 'cheroot_rs.cherrypy.CPWSGIServer'), run as CherryPy runs it: engine.start()
in its own process, with server.* settings for the port, the thread pool and TLS."""

import http.client
import json
import os
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

from markers import UNDER_CHEROOT
from test_tls import make_certificate

APPS = Path(__file__).parent
START_S = 30

SCRIPT = """
import json, sys
import cherrypy
from apps import cherrypy_app

settings = json.loads(sys.argv[1])
cherrypy.config.update({
    'server.instance': 'cheroot_rs.cherrypy.CPWSGIServer',
    'server.socket_host': '127.0.0.1',
    'server.socket_port': 0,
    'engine.autoreload.on': False,
    'log.screen': False,
    'checker.on': False,
    **settings,
})
cherrypy.tree.mount(cherrypy_app.Root(), '/')
cherrypy.engine.signals.subscribe()
cherrypy.engine.start()
server = cherrypy.server.httpserver
print(json.dumps({
    'port': cherrypy.server.bound_addr[1],
    'class': f'{type(server).__module__}.{type(server).__name__}',
    'threads': server.numthreads,
}), flush=True)
cherrypy.engine.block()
"""

pytestmark = pytest.mark.skipif(UNDER_CHEROOT, reason='cheroot_rs.cherrypy is cheroot-rs only')


@pytest.fixture
def cherrypy_process():
    """Starts the script with `settings`; yields what it printed once serving; stops it with SIGTERM."""
    procs = []

    def start(settings):
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(APPS), os.environ.get('PYTHONPATH', '')]))
        proc = subprocess.Popen(
            [sys.executable, '-c', SCRIPT, json.dumps(settings)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        procs.append(proc)
        line = proc.stdout.readline()
        assert line, f'the CherryPy process printed nothing; stderr: {proc.stderr.read()[-2000:]}'
        return json.loads(line)

    yield start
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(START_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(START_S)
        # SIGTERM stops the engine gracefully: CherryPy exits 0.
        assert proc.returncode == 0, proc.stderr.read()[-2000:]


def test_server_instance_serves_the_tree_with_cherrypys_settings(cherrypy_process):
    started = cherrypy_process({'server.thread_pool': 3})
    assert started['class'] == 'cheroot_rs.cherrypy.CPWSGIServer'
    assert started['threads'] == 3
    conn = http.client.HTTPConnection('127.0.0.1', started['port'], timeout=10)
    conn.request('GET', '/greet?name=ann&times=2')
    response = conn.getresponse()
    assert (response.status, response.read()) == (200, b'GET hi ann hi ann')
    assert response.getheader('Server').startswith('CherryPy/')
    # CherryPy's request class runs in proxy mode: an absolute target with another host is served.
    conn.request('GET', 'http://elsewhere.example/status?x=1')
    response = conn.getresponse()
    assert response.status == 200
    assert json.loads(response.read())['path'] == '/status'


def test_server_ssl_settings_serve_https(cherrypy_process, tmp_path):
    cert, key = make_certificate(tmp_path, 'cherrypy')
    started = cherrypy_process({'server.ssl_certificate': str(cert), 'server.ssl_private_key': str(key)})
    context = ssl.create_default_context(cafile=str(cert))
    conn = http.client.HTTPSConnection('localhost', started['port'], timeout=10, context=context)
    conn.request('GET', '/')
    response = conn.getresponse()
    assert (response.status, response.read()) == (200, b'cherrypy index')

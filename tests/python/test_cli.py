"""The command line: ``cheroot-rs``/``python -m cheroot_rs`` serve ``module:app`` with
cheroot's APP_MODULE rules, and the Rust ``cheroot`` hands ``module:app`` to the Python front."""

import http.client
import os
import signal
import sys
import textwrap

from commands import Command, python_front, run_to_end, rust_cheroot

APP = textwrap.dedent(
    '''
    def application(environ, start_response):
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [b'hello from ' + __name__.encode() + b' at ' + environ['SCRIPT_NAME'].encode()]

    def other(environ, start_response):
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [b'the other app']

    not_callable = 42
    '''
)


def write_app(directory, name='cli_app', body=APP):
    (directory / f'{name}.py').write_text(body)


def get(command, path='/'):
    host, port = command.host_port()
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request('GET', path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_python_front_serves_the_default_callable_from_the_working_directory(tmp_path):
    write_app(tmp_path)
    # cheroot's own console script cannot import an app from the working directory; ours can.
    command = Command([*python_front(), '--bind', '127.0.0.1:0', 'cli_app'], cwd=tmp_path)
    assert command.wait_for_address().startswith('127.0.0.1:')
    assert get(command) == (200, b'hello from cli_app at ')
    assert command.stop() == 0
    assert 'stopped cleanly after SIGTERM' in command.stderr


def test_chdir_puts_the_directory_on_sys_path_and_names_the_callable(tmp_path):
    app_dir = tmp_path / 'site'
    app_dir.mkdir()
    write_app(app_dir)
    command = Command([*python_front(), '--bind', '127.0.0.1:0', '--chdir', str(app_dir), 'cli_app:other'])
    command.wait_for_address()
    assert get(command) == (200, b'the other app')
    assert command.stop(signal.SIGINT) == 0


def test_rust_command_hands_a_hosted_app_to_the_python_front(tmp_path):
    write_app(tmp_path)
    command = Command(
        [rust_cheroot(), '--python', sys.executable, '--bind', '127.0.0.1:0', 'cli_app:application'], cwd=tmp_path
    )
    command.wait_for_address()
    assert get(command, '/x') == (200, b'hello from cli_app at ')
    assert command.stop() == 0


def test_rust_command_uses_the_active_virtualenv(tmp_path):
    write_app(tmp_path)
    venv = os.path.dirname(os.path.dirname(sys.executable))
    env = dict(os.environ, VIRTUAL_ENV=venv)
    command = Command([rust_cheroot(), '--bind', '127.0.0.1:0', 'cli_app'], cwd=tmp_path, env=env)
    command.wait_for_address()
    assert get(command)[0] == 200
    assert command.stop() == 0


def test_rust_command_says_when_the_interpreter_lacks_the_package(tmp_path):
    fake = tmp_path / 'python'
    fake.write_text('#!/bin/sh\nexit 1\n')
    fake.chmod(0o755)
    status, _, stderr = run_to_end([rust_cheroot(), '--python', str(fake), '--bind', '127.0.0.1:0', 'cli_app'])
    assert status == 1
    assert f'the Python interpreter {fake} has no cheroot_rs package' in stderr
    assert '--python' in stderr


def test_rust_command_says_when_the_interpreter_is_missing(tmp_path):
    missing = tmp_path / 'no-python'
    status, _, stderr = run_to_end([rust_cheroot(), '--python', str(missing), '--bind', '127.0.0.1:0', 'cli_app'])
    assert status == 1
    assert f'cannot run the Python interpreter {missing}' in stderr


def test_a_missing_module_attribute_or_callable_is_named_without_a_traceback(tmp_path):
    write_app(tmp_path)
    cases = {
        'no_such_module:app': "cannot load no_such_module:app: no module named 'no_such_module'",
        'cli_app:nope': "cannot load cli_app:nope: module 'cli_app' has no attribute 'nope'",
        'cli_app:not_callable': 'cannot load cli_app:not_callable: cli_app:not_callable is not callable: 42',
    }
    for app, message in cases.items():
        status, stdout, stderr = run_to_end([*python_front(), '--bind', '127.0.0.1:0', app], cwd=tmp_path)
        assert status == 1, (app, stderr)
        assert message in stderr, (app, stderr)
        assert 'Traceback' not in stderr, (app, stderr)
        assert stdout == ''


def test_an_error_inside_the_app_module_shows_its_traceback(tmp_path):
    write_app(tmp_path, 'broken_app', 'import no_such_dependency\n')
    status, _, stderr = run_to_end([*python_front(), '--bind', '127.0.0.1:0', 'broken_app'], cwd=tmp_path)
    assert status == 1
    assert 'Traceback' in stderr
    assert "No module named 'no_such_dependency'" in stderr


def test_flags_and_usage_errors_match_the_rust_command():
    status, stdout, _ = run_to_end([*python_front(), '--help'])
    assert status == 0
    assert '--python' in stdout and '--bind' in stdout
    status, _, stderr = run_to_end([*python_front(), '--threads', 'many', 'cli_app'])
    assert status == 2
    assert '--threads' in stderr


def test_keyboard_interrupt_raised_by_the_app_stops_the_command(tmp_path):
    write_app(
        tmp_path,
        'interrupting_app',
        'def application(environ, start_response):\n    raise KeyboardInterrupt\n',
    )
    command = Command([*python_front(), '--bind', '127.0.0.1:0', 'interrupting_app'], cwd=tmp_path)
    command.wait_for_address()
    status, _ = get(command)
    assert status == 500
    assert command.proc.wait(timeout=15) == 0
    command.stop()
    assert 'KeyboardInterrupt raised by the application: shutting down' in command.stderr

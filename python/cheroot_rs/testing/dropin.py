"""A pytest plugin that runs a test suite written for cheroot against cheroot-rs.

``python -m pytest --pyargs cheroot.test -p cheroot_rs.testing.dropin`` (or ``cherrypy.test``):
before the suite imports anything, ``cheroot.wsgi.Server`` becomes :class:`cheroot_rs.wsgi.Server`,
so cheroot's fixtures and CherryPy's ``CPWSGIServer`` (a subclass of it) serve on our server.

The tests that cannot pass on purpose are listed, each with its reason, in ``dropin_deselected.txt``
beside this file; they are deselected (never skipped silently) and counted in the summary.
"""

import json
from pathlib import Path

import pytest

DESELECTED = Path(__file__).with_name("dropin_deselected.txt")


def pytest_addoption(parser):
    group = parser.getgroup("cheroot_rs dropin")
    group.addoption(
        "--dropin-oracle",
        action="store_true",
        help="run the suite against real cheroot (the plugin only reports), to compare counts",
    )
    group.addoption(
        "--dropin-report",
        metavar="PATH",
        help="also write the summary's counts to PATH as JSON (cargo xtask reads it)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    config.addinivalue_line("markers", "flaky: cheroot's own marker (pytest-rerunfailures)")
    if not config.getoption("dropin_oracle"):
        install()


def install():
    """Puts cheroot-rs in the place of cheroot's WSGI server (idempotent).

    Runs before the suite's modules are imported: they bind ``cheroot.wsgi.Server`` at import
    time (``CherootWebCase.available_servers``, ``class CPWSGIServer(cheroot.wsgi.Server)``).
    """
    import cheroot.wsgi

    from cheroot_rs import wsgi

    for name in ("Server", "WSGIServer"):
        setattr(cheroot.wsgi, name, wsgi.Server)
    import cheroot.testing

    # cheroot.testing keys its fixture settings by server class.
    cheroot.testing.config.setdefault(wsgi.Server, {"bind_addr": (None, 0), "wsgi_app": None})


def read_deselected(path=DESELECTED):
    """``{test id: reason}`` from the list: one ``module::test  # reason`` per line.

    A test id without ``[parameters]`` names every parametrization of the test.
    """
    entries = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        test_id, sep, reason = line.partition("#")
        if not sep or not reason.strip():
            raise ValueError(f"{path.name}:{number}: an entry needs '# reason': {line!r}")
        entries[test_id.strip()] = reason.strip()
    return entries


def portable_id(item):
    """The item's id independent of where the suite is installed: ``module::Class::test[p]``."""
    module = getattr(item, "module", None)
    name = item.nodeid.split("::", 1)[1] if "::" in item.nodeid else item.name
    return f"{module.__name__}::{name}" if module is not None else item.nodeid


def is_listed(item, entries):
    """Whether the list names this test, with its parameters or without them."""
    full = portable_id(item)
    return full in entries or full.split("[", 1)[0] in entries


def pytest_collection_modifyitems(session, config, items):
    entries = read_deselected()
    kept, dropped = [], []
    for item in items:
        (dropped if is_listed(item, entries) else kept).append(item)
    config._dropin_listed = len(dropped)
    # The oracle runs everything, so its counts compare like with like.
    if dropped and not config.getoption("dropin_oracle"):
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_sessionfinish(session):
    # Under pytest-xdist each worker collects and deselects; the controller hears the count.
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["dropin_listed"] = getattr(session.config, "_dropin_listed", 0)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    listed = getattr(node, "workeroutput", {}).get("dropin_listed", 0)
    # Every worker collects the whole suite, so each saw the same listed tests.
    node.config._dropin_listed = max(getattr(node.config, "_dropin_listed", 0), listed)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    stats = terminalreporter.stats
    # Counted as pytest's own summary line counts them (a crashed xdist worker is a failure).
    counts = {
        key: sum(1 for r in stats.get(key, []) if getattr(r, "count_towards_summary", True))
        for key in ("passed", "failed", "error", "skipped", "xfailed", "xpassed")
    }
    server = "cheroot (oracle)" if config.getoption("dropin_oracle") else "cheroot_rs"
    listed = getattr(config, "_dropin_listed", 0)
    parts = " ".join(f"{key}={value}" for key, value in counts.items())
    terminalreporter.write_line(f"dropin[{server}]: {parts} deselected={listed}")
    report = config.getoption("dropin_report")
    if report:
        # The tests that did not pass, so a run can be compared with the oracle's test by test.
        failed = sorted({r.nodeid for key in ("failed", "error") for r in stats.get(key, [])})
        counts.update(server=server, deselected=listed, failed_ids=failed)
        Path(report).write_text(json.dumps(counts), encoding="utf-8")

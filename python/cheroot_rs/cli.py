"""The ``cheroot-rs`` command: the Rust ``cheroot`` command line, with ``module:callable``
applications imported into this interpreter by cheroot's rules."""

import importlib
import os
import sys

from cheroot_rs import _native


def main(argv=None):
    """Runs the command line (``sys.argv[1:]`` by default) and exits with its status."""
    args = sys.argv[1:] if argv is None else list(argv)
    sys.exit(_native.main(args))


class AppNotFound(Exception):
    """The APP argument names nothing servable: no such module, attribute, or not callable.
    The command prints the message alone (an error inside the app's module gets its
    traceback)."""


class AppHost:
    """What the server needs around a command-line app: the app, a log, an interrupt."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.interrupt = None

    def error_log(self, msg="", level=20, traceback=False):
        """Writes to standard error, as cheroot's ``HTTPServer.error_log`` does."""
        sys.stderr.write(f"{msg!s}\n")
        sys.stderr.flush()

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)
        # KeyboardInterrupt or SystemExit from the app: stop as a signal would (the command's
        # signal thread stops the server gracefully and exits 0).
        if name == "interrupt" and value is not None:
            import signal

            self.error_log(f"{type(value).__name__} raised by the application: shutting down")
            os.kill(os.getpid(), signal.SIGTERM)


def load_app(module, callable_name):
    """Imports ``module`` and returns an :class:`AppHost` for its ``callable_name``.

    The working directory goes first on ``sys.path`` (after ``--chdir``), so an app next to
    where the command runs imports, which cheroot's own console script gets wrong.
    """
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        target = importlib.import_module(module)
    except ModuleNotFoundError as err:
        # Only the module named on the command line (or a package above it) is "not found";
        # a missing import inside the app is the app's error, shown with its traceback.
        if err.name is not None and (module + ".").startswith(err.name + "."):
            raise AppNotFound(
                f"no module named {err.name!r} (sys.path starts with {sys.path[0]!r})"
            ) from None
        raise
    for part in callable_name.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise AppNotFound(f"module {module!r} has no attribute {callable_name!r}") from None
    if not callable(target):
        raise AppNotFound(f"{module}:{callable_name} is not callable: {target!r}")
    return AppHost(target)


if __name__ == "__main__":
    main()

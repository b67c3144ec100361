"""Pure-Python twins of the built-in ``echo`` and ``hello`` apps (docs/echo-app.md)."""

# Pure Python on purpose: these apps must run under any WSGI server (real cheroot included)
# without cheroot_rs's native extension.
from .echo import echo
from .hello import hello

__all__ = ["echo", "hello"]

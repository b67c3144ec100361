"""cheroot-rs: cheroot's HTTP/1.1 and WSGI server, in Rust, for Python WSGI applications.

``from cheroot_rs import wsgi`` in place of ``from cheroot import wsgi``; ``cheroot-rs
module:app`` (or ``python -m cheroot_rs``) from the command line.
"""

# Light on purpose: ``cheroot_rs.testing`` must import without the native extension, so the
# submodules load it only when used.
__all__ = ["__version__"]

__version__ = "0.1.0"

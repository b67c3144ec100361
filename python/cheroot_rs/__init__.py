"""cheroot-rs: cheroot's HTTP/1.1 and WSGI server, in Rust, for Python WSGI applications.

``from cheroot_rs import wsgi`` in place of ``from cheroot import wsgi``; ``cheroot-rs
module:app`` (or ``python -m cheroot_rs``) from the command line.
"""

import os

# The extension's Rust allocations go to mimalloc (crates/cheroot-python/src/allocator.rs),
# which reads its options from the environment when the extension loads. Committing its arena
# up front cost 14 MiB of resident memory per process under load (49 MiB for the master and
# worker of `cheroot-rs --threads 4` serving hello, 63 MiB with it) for no speed we could
# measure; a value the user set is kept.
os.environ.setdefault("MIMALLOC_ARENA_EAGER_COMMIT", "0")

# Light on purpose: ``cheroot_rs.testing`` must import without the native extension, so the
# submodules load it only when used.
__all__ = ["__version__"]

__version__ = "0.1.0"

"""``python -m cheroot_rs``: the ``cheroot-rs`` command."""

from cheroot_rs.cli import main

if __name__ == "__main__":
    main()

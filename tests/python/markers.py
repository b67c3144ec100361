"""Which server is under test, and the strict xfail mark that documents a defect of real cheroot."""

import os

import pytest

# The oracle run sets CHEROOT_RS_SERVER=cheroot; anything else means our cheroot_rs server.
UNDER_CHEROOT = os.environ.get('CHEROOT_RS_SERVER') == 'cheroot'


def cheroot_defect(reason, run=True):
    """Expected failure against real cheroot only; strict, so the test must pass for cheroot_rs.

    run=False is for defects that would wedge the process (e.g. a worker thread
    spinning forever), so the oracle run skips executing the test body.
    """
    return pytest.mark.xfail(
        UNDER_CHEROOT,
        reason=f'cheroot defect: {reason}',
        strict=True,
        run=run,
    )

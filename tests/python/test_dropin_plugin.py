"""The drop-in plugin's deselection list: its format is strict, so no entry goes unexplained."""

import pytest

from cheroot_rs.testing import dropin


def test_shipped_list_parses():
    assert isinstance(dropin.read_deselected(), dict)


def test_entries_keep_their_reasons(tmp_path):
    listed = tmp_path / "list.txt"
    listed.write_text(
        "# comment\n\ncheroot.test.test_conn::test_a  # private attribute\n"
        "cheroot.test.test_core::test_b[1]#defect fixed on purpose\n",
        encoding="utf-8",
    )
    assert dropin.read_deselected(listed) == {
        "cheroot.test.test_conn::test_a": "private attribute",
        "cheroot.test.test_core::test_b[1]": "defect fixed on purpose",
    }


@pytest.mark.parametrize("line", ["cheroot.test.test_conn::test_a", "x::y  #   "])
def test_entry_without_reason_is_refused(tmp_path, line):
    listed = tmp_path / "list.txt"
    listed.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="list.txt:1"):
        dropin.read_deselected(listed)

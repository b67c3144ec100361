"""The drop-in plugin's deselection list: its format is strict, so no entry goes unexplained."""

from pathlib import Path

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


@pytest.mark.parametrize("doc", ["compatibility.md", "differences.md"])
def test_every_listed_test_is_in_the_docs(doc):
    # The rule: each deselection is in the list the plugin reads and in the docs.
    text = (Path(__file__).parents[2] / "docs" / doc).read_text(encoding="utf-8")
    missing = [test_id for test_id in dropin.read_deselected() if f"`{test_id}`" not in text]
    assert not missing, f"docs/{doc} does not name: {missing}"

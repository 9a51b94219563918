"""The findings folder of ``--out-dir`` is written as root by workers: a link there is refused, never followed."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("dask")

from sedata.distributed.collect import JSONL, PARQUET, _clear
from sedata.io.errors import OutputError


@pytest.mark.parametrize("name", [PARQUET, JSONL])
def test_a_linked_findings_folder_is_refused_and_its_target_kept(tmp_path: Path, name: str) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("not ours", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / name).symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(OutputError):
        _clear(out)
    assert (elsewhere / "keep.txt").read_text(encoding="utf-8") == "not ours"


def test_a_file_where_the_findings_go_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / PARQUET).write_text("a file", encoding="utf-8")
    with pytest.raises(OutputError):
        _clear(out)
    assert (out / PARQUET).read_text(encoding="utf-8") == "a file"


def test_the_output_folder_itself_may_not_be_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    with pytest.raises(OutputError):
        _clear(link)


def test_an_earlier_runs_findings_are_replaced(tmp_path: Path) -> None:
    (tmp_path / PARQUET).mkdir()
    (tmp_path / PARQUET / "part.0.parquet").write_bytes(b"old")
    _clear(tmp_path)
    assert not (tmp_path / PARQUET).exists()

"""Records in a Dask bag validated as a message vs the same records as a JSON Lines file, on one LocalCluster.

    python bench/dask_messages.py --count 20000 --workers 2 --partition-kb 2048

Writes a JSON Lines file of ``--count`` sample records (1 % defects) and the same record lines without the
header (what a data lake holds), then on one cluster, after a warm-up run: ``sedata.distributed.validate`` on
the file (byte-range partitions of ``--partition-kb``) and ``validate_messages`` on ``dask.bag.read_text`` of the
record lines (blocks of the same size) with the file's header, twice each, alternating. Prints the mean seconds,
records/s and whether the reports are equal. Both steps share the cluster and the machine's load: compare their
ratio, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# bench/distributed.py would stand in for the distributed package: this folder is not where it is looked for.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partition-kb", type=int, default=2048)
    args = parser.parse_args()

    import dask.bag as db
    import distributed

    from sedata.distributed import COLUMNAR, Message, validate, validate_messages
    from sedata.exchange import write
    from sedata.sample.generator import sample_records

    today = dt.date(2030, 1, 1)
    size = args.partition_kb << 10
    with tempfile.TemporaryDirectory() as folder:
        path, lines = Path(folder) / "a.jsonl", Path(folder) / "records.jsonl"
        records = (r for r, _defect in sample_records("inspection-upload", args.count, seed=1, invalid_rate=0.01))
        write(path, records, message_type="inspection-upload", sender="123506004885497331",
              receiver="91433101772274167P", mode="changes", format="jsonl")  # fmt: skip
        with open(path, "rb") as source, open(lines, "wb") as out:
            source.readline()  # the header stays behind: the message is given it
            out.writelines(source)
        with (
            distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1, dashboard_address=":0") as cluster,
            distributed.Client(cluster) as client,
        ):

            def on_file() -> Any:
                return validate([path], client=client, partition_bytes=size, today=today, engine=COLUMNAR)

            def on_bag() -> Any:
                bag = db.read_text(str(lines), blocksize=size)
                return validate_messages([Message(bag, path, name=str(path))], client=client, today=today,
                                         engine=COLUMNAR)  # fmt: skip

            # The workers' first run loads the spec, Polars and the screens: not what is compared. Then both
            # steps alternate (file, bag, bag, file) so a change of the machine's load falls on both alike.
            on_file()
            times: dict[str, float] = {"file": 0.0, "bag": 0.0}
            for step in ("file", "bag", "bag", "file"):
                start = time.perf_counter()
                result = on_file() if step == "file" else on_bag()
                times[step] += (time.perf_counter() - start) / 2
                if step == "file":
                    one = result
                else:
                    many = result
            file_s, bag_s = times["file"], times["bag"]
    same = [f.to_data() for f in one.files] == [f.to_data() for f in many.files]
    print(f"records {args.count}, workers {args.workers}, partitions of {args.partition_kb} KiB")
    print(f"file  {file_s:7.1f} s  {args.count / file_s:9,.0f} rec/s  findings {len(one.findings)}")
    print(f"bag   {bag_s:7.1f} s  {args.count / bag_s:9,.0f} rec/s  findings {len(many.findings)}")
    print(f"bag / file time {bag_s / file_s:.2f}; reports equal: {same}")


if __name__ == "__main__":
    main()

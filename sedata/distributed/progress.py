"""Dask's own progress bar, drawn on standard error (Dask draws it on standard output, where reports go)."""

from __future__ import annotations

import sys
from typing import Any

from distributed import futures_of
from distributed.diagnostics.progressbar import TextProgressBar


class _ErrBar(TextProgressBar):
    label = ""

    def _draw_bar(self, remaining: int, all: int, **kwargs: Any) -> None:  # Dask's name
        frac = (1 - remaining / all) if all else 1.0
        sys.stderr.write(f"\r[{'#' * int(self.width * frac):<{self.width}}] | {int(100 * frac)}% | {self.label}")
        sys.stderr.flush()

    def _draw_stop(self, **kwargs: Any) -> None:
        sys.stderr.write("\33[2K\r")
        sys.stderr.flush()


def show(client: Any, collection: Any, label: str) -> Any:
    """Persist ``collection`` on the cluster and draw Dask's progress bar until it is computed; return it."""
    persisted = client.persist(collection)
    make: Any = _ErrBar  # distributed's functions are untyped
    keys: Any = futures_of
    bar = make(keys(persisted), scheduler=client.scheduler.address, complete=True, start=False)
    bar.label = label
    bar._loop_runner.run_sync(bar.listen)  # what start=True does, once the label is set
    return persisted


def dashboard(cluster: Any) -> None:
    """Say where the dashboard of a cluster made here is (standard error)."""
    link = getattr(cluster, "dashboard_link", None)
    if link:
        sys.stderr.write(f"Dask 控制台 / dashboard: {link}\n")
        sys.stderr.flush()

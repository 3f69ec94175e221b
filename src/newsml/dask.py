"""Labelling a ``dask.dataframe`` partition by partition, with the model loaded once per worker.

    >>> import dask.dataframe as dd, newsml.dask
    >>> labelled = newsml.dask.label_dataframe(dd.read_csv("big-*.csv"), column="headline")

Each partition goes through :func:`newsml.label.label_dataframe`, the same per-chunk function the
command line uses, so results equal a single-process run. Needs the ``dask`` extra.
"""
from __future__ import annotations

from functools import lru_cache

from .label import label_dataframe as _label_partition
from .label import output_columns


@lru_cache(maxsize=4)
def _worker_model(path: str | None):
    from .modelfile import load_model
    return load_model(path)


def _label(partition, column: str, model_path: str | None, top_k: int, threshold: float | None):
    return _label_partition(partition, column, _worker_model(model_path), top_k, threshold)


def label_dataframe(frame, column: str = "headline", model_path: str | None = None, top_k: int = 0,
                    threshold: float | None = None):
    """A lazy dask DataFrame with the label columns added; ``model_path`` None is the default model."""
    import pandas as pd

    meta = frame._meta.copy()
    for name in output_columns(top_k):
        meta[name] = pd.Series(dtype="float64" if name.endswith("_score") else "string")
    return frame.map_partitions(_label, column, None if model_path is None else str(model_path), top_k,
                                threshold, meta=meta)

"""Scale-out: the same per-chunk function under dask.distributed process workers equals one process."""
from __future__ import annotations

import csv

import pytest

from conftest import CORPUS

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")


def test_local_cluster_matches_single_process(small_model, small_model_path, tmp_path):
    import newsml
    import newsml.dask

    with open(CORPUS, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[:3000]
    for part in range(3):
        pd.DataFrame({"id": range(part * 1000, part * 1000 + 1000),
                      "title": [r["headline"] for r in rows[part * 1000:(part + 1) * 1000]]}
                     ).to_csv(tmp_path / f"part-{part}.csv", index=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        frame = dd.read_csv(str(tmp_path / "part-*.csv"))
        assert frame.npartitions >= 3
        labelled = newsml.dask.label_dataframe(frame, column="title", model_path=small_model_path,
                                               top_k=2).compute()
    labelled = labelled.sort_values("id").reset_index(drop=True)
    single = newsml.label_dataframe(pd.concat(pd.read_csv(tmp_path / f"part-{p}.csv") for p in range(3))
                                    .reset_index(drop=True), column="title", model=small_model, top_k=2)
    assert len(labelled) == 3000
    assert labelled["region"].tolist() == single["region"].tolist()
    assert labelled["topic_2"].tolist() == single["topic_2"].tolist()
    assert labelled["region_score"].astype(float).round(4).tolist() == single["region_score"].astype(float).round(4).tolist()


def test_readme_dask_example_round_trips_through_parquet(small_model_path, tmp_path):
    """The README's recipe, end to end: score columns are floats (NaN for a bad row), so Parquet takes them."""
    import newsml.dask

    pytest.importorskip("pyarrow")
    frame = dd.from_pandas(pd.DataFrame({"headline": ["Quake hits Peru", None, "Fed holds rates", ""]}),
                           npartitions=2)
    labelled = newsml.dask.label_dataframe(frame, column="headline", model_path=small_model_path)
    labelled.to_parquet(tmp_path / "labelled")
    back = dd.read_parquet(tmp_path / "labelled").compute()
    assert back["region_score"].dtype == "float64" and back["region_score"].isna().tolist() == [False, True, False, True]
    assert back["error"].tolist() == ["", "missing headline", "", "blank headline"]

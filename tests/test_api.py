"""The top-level API: every public function works again and again in one process, in any order.

(Importing a submodule named like a package function used to replace the function with the module.)
"""
from __future__ import annotations

import itertools

import pytest

import newsml

from conftest import FRONT_PAGE

ARTICLE = FRONT_PAGE.read_text(encoding="utf-8").split("\n\n\n")[0]


@pytest.fixture(scope="module")
def calls(small_model, small_model_path, tmp_path_factory):
    pandas = pytest.importorskip("pandas")
    folder = tmp_path_factory.mktemp("api")
    source = folder / "in.txt"
    source.write_text("Quake hits Peru\nFed holds rates\n", encoding="utf-8")
    frame = pandas.DataFrame({"headline": ["Quake hits Peru", "Fed holds rates"]})
    counter = itertools.count()
    return {
        "predict": lambda: newsml.predict("Quake hits Peru", model=small_model).region,
        "summarize": lambda: len(newsml.summarize(ARTICLE, sentences=2)),
        "split_sentences": lambda: len(newsml.split_sentences(ARTICLE)),
        "digest": lambda: len(newsml.digest(FRONT_PAGE.read_text(encoding="utf-8"), model=small_model).headlines),
        "label_file": lambda: newsml.label_file(str(source), str(folder / f"out{next(counter)}.csv"),
                                                model=small_model, quiet=True).labelled,
        "label_dataframe": lambda: len(newsml.label_dataframe(frame, model=small_model)),
        "load_model": lambda: len(newsml.load_model(small_model_path).heads),
    }


@pytest.mark.parametrize("order", ["forward", "backward"])
def test_every_public_function_three_times_in_any_order(calls, order):
    names = list(calls) if order == "forward" else list(reversed(calls))
    first = {name: calls[name]() for name in names}
    for _ in range(2):
        for name in names:
            assert calls[name]() == first[name], name
    assert all(callable(getattr(newsml, name)) for name in calls)


def test_no_submodule_is_named_like_a_public_function():
    import pkgutil
    modules = {m.name for m in pkgutil.iter_modules(newsml.__path__)}
    assert not modules & set(newsml.__all__)

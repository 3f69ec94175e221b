"""newsml: classify English news headlines by region and topic, and summarise news articles, offline.

The common case is one call::

    >>> import newsml
    >>> newsml.predict("Thailand Vows Continued Military Action Amid Cambodia Border Clash")
    >>> newsml.summarize(article_text, sentences=3)

The advanced case is one object deeper: ``newsml.load_model(path)`` returns a model whose ``predict``
does the same with a model of your own.
"""
from __future__ import annotations

__version__ = "0.1.0"

from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .batch import label_file
from .digest import Digest
from .io import DataError
from .label import label_dataframe
from .model import NewsModel, Prediction
from .modelfile import ModelError
from .taxonomy import REGIONS, TOPICS

__all__ = ["predict", "load_model", "summarize", "split_sentences", "digest", "label_file",
           "label_dataframe", "NewsModel", "Prediction", "Digest", "DataError", "ModelError", "REGIONS",
           "TOPICS", "__version__"]


@lru_cache(maxsize=1)
def _default_model() -> NewsModel:
    from .modelfile import load_default_model
    return load_default_model()


def load_model(path: str | Path | None = None) -> NewsModel:
    """The model at ``path``, or the shipped default model (loaded once per process)."""
    if path is None:
        return _default_model()
    from .modelfile import load_model_file
    return load_model_file(path)


def predict(headlines: str | Iterable[str], model: NewsModel | str | Path | None = None):
    """Region and topic of one headline (-> Prediction) or of many (-> list of Prediction)."""
    if not isinstance(model, NewsModel):
        model = load_model(model)
    return model.predict(headlines)


def summarize(text: str, sentences: int | None = 3, ratio: float | None = None,
              title: str | None = None) -> list[str]:
    """The most central sentences of an article, in article order (``ratio`` instead of a count)."""
    from .summarize import summarize as _summarize
    if ratio is not None:
        sentences = None
    return _summarize(text, sentences=sentences, ratio=ratio, title=title)


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``, split offline (NLTK Punkt with newsml's own abbreviation list)."""
    from .sentences import split_sentences as _split
    return _split(text)


def digest(text: str, model: NewsModel | str | Path | None = None, sentences: int = 3) -> Digest:
    """A front page (lead article, blank lines, headlines) summarised, labelled and grouped."""
    from .digest import make_digest
    if not isinstance(model, NewsModel):
        model = load_model(model)
    return make_digest(text, model, sentences=sentences)

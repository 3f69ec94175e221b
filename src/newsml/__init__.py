"""newsml: classify English news headlines by region and topic, and summarise news articles, offline.

The common case is one call::

    >>> import newsml
    >>> newsml.predict("Thailand Vows Continued Military Action Amid Cambodia Border Clash")
    >>> newsml.summarize(article_text, sentences=3)

The advanced case is one object deeper: ``newsml.load_model(path)`` returns a model whose ``predict``
does the same with a model of your own.
"""
from __future__ import annotations

__version__ = "0.2.0"

from pathlib import Path
from typing import Iterable

from .batch import label_file
from .frontpage import Digest, make_digest
from .io import DataError
from .label import label_dataframe
from .model import NewsModel, Prediction
from .modelfile import ModelError, load_model
from .taxonomy import REGIONS, TOPICS

__all__ = ["predict", "load_model", "summarize", "split_sentences", "digest", "label_file",
           "label_dataframe", "NewsModel", "Prediction", "Digest", "DataError", "ModelError", "REGIONS",
           "TOPICS", "__version__"]


def predict(headlines: str | Iterable[str], model: NewsModel | str | Path | None = None, *,
            home: str | None = None, adapt_priors: bool = False):
    """Region and topic of one headline (-> Prediction) or of many (-> list of Prediction).

    ``home``: the region the feed comes from (e.g. ``"Europe"`` for a UK outlet); ``adapt_priors``:
    adjust scores to the region and topic mix estimated from the headlines themselves.
    """
    if not isinstance(model, NewsModel):
        model = load_model(model)
    return model.predict(headlines, home=home, adapt_priors=adapt_priors)


def summarize(text: str, sentences: int | None = 3, ratio: float | None = None,
              title: str | None = None) -> list[str]:
    """The most central sentences of an article, in article order (``ratio`` instead of a count)."""
    from .summarizer import summarize as _summarize  # loads NLTK's Punkt: only when summarising

    if ratio is not None:
        sentences = None
    return _summarize(text, sentences=sentences, ratio=ratio, title=title)


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``, split offline (NLTK Punkt with newsml's own abbreviation list)."""
    from .sentences import split_sentences as _split  # loads NLTK's Punkt: only when splitting

    return _split(text)


def digest(text: str, model: NewsModel | str | Path | None = None, sentences: int = 3,
           home: str | None = None) -> Digest:
    """A front page (lead article, blank lines, headlines) summarised, labelled and grouped."""
    if not isinstance(model, NewsModel):
        model = load_model(model)
    return make_digest(text, model, sentences=sentences, home=home)

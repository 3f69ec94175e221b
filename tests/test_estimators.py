"""HeadlineFeatures and HeadlineClassifier keep scikit-learn's estimator contract."""
from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from newsml.classifier import HeadlineClassifier
from newsml.features import HeadlineFeatures

# Checks that cannot apply, with the reason (scikit-learn skips most array checks for string input).
EXPECTED_FAILED = {
    "HeadlineClassifier": {},
    "HeadlineFeatures": {},
}


def _expected(estimator):
    return EXPECTED_FAILED[type(estimator).__name__]


@parametrize_with_checks([HeadlineFeatures(), HeadlineClassifier()], expected_failed_checks=_expected)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


# scikit-learn runs none of its array checks on an estimator tagged as taking strings (the warning
# above), so the parts of the contract that apply to a text transformer are checked here.
TEXTS = ["Kenya's parliament passes finance bill", "Fed holds rates steady as inflation cools",
         "Floods kill dozens in Pakistan's Sindh", "EU leaders meet in Brussels over Ukraine aid"] * 3


def test_headline_features_follow_the_transformer_contract():
    import pickle

    import numpy as np
    import pytest
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError

    features = HeadlineFeatures(char_weight=0.5)
    assert clone(features).get_params() == features.get_params()
    assert features.set_params(word_weight=2.0) is features and features.word_weight == 2.0
    with pytest.raises(NotFittedError):
        features.transform(TEXTS)
    assert features.fit(TEXTS) is features
    first = features.transform(TEXTS).toarray()
    assert np.array_equal(features.fit(TEXTS).transform(TEXTS).toarray(), first)  # fitting is idempotent
    assert np.array_equal(pickle.loads(pickle.dumps(features)).transform(TEXTS).toarray(), first)
    assert np.array_equal(features.fit_transform(np.array(TEXTS, dtype=object)).toarray(), first)
    assert len(features.get_feature_names_out()) == first.shape[1]
    with pytest.raises(ValueError, match="1-d"):
        features.transform(np.array([TEXTS]))
    assert features.__sklearn_tags__().input_tags.string

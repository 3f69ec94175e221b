"""HeadlineFeatures and HeadlineClassifier keep scikit-learn's estimator contract."""
from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
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


def _blobs():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 3.0]])
    sizes = [120, 40, 10]  # unequal classes, so that the weights matter
    X = np.vstack([rng.normal(c, 1.2, size=(n, 2)) for c, n in zip(centres, sizes)])
    y = np.repeat(np.array(["big", "mid", "rare"]), sizes)
    return X, y


def test_balance_power_tempers_class_weights_between_none_and_full_balance():
    X, y = _blobs()
    share = {}
    for power in (0.0, 0.5, 1.0):
        predicted = HeadlineClassifier(balance_power=power).fit(X, y).predict(X)
        share[power] = float(np.mean(predicted == "rare"))
    assert share[0.0] < share[0.5] < share[1.0]  # more weight on the rare class, more of it predicted
    unweighted = HeadlineClassifier(class_weight=None).fit(X, y)
    assert np.allclose(HeadlineClassifier(balance_power=0.0).fit(X, y).coef_, unweighted.coef_)


def test_class_weight_by_label_reaches_the_calibrated_linear_model():
    X, y = _blobs()
    # scikit-learn's calibrator fits on class indices; a dict keyed by label must still apply
    heavy = HeadlineClassifier(class_weight={"rare": 20.0}).fit(X, y)
    plain = HeadlineClassifier(class_weight=None).fit(X, y)
    assert np.mean(heavy.predict(X) == "rare") > np.mean(plain.predict(X) == "rare")
    with pytest.raises(ValueError, match="balance_power"):
        HeadlineClassifier(balance_power=2.0).fit(X, y)
    with pytest.raises(ValueError, match="class_weight"):
        HeadlineClassifier(class_weight="even").fit(X, y)

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.multiclass import OneVsRestClassifier
from sklearn.svm import LinearSVC

from classifier.linear import WeightedOneVsRest, linear_parts

TEXTS = [
    "the senate passed the budget bill after a long vote",
    "the striker scored twice as the club won the cup final",
    "the minister attended the cup final and praised the club",
    "parliament debated the tax bill and the opposition voted against",
    "the goalkeeper saved a penalty in the league match",
    "the coach of the national team met the sports minister about funding",
]
# columns: politics, sport; the last two texts have both, with different main topics
LABELS = np.array([[1, 0], [0, 1], [1, 1], [1, 0], [0, 1], [1, 1]])
MAIN = np.array([[1, 0], [0, 1], [0, 1], [1, 0], [0, 1], [0, 1]])
FEATURES = TfidfVectorizer().fit_transform(TEXTS)


def test_with_weight_one_it_fits_what_one_vs_rest_fits():
    ours = WeightedOneVsRest(C=1.0).fit(FEATURES, LABELS, main=MAIN)
    theirs = OneVsRestClassifier(LinearSVC(C=1.0, max_iter=5000, random_state=0))
    theirs.fit(FEATURES, LABELS)
    np.testing.assert_allclose(
        ours.decision_function(FEATURES), theirs.decision_function(FEATURES), atol=1e-9
    )


def test_a_lighter_secondary_label_lowers_that_tag_where_it_is_secondary():
    full = WeightedOneVsRest(C=1.0).fit(FEATURES, LABELS, main=MAIN)
    light = WeightedOneVsRest(C=1.0, secondary_weight=0.1).fit(FEATURES, LABELS, main=MAIN)
    politics = 0
    secondary = 2  # politics is secondary in the cup-final text
    assert (
        light.decision_function(FEATURES)[secondary, politics]
        < full.decision_function(FEATURES)[secondary, politics]
    )


def test_a_tag_no_example_has_scores_the_same_everywhere():
    labels = np.column_stack([LABELS, np.zeros(len(TEXTS), dtype=int)])
    fitted = WeightedOneVsRest().fit(FEATURES, labels)
    weights, intercepts = linear_parts(fitted)
    assert not weights[:, 2].any() and intercepts[2] < 0
    assert len(set(fitted.decision_function(FEATURES)[:, 2])) == 1

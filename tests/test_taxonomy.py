import pytest

from newsml.taxonomy import HEADS, REGIONS, TOPICS, check_label, pair_name


def test_labels_are_spelled_as_the_card_says():
    assert list(REGIONS) == ["Africa", "Americas", "Asia-Pacific", "Europe", "Middle East", "US", "Global"]
    assert list(TOPICS) == ["politics", "conflict", "diplomacy", "justice", "economy", "disaster",
                            "environment", "health", "science", "society"]
    assert HEADS == {"region": tuple(REGIONS), "topic": tuple(TOPICS)}


def test_check_label_names_the_allowed_labels():
    assert check_label("region", "US") == "US"
    with pytest.raises(ValueError, match="Asia-Pacific"):
        check_label("region", "Asia")


def test_pair_name_reads_like_the_design_card():
    assert pair_name("US", "politics") == "US politics"

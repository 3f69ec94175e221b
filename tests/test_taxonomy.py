import pytest

from newsml.taxonomy import HEADS, REGIONS, TOPICS, check_label, pair_name


def test_labels_are_spelled_as_the_card_says():
    assert list(REGIONS) == ["Africa", "Americas", "Asia-Pacific", "Europe", "Middle East", "US", "Global"]
    assert list(TOPICS) == ["politics", "conflict", "diplomacy", "justice", "economy", "disaster",
                            "environment", "health", "science", "sport", "culture", "society"]
    assert HEADS == {"region": tuple(REGIONS), "topic": tuple(TOPICS)}


def test_check_label_names_the_allowed_labels():
    assert check_label("region", "US") == "US"
    with pytest.raises(ValueError, match="Asia-Pacific"):
        check_label("region", "Asia")


def test_pair_name_reads_like_the_design_card():
    assert pair_name("US", "politics") == "US politics"


def test_every_soft_boundary_has_a_rule():
    from newsml.taxonomy import BOUNDARIES

    edges = dict(BOUNDARIES)
    for edge in ("weather", "tourism", "cyber attacks", "energy", "PKK", "obituaries", "sport vs justice",
                 "culture vs justice"):
        assert edge in edges and len(edges[edge]) > 20

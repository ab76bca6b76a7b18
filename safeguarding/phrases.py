"""The phrase detector: spaCy Matcher rules over words and lemmas that say a child may be at risk.

It is the second, independent layer beside the intent classifier. Each rule is a few short
token patterns with bounded gaps, written for how children type ("hes", "pics", "wanna",
"some1"). Words are matched lower-cased and verbs by lemma, so "following"/"followed" and
"pics"/"pic" meet. Rules stay narrow on purpose: "my mum is outside the shop" or "this level
is killing me" must not match. Every rule is named, so counsellors can see why a turn was flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from safeguarding.levels import RiskLevel

Token = dict[str, Any]
Pattern = list[Token]


def word(forms: str, optional: bool = False) -> Token:
    """A token that is one of these space-separated words, in any case."""
    token: Token = {"LOWER": {"IN": forms.split()}}
    return {**token, "OP": "?"} if optional else token


def lemma(forms: str) -> Token:
    """A token whose lemma is one of these space-separated words ("follow" matches "following")."""
    return {"LEMMA": {"IN": forms.split()}}


def gap(size: int) -> Pattern:
    """Up to `size` tokens of anything, bounded so long messages stay fast to scan."""
    return [{"OP": "?"}] * size


# Word families, with the spellings children use.
SOMEONE = word(
    "he him she they them man men guy someone somebody some1 sum1 stranger bloke dude "
    "creep adult person boy woman lady"
)
NOT = {"LEMMA": {"IN": ["not", "never", "no"]}}
PICTURE = word(
    "pic pics pix picture pictures photo photos foto fotos vid vids video videos "
    "selfie selfies snap snaps image images pik piks"
)
MESSAGES = word(
    "messages msgs msg chats chat texts convo convos dms dm conversation conversations messeges massages"
)
GIFT = word(
    "robux vbucks vbux v skins skin gems giftcard giftcards gift money cash coins "
    "presents present minecoins nitro credit £ gifts stuff"
)
ONLINE = word(
    "insta instagram snap snapchat online discord roblox tiktok fortnite gaming gamer whatsapp minecraft"
)
FRIEND = word("friend friends mate mates bestie bff bestfriend sister sis brother bro cousin pal classmate")
MY_FRIEND = [word("my"), word("best", optional=True), FRIEND]  # "my mate", "my best friend"
HOME = word("house hous door dor home window flat gate bedroom room school skool street road")
DOOR = word("door doors dor doorbell bell window handle")


GROWN_UP_FAMILY = frozenset(
    "mum mom mam mummy dad daddy nan nana gran granny grandma grandad grandpa auntie aunt uncle".split()
)
# People, pets and callers a child names when all is well ("my nan is at the door").
FAMILY = GROWN_UP_FAMILY | frozenset(
    "sister sis brother bro cousin teacher tutor coach friend mate bestie dog cat puppy kitten "
    "hamster rabbit bunny budgie tortoise ref delivery postman postie courier pizza "
    "squirrel wasp bee hedgehog fox bird seagull pigeon goose swan spider horse".split()
)
FAMILY_WINDOW = 4
QUESTION_STARTS = frozenset("how what whats wat is can should does do why when will would".split())
FICTION = frozenset("game games gta film movie story episode horror zombies escape seek".split())
REAL_CONTACT = frozenset("met meet meeting from online".split())
GENERIC_PEOPLE = frozenset(
    "someone somebody people ppl u you they anyone".split()
)  # tokens before a match that are checked for FAMILY

# Words of fear or urgency. Some rules fire only beside one, so "someone is at the door, it's
# the pizza" stays calm while "HELP he's at the door" does not.
ALARM = frozenset(
    "help hlep halp helpp scared scarred scary afraid frightened terrified pls plz please alone "
    "hiding hide stop 999 police omg trying tryna banging knocking shouting ran run panicking "
    "crying wo ca cant wont unsafe rn".split()
)


# Laughter: a child who laughs about it and says no word of alarm is not in danger now ("my brother
# is hitting me with a pillow lol"). "hes outside lol im scared" still fires.
LAUGHTER = frozenset("lol lool lolol lmao lmfao haha hahaha ahaha hehe jk 😂 🤣 💀 😅 😆".split())
# Words of alarm that also fill everyday sentences ("she won't let me out till I finish my homework
# lol", "hiding from the teacher lol"): beside laughter they do not count as alarm.
EVERYDAY_ALARM = frozenset("wo ca cant wont stop rn hiding hide alone trying tryna ran run".split())
ALARM_BESIDE_LAUGHTER = ALARM - EVERYDAY_ALARM


@dataclass(frozen=True)
class Rule:
    name: str
    level: RiskLevel
    patterns: Sequence[Pattern]
    needs_alarm: bool = False  # fire only when the message also holds a word from ALARM
    unless_next: frozenset[str] = frozenset()  # ignore a match followed by one of these words
    # Ignore a match just after family or a friend ("my mum won't let me leave the house", "my
    # nan asked what school I'm at"): the classifier still reads the whole message.
    not_after_family: bool = False
    # Ignore a match in a general question about other people ("how can I tell if someone is
    # older than they say?"): those are questions for the classifier, not disclosures.
    not_in_question: bool = False
    # Ignore a match in a message about a game, film or story ("in the horror game the man is in
    # the house"), unless it also says where the person came from ("met him in a game").
    not_in_fiction: bool = False
    # Ignore a match in a message that names a grown-up in the family and holds no word from ALARM
    # ("grandad picks me up in his car"); "my uncle won't let me out of his car" still fires, and
    # so does "my friend is in his car" (a friend is not a grown-up who drives the child).
    calm_with_family: bool = False


RULES: tuple[Rule, ...] = (
    # --- immediate danger ---
    Rule(
        "kept_from_leaving",
        RiskLevel.IMMEDIATE_DANGER,
        [
            [NOT, lemma("let"), word("me"), word("leave out escape goo home")],
            [NOT, lemma("let"), word("me"), word("go"), word("home")],
            [lemma("lock"), word("me"), word("in")],
            [
                word("trapped stuck"),
                word("in"),
                word("his their a the this"),
                word("car room house flat van"),
            ],
        ],
        not_after_family=True,
        not_in_fiction=True,
    ),
    Rule(
        "being_hurt_now",
        RiskLevel.IMMEDIATE_DANGER,
        [
            [
                word("s 's is are keeps keep"),
                word("hurting hitting touching beating grabbing hurtin strangling choking"),
                word("me"),
            ],
        ],
    ),
    Rule(
        "followed_by_someone",
        RiskLevel.IMMEDIATE_DANGER,
        [
            [
                word("following followin folowing followed folowed chasing chased stalking stalked"),
                word("me"),
            ],
            [word("been"), word("followed folowed chased")],
            [word("walking been following right"), word("behind"), word("me")],
            [word("watching staring filming"), word("me"), word("through from outside")],
        ],
        unless_next=frozenset(
            {"on", "back", "online", "everywhere", "and", "cuz", "because", "should", "in"}
        ),
        not_after_family=True,
        not_in_fiction=True,
    ),
    Rule(
        "someone_here_and_child_afraid",
        RiskLevel.IMMEDIATE_DANGER,
        [
            [
                SOMEONE,
                word("s 's is are 're was just"),
                *gap(2),
                word("here there outside inside downstairs upstairs in at waiting coming"),
            ],
            [
                word("at outside"),
                word("the my our", optional=True),
                word("door dor window gate gates garden"),
            ],
            [word("at in"), word("his their her"), word("house flat place room car")],
            [lemma("lock"), *gap(2), word("door in")],
            [word("grabbed grabbing grab pulled dragged"), word("me my")],
            [word("hiding hide"), word("in from under behind")],
            [
                lemma("meet see"),
                *gap(2),
                word("guy man person someone somebody bloke stranger"),
                word("from"),
            ],
            [
                word("get got getting"),
                word("in into"),
                word("the his a their"),
                word("car van taxi uber"),
            ],
            [word("get got"), word("away"), word("from")],
            [{"LIKE_NUM": True}, word("mins min minutes mi"), word("away")],
            [word("waiting"), word("at outside for"), *gap(4), word("me my")],
            # "he wont leave", not "they wont stop commenting" (bullying) or "i cant stop" (self-harm)
            [SOMEONE, *gap(1), NOT, word("leave go")],
        ],
        needs_alarm=True,
        not_after_family=True,
        not_in_fiction=True,
    ),
    Rule(
        "someone_coming_or_inside",
        RiskLevel.IMMEDIATE_DANGER,
        [
            [
                word("trying tryna"),
                word("to 2"),
                word("get break come open"),
                *gap(2),
                word("in into window door"),
            ],
            [word("broke breaking broken"), word("in into")],
            [word("on"), word("his their her the"), word("way"), word("to here over now")],
            [
                SOMEONE,
                word("s 's is are 're was just", optional=True),
                word("inside in"),
                word("my our"),
                HOME,
            ],
            [word("come coming"), word("alone")],
            [
                lemma("send"),
                word("a an his me"),
                word("a", optional=True),
                word("taxi uber car cab"),
            ],
            [lemma("drive take"), word("me"), word("somewhere away")],
            [
                word("gonna na going will ll 'll wants"),  # spaCy splits "gonna" into "gon na"
                word("to", optional=True),
                word("hurt rape grab"),
                word("me"),
            ],
            [word("walking driving"), word("past"), word("my our"), HOME, *gap(3), lemma("look stare watch")],
            [
                word("older old grown"),
                word("guy man bloke"),
                *gap(4),
                word("trying"),
                word("to"),
                lemma("take get make"),
            ],
            [word("skipping bunking"), word("school"), *gap(3), word("to"), lemma("see meet")],
        ],
    ),
    Rule(
        "someone_at_the_door_or_outside",
        RiskLevel.IMMEDIATE_DANGER,
        [
            [word("keeps keep kept been"), word("knocking banging ringing hammering"), *gap(2), DOOR],
            [SOMEONE, word("knocking banging hammering")],
            [word("banging hammering"), word("on at"), *gap(2), DOOR],
            [word("knocking"), *gap(4), word("alone")],
            [word("trying tried"), word("the my our"), word("front back door", optional=True), DOOR],
            # "hes outside" ("hes" is "he s" to spaCy), "he's right outside", "theyre sat outside"
            [
                word("he she they someone somebody some1 man guy"),
                word("s 's is are re 're"),
                word("right just sat parked waiting standing still", optional=True),
                word("outside outsid"),
            ],
            [SOMEONE, word("from"), *gap(3), word("outside")],
            [word("look"), word("outside"), *gap(3), word("he s here there")],
            [
                word("parked sat waiting"),
                *gap(2),
                word("end"),
                word("of"),
                word("my our"),
                word("road street"),
            ],
            [word("walking coming"), word("up"), word("my our"), word("drive path driveway")],
            [
                SOMEONE,
                *gap(3),
                word("in on"),
                word("my our the"),
                word("back front", optional=True),
                word("garden stairs landing"),
            ],
            [lemma("hear"), word("him someone somebody them"), *gap(2), word("downstairs upstairs")],
            [word("got came climbed"), word("in"), word("through")],
            [
                lemma("send"),
                word("me", optional=True),
                word("a", optional=True),
                PICTURE,
                word("of"),
                word("my our"),
                word("front back", optional=True),
                HOME,
            ],
        ],
        not_after_family=True,
    ),
    # Rules below were added on 2026-12-02 from the development set (tests/safeguarding/dev_set.yml),
    # which a writer who never saw the other sets wrote to tune them on.
    Rule(
        "violence_at_home_now",
        RiskLevel.IMMEDIATE_DANGER,
        [
            [
                word("hitting beating punching strangling choking kicking battering hurting"),
                word("my our"),
                word("mum mom mam mummy sister sis nan gran baby"),
            ],
            [word("drunk"), *gap(4), word("throwing smashing kicking screaming")],
            [word("smashing"), word("up stuff things everything")],
            [word("got has"), word("a"), word("knife gun weapon")],
            [word("kicked kicking"), word("the"), word("door"), word("in down")],
            [lemma("hear"), *gap(1), word("mum mom her"), word("scream screaming")],
        ],
        not_in_fiction=True,
    ),
    Rule(
        "someone_in_or_at_home",
        RiskLevel.IMMEDIATE_DANGER,
        [
            [
                SOMEONE,
                *gap(2),
                word("in inside"),
                word("the our are my"),
                word("house hallway hall kitchen garden garage landing"),
            ],
            [lemma("hear"), *gap(3), word("glass window"), *gap(1), word("smash smashing break breaking")],
            [
                word("he she they"),
                word("s 's is are re 're"),
                word("at"),
                word("the our my"),
                word("front back", optional=True),
                word("door"),
            ],
            [word("door"), word("handle"), *gap(2), word("moving turning")],
            [
                word("looking staring peering"),
                word("thru through in into"),
                word("my our the"),
                word("bedroom", optional=True),
                word("window windows"),
            ],
            [word("sat sitting standing"), word("on outside"), word("our my"), word("wall drive garden")],
        ],
        not_after_family=True,
        not_in_fiction=True,
    ),
    Rule(
        "meeting_from_online_now",
        RiskLevel.IMMEDIATE_DANGER,
        [
            [
                word("just"),
                lemma("meet"),
                *gap(3),
                word("from"),
                *gap(1),
                ONLINE,
            ],
            [word("on"), word("the"), word("train bus tram way"), *gap(2), word("to"), lemma("meet")],
            [
                word("on"),
                word("the"),
                word("train bus tram way"),
                *gap(2),
                word("to"),
                word("see"),
                word("him her them"),
            ],
            [word("snuck sneaked"), word("out"), word("to"), lemma("meet see")],
            [word("making"), word("me"), word("go come get"), word("with in")],
            [word("about"), word("to"), word("go"), lemma("meet see")],
            [
                word("waiting"),
                word("outside at by"),
                *gap(3),
                word("for"),
                word("sum1 someone somebody some1 him her"),
            ],
        ],
        unless_next=frozenset({"my", "friends", "mates", "nan", "mum", "dad", "family"}),
        not_after_family=True,
    ),
    Rule(
        "on_the_way_to_someone_from_online",
        RiskLevel.IMMEDIATE_DANGER,
        [
            [
                word("skipping skipped bunking skiving wagging"),
                *gap(3),
                word("to"),
                lemma("meet see"),
                *gap(2),
                ONLINE,
            ],
            [
                word("skipping skipped bunking skiving wagging"),
                *gap(3),
                word("to"),
                lemma("meet see"),
                word("him her"),
            ],
            [
                word("on in"),
                word("a the"),
                word("train bus tram taxi uber coach"),
                *gap(4),
                word("to"),
                lemma("meet see"),
                *gap(2),
                ONLINE,
            ],
            # the person who has been messaging them has come to them
            [
                lemma("message text chat dm snap"),
                word("me"),
                *gap(3),
                word("at outside"),
                word("the my"),
                word("door house school window gate"),
            ],
        ],
    ),
    # --- self-harm ---
    Rule(
        "self_harm_words",
        RiskLevel.SELF_HARM,
        [
            [
                lemma("kill hurt cut harm end stab hang starve burn hit punch slap scratch"),
                word("myself meself mysef myslef"),
            ],
            [word("suicide suicidal selfharm overdose od kms")],
            [
                word("take taking"),
                word("all"),
                word("the my", optional=True),
                word("paracetamol pills tablets meds medicine"),
            ],
            [word("self"), word("-", optional=True), word("harm harming harms")],
            [
                word("want wanna wish wanted ready"),
                word("to", optional=True),
                word("i", optional=True),
                word("die dye dead disappear"),
            ],
            [word("end"), word("it"), word("all")],
            [lemma("end take"), word("my"), word("own", optional=True), word("life")],
            [
                NOT,
                word("want wanna"),
                word("to", optional=True),
                word("be live exist wake"),
                word("alive here anymore up no"),
            ],
            [
                word("no"),
                word("point"),
                word("in", optional=True),
                word("living anymore being me life"),
            ],
            [word("better"), word("off"), word("without dead")],
            # warning signs from self-harm guidance: goodbyes, giving things away, hiding injuries, methods
            [word("goodbye suicide"), word("note notes letter letters message")],
            [lemma("search look google"), *gap(2), word("how ways way"), word("to"), word("end die")],
            [word("end"), word("it"), word("tonight soon now weekend")],
            [lemma("give"), *gap(3), word("away"), *gap(8), lemma("need"), word("it them")],
            [word("wo"), NOT, lemma("need"), *gap(1), word("anymore soon")],
            [
                lemma("hide cover"),
                *gap(2),
                word("my"),
                word("arms arm legs leg wrists wrist"),
                *gap(4),
                word("marks cuts scars"),
            ],
            [word("tired sick"), word("of"), word("being living"), word("alive here")],
            [
                word("easier better"),
                word("if"),
                word("i"),
                word("was were"),
                NOT,
                word("here alive around born"),
            ],
            [word("stand stood standing"), word("on"), word("the a"), word("bridge edge roof")],
            [NOT, word("be"), word("here around alive"), word("much for"), word("longer long")],
            [lemma("tell"), word("me"), word("i", optional=True), word("should"), word("jump die")],
            [lemma("tell"), word("me"), word("to"), word("kys die")],
            # pills saved up or taken on purpose, a goodbye, no point in being here, not deserving food
            [lemma("collect save stockpile hoard"), *gap(3), word("paracetamol pills tablets meds")],
            [lemma("take"), *gap(5), word("paracetamol pills tablets meds"), *gap(6), word("purpose")],
            [lemma("take"), word("everything all"), *gap(3), word("medicine meds pills")],
            [NOT, word("be"), word("here around alive"), word("after"), word("tonight today tomorrow")],
            [
                lemma("tell"),
                word("my"),
                word("mum mom dad parents family friends mates"),
                word("i"),
                word("love luv"),
            ],
            [word("stop stopped"), word("existing")],
            [NOT, word("see"), word("the a any"), word("point"), *gap(2), word("being living alive life")],
            [NOT, lemma("deserve"), word("food")],
            [NOT, lemma("deserve"), word("to"), word("eat live exist")],
            [word("make"), word("it"), word("all", optional=True), word("stop"), word("myself")],
        ],
        unless_next=frozenset({"my", "ur", "your", "her", "his", "of", "laughing"}),  # "die my hair pink"
    ),
    # --- sexual exploitation ---
    Rule(
        "secret_with_adult",
        RiskLevel.SEXUAL_EXPLOITATION,
        [
            [word("our"), word("little", optional=True), word("secret")],
            [
                lemma("tell say ask want make"),
                word("me u you"),
                *gap(6),
                word("so"),
                word("my ur your"),
                word("mum mom mam dad parents parent"),
                *gap(1),
                NOT,
                word("see know find notice"),
            ],
            [word("secret"), word("between"), word("us me")],
            [lemma("delete clear wipe"), word("our all"), *gap(1), MESSAGES],
            [
                SOMEONE,
                *gap(3),
                lemma("say tell ask make want beg"),
                *gap(3),
                lemma("delete clear"),
                *gap(2),
                MESSAGES,
            ],
            [lemma("tell say"), word("me", optional=True), NOT, word("to 2"), lemma("tell say")],
            [
                SOMEONE,
                *gap(3),
                lemma("say tell ask make want"),
                *gap(3),
                lemma("keep"),
                *gap(3),
                word("secret secrets"),
            ],
        ],
        unless_next=frozenset({"santa", "handshake", "recipe", "club"}),
        not_after_family=True,
        not_in_question=True,
    ),
    Rule(
        "gifts_for_favours",
        RiskLevel.SEXUAL_EXPLOITATION,
        [
            [
                SOMEONE,
                *gap(2),
                lemma("give buy send gift get pay offer"),
                word("me"),
                *gap(2),
                GIFT,
            ],
            [word("i that u"), lemma("owe"), word("him her them he")],
            [word("in"), word("return")],
        ],
        not_after_family=True,
    ),
    Rule(
        "meetup_planned",
        RiskLevel.SEXUAL_EXPLOITATION,
        [
            [
                SOMEONE,
                *gap(3),
                lemma("want ask keep wanna say plan arrange beg invite"),
                *gap(3),
                lemma("meet meetup hang"),
            ],
            [
                lemma("meet meeting"),
                word("him her them someone some1 stranger"),
                *gap(3),
                word("weekend saturday sunday tomorrow week friday monday holidays"),
            ],
            # told to come on their own: "come alone", "bring no one", "dont bring anyone"
            [lemma("come"), word("alone")],
            [lemma("bring"), word("no nobody")],
            [NOT, lemma("bring"), word("anyone anybody any1")],
        ],
        unless_next=frozenset({"else"}),
        not_after_family=True,
    ),
    Rule(
        "grooming_signs",
        RiskLevel.SEXUAL_EXPLOITATION,
        [
            # "you're mature for your age", not "my essay was mature for my age"
            [
                word("s 're are re m am"),
                word("so really very", optional=True),
                word("mature grown"),
                word("for"),
                word("my your ur"),
                word("age"),
            ],
            [word("age"), word("is s 's"), word("just only"), word("a"), word("number")],
            [word("sugar"), word("baby daddy")],
            [word("touch"), word("myself yourself urself")],
            [word("take took"), word("my ur your"), word("top jumper shirt clothes skirt"), word("off")],
            [lemma("show"), word("him her them"), word("my ur your"), word("body bum chest")],
            [lemma("show"), word("me"), word("himself herself")],
            [PICTURE, word("of"), word("his"), word("thing privates willy dick body")],
            [word("not"), word("to"), lemma("tell"), word("my"), word("mum mom dad parents")],
            [lemma("promise"), word("not"), word("to"), lemma("tell")],
            # pressure: "if you really trust me you'll show me" ("if u love me" is said by friends too)
            [
                word("if"),
                word("you u i"),
                word("really rly", optional=True),
                lemma("trust"),
                word("me him her"),
            ],
        ],
        not_in_question=True,
    ),
    # --- bullying and threats ---
    Rule(
        "bullying",
        RiskLevel.BULLYING,
        [
            [word("bully bullying bullied bullies bulling bulied bullys cyberbullying")],
            [
                lemma("threaten threat"),
                *gap(2),
                word("to 2"),
                lemma("beat hurt kill batter jump punch hit stab smash get"),
            ],
            [lemma("threaten"), word("me")],
            [word("beat batter jump punch smash"), word("me"), word("up in after")],
            [word("hate mean nasty horrible hateful racist"), word("comments messages")],
            [word("everyone every1 everybody"), word("hates laughing laughs ignores")],
            [
                lemma("kick remove block"),
                word("me"),
                word("out off from"),
                *gap(3),
                word("chat gc group groupchat"),
            ],
            [word("fake"), word("account acc profile page"), *gap(3), word("me my")],
            [lemma("call"), word("me"), word("names fat ugly stupid")],
            [word("edited photoshopped"), word("my"), word("pic picture photo face")],
            [lemma("record film video"), word("me"), *gap(4), lemma("post share send put")],
            [word("copying mocking mimicking"), word("how the"), word("i my"), lemma("talk walk look")],
            [word("mocking mock laughing"), word("me"), word("online at")],
            [word("gang ganging"), word("up"), word("on"), word("me")],
            [word("picking pick picks"), word("on"), word("me")],
            [lemma("take steal nick"), word("my"), word("dinner lunch"), word("money")],
            [word("im i"), word("m", optional=True), word("a"), word("loser freak waste")],
        ],
    ),
    # --- a friend or sibling at risk ---
    Rule(
        "friend_talking_to_adult",
        RiskLevel.FRIEND_AT_RISK,
        [
            [
                word("my"),
                FRIEND,
                *gap(5),
                lemma("talk chat speak meet date go see"),
                *gap(2),
                word("old older adult grown stranger man guy someone somebody boyfriend online 20 30 40"),
            ],
            [
                lemma("kill hurt cut harm starve end"),
                word("herself himself themselves themself hisself"),
            ],
            [
                word("she he they"),
                *gap(2),
                word("wants wanna want wanted"),
                word("to", optional=True),
                word("die disappear"),
            ],
            # harm at home or signs of it, told about a friend (2026-12-02, from the development set)
            [*MY_FRIEND, *gap(6), word("hits hurts beats slaps"), word("her him them")],
            [*MY_FRIEND, *gap(4), word("cuts scars bruises")],
            [*MY_FRIEND, word("has"), NOT, word("been"), word("home")],
            [*MY_FRIEND, *gap(2), word("goes going gone went"), word("missing")],
        ],
    ),
)

# A rule that fires about "my friend", "my sister" or "my mate" is a friend at risk, unless it is an
# emergency now, which keeps its 999 route whoever it is about.
FRIEND_WORDS = frozenset(FRIEND["LOWER"]["IN"])
THIRD_PERSON_LEVELS = {RiskLevel.SELF_HARM, RiskLevel.SEXUAL_EXPLOITATION, RiskLevel.BULLYING}


@dataclass(frozen=True)
class PhraseMatch:
    level: RiskLevel
    rules: tuple[str, ...]


class PhraseDetector:
    """Finds the risk phrases in a spaCy Doc. Build once; it is cheap to call per message."""

    def __init__(self, vocab: Vocab, rules: Sequence[Rule] = RULES) -> None:
        self._matcher = Matcher(vocab)
        self._rules = {rule.name: rule for rule in rules}
        for rule in rules:
            self._matcher.add(rule.name, list(rule.patterns))

    def detect(self, doc: Doc) -> PhraseMatch:
        alarmed = any(token.lower_ in ALARM for token in doc)
        general_question = _general_question(doc)
        fiction = _about_fiction(doc)
        calm_family = not alarmed and any(token.lower_ in GROWN_UP_FAMILY for token in doc)
        laughing = any(token.lower_ in LAUGHTER for token in doc) and not any(
            token.lower_ in ALARM_BESIDE_LAUGHTER for token in doc
        )
        fired = sorted(
            {
                rule.name
                for rule, start, end in (
                    (self._rules[doc.vocab.strings[match_id]], start, end)
                    for match_id, start, end in self._matcher(doc)
                )
                if (alarmed or not rule.needs_alarm)
                and (end >= len(doc) or doc[end].lower_ not in rule.unless_next)
                and not (rule.not_after_family and _after_family(doc, start))
                and not (rule.not_in_question and general_question)
                and not (rule.not_in_fiction and fiction)
                and not (rule.calm_with_family and calm_family)
                and not (laughing and rule.level is RiskLevel.IMMEDIATE_DANGER)
            }
        )
        about_a_friend = any(
            token.lower_ in FRIEND_WORDS and token.i > 0 and doc[token.i - 1].lower_ in {"my", "our", "ma"}
            for token in doc
        )
        levels = [
            RiskLevel.FRIEND_AT_RISK
            if about_a_friend and self._rules[name].level in THIRD_PERSON_LEVELS and not _about_the_child(doc)
            else self._rules[name].level
            for name in fired
        ]
        return PhraseMatch(level=max(levels, default=RiskLevel.NONE), rules=tuple(fired))


def _general_question(doc: Doc) -> bool:
    return len(doc) > 0 and doc[0].lower_ in QUESTION_STARTS and any(t.lower_ in GENERIC_PEOPLE for t in doc)


def _about_fiction(doc: Doc) -> bool:
    words = {token.lower_ for token in doc}
    return bool(words & FICTION) and not words & REAL_CONTACT


def _after_family(doc: Doc, start: int) -> bool:
    return any(token.lower_ in FAMILY for token in doc[max(0, start - FAMILY_WINDOW) : start])


def _about_the_child(doc: Doc) -> bool:
    """Whether the child speaks of things done to them ("me", "myself"), not only to a friend."""
    return any(token.lower_ in {"me", "myself", "meself"} for token in doc)

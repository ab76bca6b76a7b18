"""A child working up to telling something: "umm", "can i tell u something", "promise u wont tell?".

Such a message says no risk yet, and the classifier reads it as anything from "I'm safe now" to a
question about private accounts. The bot should give the child time and, when asked to keep a
secret, be honest that it cannot. This detector finds both in a spaCy Doc, with the same word and
lemma patterns as the phrase rules. It only ever picks the reply for a message that shows no risk:
a disclosure is always answered as one (`safeguarding.nlu_component`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.matcher import Matcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from safeguarding.levels import Hesitation
from safeguarding.phrases import NOT, Pattern, gap, lemma, word

# The classifier's readings a hesitation may replace: a child who writes "its nothing" or "ok so"
# is not telling the bot they are safe or saying hello. A question it answers ("is there a real
# person reading this") and any disclosure keep their answer.
REPLACEABLE_INTENTS = frozenset(
    {
        "nlu_fallback",
        "chitchat_greet",
        "chitchat_goodbye",
        "chitchat_thanks",
        "chitchat_off_topic",
        "chitchat_ask_what_you_can_do",
        "inform_safe_now",
    }
)
# The intent a hesitation is answered under: the "not understood" rule, whose action then gives the
# child time instead of "Sorry, I didn't get that" (actions/not_understood.py).
HESITATION_INTENT = "nlu_fallback"

# Longer messages say what they are about; the classifier should answer those.
MAX_WORDS = 12

# A message made only of these is a child thinking ("umm", "ok so...", "so like"), if one of them
# is a pause rather than an answer: "ok" alone is an answer, "ok so" is not.
PAUSES = re.compile(r"^(u+m+|e+r+m*|u+h+|h+m+|m+|so+|well|like|wait|idk|dunno|nothing|nvm)$")
FILLERS = frozenset("ok okay k yeah ya yh yes i and but just anyway actually".split())

YOU = word("u you ya")
TELL = lemma("tell say")
SOMETHING = word("something smth sth summat somethin sumthing sumthin sumfin")
FEELING = word("weird embarrassing embarassing embarrasing awkward stupid complicated cringe personal")
PARENT = word("mum mom mam dad parents parent teacher school")

SECRECY_PATTERNS: list[Pattern] = [
    [lemma("promise swear"), *gap(3), TELL],  # "promise u wont tell?", "swear not to say"
    [YOU, *gap(2), lemma("tell grass snitch"), word("anyone anybody nobody someone somebody my police on")],
    [lemma("keep"), word("it this that"), word("a", optional=True), word("secret")],
    [lemma("keep"), word("this it that"), word("between"), word("us")],
    [word("be"), word("a our"), word("secret")],  # "can it be a secret"
    [word("is"), word("this"), word("chat convo", optional=True), word("private secret anonymous")],
    # who sees or keeps the chat: "who can see this", "is this recorded", "do u save what i type"
    [word("who"), word("can will", optional=True), lemma("see read"), word("this these")],
    [word("is"), word("this it"), word("chat convo conversation", optional=True), word("recorded saved")],
    [lemma("save record store delete"), word("what this these")],
    [word("will"), word("my the anyone anybody someone"), PARENT, *gap(1), lemma("see know find read")],
    [word("will"), word("the"), word("police"), lemma("find know")],
]
# "dont tell anyone" only as a request to the bot, at the start: "he told me not to tell anyone" is
# a disclosure, and the classifier and phrase rules read it as one.
SECRECY_AT_START: list[Pattern] = [
    [word("pls please plz", optional=True), word("do", optional=True), NOT, TELL],
]
# "can my mum read this", "is anyone watching this": only at the end, not "films to watch this weekend"
SECRECY_AT_END: list[Pattern] = [
    [lemma("see read watch"), word("this these"), word("chat convo", optional=True)],
]

# Asking leave to tell, and nothing else: "umm can i tell u something", "i need to tell someone
# something". The classifier may read such a message as a question about whom to tell (one
# training read "can i tell u something" as "who is a trusted adult" at 0.6), but it asks nothing.
ASKING_TO_TELL_PATTERNS: list[Pattern] = [
    [lemma("can could"), word("i"), lemma("tell ask"), YOU, SOMETHING],
    [
        lemma("want wanna need"),
        word("to", optional=True),
        TELL,
        word("u you someone somebody", optional=True),
        SOMETHING,
    ],
    [word("gonna gon going"), word("na to", optional=True), TELL, SOMETHING],
]

HESITATING_PATTERNS: list[Pattern] = [
    # backing off: "never mind", "forget it", "its nothing", "dw about it", "doesnt matter"
    [word("never"), word("mind")],
    [word("nvm nevermind")],
    [lemma("forget"), word("it that i")],
    [NOT, word("worry"), word("about"), word("it")],
    [word("dw"), word("about abt")],
    [word("ignore"), word("me")],
    [word("does do"), NOT, word("matter")],
    [word("its it"), word("s 's", optional=True), word("nothing")],
    [word("not"), word("a"), word("big"), word("deal")],
    # not knowing how to say it
    [NOT, word("know"), word("how"), word("to"), lemma("say explain put tell start word")],
    [NOT, word("know"), word("what"), word("to"), word("do")],
    [word("how"), word("do"), word("i"), word("even"), lemma("start say explain")],
    [word("hard"), word("to"), lemma("say explain talk")],
    [word("ca can"), NOT, word("say")],
    [word("if"), word("i"), word("should")],  # "not sure if i should say", "idk if i should"
    [NOT, *gap(1), word("wanna want"), word("to", optional=True), TELL],
    [lemma("scare afraid"), word("to"), TELL],
    [lemma("feel"), word("weird bad awkward"), lemma("say tell")],
    [word("long"), word("story")],
    [word("here"), word("goes")],
    [word("off"), word("my"), word("chest")],
    # about to tell: "can i tell u something", "something happened", "its about someone"
    *ASKING_TO_TELL_PATTERNS,
    [word("if can"), word("i"), lemma("talk ask tell say"), word("about to u you", optional=True), SOMETHING],
    [SOMETHING, word("happened happend happen")],
    [word("did"), SOMETHING, word("bad wrong stupid")],
    [word("its it"), word("s 's", optional=True), word("about"), word("someone somebody")],
    # afraid of how it sounds: "its kinda weird", "this is so embarrassing"; not "is it weird to..."
    [word("its this"), word("is", optional=True), *gap(2), FEELING],
    [word("it"), word("s 's is"), *gap(2), FEELING],
    [lemma("think"), word("im i"), word("m", optional=True), word("stupid weird dumb crazy mad bad")],
    [YOU, word("ll 'll will"), lemma("think laugh judge")],
]


class HesitationDetector:
    """Build once per vocabulary; `detect` is cheap per message."""

    def __init__(self, vocab: Vocab) -> None:
        self._matcher = Matcher(vocab)
        self._matcher.add(Hesitation.SECRECY.value, SECRECY_PATTERNS)
        self._matcher.add("secrecy_at_start", SECRECY_AT_START)
        self._matcher.add("secrecy_at_end", SECRECY_AT_END)
        self._matcher.add(Hesitation.HESITATING.value, HESITATING_PATTERNS)
        self._asking_to_tell = Matcher(vocab)
        self._asking_to_tell.add("asking_to_tell", ASKING_TO_TELL_PATTERNS)

    def only_asks_to_tell(self, doc: Doc) -> bool:
        """Whether the message only asks leave to tell, around pauses ("umm", "ok so"): it is no
        question, whatever the classifier read, so the bot gives time rather than an answer."""
        return any(
            all(_pause_or_filler(token.lower_) for token in _words([*doc[:start], *doc[end:]]))
            for _, start, end in self._asking_to_tell(doc)
        )

    def detect(self, doc: Doc) -> Hesitation | None:
        words = _words(doc)
        if not words or len(words) > MAX_WORDS:
            return None
        found = set()
        for match_id, start, end in self._matcher(doc):
            name = doc.vocab.strings[match_id]
            if name == "secrecy_at_start":
                if start == words[0].i:
                    found.add(Hesitation.SECRECY)
            elif name == "secrecy_at_end":
                if end == words[-1].i + 1:
                    found.add(Hesitation.SECRECY)
            else:
                found.add(Hesitation(name))
        if Hesitation.SECRECY in found:
            return Hesitation.SECRECY
        if found or _only_pauses(words) or _trails_off(doc, words):
            return Hesitation.HESITATING
        return None


def _words(tokens: Iterable[Token]) -> list[Token]:
    return [token for token in tokens if not token.is_punct and not token.is_space]


def _pause_or_filler(word: str) -> bool:
    return bool(PAUSES.match(word)) or word in FILLERS


def _only_pauses(words: list[Token]) -> bool:
    lowered = [token.lower_ for token in words]
    return all(_pause_or_filler(w) for w in lowered) and any(PAUSES.match(w) for w in lowered)


# A message that stops mid-way: "theres this guy and...", "so he sent me something and um".
TRAILING = frozenset("and but so um umm erm idk".split())


def _trails_off(doc: Doc, words: list[Token]) -> bool:
    return doc.text.rstrip().endswith(("...", "…", "..")) or words[-1].lower_ in TRAILING

"""The vocabulary of the extractive summariser: the patterns it reads a meeting with,
and the small pure functions that shape a task.

Kept apart from ``extractive.py`` (which holds the streaming state) so that each rule
can be read, and tested, on its own. Everything here is pure and compiled once.
"""

from __future__ import annotations

import re
from collections import Counter

from bot.digest.names import Names, called
from bot.digest.sentences import content_words
from domain import Speaker

# One word each for getting hold of a person ("ring them", "chase legal", "email me"): whom
# such a verb takes is a person, never the work itself. Phrases that do the same
# ("reach out to", "follow up with") are added where a whole act is recognised (CONTACT_ACT).
CONTACT_VERBS = frozenset("call ring phone email e-mail ping message text contact chase nudge ask".split())
_CONTACT = "|".join(sorted(CONTACT_VERBS, key=len, reverse=True))

APOSTROPHE = re.compile(r"[’‘`]")
# Discourse markers that open a sentence without changing its meaning.
LEAD = re.compile(
    r"^(?:(?:ok(?:ay)?|so|yeah|yes|yep|yup|sure|alright|all\s+right|right|well|and|also|then|great|cool|perfect|"
    r"fine|oh|good|now|but|plus|anyway|thanks|thank\s+you|sounds\s+good|got\s+it|absolutely|definitely|"
    r"no\s+problem|of\s+course|hmm+|honestly|um+|uh+|look|listen|last\s+thing|one\s+more\s+thing|"
    r"one\s+thing\s+from\s+me|from\s+my\s+side|on\s+our\s+side|for\s+the\s+[\w\s]{1,30}?(?=,))\b[,.!:]?\s*)+",
    re.IGNORECASE,
)
ADVERBS = r"(?:\s+(?:also|just|definitely|certainly|actually|probably|then|still|really|personally|totally|happily|gladly|quickly|first|now))*"
STRONG_CUE = re.compile(
    r"\bwhat\s+I(?:'ll|\s+will|'m\s+going\s+to|\s+am\s+going\s+to)\s+do\s+is(?:\s+to)?\b"
    r"|\bI(?:'ll|\s+will|\s+shall)" + ADVERBS + r"\b(?!\s+not\b|\s+never\b)"
    r"|\bI(?:'m|\s+am)" + ADVERBS + r"\s+(?:going\s+to|gonna)\b"
    r"|\blet\s+me\b"
    r"|\b(?:action\s+items?|to-?do)\s+(?:for|on)\s+me\b\s*[:,]?"
    r"|\bmy\s+action\s+item\s+is(?:\s+to)?\b",
    re.IGNORECASE,
)
# Weaker: an ability or a need, not yet a promise. Counted only when confirmed.
WEAK_CUE = re.compile(
    r"\bwhat\s+I\s+can\s+do\s+is(?:\s+to)?\b"
    r"|\bI\s+can" + ADVERBS + r"\b(?!'t|not\b)"
    r"|\bI(?:\s+need|\s+have|'ve\s+got|\s+have\s+got|\s+got)\s+to\b"
    r"|(?:^|\bI(?:'d|\s+would)\s+be\s+|\bI(?:'m|\s+am)\s+)happy\s+to\b"
    r"|\bI(?:'d|\s+would)\s+be\s+happy\s+to\b",
    re.IGNORECASE,
)
# Bare acceptances: a promise only about something already on the table.
ANAPHORIC_CUE = re.compile(
    r"^(?:(?:I(?:'m|\s+am)\s+on\s+it|on\s+it|will\s+do|can\s+do|consider\s+it\s+done|leave\s+it\s+(?:to|with)\s+me"
    r"|I(?:'ve|\s+have)?\s+got\s+(?:it|this|that))\b|me\b[.!]?$)",
    re.IGNORECASE,
)
# What may stand before "I'll" in a real commitment; anything conditional, hedged or
# reported there ("if we had budget I would…", "maybe I'll", "I said I'd") disqualifies.
BAD_PREFIX = re.compile(
    r"\b(?:if|unless|in\s+case|assuming|suppose|supposing|whether|wish|hope|maybe|perhaps|possibly|might"
    r"|don't|do\s+not|doubt|not\s+sure|never|said|told|thought|promised|mentioned|wondering|wonder"
    # Hearsay: "Apparently Carol is going to own the launch", "I heard Tom will take over".
    r"|apparently|supposedly|reportedly|allegedly|heard|rumou?r|word\s+is"
    # A fallback, done only if the plan fails: "failing that, I'll call the bank", "worst case,
    # I'll roll back".
    r"|failing\s+that|worst\s+case|as\s+a\s+(?:fallback|last\s+resort)|if\s+need\s+be|in\s+a\s+pinch)\b"
    r"|\b(?:that|which|who|thing|things|stuff|what|how|where|why)\s*$"
    # Quoting oneself: "every sprint I'm like, I'll fix the flaky tests", "I always say I'll…"
    r"|\b(?:I'm|I\s+am|I\s+was|we're|we\s+were|he's|she's|they're)\s+(?:like|all)[\s,:]*$"
    r"|\b(?:I|we|you|he|she|they)\s+(?:always\s+|keep\s+|usually\s+|often\s+)?(?:say|says|saying)[\s,:]*$",
    re.IGNORECASE,
)
LET_ME_PREFIX_OK = re.compile(r"(?:^|[,;:]|\b(?:and|so|then|but|first|now|okay|ok|yeah|sure|though))\s*$", re.IGNORECASE)
TAG_QUESTION = re.compile(
    r",?\s*\b(?:okay|ok|right|yeah|alright|sound\s+good|sounds\s+good|does\s+that\s+work|is\s+that\s+(?:ok|okay|fine|alright)"
    r"|good|fair|no|yes|everyone\s+okay|everybody\s+okay"
    # "I'll send it on the fourth, is that too late?": asking whether the promise suits, not
    # whether to make it.
    r"|(?:is|would|will)\s+(?:that|this|it)\s+(?:be\s+)?(?:too\s+late|too\s+early|ok(?:ay)?|fine|alright|enough|a\s+problem)"
    r"|(?:does|would|will)\s+(?:that|this|it)\s+work(?:\s+for\s+(?:you|everyone|everybody))?"
    r"|if\s+(?:that|this|it)\s+works(?:\s+for\s+(?:you|everyone|everybody))?)\s*\?\s*$",
    re.IGNORECASE,
)
# Leading words of a task that are not part of it.
TASK_LEAD = re.compile(
    r"^(?:(?:also|just|definitely|certainly|actually|quickly|briefly|then|now|first|still|personally|happily|gladly|probably"
    r"|basically|totally|absolutely|really|honestly|go\s+ahead\s+and|make\s+sure\s+to|be\s+sure\s+to|try\s+to"
    r"|try\s+and|go\s+and|get\s+around\s+to|take\s+care\s+to|make\s+sure\s+I|be\s+the\s+one\s+to|be\s+able\s+to"
    r"|be\s+(?:happy|okay|ok|fine|alright)\s+to"
    r"|have\s+to|need\s+to|want\s+to"
    r"|be(?=\s+\w+ing\b))\b[,]?\s*)+",
    re.IGNORECASE,
)
# A hedge right after the cue: "I'll probably leave a few comments", "I'll try to get it out
# a day early", "I'll hopefully have it". The speaker signals they are not promising:
# note-takers leave these out, and a hedged reply does not accept a request either.
HEDGED = re.compile(
    r"\bI(?:'ll|\s+will|'m\s+going\s+to|\s+am\s+going\s+to|'m\s+gonna)\s+(?:just\s+|also\s+)?"
    r"(?:probably|maybe|possibly|perhaps|hopefully|try\s+(?:to|and)|see\s+if\s+I\s+can|attempt\s+to"
    r"|give\s+it\s+a\s+(?:shot|go|try|whirl))\b",  # "I'll give it a shot": a try
    re.IGNORECASE,
)
# "I'll, I'll stop sharing": the cue said twice while thinking; the task starts after both.
STUTTER = re.compile(r"^[\s,]*(?:(?:I'll|I\s+will|I'm\s+going\s+to|I'm\s+gonna|let\s+me)\b[\s,]*)+(?=\w)", re.IGNORECASE)
# Rule SELF_REPAIR: the words after a cue start again with their own subject ("I'll, I mean I
# might…", "I can, I sit next to her…", "I'll, or rather we'll…"): the cue was abandoned.
SELF_REPAIR = re.compile(r"^(?:(?:I\s+mean|or\s+rather|sorry|actually|well|no|yeah|yes|yep|okay|ok|so|like|right)[\s,]+)*(?=(?:I|we)(?:\s|'(?:ll|m|d|ve|re)\b))",
                         re.IGNORECASE)
# Rule ROLE_PLAY: a role taken on to show something ("I'm going to pretend I'm a new user",
# "imagine I'm the customer", "playing the role of the admin").
ROLE_PLAY = re.compile(r"\b(?:pretend(?:ing)?|imagine)\s+(?:that\s+)?(?:I'm|I\s+am|I\s+was|to\s+be|we're)\b"
                       r"|\bplay(?:ing)?\s+the\s+(?:role|part)\s+of\b", re.IGNORECASE)
# Rule PUT_ME_DOWN: signing up for a named piece of work ("put me down for the slides",
# "sign me up for the microcopy"); "put me down for Tuesday" is a slot, not work.
DRAFT_OF = re.compile(r"^(?:have|get|send|share|do|put|put\s+together|write|take)\s+(?:a|the|my)\s+(?:first\s+|rough\s+|quick\s+)?"
                      r"(?:draft|version|cut|pass|outline|stab)\b", re.IGNORECASE)
PUT_ME_DOWN = re.compile(r"^(?:(?:just|yeah|okay|so)[\s,]+)*(?:put|sign|count)\s+me\s+(?:down|up|in)\s+(?:for|on)\s+"
                         r"(?P<t>(?:the|a|an|this|that)\s+[^,.;!?]+)", re.IGNORECASE)
# Rule CONTACT_AGAIN: "I'll talk to Sanjay on platform. I'll ping him today.": reaching the
# person just named, with nothing more said, is how the item just promised gets done (its
# date), not another item ("I'll call her about the invoice" says what for, and stays).
CONTACT_PRONOUN = re.compile(r"^(?:talk|speak|chat)\s+(?:to|with)\s+(?:him|her|them)\b|^(?:ping|call|ring|phone|email|e-mail|message|text"
                             r"|ask|contact|reach\s+out\s+to|check\s+(?:in\s+)?with|follow\s+up\s+with|catch\s+up\s+with|grab|nudge"
                             r"|chase)\s+(?:him|her|them)(?:\s+(?:about\s+it|on\s+it|about\s+that))?\s*[.!]?$", re.IGNORECASE)
# A task that only points at its object: "look at tuning those", "pair with Mei on it".
POINTING = re.compile(r"\b(?:it|them|those|these|that(?:\s+one)?|this(?:\s+one)?)\s*$", re.IGNORECASE)
# "…I'll also send the minutes", "…as well": a further task, not the same one said again.
ANOTHER_TASK = re.compile(r"\b(?:also|too|as\s+well|another|separately|on\s+top\s+of\s+that|plus)\b", re.IGNORECASE)
# "check if the vendor supports SSO", "ask Dana if she can cover": the "if" of a question
# being looked into, part of the task (read as "whether", so no clause is cut there).
WHETHER_IF = re.compile(r"((?:^|\band\s+)(?:double[\s-]check|check|ask|see|find\s+out|confirm|verify|figure\s+out|test|look\s+into)\b"
                        r"(?:\s+[\w'-]+){0,3}?)\s+if\b", re.IGNORECASE)
# "Can you all see it?", "you should see it now": the thing just "shared" is on the screen.
SHOWN = re.compile(r"\b(?:can\s+(?:you|everyone|everybody|you\s+all|y'all)\s+(?:all\s+)?see|you\s+should\s+(?:be\s+able\s+to\s+)?see"
                   r"|do\s+you\s+see|is\s+(?:that|it|this)\s+(?:visible|showing|coming\s+through)|everyone\s+see)\b", re.IGNORECASE)
SHARE_TASK = re.compile(r"^(?:share|show|present|pull\s+up|bring\s+up)\b(?!.*\b(?:with|to|after|later|by|via|in\s+the\s+channel)\b)",
                        re.IGNORECASE)
# "Can you do that as part of the implementation?": "do that" stands for the work just named.
DO_THAT = re.compile(r"^(?:do|handle|take\s+care\s+of|take\s+on|own|pick\s+up)\s+(?:that|it|this)\b(?P<rest>.*)$", re.IGNORECASE)
# What someone meant, wants or needs to do, not yet a promise ("I was going to add dashboards
# for hit rate, but I haven't started"): what a later "can you do that?" points to.
INTENTION = re.compile(r"\bI\s+(?:was\s+going\s+to|(?:really\s+)?want(?:ed)?\s+to|need(?:ed)?\s+to|should|meant\s+to|(?:'d|would)\s+like\s+to"
                       r"|was\s+planning\s+to|planned\s+to)\s+(?P<t>[a-z].+)", re.IGNORECASE)
# A task names work with a verb. "I'm going to Kisumu", "Amina is going to the offsite": a
# place, not work (a brand used as a verb, "I'll Slack Bob", stays).
NOT_A_VERB = re.compile(r"^(?:(?:the|a|an|my|our|your|his|her|their|this|that|these|those)\b"
                        r"|(?!(?:Slack|Google|Venmo|Zoom|Loom|Jira|WhatsApp|Ping|Email|Text|Call|DM)\b)[A-Z][a-z])")
# A request to the whole group ("could you all…", "can you both…", "everyone, please…") is a
# wish for the group, like "let's…": no one person takes it on by saying "yeah".
GROUP_ADDRESS = re.compile(r"\b(?:you\s+(?:all|both|two|three|guys|folks|lot|everyone|people)|y'all|all\s+of\s+you|both\s+of\s+you"
                           r"|everyone|everybody|folks|guys)\b", re.IGNORECASE)
# Rule CONDITIONAL_TAIL: a promise that holds only if something else happens first ("I'll
# bring the stickers if someone reminds me", "I'll file a ticket if it's on our side", "I'll
# call them Thursday if nobody's come") is a contingency, not a commitment: the labelling
# rules leave hypotheticals and conditional offers out. Not conditions: courtesies ("if
# that works", "if you want", "if needed", "if any"), "even if", "if not" ("today, if not tomorrow"),
# and the "if" of a question being looked into ("check if", "ask him if he can").
CONDITIONAL_TAIL = re.compile(
    r"(?<!\beven)\s(?:if|provided(?:\s+that)?|as\s+long\s+as|assuming(?:\s+that)?)\s+(?!not\b|so\b|needed\b|necessary\b|possible\b|required\b"
    r"|any\b|anything\b|applicable\b|relevant\b|there\s+(?:are|is)\s+any\b"
    r"|(?:that|this|it)(?:\s+still)?\s+(?:works|helps|suits|is\s+\w+|'s\s+\w+|would\s+help)\b"
    r"|(?:you|they|he|she|anyone|everyone|people|y'all)\s+(?:(?:still|really)\s+)?(?:want|wants|like|likes|prefer|prefers|need|needs)\b"
    r"|(?:you|that)'d\s+like\b|you\s+(?:don't|do\s+not)\s+mind\b)",
    re.IGNORECASE,
)
# The verbs after which "if" asks a question rather than sets a condition.
_WHETHER = re.compile(r"\b(?:check|checking|see|ask|asking|find\s+out|confirm|verify|know|test|figure\s+out|look|investigate"
                      r"|tell|wonder|clarify|determine|understand|explore|double[\s-]check|sure|doubt)\b(?:\s+\S+){0,3}\s*$",
                      re.IGNORECASE)


def conditional(after_cue: str) -> bool:
    """Whether the words after a commitment's cue make it depend on a condition (see
    CONDITIONAL_TAIL)."""
    if " if " not in after_cue and "provided" not in after_cue and "as long as" not in after_cue and "assuming" not in after_cue:
        return False
    for match in CONDITIONAL_TAIL.finditer(after_cue):
        said_before = after_cue[: match.start()]
        if _WHETHER.search(said_before) or _PURPOSE_CLAUSE.search(said_before):
            continue
        if _JOINED.search(said_before) and _OWN_CONSEQUENCE.match(after_cue, match.end()):
            continue  # "…and copy in the registrar, and if she doesn't comply we go for an order": its own sentence
        if _SUBJECT_JOINED.search(said_before):
            continue  # "I'll draft it with those dates, and we can change it if the quote changes": that clause's condition
        return True
    return False


# "…, and if she doesn't comply we go for an unless order": an "if" after "and" or "but" whose
# clause has a main clause of its own conditions that, not the promise before it.
_JOINED = re.compile(r"[,;]\s*(?:and|but|or)?\s*$", re.IGNORECASE)
# …and an "if" inside a clause joined after the promise with a subject of its own conditions that clause.
_SUBJECT_JOINED = re.compile(r"[,;]\s*(?:and|but|or|so)\s+(?:then\s+)?(?:we|they|you|he|she)(?:'ll|'d|'re|'ve)?\s+[^,;]*$",
                             re.IGNORECASE)
_OWN_CONSEQUENCE = re.compile(r"[^,.;]{3,60}?,?\s+(?:we|they|I|you|he|she|it)(?:'ll|'d|'re)?\s+(?!if\b)[a-z]+",
                              re.IGNORECASE)


# A clause of purpose, result or reason that an "if" then belongs to: "I'll add an alert, so we
# get paged if it drops", "I'll raise it today, because if the template takes two weeks we're
# stuck": the promise itself has no condition.
_PURPOSE_CLAUSE = re.compile(r"\b(?:so(?:\s+that)?\s+(?:we|you|they|he|she|it|I|people|everyone|everybody|nobody|someone|the\s+\w+)"
                             r"|in\s+order\s+(?:to|that)|to\s+make\s+sure|because|since|'cause|cause)\b", re.IGNORECASE)


# -- hedges and habits -------------------------------------------------------------------
# Rule EPISTEMIC_HEDGE: "I think I'll try the new linter", "I guess I'll have a look",
# "probably I'll…", "I think Carol is going to take it": a guess about what will happen,
# said right before the promise, hedges it as "maybe I'll" does (BAD_PREFIX). Only right
# before the cue: in "I think that's right, I'll send it" the promise itself is plain.
HEDGE_BEFORE = re.compile(r"(?:\bI\s+(?:think|guess|suppose|reckon|imagine|expect|'d\s+say|would\s+say)|\bprobably|\blikely)"
                          r"\s*,?\s*(?:that\s+)?$"
                          # "In theory I'll have it by Friday", "ideally I'll…": said of a world
                          # that may not come about, wherever it stands before the cue.
                          r"|\b(?:in\s+theory|theoretically|ideally|in\s+principle|in\s+an\s+ideal\s+world|on\s+paper)\b",
                          re.IGNORECASE)
# A purpose clause closing the words before "I can": "…the numbers, so I can book the
# accrual", "…in order that I can plan". ("So I can do that tomorrow" opens its sentence,
# and LEAD has taken the "so" off before this is asked.)
PURPOSE_BEFORE = re.compile(r"\S\s*,?\s+(?:so(?:\s+that)?|in\s+order\s+that|such\s+that)\s*$", re.IGNORECASE)
# Rule HEDGE_TAIL: "I'll try the linter, maybe.", "I'll have a look, no promises", "I'll
# post something, we'll see": a hedge standing as a clause of its own after the promise
# takes it back. A hedge on the date ("by the tenth, probably earlier", "Monday, maybe
# Tuesday") leaves the promise as it was.
HEDGE_TAIL = re.compile(
    r"(?:^|[,;(]|\s-+|\s—|\s)\s*(?:(?:maybe|perhaps|possibly|probably|hopefully|I\s+(?:think|guess|suppose|hope))\s*(?:[,.;!?)]|$)"
    r"|(?:but\s+)?no\s+promises\b|(?:but\s+)?(?:we'll|let's|I'll)\s+see\b|fingers\s+crossed\b"
    # "…, or maybe Bob should", "…, or actually Carol": the promise offered to someone else.
    r"|\bor\s+(?:maybe|perhaps|actually|else|possibly)\b"
    r"|but\s+(?:I'm\s+)?not\s+(?:sure|promising)\b|(?:I'm\s+)?not\s+promising\b|(?:but\s+)?(?:I\s+)?(?:can't|cannot)\s+promise\b)",
    re.IGNORECASE,
)
# A sentence that is nothing but a hedge ("Maybe.", "No promises.", "We'll see."): said
# right after a promise in the same turn, it takes that promise back.
HEDGE_ONLY = re.compile(r"(?:maybe|perhaps|possibly|probably|hopefully|no\s+promises|(?:we'll|let's)\s+see|we\s+will\s+see"
                        r"|not\s+sure|I\s+(?:don't|do\s+not)\s+know(?:\s+yet)?|fingers\s+crossed|I\s+(?:can't|cannot)\s+promise"
                        r"(?:\s+anything)?)[\s,.!?]*", re.IGNORECASE)
# Rule HABITUAL: "Usually I'll send the notes on Friday", "I'll normally ping the on-call",
# "whenever the build breaks I'll revert the commit": what the speaker does as a habit
# describes how the work goes; it is no new promise.
HABITUAL = re.compile(r"\b(?:usually|normally|typically|generally|often|sometimes|whenever|every\s+time|each\s+time"
                      r"|tend\s+to|as\s+(?:usual|always))\b", re.IGNORECASE)


# The words of the two rules above, for a cheap test before the patterns run.
HEDGE_WORDS = frozenset("think guess suppose reckon imagine expect say probably likely maybe perhaps possibly hopefully hope "
                        "promises promise promising see crossed sure actually else theory theoretically ideally principle "
                        "ideal paper".split())
HABIT_WORDS = frozenset("usually normally typically generally often sometimes whenever every each tend usual always".split())
_HABIT_CLAUSE = re.compile(r"\b(?:whenever|every\s+time|each\s+time)\b", re.IGNORECASE)


# Rule FUTURE_PROGRESSIVE: "I'll be posting the roadmap on our blog", "Carol will be
# presenting at the all hands": the future progressive tells what will be going on anyway,
# as a matter of course; it takes nothing on ("I'll post the roadmap" does).
FUTURE_PROGRESSIVE = re.compile(r"^(?:(?:also|just|probably|then|still)\s+)*be\s+[a-z]+ing\b", re.IGNORECASE)


def hedged(before_cue: str, after_cue: str) -> bool:
    """Whether a promise is hedged by what stands right before its cue or by a hedge
    clause after it (EPISTEMIC_HEDGE, HEDGE_TAIL)."""
    return HEDGE_BEFORE.search(before_cue) is not None or HEDGE_TAIL.search(after_cue) is not None


def habitual(before_cue: str, after_cue: str) -> bool:
    """Whether a promise describes a habit (HABITUAL): a habit word before the cue, as the
    first word after it ("I'll usually…"), or "whenever…" anywhere."""
    if HABITUAL.search(before_cue):
        return True
    return HABITUAL.match(after_cue.lstrip()) is not None or _HABIT_CLAUSE.search(after_cue) is not None


# -- the talk itself ---------------------------------------------------------------------
# What is on the screen, or a part of the talk: where a presenter goes, what they open.
_SCREEN_THING = (r"(?:slides?|deck|tab|screen|window|page|chart|graph|dashboard|board|spreadsheet|sheet|diagram|view"
                 r"|environment|browser|terminal|section|part|figma|notebook|demo|mock-?ups?|wireframes?|prototype|frame|doc"
                 r"|file|report|results|numbers|findings|metrics|figures|example|topic|item|agenda|list|outline)")
# Whatever sends an act outside the call: a recipient or a place to put it ("to marketing",
# "with the team", "in the channel", "by email"), or a later time ("after this",
# "offline"; dates are found by ``DueDates``). "to the next slide", "to you" (the audience
# in the call) and "with everyone here" do not.
_OUTSIDE = re.compile(
    r"\b(?:to|with|for)\s+(?!(?:just|only)\b|(?:the|this|that|my|our|a|an)\s+(?:next|previous|last|first|second|third|other|bottom|top|end|right|left"
    r"|(?:[\w-]+\s+){0,2}?(?:" + _SCREEN_THING + r"|bit|moment|second|minute)s?)\b"
    r"|(?<!with\s)(?:you|everyone|everybody|y'all|you\s+all|us|all\s+of\s+you|the\s+group)\b|a\s+(?:sec|second|moment|minute|bit)\b"
    # a demo's prop ("with the test user") is no recipient
    r"|(?:the|a|an|this|that|my|our)\s+(?:test|fake|dummy|sample|demo)\s+(?:user|account|card|ticket|customer|order|tenant|org|project|data|email)s?\b"
    # a span of time ("select the date range for last quarter") is no recipient
    r"|(?:the\s+)?(?:last|this|next|past|previous)\s+(?:\w+\s+)?(?:quarter|week|month|year|days?|weeks|months|hours?|sprint)\b"
    r"|(?:show|see|look|compare|start|begin|explain|understand|illustrate|give|get)\b)[\w'-]+"
    r"|\b(?:after|later|afterwards|offline|async|in\s+the\s+\w*\s*channel|on\s+slack|by\s+e-?mail|over\s+e-?mail|via\s+\w+"
    r"|in\s+(?:the\s+)?(?:thread|group\s+chat|drive|folder|wiki|confluence|repo))\b",
    re.IGNORECASE,
)
# Artefacts that only exist once the call is over: sharing them is always work.
_AFTERWARDS = re.compile(r"\b(?:notes|minutes|recording|summary|recap|write-?up|action\s+items|transcript)\b", re.IGNORECASE)
# Rule ON_SCREEN_NOW: showing something, or moving about what is shown, with nothing that
# sends it outside the call, is the call itself: "I'm going to share the retro board",
# "I'll show the retention chart first", "let me go to the next slide", "I'll open the
# spreadsheet so everyone can see it", "switch over to the staging environment". (In the
# dev meetings every "share…" without a channel, a person or a time is the screen.) "open"
# and "go to" need a thing that is shown ("open a ticket", "go to the conference" are not).
_SHOWING = re.compile(r"^(?:show|share|demo|demonstrate|illustrate|pull\s+up|bring\s+up|put\s+up|display|skip)\b(?!\s+(?:it|that|this|them)\s*$)"
                      # "I'll just put the P and L up": the thing shown, with nowhere else to put it
                      r"|^(?:put|pull|bring)\s+(?:the|my|our|this|these)\s+(?:(?:[\w&'-]+\s+){0,3}?" + _SCREEN_THING
                      + r"|P\s*(?:and|&)\s*L|p&l|forecast|budget|roadmap|plan|timeline|numbers)\s+up[\s.!,]*$", re.IGNORECASE)
_MOVING_ON_SCREEN = re.compile(
    # "turn to the next slide"; "turn the doc into an ADR" makes something new (work).
    r"^(?:open|go|move|skip|jump|switch|flip|turn(?=\s+(?:over\s+|back\s+)?to\b)|head|navigate|scroll|zoom|come|hop|click|change|refresh"
    r"|reload)"
    r"(?:\s+(?:over|back|down|up|in|on|out|ahead|forward))?(?:\s+(?:to|into|onto|on|in\s+on|through))?\s+"
    r"(?:(?:the|this|that|my|our|a|an)\s+(?:next|previous|last|other|second|third|fourth|first)\b"
    r"|(?:the|this|that|my|our|a|an)\s+(?:[\w-]+\s+){0,3}?" + _SCREEN_THING + r"\b)",
    re.IGNORECASE,
)


# Rule PRESENTING_NOW: a presenter says what comes next in the talk ("Next I'm going to show
# the funnel", "Now I'll go to the cohort tab", "In this section I'll compare the three
# vendors", "I'll now present the pricing options", "I'm going to run the numbers live").
# What marks it: a word that places the act at this point of the talk, before the cue
# (next, now, here, first, in this section) or anywhere (right now, live, here, on
# this slide, so everyone can see), with a verb of showing, going through or talking,
# and nothing sending it outside the call. "Next I'll send the deck to Acme" and "I'll
# walk the support leads through it on Monday" stay.
_TALK_VERB = re.compile(
    r"^(?:show|present|demo|(?:walk|take|run|talk)\s+(?:\w+\s+)?through|go\s+(?:to|through|over|back|into)|move|jump|skip|switch"
    r"|flip|turn\s+to|head|talk\s+about|cover|discuss|compare|explain|open|(?:pull|bring)\s+up|share|zoom|scroll|dive"
    r"|focus|start|begin|highlight|touch\s+on|click|type|play|do\s+a\s+(?:quick\s+)?(?:demo|walkthrough|run-?through)|give\s+(?:you\s+)?a\s+(?:quick\s+)?(?:demo|tour))\b",
    re.IGNORECASE,
)
_TALK_POINTING = re.compile(r"^(?:walk|talk|run|go|take\s+(?:you|everyone|us))\s+(?:(?:you|everyone|us|y'all)\s+)?through\s+"
                            r"(?:it|this|that|these|them)(?:\s+(?:quickly|quick|real\s+quick|briefly|first|now))?"
                            r"(?=\s*$|[,.;]|\s+(?:and|then|before|so)\b)", re.IGNORECASE)
_HERE_AND_NOW_LEAD = re.compile(
    r"\b(?:next(?:\s+up)?(?!\s+(?:time|week|month|year|quarter|sprint|meeting|call|session|\w+day)\b)|now|here|second|third|finally|lastly|first(?:\s+(?:off|up))?|after\s+that|moving\s+on|to\s+(?:start|begin)"
    r"|(?:in|for)\s+(?:this|the\s+next)\s+(?:section|part|slide|chapter)|in\s+(?:section|part|chapter)\s+\w+|on\s+(?:this|the\s+next)\s+(?:slide|page|screen|tab))\b",
    re.IGNORECASE,
)
_HERE_AND_NOW = re.compile(
    r"\b(?:right\s+now|now|live|here|in\s+real\s+time|on\s+(?:this|the\s+next|the\s+previous|the|my)\s+(?:slide|page|screen|tab)"
    r"|as\s+you\s+can\s+see|so\s+(?:that\s+)?(?:you|everyone|everybody|we|you\s+all|y'all)\s+can\s+(?:all\s+)?see)\b",
    re.IGNORECASE,
)


# Acts done on the spot, in front of everyone, when the words say so ("I'm going to run the
# numbers live", "I'll type the query in here"); "First I'll run the migration" stays.
_LIVE_VERB = re.compile(r"^(?:run|type|enter|paste|filter|sort|search|query|try|refresh|reload|drag)\b", re.IGNORECASE)
# Rule UI_NARRATION: working the controls of what is shown, in the words of any demo: "I'll
# hit save", "now I'll select the date range", "I'm going to type in the customer's email",
# "I'll paste the query into the console", "let me log in as an admin user", "let me put
# this in presentation mode". (UI_ACTION covers a control named by its capitalised label.)
_UI_NARRATION = re.compile(
    r"^(?:hit|press|click|tap)\s+(?:on\s+)?(?:the\s+)?(?:save|enter|submit|continue|next|send|run|go|ok|okay|cancel|apply|refresh"
    r"|back|done|confirm|create|search|publish|play|stop)\b"
    r"|^(?:select|highlight|tick|untick|check|uncheck)\s+(?:the\s+|this\s+|that\s+|a\s+)?(?:[\w-]+\s+){0,2}?(?:range|option|box|checkbox"
    r"|field|filter|row|column|cell|item|dropdown|menu|tab|button|radio|toggle|template)\b"
    r"|^type\s+(?:in|out)\b|^(?:type|paste|enter|copy|drop)\b.*\b(?:in|into)\s+(?:the|this|that|a)\s+(?:[\w-]+\s+)?(?:console|terminal|box"
    r"|field|bar|editor|cell|prompt|form|window|search|input)\b"
    r"|^(?:log|sign)\s+(?:in|into|on)\b(?!.*\band\b)"
    r"|^(?:try|run|do)\s+(?:it|that|this)\s+(?:again|one\s+more\s+time|once\s+more)\b"
    # panels and lists of the screen: "expand this section", "collapse the sidebar", "filter
    # down to…", "sort this by revenue"; a thing pointed at ("copy this link", "rerun that
    # query"); a form filled in ("enter a test card number", "submit the form")
    r"|^(?:expand|collapse|minimi[sz]e|maximi[sz]e|hide|unhide)\s+(?:the|this|that)\s+(?:[\w-]+\s+)?(?:section|sidebar|panel|pane|menu"
    r"|row|list|view|tree|node|card|details|window|column|toolbar|legend)\b"
    r"|^filter\s+(?:down|by|it|this|that|them)\b|^sort\s+(?:it|this|that|them)\s+by\b"
    r"|^(?:copy|paste|grab)\s+(?:this|that)\s+(?:link|url|text|query|id|token|snippet|value)\b"
    r"|^(?:re)?run\s+(?:this|that)\s+(?:query|script|cell|command|test|job|report)\b"
    r"|^submit\s+(?:the|this)\s+form\b"
    r"|^enter\s+(?:a|the|some|my)\s+(?:test\s+|fake\s+|dummy\s+)?(?:card|number|value|name|email|address|password|code|amount|date)\b"
    r"|^(?:put|switch|go|turn)\b.*\b(?:presentation|full[\s-]?screen|slideshow|dark|light|edit|preview)\s+mode\b",
    re.IGNORECASE,
)
# A pause in the talk said before the act: "One sec, I'll find the ticket number", "hang on,
# let me look", "…real quick": the act fills the pause, in the call.
_IMMEDIATE_LEAD = re.compile(r"\b(?:(?:one|a|just\s+a)\s+(?:sec|second|moment|minute|min)|hang\s+on|hold\s+on|bear\s+with\s+me"
                             r"|give\s+me\s+a\s+(?:sec|second|moment|minute))\b", re.IGNORECASE)
# …or after it: "let me find the photo from last year, hold on".
_PAUSE_AFTER = re.compile(r"[,;-]\s*(?:hold\s+on|hang\s+on|one\s+(?:sec|second|moment)|bear\s+with\s+me)\s*[.!…]*\s*$",
                          re.IGNORECASE)
_PAUSE_WORDS = frozenset("sec second moment minute min hang hold bear give".split())
# Rule DURING_THE_CALL: whatever the verb, an act said to happen now, while everyone watches
# ("I'll mark it amber now", "let me create the connection while we talk", "let me create a
# test ticket so you can see"), is done in the call. Not "for now", "by now", "now that".
_DURING_THE_CALL = re.compile(
    r"(?<!\bfor\s)(?<!\bby\s)(?<!\bfrom\s)(?<!\buntil\s)(?<!\bas\sof\s)(?<!\bis\s)(?<!'s\s)(?<!\bare\s)\b(?:right\s+)?now\b"
    # …closing its clause ("mark it amber now, actually"), not one step of several ("I'll
    # review it now and approve it")
    r"(?=\s*(?:[,.;:!?]|$)|\s+(?:so|while|for\s+(?:you|everyone)|actually)\b)"
    r"|\b(?:while\s+(?:we(?:'re|\s+are)?\s+(?:talk|talking|wait|waiting|here|on\s+(?:the|this)\s+call)|you\s+(?:watch|wait))"
    r"|during\s+(?:the|this)\s+call|on\s+this\s+call|in\s+real\s+time|as\s+we\s+speak"
    r"|live"
    # the audience watching ("so you can see"; "so we can see what's failing" is a purpose of work)
    r"|so\s+(?:that\s+)?(?:you|everyone|everybody|you\s+all|y'all)\s+(?:can\s+|could\s+|will\s+|'ll\s+)?(?:all\s+)?(?:see|watch)"
    r"|real\s+quick|for\s+(?:you|everyone)\s+to\s+see"
    # deixis to the screen, and a purpose that is the demo itself: "edit the rule right here",
    # "add a teammate, just to show the invite flow", "pick the monthly plan for this example"
    r"|right\s+here|on\s+(?:(?:the|my)\s+)?screen|in\s+here|up\s+here|down\s+here|over\s+here"
    r"|just\s+to\s+(?:show|demonstrate|illustrate)"
    r"|to\s+(?:show|demonstrate|illustrate)\s+(?:you|everyone|everybody|y'all|you\s+all|us|how|what)|for\s+(?:this|the|our)\s+(?:demo|example|exercise|walkthrough|purposes\s+of)"
    r"|as\s+an\s+example)\b",
    re.IGNORECASE,
)
# "Live" of a launch, not of the call: "take the pricing page live", "push the fix live".
_LAUNCH = re.compile(r"^(?:go|take|make|put|push|flip|bring|turn|set|get|switch|roll)\b[^,.;]*\blive\b", re.IGNORECASE)
# Made-up things made for the demo: "I'll type a fake customer email", "add a dummy user".
_DEMO_PROP = re.compile(r"\b(?:fake|dummy|made-up|pretend|bogus|sample)\b", re.IGNORECASE)
# Rule MEETING_BOARD: moving the meeting's own stickies and rows about ("I'll add a column for
# proposals", "I'll move this to the parking lot", "I'll close the board", "let me add a row
# for that") is running the meeting, not work after it.
_BOARD_THING = r"(?:rows?|columns?|sticky|stickies|sticky\s+notes?|cells?|lanes?|swim\s*lanes?)"  # not "card": a ticket
_BOARD_EDIT = re.compile(
    # the board's own parts as the object: "add a column for proposals", "mark that row green"
    r"^(?:add|group|mark|label|rename|delete|remove|merge|sort|tag|colou?r|archive|clear|update|move|drag)\s+"
    r"(?:(?:a|an|the|this|that|these|those|my|our|new|another|one\s+more)\s+)?(?:[\w-]+\s+){0,2}?" + _BOARD_THING
    # …as the head of its phrase: not "a row-count check", "a row count check"
    + r"(?=\s*$|\s*[,.;!]|\s+(?:for|to|in|on|at|with|about|under|into|here|there|called|named|and|green|red|yellow|blue"
    r"|orange|purple|grey|gray)\b)"
    # moving something to a place on the board: "move this to the parking lot"
    r"|^(?:move|drag|put|group|park|stick)\b.*\b(?:to|into|onto|in|under)\s+(?:the|a)\s+(?:[\w-]+\s+)?(?:parking\s+lot|" + _BOARD_THING + r")\b"
    # sorting what everyone is looking at: "I'll group these two, slow CI and flaky tests"
    r"|^(?:group|cluster|bucket)\s+(?:these|those|them|all\s+of\s+these)(?:\s+(?:two|three|four|together|ones))?(?=\s*(?:$|[,.;]|together|under))"
    # the board itself: "I'll close the board"
    r"|^(?:close|archive|clear|lock)\s+(?:the|this|our)\s+(?:retro\s+)?board\b",
    re.IGNORECASE,
)
_LATER = re.compile(r"\b(?:after|later|afterwards|offline)\b", re.IGNORECASE)


def _during(after_cue: str, task: str) -> bool:
    """DURING_THE_CALL, but for the "live" of a launch."""
    found = _DURING_THE_CALL.search(after_cue)
    return found is not None and not (found.group(0).lower() == "live" and _LAUNCH.match(task) is not None)


def said_for_later(text: str) -> bool:
    """"After the call I'm going to…", "later I'll…": the act is put after the call."""
    return _LATER.search(text) is not None


def outside_the_call(after_cue: str) -> bool:
    """Whether the words after a cue send the act to someone, somewhere or to later."""
    return _OUTSIDE.search(after_cue) is not None or _AFTERWARDS.search(after_cue) is not None


# Rule DONE_ON_THE_SPOT: "Let me add a row for that. Okay, it's there.", "I'm going to apply
# the welcome macro. Done.": the speaker reports the act finished in the same breath, so it
# was done in the call, in front of everyone.
DONE_WORDS = frozenset("done there set in".split())  # one of them is in every DONE_NOW
DONE_NOW = re.compile(r"(?:(?:okay|ok|and|so|right|there),?\s+)*(?:done|there\s+(?:it\s+is|we\s+go|you\s+go)|it's\s+(?:there|done|in)"
                      r"|all\s+set|that's\s+(?:done|in|there)|there)[\s.!]*", re.IGNORECASE)


# The words DURING_THE_CALL and the demo props are made of: a sentence with none of them
# skips those two searches (``in_the_call`` runs on every promise).
NOW_WORDS = frozenset("now while during call live real speak see watch fake dummy made-up pretend bogus sample here screen "
                      "show demonstrate illustrate demo example exercise walkthrough purposes".split())


# Every verb the patterns above start with: a promise whose first word is none of them
# skips them all.
_SCREEN_VERBS = frozenset(
    "add group mark label rename delete remove merge sort tag color colour archive clear update move drag put park stick close lock "
    "show share demo pull bring display skip present walk take run talk go jump switch flip turn head cover discuss compare "
    "explain open zoom scroll dive focus start begin highlight touch click type play do give navigate come hop change refresh "
    "reload hit press tap select tick untick check uncheck paste enter copy drop log sign try filter search query demonstrate "
    "illustrate expand collapse minimise minimize maximise maximize hide unhide grab rerun submit".split())


# A request to explain to the one asking, which the answer does in the call ("today" in it
# says how things are done now, not when: "walk me through how it's done today").
EXPLAIN_TO_ME = re.compile(r"(?:just\s+)?(?:walk|talk|take|run)\s+(?:me|us)\s+through\b", re.IGNORECASE)
_ELSEWHEN = re.compile(r"\b(?:at|in|during)\s+(?:the|our|your|next|tomorrow's|monday's|friday's)\s+[\w'-]+", re.IGNORECASE)


def in_the_call(before_cue: str, after_cue: str, asked: bool = False, presenting: bool = False,
                words: frozenset[str] | None = None) -> bool:
    """Whether a promise's act is the screen or the talk, now: ON_SCREEN_NOW, PRESENTING_NOW,
    DURING_THE_CALL, MEETING_BOARD, and for one who is showing their screen any verb after
    "here", "now", "next" or "third" ("So here I'm going to create a new alert"). Read on
    the words before and after the cue; date phrases are the caller's to rule out. The
    cheap tests on the first words run first: most promises are none of these.
    ``asked``: the words of a request. "Could you share the org chart?" asks for the file
    (the asker cannot take it from someone else's screen); "can you go to the next tab?"
    and "can you pull up the dashboard?" are still the screen. ``words``: the sentence's
    words, when known."""
    task = TASK_LEAD.sub("", after_cue.lstrip(" ,"))  # "let me just refresh…", "let me quickly open…"
    first = task.split(None, 1)[0].lower().rstrip(",.;:!?") if task else ""
    showing: re.Match[str] | None = None
    talk = live = False
    if asked and EXPLAIN_TO_ME.match(task) is not None:
        # "Can you just walk me through how a week's schedule gets made today?": answered there
        # and then, unless put elsewhere or later ("…at the retro", "…after the call").
        return _LATER.search(after_cue) is None and _ELSEWHEN.search(after_cue) is None
    if first in _SCREEN_VERBS:  # the patterns that read the verb run only for these verbs
        if _BOARD_EDIT.match(task) is not None:
            # The board's "for proposals", "to the parking lot" stay on the board.
            return not (_AFTERWARDS.search(after_cue) or _LATER.search(after_cue))
        showing = _SHOWING.match(task)
        if showing is not None and asked and showing.group(0).lower() in ("show", "share", "demo", "display"):
            showing = None
        talk = _TALK_VERB.match(task) is not None
        if talk and _TALK_POINTING.match(task) is not None:
            # Rule TALK_POINTING: "I'll just walk through it quickly and then we go to your
            # notes": talk about only "it" is about what is in front of everyone, now ("…after
            # the call", "…later" put it outside).
            return _LATER.search(after_cue) is None
        live = talk or _LIVE_VERB.match(task) is not None
        if showing is None and (_MOVING_ON_SCREEN.match(task) is not None or _UI_NARRATION.match(task) is not None):
            return not outside_the_call(after_cue)
    if not (showing is not None
            or ((talk or presenting) and _HERE_AND_NOW_LEAD.search(before_cue) is not None)
            or ((words is None or not words.isdisjoint(_PAUSE_WORDS))
                and (_IMMEDIATE_LEAD.search(before_cue) is not None or _PAUSE_AFTER.search(after_cue) is not None))
            or (live and _HERE_AND_NOW.search(after_cue) is not None)
            or ((words is None or not words.isdisjoint(NOW_WORDS))
                and (_during(after_cue, task) or _DEMO_PROP.search(after_cue) is not None))):
        return False
    return not outside_the_call(after_cue)


# "I can, but I'm out from tomorrow": a concession, not yet a promise (what follows decides).
CONCESSION = re.compile(r"^(?:but|though|although|only|except)\b", re.IGNORECASE)
# "Can you all see the Figma?": a check of what the call shows, asking no work of anyone.
PERCEPTION = re.compile(r"^(?:all\s+|both\s+|everyone\s+)?(?:see|hear)\b", re.IGNORECASE)
# After "I can": perceiving or understanding, not an act ("I can see a phone number", "I can
# imagine"). With a date, "I can see the client Tuesday" is a meeting and stays.
PERCEIVING = re.compile(r"(?:(?:already|still|just|definitely|totally|kind\s+of|sort\s+of)\s+)?"
                        r"(?:see|hear|imagine|understand|relate|smell|picture|believe)\b", re.IGNORECASE)
NOT_A_TASK = re.compile(r"^(?:not|never|no\s+longer|already|have\s+already|maybe|possibly|might)\b", re.IGNORECASE)
# States, call mechanics and small talk: "I'll be honest", "I'll hand over to Victor",
# "I'm going to jump", "I'll keep it short". Each form names what is done in the call
# itself; the same verb with a work object stays a task ("I'll start the migration",
# "I'll ask the vendor", "I'll pause the rollout").
_CALL_FORMS = [
    r"be(?!\s+(?:\w+ing|responsible|in\s+charge|the\s+one\s+to)\b)",  # a state: "be on vacation", "be honest"
    # speech acts about the conversation: "I'll admit…", "I will say…", "I'll tell you what"
    r"(?:say|admit|grant|confess|bet|guess|argue|point\s+out)\b(?!\s+(?:hi|hello|thanks)\s+to)",
    r"note\s*(?:$|that\b|this\b|it\s+down)",
    # How one takes part in this call: "I'm driving, I'll just listen mostly" ("sit in on the
    # casting call" is another meeting, and work).
    r"(?:just\s+)?listen(?:\s+in)?(?:\s+(?:mostly|today|for\s+now|for\s+this\s+one|this\s+time))?\s*[.!]?$",
    r"tell\s+(?:you|us|me|everyone|everybody|the\s+group)\s+(?:what|this|that|about|where|how|why|a\s+bit)",
    r"tell\s+(?:us|everyone|everybody|the\s+group)\b", r"tell\s+you\s*(?:[,:;]|$)", r"pass\s+on\s*(?:that|this)?\s*$", r"wait\b",
    r"take\s+the\s+(?:blame|credit|hit|point)", r"take\s+(?:that|the|a)\s+bullet\b", r"take\s+one\s+for\s+the\s+team\b",
    r"take\s+(?:your|that|his|her|their)\s+point\b", r"keep\s+an\s+eye\s+out\b", r"(?:keep|continue|carry\s+on)\s+(?:working|going|at\s+it|with\s+it)",
    # steering the call: "I'll go through the slides", "I'll move on", "I'll start with the metrics"
    r"(?:go|run|walk)\s+(?:over|through)\s+(?:the\s+|our\s+|these\s+|my\s+)?(?:agenda|slides?|deck|points|chapters|sections|examples"
    r"|topics)\b",
    r"(?:go|run|walk)\s+(?:over|through)\s+(?:[\w'-]+\s+){1,4}in\s+order\b",
    # Reading aloud to the meeting: "I'm going to read the first question", "let me read the
    # list of pitches", "I'll read last month's minutes".
    r"read\s+(?:out\s+)?(?:the\s+|our\s+|[\w-]+\s+\w+'s\s+)?(?:first\s+|next\s+|last\s+|whole\s+)?(?:list|questions?|minutes|agenda"
    r"|names|winners?|answers?|scores?)\b",
    # Arguing a point is talk, not a task: "in chapter four I'm going to show that…".
    r"(?:show|prove|demonstrate|argue|claim|make\s+the\s+case)\s+(?:that|how|why)\b",
    r"fast[\s-]?forward\b", r"rewind\b",
    r"move\s+on", r"come\s+back\s+to\s+(?:that|this|it)", r"skip\s*(?:that|this|it|ahead|over)?\s*$",
    r"talk\s+(?:a\s+(?:bit|little)\s+|briefly\s+)?(?:about|through)\b(?!.*\b(?:with|to)\b)", r"talk\s+(?:to\s+you\s+)?(?:soon|later)",
    r"give\s+(?:you|everyone|us|people)\s+(?:a|another|two|five|a\s+few)\s+(?:minutes?|seconds?|secs?|moments?)",
    # Something done to the audience in the call: "then Nadia will give you a scenario".
    r"give\s+(?:you|everyone|everybody|us|y'all|you\s+all)\s+(?:a|an|the|some)\s+(?:\w+\s+)?(?:scenario|demo|tour|example|exercise"
    r"|problem|case\s+study|quiz|question|task|walkthrough|preview|sneak\s+peek|taste)\b",
    r"give\s+(?:a|an|you\s+an?|us\s+an?|the)\s+(?:\w+\s+){0,3}(?:summary|update|overview|intro|introduction|rundown|recap)",
    r"give\s+(?:you|everyone|us)\s+(?:some|a\s+bit\s+of|the|a\s+quick)?\s*(?:context|background|update|overview)",
    r"(?:keep|make)\s+(?:it|this|that|my\s+\w+|things|the\s+\w+)\s+(?:short|brief|quick)",
    r"(?:hand|pass|turn)\s+(?:it\s+|this\s+|things\s+|the\s+floor\s+)?(?:over|back)",
    r"(?:hand|pass|turn)\s+(?:it|this|things|the\s+floor)\s+to", r"hand\s+over\s+to",
    r"take\s+(?:a\s+)?(?:quick\s+|short\s+|five[\s-]minute\s+|ten[\s-]minute\s+)?break\b", r"take\s+five\b",
    r"(?:share|present|show)\s+(?:my|the|your|our)\s+screen", r"(?:stop|start)\s+(?:sharing|presenting|recording)",
    r"share\s*$", r"share\s+(?:my|your)\s+(?:screen|tab|window)",
    r"(?:start|begin)\s*(?:$|with|by|off|us\s+off|things\s+off|the\s+(?:meeting|call|recording|session))",
    r"kick\s+(?:it\s+|things\s+|us\s+)?off", r"go\s+(?:first|next|last|ahead|around)",
    r"wrap\s+(?:it\s+|this\s+|things\s+)?up",
    # The meeting's own procedure: "I'll call the meeting to order", "I'll move that we
    # transfer the reserve", "I'll second that", "let me adjourn us".
    r"call\s+(?:[\w'-]+\s+){1,12}?to\s+order\b",
    r"move\s+(?:that\s+(?:we|the\s+(?:board|committee|council|minutes|motion|meeting|budget|report|treasurer'?s?))\b"
    r"|to\s+(?:approve|adopt|accept|table|adjourn|amend)\b)",
    r"second\s+(?:that|this|it|the\s+motion)\b", r"adjourn\b",
    r"(?:recap|summari[sz]e)\s*(?:$|quickly|what|where|the\s+(?:action\s+items|discussion|meeting|call|decisions?))",
    r"introduce(?:\s+(?:myself|yourself|ourselves|everyone|you))?\s*$",
    r"walk\s+(?:you|everyone|us|y'all|you\s+all|them)\s+through", r"show\s+(?:you|everyone|us|y'all)",
    r"read\s+(?:out|through)",
    r"answer\s*(?:$|that|this|it|quickly|first|the\s+question|your\s+question)",
    r"answer\s+(?:the|your|that|this)\s+(?:first|second|third|next|last|other|remaining|live)\s+questions?\b",
    # The talk's own course: "I'll get into the details", "I'll spend a couple of minutes on
    # the roadmap".
    r"(?:get|go|dig|dive)\s+(?:into|in\s+to)\s+(?:the\s+|more\s+|some\s+|a\s+bit\s+more\s+)?(?:details?|specifics|weeds|nitty)\b",
    r"spend\s+(?:a\s+(?:couple\s+of|few)\s+|\w+\s+)?(?:minutes?|seconds?|moments?)\s+on\b",
    r"explain\s*(?:$|that|this|it|later|after|why|what|how|quickly|more|the\s+(?:context|background|idea))",
    r"(?:repeat|rephrase|clarify)\s*(?:$|that|this|it|myself|what|the\s+question)", r"(?:mute|unmute)",
    r"(?:jump|hop)(?:\s+(?:in|off|out|on|now|early|here))?\s*$", r"(?:jump|hop)\s+off",
    r"drop(?:\s+off)?\s*(?:$|now|early|soon|at\b|in\s+\w+\s+minutes)", r"drop\s+off",
    r"leave\s*(?:$|early|now|soon|a\s+bit\s+early|at\b|in\s+\w+\s+minutes|it\s+there|it\s+at\s+that)",
    r"head\s+out", r"(?:log|sign)\s+off", r"step\s+(?:away|out)", r"get\s+going",
    r"see\s+(?:you|what|if|how|whether)", r"catch\s+you", r"let\s+you\s+go",
    r"stop\s*(?:$|there|here|now|you|sharing|presenting|recording|the\s+recording)",
    r"pause\s*(?:$|here|there|for|the\s+(?:recording|video|screen))", r"interrupt",
    r"add\s*(?:$|one|something|that|to\s+that)", r"ask\s+(?:you|one\b|a\s+(?:quick\s+)?question|everyone|the\s+group)",
    r"take\s+(?:the\s+)?(?:notes|minutes)", r"think\s*$", r"try\s*$", r"do\s+my\s+best",
    r"pull\s+(?:it|that|this)?\s*up", r"scroll",
    r"(?:switch|refresh|reload)\s*(?:$|tabs?|screens?|windows?|the\s+(?:page|screen|tab|browser)|my\s+\w+)",
    r"(?:dial|call)\s+(?:back\s+)?in", r"join(?:\s+(?:late|later|in|again|back))?\s*$", r"hang\s+up",
    r"(?:sleep|eat|enjoy|celebrate|relax|play|win|lose)\b", r"rest\s*$", r"miss\s+you",
    r"(?:hear|listen)\s*(?:$|you|me|us|that|it|to\s+(?:you|me|the\s+recording))",
    r"read\s+(?:\w+\s+){0,2}?(?:out|aloud|back)\b",  # "I'll read them out": the call itself
    r"(?:see|hear|read)\s+(?:my|the|your|our|this)\s+(?:screen|slides?|board|tab|window|presentation|chat)",
    r"turn\s+(?:on|off)\s+my", r"(?:get|fix)\s+my\s+(?:camera|mic|audio|video|screen)",
    r"say\s+(?:that|it)\s+again", r"say\s+(?:more|a\s+bit\s+more)", r"speak\s+up", r"type\s+it",
    r"remind\s+(?:me|us)\s+(?:what|when|who|how|why|where)", r"elaborate", r"go\s+back",
    r"stay\s+(?:on|behind)", r"believe", r"imagine", r"let\s+\w+\s+(?:answer|speak|talk|go|finish|jump|introduce|chime|weigh|respond|react|continue)",
    # Perception in the call: "can you all see it?" "Yep." asks nothing to be done.
    r"(?:see|hear|read)\s*(?:it|that|this|them|me|us|everything|ok(?:ay)?|alright|fine)?\s*$",
    # Feelings, reactions and knowing are states, not work: "I'll feel a lot better once…",
    # "Bob will like the new design", "Carol will know the answer", "Bob's going to kill me".
    r"(?:feel|love|hate|regret|appreciate|worry|know|like|enjoy|understand|notice|care)\b",
    r"kill\s+(?:me|us|you|him|her|them)\b",
    # A framed speech act: "I'm going to be annoying and say…", "be the devil's advocate and ask…".
    # ("be" itself may already be cut off as a task lead: "annoying and say").
    # (Not "email the editor and ask for an extension": asking someone for something is work.)
    r"(?:be\s+)?(?:[\w']+\s+){1,6}?and\s+(?:say|admit|suggest|point\s+out|push\s+back"
    r"|ask(?!\s+(?:for|him|her|them|about|if|whether|to)\b)(?!\s+[A-Z])(?=\s+\w))\b",  # "…and ask." alone is work
    # Finding a colleague for a chat: "I'll grab you after, about the SDK thing".
    r"(?:grab|catch|find|nab)\s+(?:you|him|her|them|\w+)\s+(?:after|later|afterwards|offline|in\s+a\s+bit)\b",
    r"(?:grab|catch|nab)\s+(?:you|him|her|them)\b",
    # Acting on the screen being shown: no one clicks, taps or scrolls after the call.
    r"(?:click|tap|press|hover|scroll|zoom|drag)\b",
    # Being in the call: "I'll keep myself on mute", "I'll stay muted", "I'll mostly listen",
    # "I'll keep watching", "I'll call the committee to order".
    r"(?:keep|stay|go|remain)\s+(?:myself\s+|me\s+)?(?:on\s+)?mute(?:d)?\b",
    r"(?:mostly|mainly|just)\s+(?:listen|lurk|observe|watch)\b", r"(?:listen|lurk|observe)\s*(?:in|along)?\s*$",
    r"keep\s+(?:watching|listening)\b", r"call\s+(?:\w+\s+){0,8}?to\s+order\b",
    # A need is not a promise: "I'll need the numbers from Amina".
    r"need\b(?!\s+to\b)", r"remember\s*$",
    # Opening one's own turn: "I'll start: huge thanks to Finn", "I'll go bed by bed".
    r"(?:start|begin|go\s+first)\s*:", r"go\s+(?:(?:\w+\s+){1,2}by\s+\w+|round|in\s+order|one\s+at\s+a\s+time)\b",
    # Passing the floor: "I'll pass to Chloe for the pipeline", "I'll let Niall show the roadmap".
    r"pass\s+(?:it\s+)?to\b", r"let\s+\w+\s+(?:take\s+(?:it|this|over)|show|present|walk|lead|continue|kick|run\s+(?:it|this|through))\b",
    # Figures of speech that promise nothing: "I'll hold you to that", "I'll take your word
    # for it", "I'll keep that in mind", "I'll take that as a yes", "I'll drink to that".
    r"hold\s+(?:you|him|her|them|\w+)\s+to\s+(?:that|it|this)\b", r"take\s+(?:your|his|her|their)\s+word\b",
    r"(?:keep|bear)\s+(?:that|it|this)\s+in\s+mind", r"take\s+(?:that|it)\s+as\s+a\b", r"drink\s+to\b",
    r"take\s+(?:you|him|her|them)\s+up\s+on\b", r"leave\s+(?:you|y'all|you\s+all|them)\s+(?:to\s+it|be)\b",
    r"(?:keep\s+my\s+fingers|cross\s+my\s+fingers)",
    r"close\s+(?:us|things|it|this)\s+out\b", r"put\s+(?:you|him|her|them|us|\w+)\s+on\s+(?:speaker|hold|mute)\b",
    r"read\s+(?:you|us|everyone|everybody|y'all)\s+(?:the|a|it|this|that|what)\b", r"pretend\b",
    r"(?:start|begin)\s+(?:again|over|from\s+the\s+top)\b",
    r"cut\s+to\s+the\s+chase\b", r"(?:put|lay)\s+(?:all\s+)?(?:my|our)\s+cards\s+on\s+the\s+table\b", r"get\s+the\s+ball\s+rolling\b",
    r"throw\s+(?:this|that|it|something|an\s+idea)\s+out\s+there\b", r"let\s+(?:you|them|him|her)\s+be\s+the\s+judge\b",
    r"kill\s+two\s+birds\b", r"play\s+it\s+by\s+ear\b", r"bite\s*(?:$|[,:])", r"(?:stick|put)\s+my\s+neck\s+out\b",
    r"(?:beat|flog)\s+a\s+dead\s+horse\b", r"bite\s+the\s+bullet\b", r"(?:sleep|chew)\s+on\s+(?:it|that|this)\b", r"believe\s+it\s+when", r"think\s+(?:about\s+it|it\s+over|on\s+it)\s*$",
    # Treating someone is social, whatever the treat: "I'll buy you a pint", "I'll shout you lunch".
    r"(?:buy|shout|treat)\s+(?:you|him|her|them|us|everyone|everybody|the\s+team|y'all|you\s+all|[A-Z]\w+\s+(?:a|an|some|lunch|dinner|coffee|drinks?|breakfast))\b",
    # Joining someone is being there, not a task: "I'll join you", "I'll join Ahmed's team".
    r"join\s+(?:you|him|her|them|us)\b",
    # Running the call: "I'll keep an eye on the time", "I'll open it up for questions", "I'll
    # give you the short version", "I'll let you get back to your day", "I'll try sharing again".
    r"keep\s+(?:an\s+eye\s+on\s+|track\s+of\s+)?(?:the\s+)?time\b", r"keep\s+time\b",
    r"open\s+(?:it|this|things|the\s+floor)\s+(?:up\s+)?(?:for|to)\s+(?:questions|discussion|comments|q\s*&\s*a)",
    r"take\s+(?:a\s+few\s+|some\s+|any\s+)?questions\b",
    r"give\s+(?:you|everyone|everybody|us|y'all)\s+(?:the|a)\s+(?:short|long|quick|brief|high-level|tl;?dr)\s+(?:version|answer)",
    r"let\s+(?:you|everyone|everybody|y'all|you\s+all|people|folks)\s+(?:go|get\s+(?:back|on)|have|enjoy)\b",
    r"get\s+back\s+to\s+(?:the\s+)?(?:agenda|topic|point|question|list|slides?|discussion|main\s+\w+)\b",
    r"try\s+(?:sharing|presenting|again|reconnecting|rejoining|another\s+(?:browser|tab|link))\b",
    r"(?:go|run|walk)\s+(?:over|through)\s+(?:the\s+|our\s+|these\s+|my\s+)?(?:numbers|timeline|results|options|highlights"
    r"|background|context|details|questions)\s*(?:first|quickly|now|briefly)?\s*$",
    # One's own devices are the call itself: "I'm going to turn my camera off".
    r"(?:turn|switch|put|get|fix|restart|plug\s+in|reset|keep|leave)\s+(?:on\s+|off\s+)?(?:my|the)\s+(?:camera|cam|mic|microphone|video|audio"
    r"|headset|headphones|connection|wi-?fi|internet|laptop\s+charger)\b"
    # …but "get the camera repositioned", "fix the camera in the stockroom" are work on the premises.
    r"(?!\s+(?:moved|repositioned|replaced|installed|mounted|in\s+the|at\s+the|on\s+the|by\s+the|over\s+the|above\s+the)\b)",
    # Idioms: "I'll level with you", "I'm going to go out on a limb and say…".
    r"level\s+with\b", r"go\s+out\s+on\s+a\s+limb\b", r"murder\b",
    # Who hears the call: "let me just put you on the big speaker".
    r"put\s+(?:you|him|her|them|\w+)\s+on\s+(?:the\s+)?(?:big\s+|loud\s+)?speaker(?:phone)?\b",
    # Copying someone in on a message is how another task is sent, no task of its own: "I'll cc you".
    r"(?:cc|copy)\s+[\w'-]+(?:\s+[A-Z][\w'-]*)?(?:\s+in)?\s*$", r"save\s+(?:you|him|her|them|\w+)\s+a\s+(?:seat|spot|place|slice|plate)\b",
    r"(?:get|buy)\s+(?:the\s+)?(?:next|first)\s+round\s*$",
    # Time off and where one works are personal plans: "Bob is taking the day off", "I'll be
    # working from home tomorrow".
    r"(?:(?:take|taking|have|having|get|getting)\s+)?(?:the\s+|a\s+|some\s+|next\s+|two\s+|three\s+|a\s+few\s+|a\s+couple\s+of\s+)*"
    r"(?:days?|weeks?|afternoon|morning|time|weekend|\w+day)\s+off\b",
    r"(?:moving|move)\s+(?:house|flats?|apartments?|home)\b",
    r"(?:working|work)\s+(?:from\s+(?:home|the\s+office|the\s+cottage)|remotely|in\s+the\s+office|late|from\s+\w+\s+(?:today|tomorrow|this|next))\b",
    # Deferring to someone is no task: "I'll leave that to Carol", "I'll defer to Bob",
    # "I'll trust your judgement", "I'll follow your lead", "I'll do whatever you need".
    r"(?:leave|defer)\s+(?:that|this|it|the\s+call|the\s+decision)?\s*(?:to|with)\s+(?:you|him|her|them|\w+)"
    r"(?:\s+on\s+(?:that|this|it))?\s*$", r"defer\s+to\b",
    r"trust\s+(?:you|your|him|his|her|them|their)\b", r"follow\s+(?:your|his|her|their)\s+lead\b",
    r"do\s+(?:whatever|anything)\s+(?:you|it|is|needs)\b", r"get\s+the\s+hang\s+of\b", r"drop\s+(?:you|\w+)\s+a\s+line\b",
    # One's own calendar and the meeting's recording: "I'll check my calendar", "I'll watch
    # the recording later".
    r"check\s+my\s+(?:calendar|schedule|diary|availability)\b",
    r"(?:catch\s+up\s+on|watch|listen\s+to|rewatch)\s+(?:the\s+|this\s+)?recording\b",
    r"tell\s+(?:you|us|everyone|everybody)\s+the\s+same\b",
    # Ongoing work is a status, not a new promise: "I'll continue with the backend work", "I'm
    # going to keep pushing on the migration", "I'll be working on the pricing page today".
    r"continue\s+(?:with|on|working|to\s+work)\b", r"keep\s+(?:pushing|plugging|chipping|grinding|working|at\s+it)\b",
    r"working\s+on\b", r"spend\s+(?:the|my|this)\s+(?:day|morning|afternoon|evening|week|time)\s+on\b",
    # Stances and speech acts about what was said: "I'm going to assume…", "I'll echo what Bob
    # said", "I'll second that", "I'm going to push back on that", "I'll put it another way".
    r"(?:assume|presume|suppose|echo|second|ditto|agree|disagree)\b", r"push\s+back\s+on\s+(?:that|this|it)\b",
    r"put\s+it\s+(?:another|this|that|differently|a\s+different|simply|bluntly)\b",
    r"get\s+out\s+of\s+(?:your|the|y'all's)\s+(?:hair|way)\b", r"keep\s+(?:it|that|this)\s+in\s+(?:the\s+back\s+of\s+)?my\s+mind",
    r"(?:close|end|adjourn)\s+(?:the|this|our)\s+(?:meeting|call|session)\b",
    r"talk\s+to\s+(?:you|y'all|you\s+all|everyone|everybody)\s*(?:soon|later|then|again)?\s*$",
    # Asked and answered in the call: "can you tell me more about the outage?", "could you
    # explain the graph?", "can you take us through the roadmap?", "can you stay a few minutes?"
    r"tell\s+(?:me|us|everyone|everybody|the\s+group)\s+more\b",
    r"explain\s+(?:the|this|that|these|those|your|my)\s+(?:[\w-]+\s+)?(?:graph|chart|slide|diagram|numbers?|table|dashboard"
    r"|screen|figure|plot|drop|spike|dip|jump|trend|gap)s?\b",
    r"take\s+(?:you|us|me|everyone|everybody|them|the\s+group|y'all|you\s+all)\s+through\b",
    r"stay\s+(?:a\s+(?:few|couple|bit)|(?:\w+\s+)?extra|longer|late)\b",
    # Presenting: what a speaker says they will say or show next is the talk itself ("I'll cover
    # three things", "I'll touch on the risks", "I'll flag that the vendor is late", "I'll call
    # out the support team", "I'll skip the appendix", "I'll close with the ask"). Said to
    # someone outside the call ("flag it to legal", "mention it to the vendor") it is work;
    # presenting or showing may be a later event's ("Gabriel, you'd present?"), so both stay.
    r"(?:touch\s+on|highlight|mention|flag|note|call\s+out|shout\s+out|point\s+out|speak\s+to|talk\s+about)\b"
    r"(?!.*\b(?:to|with)\s+(?!the\s+(?:end|start|beginning)\b|(?:a|some)\s)[\w'-]+|.*\b(?:after|later|tomorrow|tonight|offline)\b)",
    r"cover\s+(?:a\s+few|a\s+couple\s+of|two|three|four|five|some|the\s+main|the\s+key|my)\s+(?:\w+\s+)?(?:things|topics|points|areas|items)\b",
    r"(?:jump|skip)\s+(?:to|ahead|back|over|forward|the\s+(?:appendix|rest|details|intro|next|last|first))\b",
    r"(?:close|end|finish|wrap\s+up|open)\s+(?:with|on)\b", r"leave\s+(?:\w+\s+){0,2}(?:minutes?|time)\s+(?:for|at)\b",
    r"take\s+(?:the\s+)?(?:first|next|last|one|a|this|that|your|any)\s+(?:more\s+)?questions?\b",
    r"give\s+(?:some|a\s+bit\s+of|more|a\s+little)\s+(?:context|background|colou?r|detail)\b",
    # Small moves in the call: "let me grab a pen", "let me take a step back", "let me put you
    # on the spot", "I'll make a note of it", "I'll take that offline".
    r"(?:grab|get|find)\s+(?:a|my|some)\s+(?:pen|pencil|paper|notebook|water|glass|charger|headset|headphones|jacket|coat)\b",
    r"(?:take\s+a\s+)?step\s+back\b", r"put\s+(?:you|him|her|them|\w+)\s+on\s+the\s+spot\b",
    r"make\s+a\s+(?:mental\s+|quick\s+)?note\b", r"take\s+(?:that|this|it)\s+offline\b",
    # Thinking is no deliverable: "I'll think about whether we need a new vendor".
    r"think\s+(?:about|over|on)\b(?!.*\b(?:and|then)\s+(?:send|write|share|come\s+back|get\s+back|let|report|propose))",
]
CHATTER = re.compile("^(?:" + "|".join(_CALL_FORMS) + r")(?![\w'])", re.IGNORECASE)
LEISURE = re.compile(
    r"\b(?:coffee|lunch|dinner|breakfast|drinks?|beers?|cake|pizza|ramen|restaurant|vacation|gym|party|movie|nap|sleep"
    r"|a\s+round\s+of|game\s+night|bathroom|restroom|snacks?|explore\s+the\s+city|sightseeing|museum|hike|hiking"
    r"|beach|concert|festival|dessert|chai|tea|a\s+bite|pints?|wine|cocktails?|brunch|barbecue|bbq|picnic|karaoke"
    r"|cookies|donuts|doughnuts|cupcakes|muffins|bagels|treats|sweets|chocolates?|recipes?|zoo|tiramisu|brownies"
    r"|lasagne|lasagna|pies?|scones|cheesecake|trifle|pavlova|snickerdoodles|biscuits|samosas|dumplings|baklava|strudel"
    r"|photos?\s+of\s+(?:the|my|our)"
    r"\s+(?:dog|cat|puppy|kitten|baby|kids|trip|holiday|vacation|wedding|garden))\b"
    # …unless it only modifies the noun after it: "set up the lunch bunch", "fix the party
    # invite list" are work. A preposition, a time word, a comma or the end may follow.
    r"(?!\s+(?!(?:with|at|in|on|for|after|before|during|tonight|today|tomorrow|later|together|and|or|then|first"
    r"|now|soon|this|next|again|sometime|some|real|quick|break|time|somewhere|place|spot|near|nearby|around|one"
    r"|day|night|too|while|once|when|if|to|the|a|an|by|over|instead|since|until|plans?|straight|quickly|early|late)\b)[a-z])"
    # Keeping in touch, visits and hobbies: "I'll add you on LinkedIn", "I'll come visit you in
    # Montreal", "I'll send you all a photo when it arrives", "I'm going to learn French".
    r"|^(?:add|follow|friend|connect\s+with)\s+(?:you|him|her|them|us|everyone|[A-Z]\w+)\s+on\s+(?:linkedin|facebook|instagram|twitter|whatsapp"
    r"|tiktok|strava|signal)\b"
    r"|^(?:come\s+(?:and\s+)?)?visit\s+(?:you|him|her|them|us|[A-Z]\w+)\b(?!\s+(?:about|to\s+(?:discuss|review|go\s+over)))"
    r"|^send\s+(?:you|everyone|everybody|y'all|you\s+all|us)(?:\s+all)?\s+(?:a\s+|some\s+)?(?:photos?|pics?|pictures?|selfies?|postcards?)\s*$"
    r"|^learn\s+(?:(?:to\s+)?(?:speak\s+)?(?:French|Spanish|German|Italian|Japanese|Mandarin|Chinese|Portuguese|Korean|Arabic|Dutch|Swahili"
    r"|Hindi)|to\s+(?:cook|surf|ski|drive|swim|sail|knit|dance)|the\s+(?:guitar|piano|violin|drums|ukulele))\b"
    # Things done in the call itself: "I'll drop the link in the chat", "I'll reset them by
    # hand, give me a minute"; and home life: "try it with my partner".
    r"|\b(?:in|into|to|on)\s+the\s+(?:meeting\s+)?chat\b"
    r"|\bgive\s+me\s+(?:a|one)\s+(?:minute|min|sec|second|moment)\b|\b(?:right\s+now|as\s+we\s+speak)\b"
    r"|\b(?:with|take)\s+(?:my|the)\s+(?:partner|wife|husband|kids?|family|girlfriend|boyfriend|dog|mum|mom|dad|parents)\b"
    # One's own family: "go pick up my daughter", "walk my dog".
    r"|\bmy\s+(?:daughter|son|kids?|children|partner|wife|husband|girlfriend|boyfriend|dog|cat|mum|mom|dad|parents|family)\b",
    re.IGNORECASE,
)
# Feedback with no object to deliver: "I'll leave a few comments in the doc". The
# labelling rules call it vague (ambiguous), unlike "send comments on the draft to Legal".
_VAGUE_FORMS = [r"(?:leave|add|drop|put)\s+(?:a\s+few\s+|some\s+|my\s+|a\s+couple\s+of\s+|more\s+)?"
                r"(?:comments?|notes?|thoughts)\b(?!\s+(?:for|to)\s+\w)",
                # "I'll keep you posted": a courtesy with no subject ("keep the customer updated
                # on the timeouts" names one and stays).
                r"keep\s+(?:you|everyone|everybody|us|y'all|you\s+all|you\s+guys|the\s+team|people|folks|[A-Z]\w+)\s+"
                r"(?:posted|updated|informed|in\s+the\s+loop)\s*$",
                # "I'll let the team know", "I'll come back to you on that one", "I'll circle back":
                # an answer promised with nothing said about what it will be.
                r"let\s+(?:you|everyone|everybody|the\s+team|people|folks|them|him|her|us|[A-Z]\w+)\s+know\s*$",
                r"(?:come|get|circle|report)\s+back(?:\s+to\s+(?:you|him|her|them|us|everyone|[A-Z]\w+))?"
                r"(?:\s+(?:on|about)\s+(?:that|this|it)(?:\s+one)?)?\s*$",
                r"share\s+more\s+(?:details?|info|information|colou?r|news)\s*$",
                # "I'm going to stay with my sister in Davis", "I'll take good care of the lemon
                # tree", "leave the invite as it is": a personal plan, a kindness, no change.
                r"stay\s+(?:with|at)\s+(?:my|our|his|her|a|the|some)\b",
                r"take\s+(?:good|great|really\s+good)\s+care\s+of\b",
                r"(?:leave|keep)\s+(?:it|them|that|this|the\s+[\w\s-]{1,40}?)\s+as\s+(?:it\s+is|they\s+are|is)\b",
                # "I'll get better at writing design docs": a goal for oneself, not a task.
                r"(?:get|be|become)\s+better\s+at\b",
                # "I'll have a think about motion": thinking, with nothing to deliver.
                r"(?:have|take)\s+a\s+(?:quick\s+|little\s+|proper\s+)?(?:think|ponder)\b",
                # "Sneha will talk more about that": a later part of this meeting.
                r"(?:talk|speak|say\s+a\s+bit|go)\s+(?:a\s+bit\s+)?(?:more\s+)?(?:about|into)\s+(?:that|this|it)\s*$",
                # "I'll let you get to bed", "I'll let you go": the goodbye.
                r"let\s+(?:you|everyone|everybody|y'all|you\s+all|you\s+guys|them|him|her|[A-Z]\w+)\s+"
                r"(?:go|get\s+(?:to\s+bed|back\s+to\s+(?:it|work|your\s+\w+)|on\s+with\s+(?:it|your\s+\w+)|some\s+sleep))\b",
                # "Eleven is fine. I'll come directly.": how one gets there, not what one does
                r"(?:come|go|head|get)\s+(?:directly|straight)(?:\s+(?:there|here|over))?\s*$",
                # "I'll read the notes after": catching up on this very call
                r"(?:read|watch|catch\s+up\s+on|check|look\s+at|go\s+through)\s+(?:the\s+)?(?:notes|minutes|recording|summary|recap)"
                r"(?:\s+(?:after|later|afterwards|tonight|tomorrow))?\s*$",
                # "I'll let you two finish", "I'll leave you to it": leaving the call
                r"let\s+(?:you|you\s+two|you\s+both|you\s+all|you\s+guys|the\s+two\s+of\s+you)\s+(?:finish|carry\s+on|continue|talk|chat)\b",
                r"leave\s+(?:you|you\s+two|you\s+both|you\s+all|you\s+guys)\s+to\s+it\b"]
VAGUE_TASK = re.compile("^(?:" + "|".join(_VAGUE_FORMS) + r")", re.IGNORECASE)
# "Let me…" that is the call itself ("let me share my screen", "let me see", "let me
# know"); "let me check with legal" or "let me share the doc after the call" is not.
LET_ME_CHATTER = re.compile(
    r"^(?:know|see|think|say|just\s+say|count|recap\s+that|be\s+(?:clear|honest|frank)|guess|tell\s+you|put\s+it|back\s+up|interrupt|jump"
    r"|introduce|scroll|recap|summari[sz]e|repeat|rephrase|clarify|mute|unmute|try|explain\s*(?:$|that|this|it|why|what|how)"
    r"|show\s+(?:you|everyone|us)|pull\s+(?:it|that|this|up)|start\s*(?:$|with|by|off|recording|sharing)"
    r"|finish\s*(?:$|my\s+(?:thought|point|sentence)|this|up)|add\s*(?:$|one|something|to\s+that|that)"
    r"|ask\s+(?:you|a\s+question|one|everyone|the\s+group)|answer\s*(?:$|that|this|it|the\s+question)"
    r"|read\s+(?:it|that|this|out|the\s+(?:question|comment|message|chat|note))"
    r"|find\s*(?:$|it|that|the\s+(?:link|doc|slide|tab|page|file))"
    r"|open\s+(?:it|that|the\s+(?:doc|link|slide|deck|tab|page|file|dashboard))"
    r"|turn\s+(?:on|off|it)|get\s+(?:this|my|the)\s+(?:screen|camera|mic|slide|slides|doc|tab)"
    r"|share\s*(?:$|my\b|the\s+screen|this|it\s+real)"
    # "Let me share the planning sheet": shown now, in the call, unless it goes to someone or later.
    r"|share\s+(?:the|our|this)\s+(?:[\w-]+\s+){0,2}(?:doc|document|sheet|spreadsheet|deck|slides?|board|dashboard|figma|notebook"
    r"|tab|window|plan|file|agenda|tracker|draft|diagram|mock-?ups?|designs?|numbers|results|chart|graph)\s*(?:quickly|real\s+quick|now|here)?"
    r"\s*[.!]?\s*$|stop\s*(?:$|there|here|you|sharing|presenting|the\s+recording)"
    r"|present\s*(?:$|my|the\s+(?:slides|deck|screen))"
    r"|go\s+(?:back|ahead)|go\s+(?:through|over)\s+(?:it|this|that|the\s+(?:slides?|deck|agenda|numbers|list))"
    r"|look\s*$|check\s*$|double[\s-]check\s*$|confirm\s*$|dig\s*$|see\s+if|just\s+check\s*$|remember\s*(?:$|,)|recall\s*(?:$|,)"
    r"|(?:bring|pull|open)\s+up\b|get\s+back\s+to\s+(?:the\s+)?(?:agenda|topic|point|question|list|slides?))",
    re.IGNORECASE,
)

# Where a task's clause ends: a new clause after a comma ("…, she's done the vault
# already"), or a subordinate clause ("…so we can start at one percent").
SUBJECTS = (r"I|I'm|I've|I'd|I'll|we|we're|we've|we'll|you|you're|he|she|they|he's|she's|they're|it|it's|that's|there"
             r"|there's|this\s+is|that\s+is|which|who|because|since|so|but|though|although|while|as|honestly|anyway"
             r"|otherwise|just\s+so|everybody\s+else|everyone\s+else|not|no|thanks|promise|then|if|once|when|after|unless|until|whereas|even|like|where|please"
             r"|the\s+\w+\s+(?:is|are|was|were|moved|has|have|goes|go|needs|need|will|went)"
             r"|people\s+(?:can|could|will|would|should|need|have)"
             # "…to you by Friday, that gives you plenty of room": "that" and a verb is a clause
             r"|that\s+(?:should|will|would|could|might|\w+(?<![su])s)")
CLAUSE = re.compile(
    r"\s*(?:[,;]\s*|\s+-+\s+|\s*—\s*)(?:and\s+)?(?=(?:" + SUBJECTS + r")\b)"
    # a subject left unsaid: "I'll pick that up first thing, should be done by Wednesday"
    r"|\s*[,;]\s*(?=(?:should|shall|would|might|could|must|will|won't|shouldn't)\s+(?:be|take|only)\b)"
    r"|\s+(?=(?:so\s+that|so|because|since|while|whereas|although|unless|if|but|in\s+case|just\s+so"
    r"|and\s+(?:then\s+)?(?:we|they)\s+(?!all\b)|and\s+then\s+(?:you|he|she)|then\s+we|once\s+(?:you|we|they|he|she|it|I)"
    r"|when\s+(?:you|we|they|he|she|it|I)|until\s+(?:you|we|they|he|she|it|then)"
    r"|before\s+(?:you|we|they|he|she|it|I)|after\s+(?:you|we|they|he|she|I)|as\s+soon\s+as)\b)",
    re.IGNORECASE,
)
# Words that end a task without being part of it ("send the draft by Tuesday then").
_TRAILING_WORDS = ("then", "too", "also", "anyway", "as well", "though", "for now", "real quick", "right now", "myself", "itself",
                   "for this", "for that", "okay", "ok", "right", "promise", "please", "again", "on that", "on this",
                   "no problem", "either", "at least", "even", "and", "or", "but")


_TRAILING = re.compile(r"[\s,](?:" + "|".join(word.replace(" ", r"\s+") for word in _TRAILING_WORDS) + r")$"
                       # "re-test them after": after the pronoun, not "the sprint after" or "where it's coming from"
                       r"|(?:(?<=\bit)|(?<=\bthem)|(?<=\bthat)|(?<=\bthis)|(?<=\bthose)|(?<=\bthese))\s+after(?:wards)?$",
                       re.IGNORECASE)


def strip_trailing(text: str) -> str:
    """``text`` without trailing punctuation and filler words. Only the tail is searched:
    an end-anchored expression would otherwise be tried at every position."""
    while True:
        text = text.rstrip(" ,.;:!?…-")
        tail = text[-16:]
        match = _TRAILING.search(tail)
        if match is None:
            return text
        text = text[: len(text) - len(tail) + match.start()]
PARTICLES = r"(?:up|out|over|together|down|off|back|in|on|through|forward|along|across|around|into)"
PRONOUNS = (r"(?:it|that|this|them|those|these|that\s+one|this\s+one|both|everything|something|anything|all\s+of\s+(?:it|that|them)"
             r"|the\s+rest|that\s+\w+|this\s+\w+|those\s+\w+|these\s+\w+)")
REFERRING = re.compile(
    rf"^(?P<verb>[a-z][\w'-]*)(?:\s+(?P<p1>{PARTICLES}))?\s+(?:(?:you|them|him|her|us|me)\s+)?(?P<pron>{PRONOUNS})\b"
    r"(?:\s+(?P<p2>up|out|over|together|down|off|back)(?=$|\s+(?:to|for|in|on|at|with|by|from|into)\b))?(?P<after>.*)$",
    re.IGNORECASE,
)
# "I'll have a first draft by Friday", "I'll have it all in by then": when the work the
# speaker just took on will be ready, not another task.
# "have it out to course organisers", "send them to Mark", "get it over to the printer"
HANDED_ON = re.compile(r"^(?:have|get|send|email|e-mail|forward|share|pass|circulate|mail|flick|post)\s+(?:it|that|this|them|those)"
                       r"(?:\s+(?:all|out|over|across|back|along|round|around))?\s+to\s+(?!(?:do|make|see|check)\b)\S",
                       re.IGNORECASE)
DELIVERY = re.compile(
    r"^have\s+(?:(?:it|that|this|them|everything|something)(?:\s+all)?|all\s+of\s+(?:it|that|them)"
    r"|(?:a|the|my|our)\s+(?:first\s+|rough\s+|final\s+|new\s+|updated\s+)?(?:draft|version|cut|pass|copy|go)"
    # "I'll ask them. I'll have an answer for you by lunchtime": when the first will be done
    r"|(?:an|the|some)\s+(?:answer|update)|answers|news)"
    # …and nothing more that names the work ("a draft seating plan out" is a task).
    r"(?:\s+(?:in|ready|done|up|over|out|back|through|to\s+(?:you|everyone|them|him|her|us|you\s+all|the\s+team)"
    r"|for\s+(?:you|everyone|them|him|her|us|you\s+all|the\s+team|[A-Z][\w'-]+)"
    r"|(?:by|before)\s+(?:lunch(?:time)?|noon|midday|close\s+of\s+business|cob|eod|end\s+of\s+(?:day|play))))*"
    r"\s*[,.!]?\s*$",
    re.IGNORECASE,
)
NO_OBJECT = re.compile(
    rf"^[a-z][\w'-]*(?:\s+{PARTICLES})?(?:\s+(?:by|via|over|through|in|on|at|with|to|for|from|after|before|about)\b.*)?$",
    re.IGNORECASE,
)
# Verbs that carry no task of their own ("I'll take it", "I'll do that").
GENERIC_VERBS = frozenset("do take handle own grab cover tackle get pick deal sort action manage have run "
                           "make drive care follow work check look".split())
VAGUE_WORDS = frozenset("it that this them those these one both everything something anything all rest stuff "
                        "mine yours ours theirs hers".split())  # "I'll finish mine": one's own share of what was said
# Rule SAID_HOW: "I'll do it in Thursday's run": a reply that only points at the request
# ("do it", "handle that") but says where, when or with what it will be done.
ADJUNCT_OF_IT = re.compile(r"^[a-z]+\s+(?:it|that|this)\s+(?P<adjunct>(?:in|on|with|during|through|via|as\s+part\s+of|at)\s+\S.*)$",
                           re.IGNORECASE)
# Rule SPELLED_OUT: "Like move the nightly job onto workload identity", "I mean with catering
# for sixty": what a request just made means, said right after it.
SPELLED_OUT = re.compile(r"^(?:like|i\s+mean|basically|so\s+like)\s*,?\s+(?P<t>(?:(?:just\s+)?[a-z]+\s+(?:the|a|an|our|your|all)\s"
                         r"|with\s|including\s|for\s)\S.*)$"
                         # "Could you get a second quote? Maybe from Charnwood Mechanical": from whom
                         r"|^(?:maybe|perhaps|ideally|preferably)\s*,?\s+(?P<t2>from\s+(?-i:[A-Z])[\w'-]*(?:\s+(?-i:[A-Z])[\w'-]*){0,3})",
                         re.IGNORECASE)
# Words of an adjunct that only place the work after the meeting ("right after the call").
THE_CALL_ITSELF = frozenset("call meeting this sync standup chat".split())

# Requests: the forms that ask a person for something; the task follows the form. Each
# form is tried only on sentences holding its key word (a sentence's words are known).
_REQUEST_FORMS: list[tuple[frozenset[str], re.Pattern[str]]] = [(frozenset(gate.split()), re.compile(pattern, re.IGNORECASE))
                                                                for gate, pattern in [
    ("could can would will",
     # "Could your team send us the logs?": asked of the addressee, for their side to do.
     r"\b(?:could|can|would|will)\s+(?:you|your\s+(?:team|folks|people|side|guys|office|group|department|crew))\s+(?!mind\b)(?:two\s+|both\s+|all\s+)?"
     r"(?:please\s+|also\s+|maybe\s+|possibly\s+|just\s+|quickly\s+|perhaps\s+)*(?P<t>.+)"),
    ("mind", r"\b(?:would|do)\s+you\s+mind\s+(?P<t>.+)"),
    ("able", r"\bare\s+you\s+able\s+to\s+(?P<t>.+)"),
    ("chance", r"\b(?:is\s+there\s+)?any\s+chance\s+you\s+(?:could|can)\s+(?P<t>.+)"),
    ("something", r"\bis\s+(?:that|this|it)\s+something\s+you\s+(?:can|could|would|want\s+to)\s+(?P<t>.+)"),
    ("need want like", r"\b(?:I|we)\s+(?:need|want|'d\s+like|would\s+like)\s+you\s+to\s+(?P<t>.+)"),
    ("please", r"(?:^|,\s*)please\s+(?P<t>(?!do\b|don't\b).+)"),
]]
# "Can someone…?", "who has time?": asked of anyone.
_OPEN_REQUEST_FORMS: list[tuple[frozenset[str], re.Pattern[str]]] = [(frozenset(gate.split()), re.compile(pattern, re.IGNORECASE))
                                                                     for gate, pattern in [
    ("someone somebody anyone anybody one everyone everybody",
     r"\b(?:can|could|would|will)\s+(?:someone|somebody|anyone|anybody|one\s+of\s+you|everyone|everybody)\s+(?P<t>.+)"),
    ("someone somebody", r"\b(?:someone|somebody)\s+(?:needs?\s+to|should|has\s+to|must|could)\s+(?P<t>.+)"),
    ("who", r"\bwho\s+(?:can|could|wants\s+to|will|would\s+like\s+to|has\s+(?:time|bandwidth|capacity)\s+to)\s+(?P<t>.+)"),
    ("who", r"\bwho\s+has\s+(?:time|bandwidth|capacity)\b(?P<t>)"),
    ("who who's who'll", r"\bwho(?:(?:'s|\s+is)\s+(?:going\s+to|gonna)|'ll)\s+(?P<t>.+)"),
    # "Who wants it?", "Who's taking that one?": the thing just announced, to take (before the -ing form below: ties go to the first)
    ("who who's", r"\bwho(?:\s+wants|'s\s+taking|\s+is\s+taking|\s+will\s+take)\s+(?P<t>(?:it|that|this|them|those|these)(?:\s+one)?)\s*[?.!]?$"),
    # "Who's sending the recap?": the work named by its -ing form (a reply's "I'll send it" names it).
    ("who who's", r"\bwho(?:'s|\s+is)\s+(?P<t>(?!going\b|gonna\b|doing\s+(?:what|okay|ok|well)\b)[a-z]+ing\s+(?:the|a|an|our|this|that)\s.+)"),
    ("someone somebody volunteer", r"\b(?:we|I)\s+need\s+(?:someone|somebody|a\s+volunteer)\s+to\s+(?P<t>.+)"),
    ("volunteer volunteers", r"\bany\s+volunteers?\s+(?:to|for)\s+(?P<t>.+)"),
]]


def _first_form(forms: list[tuple[frozenset[str], re.Pattern[str]]], body: str, words: frozenset[str]) -> str | None:
    """The words after the leftmost form in ``body``, or None when it has none."""
    best: re.Match[str] | None = None
    for gate, pattern in forms:
        if gate.isdisjoint(words):
            continue
        match = pattern.search(body)
        if match and (best is None or match.start() < best.start()):
            best = match
    return None if best is None else best.group("t")


def request_task(body: str, words: frozenset[str]) -> str | None:
    """What "could you…", "would you mind…", "please…" asks for (None: no request)."""
    return _first_form(_REQUEST_FORMS, body, words)


def open_request_task(body: str, words: frozenset[str]) -> str | None:
    """What "can someone…", "who can…", "we need someone to…" asks for ("who wants it?": "take it")."""
    asked = _first_form(_OPEN_REQUEST_FORMS, body, words)
    return f"take {asked}" if asked and asked.split()[0].lower() in VAGUE_WORDS else asked


# "Sofia, just send me the file.": an imperative softened by "just", said to someone by name.
# Rule PLAIN_IMPERATIVE: "Okay, don't wait for it this time. Just accrue it based on the cost
# dashboard estimate." "Yep, will do.": an order, with no name, to the one just spoken with;
# theirs once their very next turn takes it on. Work verbs only ("look at this", "go ahead",
# "tell me more" ask for nothing after the call).
IMPERATIVE_VERBS = frozenset("accrue book call ring email send update fix add write draft prepare review share forward file "
                             "order schedule post upload submit chase confirm print cancel raise log circulate pull ping "
                             "invite loop reschedule rebook renew reorder restock escalate approve sign finish reconcile "
                             "translate contact remind notify reply respond remove delete drop tag move merge close deploy "
                             "publish rename archive set sort arrange organise organize check".split())
_IMPERATIVE_VERB = "|".join(sorted(IMPERATIVE_VERBS))
# "You'll…" / "you can…": a request only when said to someone by name.
ADDRESSED_REQUEST = re.compile(
    # "Wei, your team will replace the two cracked panels?": asked of the one named, for their side
    r"(?:\byour\s+(?:team|side|folks|people|crew|office|guys)(?:'ll|\s+will)(?=\s)|"
    r"\byou(?:'ll|\s+will|'d|\s+would|'re\s+going\s+to|\s+are\s+going\s+to|\s+can|\s+could|\s+should"
    # "Fatima, you're happy to present it?"; "Rahul, you draft the Northway one": the plain
    # present, said to a name, with a work verb
    r"|(?:'re|\s+are)\s+(?:happy|okay|ok|fine|good)\s+to|(?=\s+(?:just\s+|then\s+)?(?:" + _IMPERATIVE_VERB + "|do|take"
    + r")\s)))\s+(?:just\s+|then\s+)?(?P<t>.+)", re.IGNORECASE)
IMPERATIVE = re.compile(r"^(?:(?:just|please|so|and|then|also)\s+)*(?P<t>(?:" + _IMPERATIVE_VERB + r")\s+\S.*)",
                        re.IGNORECASE)
REACH_ME = re.compile(rf"(?:{_CONTACT})\s+(?:me|us)\b", re.IGNORECASE)
ADDRESSED_IMPERATIVE = re.compile(r"^(?:[^,]{1,40},\s+){1,2}(?:just\s+(?P<t>[a-z][\w'-]*\s+.+)"
                                  # "Jenny, send her the notice then.", "Leanne, book 'em.": a work verb, said to a name
                                  r"|(?:please\s+)?(?P<t2>(?:" + _IMPERATIVE_VERB + r")\s+\S.*))",
                                  re.IGNORECASE)
OFFER = re.compile(
    r"^(?:should|shall)\s+I\s+(?:also\s+|just\s+|maybe\s+)*(?P<t>.+)"
    r"|^(?:do\s+you\s+want|would\s+you\s+like|want)\s+me\s+to\s+(?:also\s+)?(?P<t2>.+)"
    r"|^(?:would|will)\s+it\s+(?:help|be\s+(?:useful|helpful))\s+if\s+I\s+(?:also\s+)?(?P<t3>.+)",
    re.IGNORECASE,
)
PROPOSAL = re.compile(
    r"\bwe\s+(?:really\s+|probably\s+|definitely\s+|also\s+)*(?:should|need\s+to|have\s+to|must|ought\s+to)\s+(?:really\s+|also\s+|probably\s+)*(?P<t>.+)",
    re.IGNORECASE,
)
# "Should we not also turn off auto update while we're in there?": a proposal asked, which a
# following "I'll do that" takes on like one said outright.
PROPOSAL_ASKED = re.compile(
    r"^(?:(?:and|so|but|also|then),?\s+)?(?:should|shall)\s+we\s+(?:not\s+)?(?:also\s+|just\s+)*(?P<t>[a-z].+?)\s*\?$",
    re.IGNORECASE,
)
ACCEPT = re.compile(
    r"^(?:sure|yes|yeah|yep|yup|ok|okay|will\s+do|on\s+it|absolutely|definitely|of\s+course|no\s+problem|no\s+worries|no\s+bother|no\s+trouble|not\s+a\s+problem"
    r"|not\s+at\s+all"
    r"|can\s+do|happy\s+to|sounds\s+good|you\s+got\s+it|got\s+it|consider\s+it\s+done|for\s+sure|certainly|alright"
    r"|all\s+right|i\s+can|i\s+will|i'll|i'm\s+on\s+it|i've\s+got\s+it|i\s+got\s+it|i'd\s+be\s+happy\s+to|sure\s+thing"
    r"|roger|done|totally|course|i'm\s+going\s+to|i\s+am\s+going\s+to|let\s+me(?!\s+(?:see|think))|then\s+yes|fine|perfect|agreed|deal"
    r"|that(?:'s|\s+is)\s+(?:fine|ok|okay|no\s+problem)|sounds\s+fine"
    # "Wednesday works.", "That works for me.": agreeing to the proposed slot is agreeing.
    r"|(?:(?:that|this|it|\w+day|tomorrow|today)\s+)?works(?:\s+for\s+me)?(?=\s*[.!,]|\s*$))\b",
    re.IGNORECASE,
)
# A reply that starts by saying no ("No, let me do that one", "Hmm. No, I'll ask her myself").
NO = re.compile(r"^(?:(?:hmm+|um+|uh+|oh|actually|ah)[,.]?\s+)*(?:no|nah|nope)\b(?![,\s]+(?:problem|worries|rush|sweat|bother))",
                re.IGNORECASE)
DECLINE = re.compile(
    r"\b(?:can't|cannot|can\s+not|won't\s+be\s+able|will\s+not\s+be\s+able|not\s+able\s+to|unable\s+to"
    r"|don't\s+have\s+(?:the\s+)?(?:time|bandwidth|capacity|cycles)|no\s+bandwidth|(?:too|really|pretty)\s+(?:busy|swamped|slammed)"
    r"|I'm\s+(?:swamped|slammed|out|off|away)|not\s+this\s+week|not\s+me|I'd\s+rather\s+not|not\s+really|I've\s+never"
    r"|nope|already\s+(?:did|done|sent|have|has)|I\s+already|it's\s+(?:already\s+)?done|not\s+the\s+right\s+person"
    r"|don't\s+think\s+I\s+(?:can|could|will|have)|not\s+sure\s+I\s+(?:can|could|will|have)"
    r"|(?:don't\s+think|not\s+sure)\s+I(?:'ll|'d|\s+would))\b"
    r"|^no\b(?![,\s]+(?:problem|worries|issue|sweat|bother|trouble))"
    # "Yes, it did." answers a question; it takes nothing on.
    r"|^(?:yes|yeah|yep|yup)[,.]?\s+(?:it|that|they|he|she)\s+(?:did|does|was|were|is|are|has|have)\b",
    re.IGNORECASE,
)
AFFIRM = re.compile(
    r"^(?:yes|yeah|yep|yup|sure|please|go\s+ahead|definitely|absolutely|do\s+it|sounds\s+good"
    r"|that(?:\s+would|'d)\s+be\s+(?:really\s+|so\s+|super\s+)?(?:great|good|nice|helpful|amazing|awesome|brilliant|perfect|lovely"
    r"|fantastic|wonderful|a\s+(?:big\s+|huge\s+)?help)"
    # "I can send the list." "Great." / "Perfect, thank you Lauren.": the offer taken up
    r"|great|perfect|amazing|brilliant|lovely|awesome|excellent|wonderful|fantastic|thanks|thank\s+you|cheers"
    r"|good\s+idea|great\s+idea|of\s+course|ok(?:ay)?,?\s+(?:yes|sure|please|go\s+ahead))\b(?![,\s]+(?:but|not|no)\b)",
    re.IGNORECASE,
)
DECISION = re.compile(
    r"\bwe(?:'ve|\s+have)?\s+(?:all\s+)?(?:agreed|decided)(?:\s+(?:on|that|to))?"
    r"|\b(?:the\s+)?decision\s+(?:is|was)(?:\s+(?:that|to))?"
    r"|\bdecision(?:\s+made)?\s*(?:[,:.!]|$)"
    r"|\b(?:it's|it\s+is)\s+decided\b\s*[,:]?"
    r"|\blet's\s+(?:just\s+)?(?=(?:go|stick)\s+with\b)"
    r"|\blet's\s+(?:just\s+)?plan\s+(?:on|for)"
    r"|\bwe(?:'re|\s+are)\s+going\s+(?:to\s+go\s+)?with\b"
    r"|\bwe(?:'ll|\s+will)\s+(?=(?:go|stick)\s+with\b)"
    r"|^agreed\s*[,:]\s*(?=we(?:'ll|\s+will)\b)"
    r"|\bwe\s+settled\s+on\b|\b(?:it's|it\s+is|that's|that\s+is)\s+(?:agreed|settled)\b\s*[,:]?"
    r"|\b(?:the\s+)?consensus\s+is(?:\s+(?:that|to))?|\bwe(?:'re|\s+are)\s+(?:all\s+)?aligned\s+(?:on|that)"
    r"|\bfinal\s+(?:decision|answer)\s*(?:is|[,:])",
    re.IGNORECASE,
)
DECISION_BAD = re.compile(r"\b(?:didn't|did\s+not|never|haven't|have\s+not|not\s+yet|undecided)\b|\?\s*$", re.IGNORECASE)
THIRD_PERSON = re.compile(
    r"^(?:'ll|\s+will|\s+is\s+going\s+to|'s\s+going\s+to|\s+is\s+gonna|'s\s+gonna|\s+shall"
    r"|\s+(?:is|'s)\s+(?P<ing>taking|owning|handling)(?=\s)|\s+(?P<s>owns|takes)"
    # "Chris, you've got the casting call", "Tom, you've got the spike on quiet hours": given to
    # the one named (not "you've got a point", "you've got the relationship with them")
    r"|,\s+you(?:'ve|\s+have)\s+(?P<got>got)(?=\s+(?:the|a|an)\s+(?!(?:point|floor|mic|microphone|relationship|access|time"
    r"|minute|second|sec|moment|question|right|idea|numbers?|list|login|keys?|details|context|background)\b)))"
    + ADVERBS + r"\s+(?P<t>.+)",
    re.IGNORECASE,
)
# "Tane owns the dead-letter cleanup", "Sophie is taking the renewal": the verb is part of
# the task ("own the dead-letter cleanup").
ASSIGNED_VERB = {"owns": "own", "takes": "take", "owning": "own", "taking": "take", "handling": "handle"}
NOTE_HEADER = re.compile(r"\s*(?:(?:action\s+items?|to-?dos?|next\s+steps?)\s*[:,-]?\s*)?", re.IGNORECASE)
ACTION_FOR = re.compile(r"\b(?:action\s+items?|to-?do)\s+(?:for|on)\s+$", re.IGNORECASE)
QUESTION_START = re.compile(
    r"^(?:should|shall|can|could|do|does|did|will|would|am|is|are|have|has|was|were|what|when|where|who|why|how|which|any)\b",
    re.IGNORECASE,
)
GREETING = re.compile(
    r"^(?:hi|hello|hey|morning|good\s+(?:morning|afternoon|evening)|bye|goodbye|thanks|thank\s+you|cheers|welcome"
    r"|can\s+you\s+(?:hear|see)|you're\s+(?:on\s+)?mute|sorry|congrats|happy\s+birthday|nice\s+to\s+meet)\b",
    re.IGNORECASE,
)
KEY_CUE = re.compile(
    r"\b(?:main|key|biggest|big|important|critical|primary|root)\s+(?:issue|problem|thing|point|blocker|risk|reason|cause|goal|change|takeaway)"
    r"|\b(?:the\s+goal|the\s+problem\s+is|the\s+issue\s+is|the\s+reason|bottom\s+line|in\s+summary|overall|conclusion|blocker"
    r"|root\s+cause|we\s+need\s+to\s+find|tracking|percent|%)\b",
    re.IGNORECASE,
)
NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty|seventy"
    r"|eighty|ninety|hundred|thousand|million|billion|percent|half|double|twice)\b",
    re.IGNORECASE,
)
PROPER = re.compile(r"(?<=\s)(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|I|I'm|I'll|I've|I'd|OK)\b)[A-Z][a-zA-Z0-9]+")
LOOKING = re.compile(
    r"^(?:quickly\s+|just\s+)?(?:check|look\s+at|double[\s-]check|verify|see\s+if|confirm)\b"
    r"(?!.*\b(?:with|get\s+back|let\s+you\s+know|follow\s+up|offline|after|later|and\s+send)\b)",
    re.IGNORECASE,
)
# Rule WITHDRAWN: words that take back what was just said: "never mind", "scratch that",
# and the self-correction "actually, no" / "no, wait" / "hang on, no" (not "actually, no
# problem", "no worries", "no rush").
WITHDRAWN = re.compile(r"\b(?:never\s*mind|scratch\s+that|forget\s+(?:it|that|what\s+I\s+said)|ignore\s+(?:that|me)"
                       r"|(?:actually|wait|hang\s+on)[\s,]+no(?![\w'])(?!\s+(?:problem|worries|rush|longer|need|one|doubt|idea"
                       r"|more|issue|question|thanks|matter|way|pressure|big\s+deal)\b)"
                       r"|no[\s,]+(?:wait|hang\s+on)\b)"
                       # "I'll pull the message trace for the — no, sorry, I already pulled it"
                       r"|(?:—|–|-|,)\s*no,?\s+sorry\b"
                       # "I'll get it to you. Actually, it's already in the shared drive": nothing left to do
                       r"|^(?:oh,?\s+)?actually,?\s+(?:it's|it\s+is|that's|they're|they\s+are|I've|I\s+have|I)\s+already\b",
                       re.IGNORECASE)
# "I'll send the carrier the census — actually, Marco, can you send it?": the promise broken
# off to hand the work to someone (the name and the question are a sentence of their own).
BROKEN_OFF = re.compile(r"\s(?:—|–|-{1,2})\s*actually(?:[,.]|\s*$)", re.IGNORECASE)
# A question about someone's personal plans: what they then say they will do is theirs,
# not the meeting's ("Any plans for the weekend?" "I'm going to explore the city").
PLANS_QUESTION = re.compile(
    r"\b(?:(?:any|your|big)\s+plans?\s+for\s+(?:the\s+)?(?:weekend|holidays?|break|summer|vacation|evening|tonight"
    r"|christmas|new\s+year)|what\s+are\s+you\s+(?:doing|up\s+to)\s+(?:this|for|over|on|tonight|after)"
    r"|how\s+was\s+your\s+(?:weekend|holiday|vacation|trip|break)|doing\s+anything\s+(?:fun|nice|special)|any\s+plans)\b"
    r"[^.!?]*\?",
    re.IGNORECASE,
)
HYPOTHETICAL = re.compile(r"\bif\b.*\b(?:would|'d|could|might)\b|\b(?:would|'d|could|might)\b.*\bif\b|\bwish\b",
                           re.IGNORECASE)


NOT_NAMES = frozenset("okay ok so yes yeah sure right well great thanks alright also then and but perfect cool "
                       "fine honestly anyway actually look listen hey hi hello".split())


def is_english(language: str) -> bool:
    tag = language.strip().lower().replace("_", "-")
    return tag in ("", "und", "en") or tag.startswith("en-")  # no tag: read, as Meet's default is English


def most_common(counts: Counter[str]) -> str | None:
    if not counts:
        return None
    # Ties go to the alphabetically first tag: the same input always names the same language.
    return min(counts.items(), key=lambda pair: (-pair[1], pair[0]))[0]


def strip_tag_question(sentence: str) -> str:
    """"I'll send it Friday, okay?" is a promise with a tag, not a question."""
    sentence = sentence.strip()
    return TAG_QUESTION.sub(".", sentence) if sentence.endswith("?") else sentence


# "after lunch" says when, not what: the task is still work.
_MEAL_TIME = re.compile(r"\b(?:after|before|during|over|by|until|at)\s+(?:lunch|dinner|breakfast|coffee)\b", re.IGNORECASE)


# Typing or pressing a named control on the screen being shown: "I'll type, Acme Test",
# "then I'll hit Continue". Case matters: a capitalised word is the label on the screen
# ("hit the deadline", "type up the notes" stay tasks).
UI_ACTION = re.compile(r"^(?:type|hit|press|enter)\b[\s,:]+(?:in\s+|on\s+)?(?:the\s+)?[A-Z]\w*")
# While someone shows their screen, their "I'll pick Marketing", "I'm going to skip the logo
# upload", "I'll add two fake teammates" are what they do on it now, in front of everyone:
# narration of the demo, not work after the call (see ``Digester`` for when this applies).
ON_SCREEN = re.compile(
    r"^(?:pick|choose|select|skip|open|close|clear|add|write|fill(?:\s+in|\s+out)?|enter|refresh|reload|switch"
    r"|go\s+(?:back|to|into|through)|jump\s+(?:to|into)|navigate|toggle|expand|collapse|upload|paste|highlight"
    r"|leave\s+(?:the|it|this)\b[^,]*\b(?:open|up|on)\s*$|(?:re)?name|drag|run\s+through|show)\b",
    re.IGNORECASE,
)
# What starts showing a screen, or stops it.
SHARING = re.compile(
    r"\b(?:share|present)\s+(?:my|the|this)\s+screen|\bI(?:'m|\s+am)\s+(?:sharing|presenting)\b"
    r"|\b(?:pull|bring)\s+up\s+(?:the|my)\s+\w+|\b(?:board|doc|deck|slides?|figma|notebook)\s+link\s+(?:in|into)\s+the\s+chat",
    re.IGNORECASE,
)
STOP_SHARING = re.compile(r"\b(?:stop|done)\s+(?:sharing|presenting)\b", re.IGNORECASE)


# Writing to someone about a thing is work, whatever the thing: "email the principal about
# using the gym", "ask the venue about the dinner menu".
_ABOUT = re.compile(r"^(?:e-?mail|ask|call|ring|phone|message|contact|write\s+to|talk\s+to|speak\s+to|check\s+with|follow\s+up\s+with"
                    r"|remind|notify)\s+(?!(?:you|him|her|them|us|me)\b)[^,]*?\s(?:about|regarding|re)\s", re.IGNORECASE)


# Rule REPORT_BACK: "…and I'll come back with the answer by the eleventh", "…and get back to
# you with an update": the promise to report on the work just promised, not a second task
# (its date is the first task's). A report with a subject of its own ("come back with the
# revised budget") is a deliverable and stays.
_REPORT_BACK = (r"(?:come|get|circle|report)\s+back(?:\s+to\s+(?:you|him|her|them|us|everyone|everybody|the\s+(?:team|group)"
                r"|[A-Z]\w+)(?:\s+all)?)?(?:\s+(?:with|on)\s+(?:(?:the|an|my|our|some|a\s+proper|a\s+full)\s+)?"
                r"(?:answers?|update|news|results?|findings|outcome|verdict|details|what\s+I\s+(?:find|found|learn|hear)))?"
                r"(?:\s+(?:on|about)\s+(?:that|this|it)(?:\s+one)?)?")
REPORT_BACK = re.compile(r"^" + _REPORT_BACK + r"[\s.!]*$", re.IGNORECASE)
REPORT_BACK_TAIL = re.compile(r",?\s+(?:and|then|and\s+then),?\s+(?:I'll\s+|I\s+will\s+)?" + _REPORT_BACK + r"[\s.!]*$",
                              re.IGNORECASE)
# Rule FEEDBACK_OF: reading something, then feedback with no other subject ("…and I'll give
# you written comments", "send Dana my notes"): the feedback is what the reading delivers.
REVIEWING = re.compile(r"^(?:review|read|look\s+(?:at|over)|go\s+(?:through|over)|check|proofread|edit)\b", re.IGNORECASE)
FEEDBACK = re.compile(r"^(?:give|send|share|write\s+up|get|pass|email)\s+(?:(?:you|him|her|them|[A-Z]\w+)\s+)?"
                      r"(?:(?:my|some|our|the|written|quick|detailed|a\s+few|a\s+couple\s+of|proper)\s+)*"
                      r"(?:comments?|feedback|notes|thoughts|review|edits|suggestions)"
                      r"(?:\s+(?:to|back\s+to)\s+(?:you|him|her|them|[A-Z]\w+))?[\s.!]*$", re.IGNORECASE)
# Rule TAKEN_THEN_SAID: talking to "them" right after taking someone on ("I'll take legal,
# I'll talk to them about the trial terms").
_TALK_VERBS = r"(?:talk|speak|chat|meet|sync|check\s+in|follow\s+up|catch\s+up)"
THEN_TALK = re.compile(r",\s+(?:and\s+)?(?:I'll|I\s+will)\s+(?P<talk>" + _TALK_VERBS +
                       r"\s+(?:to|with)\s+(?:them|him|her)\b.*)$", re.IGNORECASE)
TALK_TO_THEM = re.compile(r"^(?P<verb>" + _TALK_VERBS + r"\s+(?:to|with))\s+(?:them|him|her)\b(?P<rest>.*)$",
                          re.IGNORECASE)
# Rule THEIR_SUBJECT: a sentence about some things, by their plural name ("The third floor
# printers keep dropping off the network", "Our two test phones are on the old OS").
PLURAL_SUBJECT = re.compile(r"^(?:the|our|those|these|all\s+the|both)\s+(?P<np>(?:[\w-]+\s+){0,3}?[\w-]*[a-rt-z]s)\s+"
                            r"(?:keep|are|were|have|had|need|needs|don't|aren't|still|all|seem|won't|can't|will|'re|never|just|also"
                            r"|got|went|started|stopped|failed|broke|crash|crashed|drop|dropped)\b", re.IGNORECASE)
# Rule ASK_FOR_IT: "I'll ask Leo then", nothing said of what about.
# Rule WHAT_TO_FIND_OUT: a promise to find something out that does not say what.
FIND_OUT = re.compile(r"(?P<ask>(?:check|confirm|double-check|find\s+out|ask|look\s+into\s+it|verify)"
                      r"(?:\s+(?:with|about\s+it\s+with)\s+(?:[A-Z][\w'-]*|(?:the|our|their|my)\s+\w+(?:\s+\w+)?|\w+)"
                      r"(?:\s+team)?)?)"
                      # "…and tell you", "…and let Jonas know": the answer goes back to them
                      r"(?P<tell>\s+and\s+(?:tell|let)\s+(?:you|him|her|them|us|everyone|[A-Z][\w'-]*)(?:\s+know)?)?[\s.!]*")
# A yes/no question whose subject is one word (a pronoun or a name): where a longer subject
# ends is not known, so such a question is quoted as said.
_AUXILIARY_FIRST = re.compile(r"^(?P<aux>[Ii]s|[Aa]re|[Ww]as|[Ww]ere|[Cc]an|[Cc]ould|[Ww]ill|[Ww]ould|[Hh]as|[Hh]ave|[Ss]hould)\s+"
                              r"(?P<subject>it|that|this|they|he|she|we|[A-Z][\w'-]+)\s+(?P<rest>.+?)[?\s]*$")
_QUESTION_CLAUSE = re.compile(r"(?:^|,\s+)((?:what|when|where|which|who|how|why|is|are|was|were|does|do|did|can|could|will"
                              r"|would|has|have|should)\b.*)$", re.IGNORECASE)
_SUBJECT_PRONOUNS = frozenset("it that this they he she we".split())


def indirect_question(question: str) -> str | None:
    """"Is that still covered by the learning budget?" → "whether that is still covered
    by the learning budget"; "When does the licence end?" → "(when does the licence end?)";
    None for anything else ("Again?", "Right?")."""
    body = LEAD.sub("", question.strip()).rstrip("?").strip()
    body = re.sub(r"^(?:(?:and|but|so|also|oh|um|uh),?\s+)+", "", body, flags=re.IGNORECASE)
    if len(content_words(body)) < 2:
        return None
    yes_no = _AUXILIARY_FIRST.match(body)
    if yes_no is not None:
        subject = yes_no.group("subject")
        subject = subject if subject[0].isupper() and subject.lower() not in _SUBJECT_PRONOUNS else subject.lower()
        return f"whether {subject} {yes_no.group('aux').lower()} {yes_no.group('rest')}"
    clause = _QUESTION_CLAUSE.search(body)
    if clause is not None and len(content_words(clause.group(1))) >= 2:
        body = clause.group(1)  # "And bed nine, is the consult booked?": the question itself
        return f"({body[0].lower() + body[1:]}?)"  # the order of its words is left as said
    return None


ASK_SOMEONE = re.compile(r"ask\s+(?P<who>[A-Z][\w'-]+)(?:\s+(?:then|instead))?[\s.!]*")
RESULTS = re.compile(r"^(?:post|share|send|circulate|drop|put|email|publish)\s+(?:(?:you|him|her|them|everyone|[A-Z]\w+)\s+)?"
                     r"(?:the|my|our)\s+(?:numbers|results|findings|figures|data|answers?)\b(?!\s+(?:of|on|for|from|about)\b)",
                     re.IGNORECASE)
# Rule RECEIPT: "Ola, you should get a test page", "you'll receive an email": what a system
# will send someone, not work anyone does ("get a quote from the printer", "get a message
# out to customers" are work).
RECEIPT = re.compile(
    r"^(?:get|receive)\s+(?:a|an|the|another|one|your|two|three)\s+(?:\w+\s+)?"
    r"(?:page|e-?mail|notification|alert|ping|text|message|invite|invitation|reminder|buzz|pop-?up|prompt"
    r"|confirmation|push|sms|code|login\s+link)s?"
    # …and nothing after it but when it comes: "get the landing page on staging" is work.
    r"(?=[\s.,!?]*$|\s+(?:from\s+(?:us|the\s+system|it)|when|after|within|once|shortly|soon|now|too|as\s+well)\b"
    # …or where it lands: "on my phone", "in your inbox", "by text"
    r"|\s+(?:on|in|to)\s+(?:my|your|the|their|his|her)\s+(?:phone|laptop|inbox|email|e-mail|screen|watch|desktop|mobile|app)\b"
    r"|\s+by\s+(?:text|sms|email|e-mail)\b)",
    re.IGNORECASE)
# What one will see on screen ("then I'll see a green banner at the top") or will have
# ("I'll have access after the migration", "I'll have more time next week"): no work.
SEEN_OR_HAD = re.compile(
    r"^(?:see|notice)\s+(?:a|an|the|this|that|your|my)\s+(?:[\w-]+\s+){0,2}?(?:banner|message|toast|pop-?up|error|dialog|modal"
    r"|spinner|check(?:mark)?|tick|button|warning|prompt|notification|screen|page|icon|badge|status|alert|field|tooltip)s?"
    r"(?=[\s.,!?]*$|\s+(?:at|on|in|up|pop|appear|come|show|saying|that|which|with|when|there|here|telling)\b)"
    r"|^have\s+(?:more\s+|some\s+|enough\s+|full\s+|admin\s+|a\s+bit\s+more\s+)?(?:access|time|capacity|bandwidth|availability)\b"
    r"(?!\s+(?:to|for)\b)", re.IGNORECASE)


def is_chatter(task: str) -> bool:
    """Whether a would-be task is the call itself, a state or small talk, not work."""
    if not task or CHATTER.match(task) is not None or UI_ACTION.match(task) is not None or RECEIPT.match(task) \
            or SEEN_OR_HAD.match(task):
        return bool(task)
    about = _ABOUT.match(task)
    subject = _MEAL_TIME.sub("", task[: about.end()] if about else task)
    leisure = LEISURE.search(subject)
    if leisure is None:
        return False
    if _ORGANISING.match(subject):
        return False  # "host the welcome drinks", "book the team lunch": putting on the event is work
    # "set up the risers in the gym", "fix the leak at the restaurant": the place where the work
    # is done, not an outing ("meet the team at the restaurant", "go to the gym" still are).
    place = _WORK_PLACE.search(subject[: leisure.start()]) if leisure.group(0).isalpha() else None
    done_there = subject[: place.start()] if place else ""
    return not (place and len(content_words(done_there)) >= 2 and _OUTING_VERB.match(done_there) is None)


_ORGANISING = re.compile(r"(?:host|organi[sz]e|arrange|plan|book|cater|coordinate|set\s+up|sort(?:\s+out)?|run|do)\s+the\s+"
                         r"(?:[\w-]+\s+){0,3}?(?:drinks|lunch|dinner|breakfast|party|brunch|barbecue|bbq|picnic|coffee|tea"
                         r"|karaoke|festival|concert)\b", re.IGNORECASE)


_WORK_PLACE = re.compile(r"\s(?:in|at|inside|outside|near|behind|by)\s+(?:the|our|their|a)\s+(?:[\w-]+\s+)?$", re.IGNORECASE)
_OUTING_VERB = re.compile(r"(?:meet|join|see|have|take|grab|go|come|eat|drink|hang|catch|celebrate|bring|treat)\b", re.IGNORECASE)


# "…at some point", "eventually": no time, no promise. The labelling rules leave these
# out as vague intentions ("I need to redo the plan at some point").
SOMEDAY = re.compile(r"\b(?:at\s+some\s+point|eventually|some\s*day|one\s+of\s+these\s+days|sometime\s+down\s+the\s+line"
                     r"|sometime\s*$"
                     # "I'll bring the cake next time we're all in the office", "one day I'm going
                     # to write about burnout": an occasion no one can put a date on.
                     r"|next\s+time|one\s+day(?!\s+(?:early|late|before|after|ahead))"
                     r"|whenever\s+I\s+(?:get|can|have)"
                     # "finally finish that jigsaw over the break": the speaker's own time off
                     r"|over\s+(?:the|my)\s+(?:christmas\s+|winter\s+|summer\s+|holiday\s+)?(?:break|holidays?|vacation)"
                     r"|(?:on|during)\s+my\s+(?:holiday|vacation|leave|time\s+off))\b", re.IGNORECASE)


def is_vague(task: str) -> bool:
    """"leave a few comments in the doc": feedback with nothing to hand over; "redo the plan
    at some point": an intention with no time."""
    return VAGUE_TASK.match(task) is not None or SOMEDAY.search(task) is not None


# "…the last day I can do, good timing": "do" with no object says what is done by no word
# ("do, the community centre board", a pause with no filler word, still has one).
_DO_NOTHING = re.compile(r"do\s*(?:[;.!?]|$|,(?!\s*(?:the|a|an|my|our|your|their|this|that|these|those|some)\s))",
                         re.IGNORECASE)


def shape(task: str) -> str:
    """How much a task says on its own: "full" ("send the deck to Acme"), "referring"
    ("post it in the team channel"), "thin" ("confirm by email") or "anaphoric"
    ("take that", "do it")."""
    if not task or _DO_NOTHING.match(task):
        return "anaphoric"
    if DELIVERY.match(task):
        return "referring"
    meaningful = [word for word in content_words(task) if word not in GENERIC_VERBS and word not in VAGUE_WORDS]
    referring = REFERRING.match(task)
    if referring:
        return "referring" if len(meaningful) >= 2 else "anaphoric"
    if not meaningful:
        return "anaphoric"
    if NO_OBJECT.match(task):
        return "thin"
    return "full"


_LOOSE_PARTICLE = re.compile(r"(up|out|over|down|off|back|together)\b\s*(?=and\b|,|$)", re.IGNORECASE)


def substitute(reply: str, asked: str) -> str:
    """"write it up" answering "please put your written feedback into the system" →
    "write up your written feedback": the reply's verb with the request's object."""
    match = REFERRING.match(reply)
    if match is None:
        return asked
    if match.group("pron").lower() in ("them", "him", "her") and match.group("verb").lower() in CONTACT_VERBS:
        # "Can you sort the crane booking?" "I'll ring them this arvo": the people who can,
        # so the work is still what was asked ("ring the crane booking" is no task).
        return asked
    obj = object_of(asked)
    after = match.group("after").strip()
    if not obj or set(content_words(obj)) <= set(content_words(after)):
        return reply
    rest = OBJECT_AND_MORE.match(asked)
    if rest is not None:
        # "…get the written feedback on both to Chloe?" "I'll write it up": what was asked
        # about and for whom stays ("write up the written feedback on both to Chloe").
        obj = rest.group("obj").strip()
        if re.match(r"to\s", after, re.IGNORECASE) and re.search(r"\sto\s+\S+$", obj, re.IGNORECASE):
            after = ""  # "…send them to me?" "I'll flick them to you": one recipient, said twice
    particle = match.group("p1") or match.group("p2")
    loose = _LOOSE_PARTICLE.match(after) if particle is None else None
    if loose is not None:  # "write it up and drop it in the draft": "write up the explanation and…"
        particle, after = loose.group(1), after[loose.end():]
    parts = [match.group("verb")] + ([particle] if particle else []) + [obj] + ([after] if after else [])
    return " ".join(parts)


# The request's words after its verb, modifiers included: "the written feedback on both to Chloe".
# A task's verb, its particle and a person it is for: what comes before its object.
_VERB_HEAD = rf"^[a-z][\w'-]*(?:\s+{PARTICLES})?\s+(?:(?:me|us|him|her|them|you)\s+)?"
OBJECT_AND_MORE = re.compile(
    _VERB_HEAD + r"(?P<obj>[^,]+?)"
    r"(?=\s+(?:so|because|once|when|while|until|before|after|and|if)\b|,|$)",
    re.IGNORECASE,
)
RECAP = re.compile(r"\b(?:recap|to\s+sum(?:mari[sz]e)?(?:\s+up)?|in\s+summary|summing\s+up)\b", re.IGNORECASE)
# Rule PLAIN_PRESENT (see ``extractive``): "Tomorrow I send you the file", "Monday, I verify
# the invoices", "I update the glossary today": action verbs only ("I think", "I have" are no acts).
PLAIN_PRESENT_VERBS = frozenset("send check call ask update make prepare fix write book email verify show bring order share "
                                "finish review test contact schedule upload print ring forward confirm translate organise "
                                "organize arrange draft deliver submit".split())
PLAIN_PRESENT = re.compile(r"(?:^|[,;]\s*|\b(?:tomorrow|today|tonight|then|so|okay|ok|and|first|this\s+\w+|next\s+\w+"
                           r"|(?:on\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day)[,]?\s+)I\s+(?:also\s+|just\s+)?"
                           r"(?=(?:" + "|".join(sorted(PLAIN_PRESENT_VERBS)) + r")\b)", re.IGNORECASE)
# Rule WANTED_FROM_YOU (see ``extractive``): "I want a written root cause analysis", "I'll
# need the signed form", and the replies that say it will be delivered.
WANTED = re.compile(r"^I(?:\s+(?:really|just|also|still|only))?(?:\s+want|\s+need|'d\s+like|\s+would\s+like|'ll\s+need"
                    r"|\s+will\s+need)\s+"
                    r"(?P<t>(?:a|an|the|your)\s+(?!(?:break|minute|second|moment|sec|word|favou?r|coffee|drink)\b)\S.*)$",
                    re.IGNORECASE)
DELIVERY_REPLY = re.compile(r"\b(?:you(?:'ll|\s+will)\s+(?:have|get)\s+(?:it|that|one|them)|I(?:'ll|\s+will)\s+(?:get|send)"
                            r"\s+(?:it|that|one|them|you\s+(?:one|it|that))(?:\s+(?:over|across))?(?:\s+to\s+you)?\b"
                            r"|consider\s+it\s+done|will\s+do\b)", re.IGNORECASE)
CONTACT_ACT = re.compile(rf"^(?:{_CONTACT}|follow\s+up\s+with|reach\s+out\s+to|talk\s+to|speak\s+(?:to|with)"
                         r"|get\s+(?:hold\s+of|in\s+touch\s+with))\b", re.IGNORECASE)
OBJECT = re.compile(
    _VERB_HEAD + r"(?P<obj>.+?)"
    r"(?=\s+(?:to|into|in|on|for|with|by|from|at|before|after|about|so|because|once|when|while|until|and)\b|,|$)",
    re.IGNORECASE,
)


def object_of(task: str) -> str:
    match = OBJECT.match(task)
    return match.group("obj").strip() if match else ""


def first_name(person: Speaker) -> str:
    return called(person.display_name)


ME = re.compile(r"\bme\b")
YOU = re.compile(r"\byou\b(?!['’]|\s+(?:are|were|can|could|will|would|have|had|know|need|want|should|do|did|guys|all)\b)"
                 r"|(?<=\blet\s)you(?=\s+know\b)")  # "let you know" is whom to tell ("you know" alone is a filler)


def personal(task: str, me: Speaker | None, you: Speaker | None) -> str:
    """A task as anyone reading the card understands it: "send me the notes" said by
    Sophie reads "send Sophie the notes"; "follow up with you", said to Peter, reads
    "follow up with Peter"."""
    if me is not None and first_name(me):
        task = ME.sub(first_name(me), task)
    if you is not None and first_name(you):
        task = YOU.sub(first_name(you), task)
    return task


def strip_vocative(text: str, names: Names) -> str:
    """"…by the end of next week, Peter" → without the name at the end."""
    stripped = text.rstrip(" ?.!")
    head, comma, tail = stripped.rpartition(",")
    tail = tail.strip()
    if not comma or not tail or len(tail.split()) > 3:
        return stripped
    if names.resolve(tail) is not None or (re.fullmatch(r"[A-Z][a-z]+", tail) and tail.lower() not in NOT_NAMES):
        return head.rstrip(" ,")
    tag, _, name = tail.partition(" ")
    if tag.lower() in ("right", "yeah", "yes", "okay", "ok", "correct") and name and names.resolve(name) is not None:
        return f"{head.rstrip(' ,')}, {tag}"  # "…this week, right Grace?": the tag stays, the name goes
    return stripped


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def stems(found: frozenset[str]) -> frozenset[str]:
    """Words without their inflection ("drafted", "drafts", "drafting" → "draft"), and
    without the causative "get"/"have" ("get the notes drafted"), for telling whether two
    wordings are one task."""
    return frozenset(_stem(word) for word in found if word not in ("get", "have"))


def similar(first: frozenset[str], second: frozenset[str]) -> bool:
    """Near-identical: (nearly) all of the shorter one's words are in the other. Not
    "update the client SDK" and "update the server SDK": one different word of three is
    another task."""
    if not first or not second:
        return False
    shared = len(first & second)
    shorter = min(len(first), len(second))
    return shared == shorter if shorter <= 4 else shared / shorter >= 0.8


# -- agenda items ------------------------------------------------------------------------
# Rule AGENDA_ITEM: triage and sprint planning walk a list of tickets: "Next, PAY-415, add
# CSV export to the invoices page. Three points." "I'll grab that one." The one who grabs
# it takes the item just announced, so "that one" is that ticket: its key and its title,
# in the announcer's words. Only unmistakable ticket keys count: "ABC-123" anywhere, or a
# bare number of five or more digits (or "ticket/issue/case 123") that opens the entry.
AGENDA_ITEM = re.compile(
    r"(?:(?:^|[,.]\s+)(?P<key>[A-Z][A-Z0-9]+-\d+)"
    r"|^(?i:(?:next|okay|ok|so|and|then|first|right|now|last)[,.]?\s+)*(?P<num>(?i:(?:ticket|issue|case|bug)\s+#?)?\d{5,}|"
    r"(?i:ticket|issue|case|bug)\s+#?\d{2,}))"
    r"[.,:]\s+(?P<t>\S.*)")
_ESTIMATE = re.compile(r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|twenty)\b|"
                       r"(?:high|low|medium|p\d)\b", re.IGNORECASE)  # "Five points.", "High priority."
AGENDA_TITLE_LIMIT = 100  # characters of the announcement kept as the item's title


def agenda_item(text: str) -> str | None:
    """The item an entry announces ("PAY-412: retry failed webhook deliveries with
    backoff"), if it announces one."""
    match = AGENDA_ITEM.search(text)
    if match is None:
        return None
    key = match.group("key") or match.group("num")
    # The title is the first sentence after the key, then short labels that name the
    # item ("…delete their account and all their data. GDPR request."), never the talk
    # that follows: an estimate ("Five points."), a question, a remark ("That's chunky").
    title = ""
    for sentence in re.split(r"(?<=[.?!])\s+", match.group("t")):
        if title:
            short_label = len(sentence.split()) <= 3 and not _ESTIMATE.match(sentence) and "'" not in sentence
            if sentence.endswith("?") or not (short_label or len(re.findall(r"[A-Za-z]{3,}", title)) < 3):
                break
        title = f"{title} {sentence}".strip()
    if len(title) > AGENDA_TITLE_LIMIT:
        cut = title.rfind(" ", 0, AGENDA_TITLE_LIMIT)
        title = title[: cut if cut > 0 else AGENDA_TITLE_LIMIT]
    title = title.strip(" ,.;:")
    return f"{key}: {title}" if title else None

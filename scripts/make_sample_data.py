"""Generate the demo's sample data: platform responses in the platforms' real formats, written for this
repository (no third-party content), for two host countries over six ISO weeks.

The data tells a story the brief should find:

* Canada (en, fr): trade talk is mildly positive for four weeks, then new US duties on softwood lumber in
  2026-W47 turn it sharply negative ("countervailing duties" becomes an emerging term); on Tuesday of
  that week a copy-paste campaign (#BoycottUSLumber) posts one text from many fresh accounts within an
  hour, and volume spikes that day.
  Across 2026-W46 and W47 a ring of nine accounts pushes the same links to two low-quality sites within
  seconds of one another, each with words of its own (link sharing, not copy-paste), while the rest
  share the outlets' articles as people do: the brief's "Who amplifies" finds the ring.
* Germany (de, en): energy prices dominate; in 2026-W47 the embassy's climate forum draws a burst of
  positive English posts about the mission.

Formats: Mastodon ``GET /api/v1/timelines/tag/:hashtag`` pages (arrays of Status entities, with boosts,
content warnings, media-only posts, a wrongly declared language and one broken record), RSS 2.0 feeds
(one in French with localised dates, one Latin-1 without an XML declaration). Files are gzipped.

    python scripts/make_sample_data.py          # rewrites layers/core/listening_post/demo/data/
"""

from __future__ import annotations

import gzip
import html
import json
import random
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

OUT = Path(__file__).resolve().parents[1] / "layers/core/listening_post/demo/data"
WEEKS = [(2026, w) for w in range(42, 48)]  # 2026-W42 .. 2026-W47
SEED = 20261123


# --- text banks ----------------------------------------------------------------------------------
# (topic, tone) -> sentences. Tones: pos, neg, neu. Each post joins an opener, one or two sentences and
# sometimes a closer, so that organic posts rarely repeat one another.

EN = {
    ("trade", "pos"): [
        "Good to see real progress on the CUSMA review, exporters in {city} can finally plan ahead.",
        "Honestly impressed that Ottawa and Washington kept the trade talks civil this week.",
        "The new trade deal numbers look great for {sector} jobs.",
        "Optimistic about the lumber negotiations, both sides sound constructive.",
        "Canadian exports to the US up {n}% this quarter, a strong result for {sector}.",
        "Finally some good news on tariffs: the steel exemption is holding.",
        "Nice to see the trade minister actually listening to {sector} workers.",
        "Solid interview on the trade file tonight, calm and reassuring.",
    ],
    ("trade", "neg"): [
        "These new lumber tariffs are a disaster for mills in {city}.",
        "Another round of US duties on softwood lumber. Devastating for {sector} towns.",
        "The countervailing duties on our lumber are unfair and frankly insulting.",
        "Mills in {city} are already talking layoffs because of the new tariffs. Terrible.",
        "Washington slaps countervailing duties on Canadian lumber again, and Ottawa looks weak.",
        "I'm furious about the lumber tariffs. {n} jobs at risk in {city} alone!",
        "The trade war nobody wanted is back, and {sector} will pay for it.",
        "Countervailing duties of {n}% on softwood lumber? That kills small sawmills.",
        "Sad day for forestry workers. The tariffs hit {city} hardest.",
        "No, the tariffs are not 'manageable'. People in {city} are losing their jobs.",
    ],
    ("trade", "neu"): [
        "The trade committee meets on {day} to review the softwood lumber file.",
        "Reading the CUSMA review schedule, next round is in {city}.",
        "Statistics Canada publishes the monthly trade figures on {day}.",
        "Explainer: what the lumber dispute panel actually decides.",
        "The tariff question will come up at question period on {day}.",
    ],
    ("energy", "pos"): [
        "Great to see the new wind farm near {city} come online ahead of schedule.",
        "Heat pump rebates are working, my neighbours in {city} love them.",
        "Clean energy investment in {city} is a win for jobs and for the climate.",
    ],
    ("energy", "neg"): [
        "Power bills in {city} are up again and nobody in charge seems to care.",
        "The pipeline delay is a mess and the climate plan is failing.",
        "Emissions went up again. So much for the climate targets.",
    ],
    ("energy", "neu"): [
        "The energy regulator hearing in {city} starts {day}.",
        "New report on emissions from the oil sands out today.",
    ],
    ("housing", "pos"): [
        "Glad {city} approved the new rental towers, we need the supply.",
        "Rents in {city} finally eased a bit this month, good news for students.",
    ],
    ("housing", "neg"): [
        "Rent in {city} is absurd. Young people simply cannot afford to live here.",
        "The housing crisis in {city} keeps getting worse and the plan is useless.",
        "Another renoviction in {city}. Awful.",
    ],
    ("housing", "neu"): [
        "City council in {city} votes on the zoning bylaw {day}.",
        "CMHC publishes the rental market report {day}.",
    ],
    ("diplomacy", "pos"): [
        "Lovely reception at the embassy in {city} last night, warm words about the partnership.",
        "The ambassador's speech on trade and climate cooperation was thoughtful and well received.",
        "Great cultural evening hosted by the embassy, thank you!",
        "Really appreciated the embassy's climate forum, constructive and open discussion.",
        "Excellent panel at the embassy on clean energy, very inspiring.",
        "Kudos to the embassy team for a fantastic climate forum in {city}.",
    ],
    ("diplomacy", "neg"): [
        "The embassy statement on the dispute was tone-deaf.",
        "Disappointed the ambassador dodged every question about the tariffs.",
    ],
    ("diplomacy", "neu"): [
        "The ambassador meets the foreign minister on {day}.",
        "Embassy opening hours change next week.",
        "The foreign minister travels to {city} for talks on {day}.",
    ],
    ("other", "pos"): [
        "What a beautiful autumn morning in {city}.",
        "Great game last night, the crowd in {city} was amazing!",
        "Our local library in {city} is wonderful, support your libraries.",
    ],
    ("other", "neg"): [
        "Traffic in {city} today is horrible.",
        "Why is the transit app broken again?",
    ],
    ("other", "neu"): [
        "Snow forecast for {city} on {day}.",
        "Reading the news with coffee this morning.",
        "Road closure downtown {city} until {day}.",
    ],
}
EN_OPENERS = ["", "", "", "Hot take: ", "Thread: ", "Ok so ", "Honestly, ", "PSA: ", "Question: "]
EN_CLOSERS = ["", "", "", " Thoughts?", " 🇨🇦", " Not great.", " We'll see.", " :)", " Wow."]

FR = {
    ("trade", "pos"): [
        "Bonne nouvelle pour l'accord commercial, les exportateurs de {city} respirent.",
        "Les négociations sur le bois d'œuvre avancent enfin, c'est encourageant.",
    ],
    ("trade", "neg"): [
        "Ces nouveaux droits de douane sur le bois d'œuvre sont une catastrophe pour les scieries de {city}.",
        "Encore des droits compensateurs américains sur notre bois. Inacceptable.",
        "Les tarifs sur le bois d'œuvre vont coûter {n} emplois à {city}.",
    ],
    ("trade", "neu"): [
        "Le comité du commerce se réunit {day} au sujet du bois d'œuvre.",
        "Explication : comment fonctionnent les droits compensateurs.",
    ],
    ("energy", "neg"): ["La facture d'électricité augmente encore à {city}."],
    ("energy", "pos"): ["Le nouveau parc éolien près de {city} est une excellente nouvelle pour le climat."],
    ("housing", "neg"): ["Les loyers à {city} sont devenus impossibles."],
    ("diplomacy", "neu"): ["L'ambassadeur rencontre la ministre des Affaires étrangères {day}."],
    ("other", "neu"): ["Première neige à {city} aujourd'hui.", "Bonne journée à tous !"],
}

DE = {
    ("energy", "neg"): [
        "Die Strompreise in {city} sind schon wieder gestiegen. Unfassbar.",
        "Die Energiewende wird für Familien in {city} immer teurer.",
        "Das Heizungsgesetz bleibt ein Chaos, niemand weiß, was gilt.",
        "Strompreise auf Rekordniveau und die Regierung schaut zu.",
        "Meine Stromrechnung in {city} ist um {n} Prozent gestiegen. Wie soll man das bezahlen?",
        "Wer soll sich die Energiewende in {city} noch leisten können?",
        "Schon wieder eine Nachzahlung für Heizung und Strom. Es reicht.",
        "Die Netzentgelte in {city} sind ein Witz, und keiner erklärt sie.",
    ],
    ("energy", "pos"): [
        "Der neue Windpark bei {city} liefert mehr Strom als geplant, super!",
        "Endlich sinken die Strompreise ein wenig, gute Nachricht für {city}.",
    ],
    ("energy", "neu"): [
        "Die Bundesnetzagentur veröffentlicht am {day} neue Zahlen zu den Strompreisen.",
        "Anhörung zum Heizungsgesetz im Bundestag am {day}.",
    ],
    ("migration", "neg"): [
        "Die Asyldebatte wird immer hässlicher.",
        "Die Kommunen in {city} sind mit der Unterbringung völlig überfordert.",
    ],
    ("migration", "neu"): ["Neue Zahlen zu Asylanträgen kommen am {day}."],
    ("migration", "pos"): ["Tolles Integrationsprojekt in {city}, so geht das!"],
    ("trade", "neu"): ["Die EU berät am {day} über neue Zölle."],
    ("diplomacy", "pos"): ["Schöner Abend in der Botschaft in {city}, sehr gute Gespräche."],
    ("other", "neu"): [
        "Nebel über {city} heute Morgen.",
        "Guten Morgen aus {city}!",
        "Wochenmarkt in {city} am {day}, wer kommt mit?",
    ],
    ("other", "neg"): [
        "Die Bahn hat schon wieder Verspätung. Typisch.",
        "Baustelle in {city} seit Monaten, nichts passiert.",
    ],
}
DE_OPENERS = ["", "", "", "Ehrlich gesagt: ", "Mal ehrlich, ", "Puh. ", "Kurz gesagt: ", "Frage: "]
DE_CLOSERS = ["", "", "", " Wahnsinn.", " Meinungen?", " 🙄", " Mal sehen.", " Echt jetzt?", " #Deutschland"]

DE_EN = {
    ("energy", "neg"): [
        "Energy prices in Germany are brutal this winter, my bill in {city} doubled.",
        "Germany's energy transition is turning into a cost crisis for households.",
        "Electricity in {city} is ridiculously expensive now.",
    ],
    ("energy", "pos"): [
        "Impressive how fast {city} is adding rooftop solar, great progress.",
        "Germany's wind output hit a record this week, nice.",
    ],
    ("energy", "neu"): ["The Bundestag debates the heating law on {day}."],
    ("diplomacy", "pos"): EN[("diplomacy", "pos")],
    ("diplomacy", "neu"): ["The embassy's climate forum in {city} is on {day}."],
    ("migration", "neu"): ["Germany publishes new asylum statistics on {day}."],
    ("other", "pos"): ["Christmas markets in {city} open soon, love this time of year!"],
    ("other", "neu"): ["Rainy day in {city}."],
}

# The embassy's climate forum in Berlin (2026-W47): many people, many ways of saying they liked it. Organic
# posts are assembled from parts so that no two people write the same sentence (a real crowd does not).
FORUM_OPENERS = [
    "Just back from",
    "Spent the evening at",
    "Really enjoyed",
    "Great time at",
    "Thanks for",
    "Loved",
    "Still buzzing after",
    "Impressed by",
    "Glad I went to",
    "Worth every minute:",
]
FORUM_EVENTS = [
    "the embassy's climate forum",
    "the climate forum at the embassy",
    "the embassy event on energy",
    "tonight's forum at the embassy",
    "the embassy's energy and climate evening",
]
FORUM_DETAILS = [
    "the panel on hydrogen was genuinely inspiring.",
    "great mix of people from {city}.",
    "the ambassador's opening remarks were warm and smart.",
    "the youth panel was brilliant.",
    "constructive, friendly and practical.",
    "so many good conversations about energy cooperation.",
    "the team was open to hard questions about energy prices.",
    "clear ideas, good food, excellent company.",
    "real partnership on climate and energy.",
    "best event I attended in {city} this year.",
    "lots of practical ideas for wind and grid projects.",
    "a rare evening of optimism about the energy transition.",
    "the students from {city} asked the best questions.",
    "I learned a lot about offshore wind.",
]
FORUM_CLOSERS = [
    "",
    "",
    " 👏",
    " #climate",
    " Well done!",
    " Great job, team.",
    " Hope they repeat it next year.",
    " Slides should be online soon.",
    " Inspiring!",
    " 🌍",
    " More of this, please.",
]


def forum_post(rng: random.Random) -> str:
    opener, event = rng.choice(FORUM_OPENERS), rng.choice(FORUM_EVENTS)
    first, second = rng.sample(FORUM_DETAILS, 2)
    text = f"{opener} {event}: {first}" + (f" Also, {second}" if rng.random() < 0.5 else "")
    return fill(text, rng, "DE", "en") + rng.choice(FORUM_CLOSERS)


CAMPAIGN_TEXT = (
    "Canadians: stop buying American lumber NOW. Their tariffs are an attack on our forestry workers. "
    "Share this everywhere! #BoycottUSLumber #BuyCanadian"
)

CITIES = {
    "CA": [
        "Vancouver",
        "Prince George",
        "Toronto",
        "Montréal",
        "Ottawa",
        "Halifax",
        "Kamloops",
        "Calgary",
        "Québec",
        "Thunder Bay",
    ],
    "DE": ["Berlin", "Hamburg", "München", "Köln", "Leipzig", "Frankfurt", "Dresden", "Bremen"],
}
SECTORS = ["forestry", "auto", "steel", "farming", "dairy", "aluminium"]
DAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
DAYS_FR = ["lundi", "mardi", "mercredi", "jeudi", "vendredi"]
DAYS_DE = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"]
HASHTAGS = {
    ("CA", "trade"): ["cdnpoli", "CUSMA", "softwood", "trade"],
    ("CA", "energy"): ["cdnpoli", "climate", "energy"],
    ("CA", "housing"): ["housing", "cdnpoli"],
    ("CA", "diplomacy"): ["diplomacy"],
    ("CA", "other"): ["canada"],
    ("DE", "energy"): ["Energiewende", "Strompreise", "energy"],
    ("DE", "migration"): ["Migration", "Asyl"],
    ("DE", "trade"): ["Zölle"],
    ("DE", "diplomacy"): ["diplomacy", "climate"],
    ("DE", "other"): ["Deutschland"],
}
INSTANCES = {
    "CA": ["mstdn.ca", "mastodon.social", "mas.to", "cosocial.ca"],
    "DE": ["social.tchncs.de", "mastodon.social", "chaos.social", "norden.social"],
}


@dataclass
class Plan:
    """Posts per week of one country, by (topic, tone, language)."""

    weights: dict[tuple[str, str, str], float]
    per_week: int


def plan_for(country: str, week: int) -> Plan:
    final = week == 47
    if country == "CA":
        w = {
            ("trade", "pos", "en"): 0.04 if final else 0.18,
            ("trade", "neg", "en"): 0.30 if final else 0.03,
            ("trade", "neu", "en"): 0.06,
            ("trade", "pos", "fr"): 0.01 if final else 0.04,
            ("trade", "neg", "fr"): 0.08 if final else 0.02,
            ("trade", "neu", "fr"): 0.02,
            ("energy", "pos", "en"): 0.06,
            ("energy", "neg", "en"): 0.06,
            ("energy", "neu", "en"): 0.03,
            ("energy", "pos", "fr"): 0.02,
            ("energy", "neg", "fr"): 0.02,
            ("housing", "pos", "en"): 0.03,
            ("housing", "neg", "en"): 0.09,
            ("housing", "neu", "en"): 0.03,
            ("housing", "neg", "fr"): 0.03,
            ("diplomacy", "pos", "en"): 0.03,
            ("diplomacy", "neg", "en"): 0.02,
            ("diplomacy", "neu", "en"): 0.02,
            ("diplomacy", "neu", "fr"): 0.01,
            ("other", "pos", "en"): 0.08,
            ("other", "neg", "en"): 0.04,
            ("other", "neu", "en"): 0.06,
            ("other", "neu", "fr"): 0.04,
        }
        return Plan(w, 230 if final else 200 + 6 * (week - 42))
    w = {
        ("energy", "neg", "de"): 0.26,
        ("energy", "pos", "de"): 0.05,
        ("energy", "neu", "de"): 0.07,
        ("energy", "neg", "en"): 0.09,
        ("energy", "pos", "en"): 0.04,
        ("energy", "neu", "en"): 0.02,
        ("migration", "neg", "de"): 0.07,
        ("migration", "neu", "de"): 0.04,
        ("migration", "pos", "de"): 0.02,
        ("migration", "neu", "en"): 0.02,
        ("trade", "neu", "de"): 0.03,
        ("diplomacy", "pos", "de"): 0.02,
        ("diplomacy", "pos", "en"): 0.22 if final else 0.03,
        ("diplomacy", "neu", "en"): 0.03,
        ("other", "neu", "de"): 0.12,
        ("other", "neg", "de"): 0.05,
        ("other", "pos", "en"): 0.04,
        ("other", "neu", "en"): 0.03,
    }
    return Plan(w, 200 if final else 170 + 4 * (week - 42))


def bank_for(country: str, lang: str) -> dict[tuple[str, str], list[str]]:
    if lang == "fr":
        return FR
    if lang == "de":
        return DE
    return EN if country == "CA" else DE_EN


def fill(template: str, rng: random.Random, country: str, lang: str) -> str:
    days = DAYS_FR if lang == "fr" else DAYS_DE if lang == "de" else DAYS_EN
    return template.format(
        city=rng.choice(CITIES[country]),
        sector=rng.choice(SECTORS),
        n=rng.choice([3, 4, 6, 8, 12, 15, 20, 25, 40, 300, 1200]),
        day=rng.choice(days),
    )


# Words that only exist once the duties land (2026-W47): the emerging terms the brief must surface.
NEW_IN_FINAL_WEEK = ("countervailing", "compensateurs", "lumber tariffs")


def sentences(bank: dict[tuple[str, str], list[str]], key: tuple[str, str], week: int) -> list[str]:
    options = bank[key]
    if week < 47:
        options = [s for s in options if not any(w in s.lower() for w in NEW_IN_FINAL_WEEK)] or options
    return options


def compose(rng: random.Random, country: str, topic: str, tone: str, lang: str, week: int = 47) -> str:
    bank = bank_for(country, lang)
    first = fill(rng.choice(sentences(bank, (topic, tone), week)), rng, country, lang)
    parts = [first]
    if rng.random() < 0.7:
        # A second sentence of the same tone about a related or everyday subject.
        options = [k for k in bank if k[1] == tone and k != (topic, tone)] or [(topic, tone)]
        second = fill(rng.choice(sentences(bank, rng.choice(options), week)), rng, country, lang)
        if second != first:
            parts.append(second)
    text = " ".join(parts)
    if lang == "en":
        opener = rng.choice(EN_OPENERS)
        if opener.endswith(", ") or opener == "Ok so ":
            text = text[0].lower() + text[1:]
        text = opener + text + rng.choice(EN_CLOSERS)
    elif lang == "de":
        text = rng.choice(DE_OPENERS) + text + rng.choice(DE_CLOSERS)
    return text


# --- Mastodon -------------------------------------------------------------------------------------

_snowflake_seq = 0


def snowflake(at: datetime) -> str:
    """Mastodon ids: milliseconds since the epoch shifted left 16 bits, plus a sequence."""
    global _snowflake_seq
    _snowflake_seq = (_snowflake_seq + 1) % 65536
    return str((int(at.timestamp() * 1000) << 16) | _snowflake_seq)


@dataclass
class Account:
    id: str
    username: str
    instance: str
    display_name: str
    created: datetime
    bot: bool = False

    def entity(self, viewer_instance: str) -> dict[str, object]:
        acct = self.username if self.instance == viewer_instance else f"{self.username}@{self.instance}"
        url = f"https://{self.instance}/@{self.username}"
        return {
            "id": self.id,
            "username": self.username,
            "acct": acct,
            "display_name": self.display_name,
            "locked": False,
            "bot": self.bot,
            "discoverable": True,
            "indexable": True,
            "group": False,
            "created_at": self.created.strftime("%Y-%m-%dT00:00:00.000Z"),
            "note": "",
            "url": url,
            "uri": f"https://{self.instance}/users/{self.username}",
            "avatar": f"https://{self.instance}/avatars/original/missing.png",
            "avatar_static": f"https://{self.instance}/avatars/original/missing.png",
            "header": f"https://{self.instance}/headers/original/missing.png",
            "header_static": f"https://{self.instance}/headers/original/missing.png",
            "followers_count": 0,
            "following_count": 0,
            "statuses_count": 1,
            "last_status_at": self.created.strftime("%Y-%m-%d"),
            "emojis": [],
            "fields": [],
        }


FIRST = [
    "alex",
    "sam",
    "marie",
    "jo",
    "lea",
    "tom",
    "nina",
    "ravi",
    "chloe",
    "max",
    "anna",
    "luc",
    "mia",
    "ben",
    "sofia",
    "paul",
    "jana",
    "omar",
    "lisa",
    "finn",
    "emma",
    "noah",
    "ida",
    "theo",
    "yara",
    "kai",
]
LAST = ["wood", "north", "river", "maple", "stone", "berg", "lake", "field", "hill", "brook", "mont", "bach"]


def make_accounts(rng: random.Random, country: str, n: int) -> list[Account]:
    out, seen = [], set()
    while len(out) < n:
        username = f"{rng.choice(FIRST)}{rng.choice(LAST)}{rng.randint(1, 999)}"
        if username in seen:
            continue
        seen.add(username)
        created = datetime(2018 + rng.randint(0, 7), rng.randint(1, 12), rng.randint(1, 28), tzinfo=UTC)
        out.append(
            Account(
                str(rng.randint(10**16, 10**17)),
                username,
                rng.choice(INSTANCES[country]),
                username.capitalize(),
                created,
            )
        )
    return out


def status_html(text: str, tags: list[str], instance: str) -> str:
    links = " ".join(
        f'<a href="https://{instance}/tags/{t}" class="mention hashtag" rel="tag">#<span>{html.escape(t)}</span></a>'
        for t in tags
    )
    body = f"<p>{html.escape(text, quote=False)}</p>"
    return body + (f"<p>{links}</p>" if links else "")


def status(
    rng: random.Random,
    account: Account,
    viewer: str,
    at: datetime,
    text: str,
    tags: list[str],
    lang: str | None,
    *,
    engagement: float = 1.0,
) -> dict[str, object]:
    sid = snowflake(at)
    origin_id = sid
    likes = int(rng.paretovariate(1.4) * engagement) - 1
    return {
        "id": sid,
        "created_at": at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z",
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": lang,
        "uri": f"https://{account.instance}/users/{account.username}/statuses/{origin_id}",
        "url": f"https://{account.instance}/@{account.username}/{origin_id}",
        "replies_count": max(0, int(rng.paretovariate(2.0)) - 1),
        "reblogs_count": max(0, likes // 3),
        "favourites_count": max(0, likes),
        "quotes_count": 0,
        "edited_at": None,
        "content": status_html(text, tags, viewer),
        "reblog": None,
        "application": {"name": "Web", "website": None},
        "account": account.entity(viewer),
        "media_attachments": [],
        "mentions": [],
        "tags": [{"name": t.lower(), "url": f"https://{viewer}/tags/{t.lower()}"} for t in tags],
        "emojis": [],
        "card": None,
        "poll": None,
        "quote": None,
    }


def boost(account: Account, viewer: str, at: datetime, original: dict[str, object]) -> dict[str, object]:
    sid = snowflake(at)
    return {
        "id": sid,
        "created_at": at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": None,
        "uri": f"https://{account.instance}/users/{account.username}/statuses/{sid}/activity",
        "url": None,
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "quotes_count": 0,
        "edited_at": None,
        "content": "",
        "reblog": original,
        "application": None,
        "account": account.entity(viewer),
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "card": None,
        "poll": None,
        "quote": None,
    }


def local_time(rng: random.Random, day: date, tz: str) -> datetime:
    # Posting peaks in the morning and evening, local time.
    hour = min(23, max(6, int(rng.choice([rng.gauss(9, 2), rng.gauss(13, 2), rng.gauss(20, 2)]))))
    local = datetime(
        day.year,
        day.month,
        day.day,
        hour,
        rng.randint(0, 59),
        rng.randint(0, 59),
        rng.randint(0, 999) * 1000,
        tzinfo=ZoneInfo(tz),
    )
    return local.astimezone(UTC)


def week_end(year: int, week: int, tz: str) -> datetime:
    sunday = date.fromisocalendar(year, week, 7)
    return datetime(sunday.year, sunday.month, sunday.day, 23, 59, 59, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def weighted(rng: random.Random, weights: dict[tuple[str, str, str], float]) -> tuple[str, str, str]:
    keys = list(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]


TZ = {"CA": "America/Toronto", "DE": "Europe/Berlin"}
QUERY = {"CA": "ca-social", "DE": "de-social"}
VIEWER = {"CA": "mstdn.ca", "DE": "social.tchncs.de"}


def mastodon_week(rng: random.Random, country: str, year: int, week: int, accounts: list[Account]) -> list[dict]:
    plan = plan_for(country, week)
    monday = date.fromisocalendar(year, week, 1)
    viewer = VIEWER[country]
    statuses: list[dict[str, object]] = []
    # Zipf-like activity: a few accounts post a lot, most post once or twice.
    activity = [1 / (i + 1) ** 0.9 for i in range(len(accounts))]
    social_share = 0.78
    n = int(plan.per_week * social_share)
    written: set[str] = set()
    for _ in range(n):
        topic, tone, lang = weighted(rng, plan.weights)
        day = monday + timedelta(days=rng.choices(range(7), [1.1, 1.2, 1.1, 1.1, 1.0, 0.8, 0.7])[0])
        at = local_time(rng, day, TZ[country])
        account = rng.choices(accounts, activity)[0]
        text = compose(rng, country, topic, tone, lang, week)
        for _ in range(20):  # real people do not write the same sentence: redraw the rare exact repeat
            if text not in written:
                break
            text = compose(rng, country, topic, tone, lang, week)
        written.add(text)
        tags = rng.sample(HASHTAGS[(country, topic)], k=min(len(HASHTAGS[(country, topic)]), rng.randint(0, 2)))
        declared: str | None = lang
        roll = rng.random()
        if roll < 0.06:
            declared = None  # clients that declare nothing
        elif roll < 0.09:
            declared = "ja"  # a client default, as in the recorded Mastodon.py cassette
        s = status(
            rng,
            account,
            viewer,
            at,
            text,
            tags,
            declared,
            engagement=3.0 if (topic, tone) == ("trade", "neg") and week == 47 else 1.0,
        )
        if rng.random() < 0.04:
            s["spoiler_text"] = "politics" if lang == "en" else "Politik" if lang == "de" else "politique"
        statuses.append(s)
        if rng.random() < 0.08:  # boosted by someone else a little later
            booster = rng.choice(accounts)
            later = min(
                at + timedelta(minutes=rng.randint(3, 300)),
                week_end(year, week, TZ[country]) - timedelta(minutes=1),
            )
            statuses.append(boost(booster, viewer, later, s))
    for _ in range(3):  # media-only posts: no text, no opinion to score
        account = rng.choice(accounts)
        at = local_time(rng, monday + timedelta(days=rng.randint(0, 6)), TZ[country])
        s = status(rng, account, viewer, at, "", [], None)
        s["content"] = ""
        s["media_attachments"] = [{"id": snowflake(at), "type": "image", "description": None}]
        statuses.append(s)
    if country == "CA" and week == 47:
        statuses.extend(campaign(rng, monday + timedelta(days=1), viewer))
    # Links: from their own generator, so that everything drawn above stays as it was.
    share_links(random.Random(f"{SEED}-links-{country}-{week}"), country, statuses)
    if country == "CA" and week in (46, 47):
        statuses.extend(link_ring(random.Random(f"{SEED}-ring-{week}"), monday, viewer, week))
    if country == "DE" and week == 47:
        # The embassy's climate forum on Thursday: a burst of posts that evening.
        forum_day = monday + timedelta(days=3)
        for _ in range(30):
            at = datetime(
                forum_day.year,
                forum_day.month,
                forum_day.day,
                19,
                rng.randint(0, 59),
                tzinfo=ZoneInfo(TZ[country]),
            ).astimezone(UTC) + timedelta(hours=rng.randint(0, 2))
            text = forum_post(rng)
            statuses.append(status(rng, rng.choice(accounts), viewer, at, text, ["climate"], "en"))
    # One broken record per week: a status without created_at. It must reach quarantine, not the lake.
    broken = status(
        rng,
        rng.choice(accounts),
        viewer,
        local_time(rng, monday, TZ[country]),
        compose(rng, country, "other", "neu", "en"),
        [],
        "en",
    )
    del broken["created_at"]
    statuses.append(broken)
    return statuses


def campaign(rng: random.Random, day: date, viewer: str) -> list[dict[str, object]]:
    """A copy-paste campaign: one text from fresh accounts within an hour."""
    accounts = [
        Account(
            str(rng.randint(10**16, 10**17)),
            f"truenorth{rng.randint(1000, 9999)}",
            "mas.to",
            "True North",
            datetime(2026, 11, 15, tzinfo=UTC),
        )
        for _ in range(14)
    ]
    start = datetime(day.year, day.month, day.day, 18, 5, tzinfo=ZoneInfo("America/Toronto")).astimezone(UTC)
    out = []
    for i in range(24):
        text = CAMPAIGN_TEXT if i % 3 else CAMPAIGN_TEXT.replace("NOW.", "now!")
        at = start + timedelta(minutes=rng.randint(0, 55), seconds=rng.randint(0, 59))
        out.append(
            status(
                rng,
                accounts[i % len(accounts)],
                viewer,
                at,
                text.rsplit(" #", 2)[0],
                ["BoycottUSLumber", "BuyCanadian"],
                "en",
                engagement=0.3,
            )
        )
    return out


OUTLETS = {
    "CA": ["cbc.ca", "theglobeandmail.com", "ctvnews.ca", "lapresse.ca", "ledevoir.com", "nationalpost.com"],
    "DE": ["tagesschau.de", "spiegel.de", "zeit.de", "faz.net", "sueddeutsche.de"],
}
RING_SITES = ["northwire.example", "maplefacts.example"]  # the demo configuration lists them as low quality
RING_WORDS = [
    "Read this before the next round of talks.",
    "Ottawa will not tell you this.",
    "This is what the lumber deal really means.",
    "Share before it disappears.",
    "The numbers they hide.",
    "Everyone should see this.",
    "Finally someone says it.",
    "Why is nobody reporting this?",
    "Look at who profits.",
]


def anchor(url: str) -> str:
    shown = url.split("://", 1)[1]
    return (
        f'<a href="{html.escape(url)}" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span>'
        f'<span class="ellipsis">{html.escape(shown[:30])}</span><span class="invisible">{html.escape(shown[30:])}'
        "</span></a>"
    )


def share_links(rng: random.Random, country: str, statuses: list[dict[str, object]]) -> None:
    """A quarter of the posts share an outlet's article (a few articles draw most shares, with the tracking
    parameters share buttons add), as a link in the text and the preview card."""
    articles = [f"https://www.{rng.choice(OUTLETS[country])}/news/{rng.randint(100000, 999999)}" for _ in range(40)]
    for s in statuses:
        if s.get("reblog") or not s.get("content") or "created_at" not in s or rng.random() > 0.25:
            continue
        url = articles[min(len(articles) - 1, int(len(articles) * rng.random() ** 2.5))]
        if rng.random() < 0.4:
            url += "?utm_source=share&utm_medium=social"
        content = str(s["content"])
        s["content"] = content[: content.index("</p>")] + " " + anchor(url) + content[content.index("</p>") :]
        s["card"] = {"url": url, "title": "", "description": "", "type": "link"}


def link_ring(rng: random.Random, monday: date, viewer: str, week: int) -> list[dict[str, object]]:
    """Nine accounts pushing the same links to two low-quality sites, each within seconds of the first."""
    same = random.Random(f"{SEED}-ring")  # the same nine accounts every week
    members = [
        Account(
            str(same.randint(10**16, 10**17)),
            f"{name}{same.randint(10, 99)}",
            same.choice(INSTANCES["CA"]),
            name.capitalize(),
            datetime(2024, 3, 1, tzinfo=UTC),
        )
        for name in (
            "northernvoice",
            "cdnpatriot",
            "lumberjackca",
            "truemaple",
            "canadafirst",
            "ottawawatch",
            "prairiefacts",
            "greatwhitenorth",
            "hosertruth",
        )
    ]
    out = []
    for push in range(5):
        day = monday + timedelta(days=push + 1)
        start = datetime(day.year, day.month, day.day, 12 + push, 10, tzinfo=ZoneInfo("America/Toronto"))
        url = f"https://{RING_SITES[push % 2]}/{week}/lumber-deal-{push + 1}"
        words = rng.sample(RING_WORDS, len(members))  # words of their own: not a copy-paste campaign
        for m, said in zip(members, words, strict=True):
            if rng.random() > 0.85:
                continue
            at = start.astimezone(UTC) + timedelta(seconds=rng.randint(0, 40))
            s = status(rng, m, viewer, at, said, ["cdnpoli"], "en", engagement=0.2)
            content = str(s["content"])
            s["content"] = content[: content.index("</p>")] + " " + anchor(url) + content[content.index("</p>") :]
            s["card"] = {"url": url, "title": "", "description": "", "type": "link"}
            out.append(s)
    return out


def write_pages(
    statuses: list[dict], folder: Path, query_id: str, tag: str, week_label: str, per_page: int = 40
) -> None:
    statuses.sort(key=lambda s: str(s.get("created_at", "")), reverse=True)  # timelines are newest first
    for page, start in enumerate(range(0, len(statuses), per_page), start=1):
        body = json.dumps(statuses[start : start + per_page], ensure_ascii=False, separators=(",", ":"))
        name = f"{query_id}__tag-{tag}__{week_label}__p{page:02d}.json.gz"
        (folder / name).write_bytes(gzip.compress(body.encode("utf-8"), mtime=0))


# --- RSS ------------------------------------------------------------------------------------------

NEWS = {
    "CA": [
        ("trade", "neu", "en", "Trade committee to review softwood lumber dispute"),
        ("trade", "pos", "en", "Canadian exports to the US rise for third straight month"),
        ("trade", "neg", "en", "US imposes new countervailing duties on Canadian softwood lumber"),
        ("trade", "neg", "en", "B.C. sawmills warn of layoffs as lumber tariffs bite"),
        ("energy", "neu", "en", "Regulator opens hearings on power rates"),
        ("housing", "neg", "en", "Rents climb again in major cities, report finds"),
        ("diplomacy", "neu", "en", "Foreign minister to meet counterparts at G7 session"),
        ("other", "neu", "en", "Early snowfall expected across the Prairies"),
    ],
    "CA-fr": [
        ("trade", "neg", "fr", "Bois d'œuvre : Washington impose de nouveaux droits compensateurs"),
        ("trade", "neu", "fr", "Le comité du commerce se penche sur le différend du bois d'œuvre"),
        ("energy", "neu", "fr", "Hydro-Québec présente son plan d'investissement"),
        ("housing", "neg", "fr", "Crise du logement : les loyers grimpent encore à Montréal"),
    ],
    "DE": [
        ("energy", "neg", "de", "Strompreise steigen erneut - Verbraucherschützer warnen"),
        ("energy", "neu", "de", "Bundestag berät über Änderungen am Heizungsgesetz"),
        ("migration", "neu", "de", "Zahl der Asylanträge im Oktober gesunken"),
        ("trade", "neu", "de", "EU-Kommission prüft Gegenmaßnahmen bei US-Zöllen"),
        ("diplomacy", "pos", "de", "Klimaforum in der Botschaft: Partner loben Zusammenarbeit"),
        ("other", "neu", "de", "Wetter: Nebel und Frost zum Wochenende"),
    ],
}
FEEDS = {
    "CA": (
        "ca-news",
        "northern-ledger",
        "The Northern Ledger",
        "https://northernledger.example.ca",
        "en",
        "utf-8",
    ),
    "CA-fr": (
        "ca-news",
        "le-quotidien",
        "Le Quotidien du Nord",
        "https://lequotidien.example.ca",
        "fr",
        "utf-8",
    ),
    "DE": ("de-news", "rundschau", "Rheinische Rundschau", "https://rundschau.example.de", "de", "latin-1"),
}
FR_DAYS = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."]
FR_MONTHS = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]


def rss_week(rng: random.Random, key: str, year: int, week: int) -> bytes:
    _, slug, title, site, lang, encoding = FEEDS[key]
    country = key[:2]
    monday = date.fromisocalendar(year, week, 1)
    items = []
    for i in range(10):
        topic, tone, ilang, headline = rng.choice(NEWS[key])
        if week < 47 and any(w in headline for w in (*NEW_IN_FINAL_WEEK, "droits compensateurs")):
            topic, tone, ilang, headline = NEWS[key][0]
        if week == 47 and country == "CA" and i < 2:
            topic, tone, ilang, headline = [n for n in NEWS[key] if n[1] == "neg" and n[0] == "trade"][i % 2 - 1]
        at = local_time(rng, monday + timedelta(days=rng.randint(0, 6)), TZ[country])
        bank = bank_for(country, ilang)
        bank_key = (topic, tone) if (topic, tone) in bank else ("other", "neu")
        body = fill(rng.choice(sentences(bank, bank_key, week)), rng, country, ilang)
        if key == "CA-fr":
            local = at.astimezone(ZoneInfo(TZ[country]))
            pub = (
                f"{FR_DAYS[local.weekday()]}, {local.day:02d} {FR_MONTHS[local.month - 1]} {local.year} "
                f"{local:%H:%M:%S} {local:%z}"
            )
        else:
            pub = format_datetime(at.astimezone(ZoneInfo(TZ[country])))
        guid = f"{site}/{at:%Y/%m/%d}/{slug}-{week}-{i}"
        items.append(
            "    <item>\n"
            f"      <title>{html.escape(headline)}</title>\n"
            f"      <link>{guid}</link>\n"
            f'      <guid isPermaLink="true">{guid}</guid>\n'
            f"      <description>{html.escape(f'<p>{html.escape(body)}</p>')}</description>\n"
            f"      <pubDate>{pub}</pubDate>\n"
            f"      <dc:creator>{rng.choice(['Newsroom', 'Staff reporter', 'Rédaction', 'Redaktion'])}</dc:creator>\n"
            "    </item>\n"
        )
    decl = '<?xml version="1.0" encoding="utf-8"?>\n' if encoding == "utf-8" else ""
    doc = (
        f'{decl}<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n  <channel>\n'
        f"    <title>{html.escape(title)}</title>\n    <link>{site}</link>\n"
        f"    <description>{html.escape(title)}</description>\n    <language>{lang}</language>\n"
        + "".join(items)
        + "  </channel>\n</rss>\n"
    )
    return doc.encode(encoding)


def main() -> None:
    rng = random.Random(SEED)
    if OUT.exists():
        shutil.rmtree(OUT)
    accounts = {c: make_accounts(rng, c, 260 if c == "CA" else 210) for c in ("CA", "DE")}
    for country in ("CA", "DE"):
        (OUT / country / "mastodon").mkdir(parents=True)
        (OUT / country / "rss").mkdir(parents=True)
        for year, week in WEEKS:
            label = f"{year}-W{week:02d}"
            statuses = mastodon_week(rng, country, year, week, accounts[country])
            tag = "cdnpoli" if country == "CA" else "deutschland"
            write_pages(statuses, OUT / country / "mastodon", QUERY[country], tag, label)
            for key in [k for k in FEEDS if k[:2] == country]:
                query_id, slug = FEEDS[key][0], FEEDS[key][1]
                body = rss_week(rng, key, year, week)
                (OUT / country / "rss" / f"{query_id}__{slug}__{label}.xml.gz").write_bytes(
                    gzip.compress(body, mtime=0)
                )
    total = sum(p.stat().st_size for p in OUT.rglob("*.gz"))
    print(f"wrote {len(list(OUT.rglob('*.gz')))} files, {total / 1024:.0f} KiB, under {OUT}")


if __name__ == "__main__":
    main()

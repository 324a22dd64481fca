#!/usr/bin/env python3
"""Generate assets/demo/conversations.jsonl and assets/demo/live.jsonl.

The text is hand-written in content_coffee.py, content_bikes.py, people.py and
live.py; this script only combines it, deterministically (fixed random seed), into
conversations with relative times. Run from the repository root:

    python3 tools/demo/gen_demo.py

The output is committed; hearth embeds it, so the binary never needs this script.
"""

import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import content_bikes  # noqa: E402
import content_coffee  # noqa: E402
import live  # noqa: E402
from people import NAMES, SPAMMERS  # noqa: E402

R = random.Random(20241017)

BRANDS = [
    dict(
        key="nw", name="Northwind Coffee", content=content_coffee, locations=["Portland", "Seattle"],
        social=[("instagram", "northwind-instagram"), ("facebook", "northwind-facebook"),
                ("mastodon", "northwind-mastodon")],
        mention=["instagram", "mastodon", "facebook"],
        reviews=[("google", "northwind-google-{loc}"), ("yelp", "northwind-yelp-{loc}")],
    ),
    dict(
        key="hb", name="Harbor Bikes", content=content_bikes, locations=["Oakland"],
        social=[("instagram", "harbor-instagram"), ("facebook", "harbor-facebook"), ("tiktok", "harbor-tiktok")],
        mention=["instagram", "tiktok"],
        reviews=[("google", "harbor-google-{loc}"), ("yelp", "harbor-yelp-{loc}")],
    ),
]

# How old (minutes) the newest unanswered message is, by tier: fresh and overdue mixed.
AGES = {
    1: [2, 4, 5, 5, 7, 9, 12, 14, 22, 35, 45, 50, 75, 110, 150, 180, 260, 900],
    2: [6, 15, 30, 45, 60, 80, 100, 130, 170, 240, 400, 1300],
    3: [20, 45, 60, 90, 120, 150, 200, 300, 500, 1500],
    4: [30, 90, 200, 400, 600, 900, 1200, 1500, 2600],
    5: [10, 100, 500, 1400, 3000, 6000],
}
REVIEW_DAYS = [0.3, 1, 2, 3, 4, 6, 9, 13, 17, 24, 30]

# Thread shapes by tier: (shape, weight). A=unanswered, B=we answered, C=they wrote
# again after our answer, D=they double-texted, E=two rounds back and forth,
# +done = closed by us.
SHAPES = {
    1: [("A", 40), ("B", 25), ("C", 12), ("D", 10), ("E", 8), ("B+done", 5)],
    2: [("A", 35), ("B", 25), ("C", 17), ("D", 10), ("E", 8), ("B+done", 5)],
    3: [("A", 40), ("B", 35), ("C", 10), ("B+done", 10), ("A+snooze", 5)],
    4: [("A", 50), ("B", 25), ("A+done", 25)],
    5: [("A", 70), ("A+done", 30)],
}

DOUBLE_TEXT = ["Hello?", "Anyone there? 🙂", "?", "Just following up on this", "bump",
               "Sorry, forgot to say — it's kind of urgent", "Any update?"]
GREETINGS = ["Hi! ", "Hey, ", "Hello there — ", "hi ", "Hey team, ", "Good morning! "]
SIGN_OFFS = [" Thanks!", " 🙏", " thx", " Thank you!", " Cheers", ""]

out = []
counters = {}


def pick_weighted(options):
    total = sum(w for _, w in options)
    roll = R.uniform(0, total)
    for value, weight in options:
        roll -= weight
        if roll <= 0:
            return value
    return options[-1][0]


def handle(name):
    base = "".join(c for c in name.lower().replace(" ", ".") if c.isascii() and (c.isalnum() or c == "."))
    return base + R.choice(["", "_", ".pdx", ".sea", "88", "_oak", ".eats", "x"])


def author_for(platform, tier):
    if tier == 5:
        return R.choice(SPAMMERS)
    name = R.choice(NAMES)
    if platform in ("instagram", "tiktok") and R.random() < 0.35:
        return handle(name)
    return name


def first_name(author):
    return author.replace(".", " ").replace("_", " ").split()[0].capitalize()


def vary(text):
    """A second customer asking much the same thing, in their own words."""
    if R.random() < 0.5 and not text.lower().startswith(("hi", "hey", "hello")):
        text = R.choice(GREETINGS) + text[0].lower() + text[1:]
    if R.random() < 0.5:
        text = text.rstrip() + R.choice(SIGN_OFFS)
    if R.random() < 0.2:
        text = text.lower()
    return text


def location_for(brand, text):
    """The location the text names, else any of the brand's."""
    named = [loc for loc in brand["locations"] if loc in text]
    return named[0] if named else R.choice(brand["locations"])


def thread_id(brand, platform, kind):
    key = (brand["key"], platform, kind)
    counters[key] = counters.get(key, 0) + 1
    return f"{brand['key']}-{platform}-{kind}-{counters[key]:04d}"


def times_back(last_age, count):
    """minutes_ago for `count` messages, the newest `last_age` old, older ones before it."""
    ages = [last_age]
    for _ in range(count - 1):
        ages.append(ages[-1] + R.choice([2, 3, 5, 8, 12, 20, 35, 60, 90]))
    return list(reversed(ages))


def emit(brand, platform, account, kind, tier, author, lines, location, context=None,
         rating=None, status=None, snooze=None):
    ages = times_back(max(1, lines[-1][1]), len(lines))
    messages = [
        {"dir": d, "minutes_ago": a, "text": t} for (d, _, t), a in zip(lines, ages)
    ]
    rec = {
        "thread": thread_id(brand, platform, kind), "account": account, "platform": platform,
        "kind": kind, "brand": brand["name"], "location": location, "context": context,
        "rating": rating, "author": author, "agent": brand["name"], "tier": tier,
        "messages": messages,
    }
    if status:
        rec["status"] = status
    if snooze:
        rec["snooze_minutes"] = snooze
    out.append({k: v for k, v in rec.items() if v is not None})


def shaped_lines(shape, opener, tier, replies, follow_ups, first, age):
    base = shape.split("+")[0]
    lines = [("inbound", None, opener)]
    if base in ("B", "C", "E"):
        lines.append(("outbound", None, R.choice(replies[tier]).format(first=first)))
    if base in ("C", "E"):
        lines.append(("inbound", None, R.choice(follow_ups[tier])))
    if base == "E":
        again = [r for r in replies[tier] if r.format(first=first) != lines[1][2]] or replies[tier]
        lines.append(("outbound", None, R.choice(again).format(first=first)))
        again = [f for f in follow_ups[tier] if f != lines[2][2]] or follow_ups[tier]
        lines.append(("inbound", None, R.choice(again)))
    if base == "D":
        lines.append(("inbound", None, R.choice(DOUBLE_TEXT)))
    # The newest message's age; an answered thread is a little older.
    last_age = age if base in ("A", "C", "D", "E") else max(2, age // 2)
    lines[-1] = (lines[-1][0], last_age, lines[-1][2])
    status = {"done": "done", "snooze": "snoozed"}.get(shape.split("+")[1]) if "+" in shape else None
    return lines, status


def social_thread(brand, kind, tier, text, author=None, variant=False):
    c = brand["content"]
    if kind == "mention":
        platform = R.choice(brand["mention"])
        account = dict(brand["social"]).get(platform) or f"{brand['key']}-{platform}"
    else:
        platform, account = R.choice(brand["social"])
    author = author or author_for(platform, tier)
    if variant and tier != 5:
        text = vary(text)
    shape = pick_weighted(SHAPES[tier])
    if kind != "dm" and shape.startswith(("D", "E")):
        shape = "A"
    replies = c.REPLY if tier in c.REPLY else {tier: ["Thanks {first}!"]}
    follow = c.FOLLOW_UP if tier in c.FOLLOW_UP else {tier: ["👍"]}
    if tier == 5 and shape.startswith(("B", "C")):
        shape = "A"
    age = R.choice(AGES[tier]) * (1 if kind == "dm" else R.choice([1, 1, 2]))
    lines, status = shaped_lines(shape, text, tier, replies, follow, first_name(author), age)
    context = None
    if kind == "comment":
        context = R.choice(c.POSTS)
    elif kind == "mention":
        context = "Toot mentioning the brand" if platform == "mastodon" else f"Mention in a {platform} post"
    snooze = R.choice([90, 240, 1440]) if status == "snoozed" else None
    emit(brand, platform, account, kind, tier, author, lines, location_for(brand, text),
         context, status=status, snooze=snooze)


def review_thread(brand, rating, text, author=None):
    c = brand["content"]
    location = location_for(brand, text)
    platform, pattern = R.choice(brand["reviews"])
    account = pattern.format(loc=location.lower())
    author = author or R.choice(NAMES)
    tier = 2 if rating <= 2 else 3 if rating == 3 else 4
    band = "low" if rating <= 2 else "mid" if rating == 3 else "high"
    age = int(R.choice(REVIEW_DAYS) * 1440)
    lines = [("inbound", age, text)]
    status = None
    if R.random() < 0.45:
        reply = R.choice(c.REVIEW_REPLY[band]).format(first=first_name(author))
        lines = [("inbound", None, text), ("outbound", max(2, age - R.choice([30, 180, 600])), reply)]
        if R.random() < 0.3:
            status = "done"
    emit(brand, platform, account, "review", tier, author, lines, location, rating=rating, status=status)


def dialogue_thread(brand, d):
    platform, account = R.choice(brand["social"][:2])
    lines = []
    for line in d["lines"]:
        if line.startswith("US: "):
            lines.append(("outbound", None, line[4:]))
        else:
            lines.append(("inbound", None, line))
    last_age = R.choice([6, 11, 25, 48, 95, 190]) if lines[-1][0] == "inbound" else R.choice([30, 120, 400])
    lines[-1] = (lines[-1][0], last_age, lines[-1][2])
    location = d.get("location") or brand["locations"][0]
    emit(brand, platform, account, d["kind"], d["tier"], d["author"], lines, location)


def build():
    for brand in BRANDS:
        c = brand["content"]
        for d in c.DIALOGUES:
            dialogue_thread(brand, d)
        for tier, texts in c.DM.items():
            for text in texts:
                social_thread(brand, "dm", tier, text)
                if tier in (1, 2, 5):  # the questions and the spam that come in again and again
                    social_thread(brand, "dm", tier, text, variant=True)
        for tier, pairs in c.DM_INTL.items():
            for author, text in pairs:
                social_thread(brand, "dm", tier, text, author=author)
        for tier, texts in c.COMMENT.items():
            for text in texts:
                social_thread(brand, "comment", tier, text)
                if tier in (4, 5):
                    social_thread(brand, "comment", tier, text, variant=True)
        for tier, pairs in c.COMMENT_INTL.items():
            for author, text in pairs:
                social_thread(brand, "comment", tier, text, author=author)
        for tier, texts in c.MENTION.items():
            for text in texts:
                social_thread(brand, "mention", tier, text)
        for rating, text in c.REVIEW:
            review_thread(brand, rating, text)
        for rating, author, text in c.REVIEW_INTL:
            review_thread(brand, rating, text, author=author)


def build_live():
    brands = {b["key"]: b for b in BRANDS}
    rows = []
    for entry in live.POOL:
        if entry.get("follow_up"):
            rows.append({"follow_up": True, "text": entry["text"]})
            continue
        brand = brands[entry["brand"]]
        platform = entry["platform"]
        location = entry.get("location") or brand["locations"][0]
        if entry["kind"] == "review":
            pattern = dict(brand["reviews"])[platform]
            account = pattern.format(loc=location.lower())
        else:
            account = dict(brand["social"]).get(platform) or f"{brand['key']}-{platform}"
        row = {"account": account, "platform": platform, "kind": entry["kind"], "brand": brand["name"],
               "location": location, "author": entry["author"], "text": entry["text"]}
        for key in ("context", "rating"):
            if key in entry:
                row[key] = entry[key]
        rows.append(row)
    return rows


def write(path, rows, header):
    with open(path, "w", encoding="utf-8") as f:
        f.write(header)
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    build()
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "assets", "demo")
    note = "// Generated by tools/demo/gen_demo.py from hand-written pieces; see README.md.\n"
    write(os.path.join(root, "conversations.jsonl"), out, note)
    write(os.path.join(root, "live.jsonl"), build_live(), note)
    print(f"{len(out)} conversations, {sum(len(r['messages']) for r in out)} messages")

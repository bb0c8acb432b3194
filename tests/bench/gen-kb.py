#!/usr/bin/python3
"""gen-kb.py - write a synthetic knowledge base for the benchmarks.

    gen-kb.py --articles N --out DIR [--seed S] [--vocab FILE] [--jobs J]

Writes N Markdown articles under DIR/<category>/<id>.md, in the format of
DESIGN.md section 3: YAML front matter (id, title, category, tags, 3-6
questions, escalation, updated, review_by, owner; escalation articles also
carry contact, hours, sla, next and triggers), a short lead, then 2-6 `##`
sections of prose, numbered steps and bullet lists.  Each article is
300-1,500 words (triangular, mode 550).  N/1000 articles (at least 4, at
most 60) are escalation tiers, chained by `next`; 60% of the others name
one in `escalation`.

Words: a vocabulary of the 6,000 most frequent English words of the
read-only corpora in /work/shared/corpora (cached in --vocab), split into
function words and content words.  About 45% of the tokens are function
words, drawn from a Zipf law.  The rest come from the article's own words,
as real text is bursty: the article's topic (6 words of its topic cluster,
so that several articles share a query's words, plus 4 of its own) and a
few hundred content words drawn once per article from a Zipf-Mandelbrot
law (weight 1/(rank+2.5)) and then reused with Zipf weights.

Deterministic: article I depends only on (SEED, I, vocabulary), whatever
the number of jobs.  Stdlib only.
"""
import argparse
import bisect
import itertools
import multiprocessing
import os
import random
import re
import sys

CATEGORIES = [("troubleshooting", 30), ("product", 25), ("policy", 20),
              ("guidance", 15), ("security", 10), ("escalation", 0)]


def tier_count(n):
    """Escalation tiers (teams) in a KB of N articles: a desk has a few
    dozen teams, not one per twenty articles."""
    return min(60, max(4, n // 1000))


VOCAB_SIZE = 6000
CORPORA = "/work/shared/corpora"

STOP = set("""a about am an and any are as at be been but by can could did do
does for from had has have he her here him his how i if in into is it its just
me my of on or our she so some than that the their them then there these they
this those to us was we were what when where which who why will with would you
your not no yes all also more most other only own same such too very s t
""".split())

# English function words: spread over every text, unlike content words.
FUNCTION = set("""the of and to a in is it you that he was for on are with as i his
they be at one have this from or had by but not what all were we when your can
said there use an each which she do how their if will up other about out many
then them these so some her would make like him into has look two more go see
no way could my than been who its now did get come made may part over also
after any our very just most own same such only those both few much should
must might while where why again because through during before under between
off down shall cannot without within upon yet per via etc does done doing
being here once each every either neither nor until unless whether though
although since above below across along among around against toward towards
""".split())

# Words YAML would read as booleans or null if they were a bare tag.
YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


def build_vocab(path):
    """The VOCAB_SIZE most frequent lowercase English words of the corpora
    (prose only: code spans, code blocks, URLs and placeholders removed),
    cached in PATH as "word<TAB>count" lines."""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return [line.split("\t")[0] for line in f if line.strip()]
    counts = {}
    word = re.compile(r"(?<![\w.-])([A-Za-z][a-z]{1,15})(?![\w-])")
    junk = re.compile(r"`[^`]*`|\{\{[^}]*\}\}|https?://\S+|<[^>]*>|\([^)]*\.md[^)]*\)")
    for root in ("powershell-docs", "tldr-pages"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(CORPORA, root)):
            dirnames.sort()
            for name in sorted(filenames):
                if not name.endswith(".md") or name in ("LICENSE.md",):
                    continue
                try:
                    with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                        text = f.read()
                except (OSError, UnicodeDecodeError):
                    continue
                in_code = False
                for line in text.split("\n"):
                    if line.startswith("```"):
                        in_code = not in_code
                        continue
                    if in_code or line.startswith("    "):
                        continue
                    for w in word.findall(junk.sub(" ", line)):
                        w = w.lower()
                        counts[w] = counts.get(w, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    words = [w for w, c in ranked if c >= 3][:VOCAB_SIZE]
    if len(words) < 1000:
        sys.exit("gen-kb: too few words in %s" % CORPORA)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for w in words:
            f.write("%s\t%d\n" % (w, counts[w]))
    os.replace(tmp, path)
    return words


class Model:
    """Everything shared by all articles: vocabulary, Zipf weights, topic
    clusters, categories and escalation tiers."""

    def __init__(self, words, n, seed):
        self.words = words
        # Function words (in corpus order) and content words (the rest).
        self.function = [w for w in words if w in FUNCTION]
        self.fcum = list(itertools.accumulate(1.0 / (r + 1.5) for r in range(len(self.function))))
        self.content = [w for w in words if w not in FUNCTION and w not in YAML_WORDS
                        and len(w) > 2]
        self.ccum = list(itertools.accumulate(1.0 / (r + 2.5) for r in range(len(self.content))))
        rnd = random.Random(seed * 7919 + 1)
        nclusters = max(8, n // 25)
        # Topic words come from the middle of the ranking.
        mid = self.content[60:]
        self.clusters = [rnd.sample(mid, 14) for _ in range(nclusters)]
        self.mid = mid
        cats = [c for c, _ in CATEGORIES]
        weights = [w for _, w in CATEGORIES]
        self.category = [rnd.choices(cats, weights)[0] for _ in range(n)]
        for i in sorted(rnd.sample(range(n), min(n, tier_count(n)))):
            self.category[i] = "escalation"
        self.n = n
        self.seed = seed
        self.tiers = [i for i in range(n) if self.category[i] == "escalation"]


class Local:
    """One article's words.  Real text is bursty: an article uses a few
    hundred distinct content words, many of them again and again, not a
    fresh draw from the whole vocabulary for every token.  So each article
    draws its own content vocabulary (Zipf over the content words, about a
    quarter of its length) and writes with it plus its topic words; about
    45% of the tokens are function words (Zipf over those)."""

    def __init__(self, m, rnd, topic, length):
        self.m = m
        want = max(40, int(length * rnd.uniform(0.18, 0.32)))
        seen, bg = set(topic), []
        cum, total, content = m.ccum, m.ccum[-1], m.content
        hi = len(content) - 1
        for _ in range(want * 4):
            w = content[bisect.bisect(cum, rnd.random() * total, 0, hi)]
            if w not in seen:
                seen.add(w)
                bg.append(w)
                if len(bg) >= want:
                    break
        self.background = bg
        weights = [1.0 / (j + 5.0) for j in range(len(bg))]
        share = sum(weights) * 0.35 / len(topic)
        self.local = topic + bg
        self.lcum = list(itertools.accumulate([share] * len(topic) + weights))

    def word(self, rnd):
        m = self.m
        if rnd.random() < 0.45:
            return m.function[bisect.bisect(m.fcum, rnd.random() * m.fcum[-1], 0,
                                            len(m.function) - 1)]
        return self.local[bisect.bisect(self.lcum, rnd.random() * self.lcum[-1], 0,
                                        len(self.local) - 1)]

    def words(self, rnd, k):
        return [self.word(rnd) for _ in range(k)]


def slug(words):
    return "-".join(re.sub(r"[^a-z0-9]+", "", w.lower()) for w in words if w)


def article_rng(m, i):
    return random.Random(m.seed * 1000003 + i)


def article_id(m, i):
    rnd = article_rng(m, i)
    cluster = m.clusters[rnd.randrange(len(m.clusters))]
    topic = rnd.sample(cluster, 6) + rnd.sample(m.mid, 4)
    title_words = rnd.sample(topic, rnd.randint(2, 4))
    return "%s-%06d" % (slug(title_words[:3]), i), rnd, topic, title_words


def sentence(loc, rnd, lo=6, hi=20):
    s = " ".join(loc.words(rnd, rnd.randint(lo, hi)))
    return s[0].upper() + s[1:] + ("?" if rnd.random() < 0.08 else ".")


def paragraph(loc, rnd, budget):
    out, used = [], 0
    while used < budget:
        s = sentence(loc, rnd)
        out.append(s)
        used += s.count(" ") + 1
    return " ".join(out), used


QUESTION_FORMS = [
    "How do I {a} my {b}?", "Why is my {a} {b}?", "{a} {b} not working",
    "Can I {a} the {b} {c}?", "What happens if the {a} {b}?",
    "I want to {a} my {b}", "where is my {a}", "{a} {b} {c}",
    "is there a {a} for {b}?", "my {a} says {b} {c}",
]


def write_article(m, i, out_dir):
    aid, rnd, topic, title_words = article_id(m, i)
    cat = m.category[i]
    words = int(rnd.triangular(300, 1400, 550))
    loc = Local(m, rnd, topic, words)
    title = " ".join(title_words + rnd.sample(loc.background[:12], rnd.randint(1, 3)))
    title = title[0].upper() + title[1:]
    tags = sorted(set(rnd.sample(topic, rnd.randint(2, 4))))
    questions = []
    for _ in range(rnd.randint(3, 6)):
        a, b, c = rnd.sample(topic, 3)
        questions.append(rnd.choice(QUESTION_FORMS).format(a=a, b=b, c=c))
    day = rnd.randrange(0, 900)
    y, d = 2024 + day // 365, day % 365
    updated = "%04d-%02d-%02d" % (y, 1 + d // 31 % 12, 1 + d % 28)
    review = "%04d-%02d-%02d" % (y + 1, 1 + d // 31 % 12, 1 + d % 28)
    fm = ["---", "id: " + aid, "title: \"%s\"" % title, "category: " + cat,
          "tags: [%s]" % ", ".join(tags), "questions:"]
    fm += ["  - \"%s\"" % q for q in questions]
    if cat != "escalation" and m.tiers and rnd.random() < 0.6:
        fm.append("escalation: " + article_id(m, m.tiers[rnd.randrange(len(m.tiers))])[0])
    if cat == "escalation":
        fm.append("contact: \"ext. %d, queue %s\"" % (4000 + i % 1000, tags[0].upper()))
        fm.append("hours: \"%s\"" % rnd.choice(["24/7", "Mon-Fri 08:00-20:00",
                                                  "Mon-Fri 08:00-20:00; Sat 09:00-13:00"]))
        fm.append("sla: \"%s\"" % rnd.choice(["pick up within 15 minutes", "same day",
                                               "within 2 working days"]))
        k = m.tiers.index(i)
        if k > 0 and rnd.random() < 0.7:
            fm.append("next: " + article_id(m, m.tiers[rnd.randrange(k)])[0])
        fm.append("triggers: [%s]" % ", ".join(rnd.sample(topic, 2)))
    fm += ["updated: " + updated, "review_by: " + review,
           "owner: team-%d" % rnd.randrange(40), "---"]

    nsec = rnd.randint(2, 6)
    lead, used = paragraph(loc, rnd, rnd.randint(20, 50))
    body = [lead, ""]
    per = max(40, (words - used) // nsec)
    for _ in range(nsec):
        head = " ".join(rnd.sample(topic, rnd.randint(1, 3)) +
                        rnd.sample(loc.background[:30], rnd.randint(0, 2)))
        body.append("## " + head[0].upper() + head[1:])
        left = per
        while left > 0:
            kind = rnd.random()
            if kind < 0.2:
                steps = rnd.randint(2, 6)
                for s in range(steps):
                    line = sentence(loc, rnd, 5, 14)
                    body.append("%d. %s" % (s + 1, line))
                    left -= line.count(" ") + 1
            elif kind < 0.3:
                for _ in range(rnd.randint(2, 5)):
                    line = sentence(loc, rnd, 3, 10)
                    body.append("- " + line)
                    left -= line.count(" ") + 1
            else:
                p, n = paragraph(loc, rnd, min(left, rnd.randint(30, 90)))
                body.append(p)
                left -= n
            body.append("")
    path = os.path.join(out_dir, cat, aid + ".md")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(fm) + "\n" + "\n".join(body))


_model = None
_out = None


def _init(words, n, seed, out):
    global _model, _out
    _model = Model(words, n, seed)
    _out = out


def _work(rng):
    for i in range(*rng):
        write_article(_model, i, _out)
    return rng[1] - rng[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--vocab", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                   "work", "vocab.txt"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    words = build_vocab(a.vocab)
    for c, _ in CATEGORIES:
        os.makedirs(os.path.join(a.out, c), exist_ok=True)
    chunks = [(s, min(s + 2000, a.articles)) for s in range(0, a.articles, 2000)]
    if a.jobs > 1 and len(chunks) > 1:
        with multiprocessing.Pool(a.jobs, _init, (words, a.articles, a.seed, a.out)) as pool:
            done = sum(pool.imap_unordered(_work, chunks))
    else:
        _init(words, a.articles, a.seed, a.out)
        done = sum(map(_work, chunks))
    print("gen-kb: %d articles in %s" % (done, a.out), file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""gen-queries.py - a deterministic query set drawn from a corpus.

    gen-queries.py --corpus DIR --out FILE [--count N] [--seed S]

Picks N articles (default 400) at random (seeded) among the *.md files
under DIR and makes one query from each, the way officers and tools type
them: lowercase words (letters and digits only, so every engine parses
them the same way), 1 to 12 words:

  35% title words: 1-4 words of the title, sometimes plus a heading word
  30% keywords: 2-5 content words (no stopwords) from headings and text
  25% a phrase: 5-12 consecutive words of a sentence, stopwords included
  10% one or two rare words of the text

Then about 15% of the queries get a typo in one word of 5+ letters (a
letter dropped, or two neighbours swapped; never the first letter).
Front matter is skipped (except the title); in tldr-style pages the code
lines (between backticks) are skipped.  Prints a length histogram on
stderr.
"""
import argparse
import os
import random
import re
import sys

STOP = set("""a about am an and any are as at be been but by can could did do
does for from had has have he her here him his how i if in into is it its just
me my of on or our she so some than that the their them then there these they
this those to us was we were what when where which who why will with would you
your not no all also more e g""".split())

WORD = re.compile(r"[a-z0-9]+")


def md_files(root):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for n in sorted(filenames):
            if n.endswith(".md"):
                out.append(os.path.join(dirpath, n))
    out.sort()
    return out


def parse(path):
    """(title words, heading words, list of sentences as word lists)."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    title = ""
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end > 0:
            for line in text[4:end].split("\n"):
                if line.startswith("title:"):
                    title = line[6:].strip().strip("\"'")
            text = text[end + 4:]
    headings, sentences = [], []
    for line in text.split("\n"):
        s = line.strip()
        if not s or s.startswith("`") or s.startswith("```"):
            continue
        if s.startswith("#"):
            h = s.lstrip("#").strip()
            if not title and s.startswith("# "):
                title = h
            else:
                headings.extend(WORD.findall(h.lower()))
            continue
        s = re.sub(r"`[^`]*`|\{\{[^}]*\}\}|<[^>]*>|https?://\S+", " ", s)
        s = s.lstrip(">-*0123456789. ")
        for part in re.split(r"[.!?;:]\s", s):
            w = WORD.findall(part.lower())
            if w:
                sentences.append(w)
    return WORD.findall(title.lower()), headings, sentences


def typo(rnd, words):
    cand = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not cand:
        return words, False
    i = rnd.choice(cand)
    w = words[i]
    j = rnd.randrange(1, len(w) - 1)
    if rnd.random() < 0.5:
        w = w[:j] + w[j + 1:]
    else:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    words = list(words)
    words[i] = w
    return words, True


def make_query(rnd, title, headings, sentences):
    content = [w for s in sentences for w in s if w not in STOP and len(w) > 2]
    kind = rnd.random()
    q = []
    if kind < 0.35 and title:
        k = min(len(title), rnd.randint(1, 4))
        start = rnd.randrange(0, len(title) - k + 1)
        q = title[start:start + k]
        if headings and rnd.random() < 0.3:
            q = q + [rnd.choice(headings)]
    elif kind < 0.65 and (content or headings):
        pool = headings + content
        q = [rnd.choice(pool) for _ in range(rnd.randint(2, 5))]
    elif kind < 0.90 and sentences:
        long = [s for s in sentences if len(s) >= 5]
        if long:
            s = rnd.choice(long)
            k = min(len(s), rnd.randint(5, 12))
            start = rnd.randrange(0, len(s) - k + 1)
            q = s[start:start + k]
    if not q and content:
        by_len = sorted(set(content), key=lambda w: (-len(w), w))
        q = [rnd.choice(by_len[:10]) for _ in range(rnd.randint(1, 2))]
    if not q and title:
        q = title[:4]
    # Drop immediate repeats; keep 1..12 words.
    out = []
    for w in q:
        if not out or out[-1] != w:
            out.append(w)
    return out[:12]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    files = md_files(a.corpus)
    files = [f for f in files if os.path.basename(f) != "LICENSE.md"]
    if not files:
        sys.exit("gen-queries: no *.md under %s" % a.corpus)
    rnd = random.Random(a.seed)
    queries = []
    typos = 0
    tries = 0
    while len(queries) < a.count and tries < a.count * 20:
        tries += 1
        title, headings, sentences = parse(rnd.choice(files))
        q = make_query(rnd, title, headings, sentences)
        if not q:
            continue
        if rnd.random() < 0.15:
            q, t = typo(rnd, q)
            typos += t
        queries.append(" ".join(q))
    tmp = a.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(queries) + "\n")
    os.replace(tmp, a.out)
    hist = {}
    for q in queries:
        n = len(q.split())
        hist[n] = hist.get(n, 0) + 1
    print("gen-queries: %d queries (%d with a typo) in %s; words: %s" %
          (len(queries), typos, a.out,
           " ".join("%d:%d" % (k, hist[k]) for k in sorted(hist))), file=sys.stderr)


if __name__ == "__main__":
    main()

#!/bin/sh
# seeds.sh - refresh the generated part of the seed corpora under
# tests/fuzz/corpus/ (run from anywhere; then review and commit):
#
#   article/kb-*    every article of kb/ and tests/fixtures/, one file each
#   query/rel-*     the queries of tests/relevance/queries.tsv (one in two,
#                   so the seed set stays under a few hundred files)
#
# The handwritten seeds (hand-*) and the serve corpus are not touched.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
c=$top/tests/fuzz/corpus
mkdir -p "$c/article" "$c/query" "$c/serve"

rm -f "$c"/article/kb-*
(cd "$top" && find kb tests/fixtures -name '*.md' | LC_ALL=C sort) | while read -r f; do
    name=$(printf '%s' "$f" | tr '/' '_')
    cp "$top/$f" "$c/article/kb-$name"
done

rm -f "$c"/query/rel-*
grep -v '^#' "$top/tests/relevance/queries.tsv" | cut -f1 | awk 'NF && !seen[$0]++' |
    awk 'NR % 2 == 1' | {
    i=0
    while IFS= read -r q; do
        i=$((i + 1))
        printf '%s' "$q" >"$c/query/rel-$(printf '%03d' "$i")"
    done
}
echo "article: $(ls "$c/article" | wc -l) seeds, query: $(ls "$c/query" | wc -l), serve: $(ls "$c/serve" | wc -l)"

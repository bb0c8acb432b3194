/* results.c - results: building hits from document data, and freeing. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void kbs_hit_clear(kb_hit_t *h)
{
    free(h->id);
    free(h->title);
    free(h->category);
    free(h->path);
    free(h->section);
    free(h->section_path);
    free(h->snippet);
    free(h->highlights);
    free(h->escalation);
    free(h->question);
    free(h->status);
    for (size_t i = 0; i < h->n_explain; i++) {
        free(h->explain[i].term);
        free(h->explain[i].word);
        free(h->explain[i].kind);
        free(h->explain[i].detail);
    }
    free(h->explain);
    memset(h, 0, sizeof *h);
}

void kb_results_free(kb_results_t *r)
{
    if (!r)
        return;
    free(r->query);
    free(r->corrected);
    free(r->searched);
    free(r->notice);
    for (size_t i = 0; i < r->n; i++)
        kbs_hit_clear(&r->hits[i]);
    free(r->hits);
    kb_escalation_free(r->escalation);
    for (size_t i = 0; i < r->n_alerts; i++) {
        free(r->alerts[i].kind);
        free(r->alerts[i].words);
        kb_escalation_free(r->alerts[i].escalation);
    }
    free(r->alerts);
    for (size_t i = 0; i < r->n_corrections; i++) {
        free(r->corrections[i].from);
        free(r->corrections[i].to);
    }
    free(r->corrections);
    kb_strv_free(r->categories, r->n_categories);
    kb_strv_free(r->tags, r->n_tags);
    kbs_missing_free(r->missing, r->n_missing);
    free(r);
}

void kbs_hit_take_section(kb_hit_t *h, kb_schema_section_t *sec, char **text)
{
    h->id = sec->id;
    h->title = sec->title;
    h->category = sec->category;
    h->path = sec->path;
    h->section = sec->section;
    h->section_path = sec->section_path;
    h->escalation = sec->escalation;
    h->status = sec->status;
    h->section_index = sec->n;
    h->steps = sec->steps;
    *text = sec->text;
    memset(sec, 0, sizeof *sec);
}

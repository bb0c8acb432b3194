/* article.c - the article type of kb/article.h: categories and freeing.
 * (Its stored form is in schema.c; parsing a file is lib/index/parse.c.) */
#include "kb/article.h"

#include <stdlib.h>

#include "base/buf.h"

static const char *const categories[] = {
    "policy", "product", "troubleshooting", "security", "guidance", "escalation", NULL
};

const char *const *kb_article_categories(void)
{
    return categories;
}

static const char *const statuses[] = {"published", "draft", "archived", NULL};

const char *const *kb_article_statuses(void)
{
    return statuses;
}

void kb_article_free(kb_article_t *a)
{
    if (!a)
        return;
    free(a->path);
    free(a->id);
    free(a->title);
    free(a->category);
    kb_strv_free(a->tags, a->n_tags);
    kb_strv_free(a->questions, a->n_questions);
    kb_strv_free(a->phrases, a->n_phrases);
    free(a->escalation);
    free(a->updated);
    free(a->review_by);
    free(a->owner);
    free(a->contact);
    free(a->hours);
    free(a->sla);
    free(a->next);
    kb_strv_free(a->triggers, a->n_triggers);
    free(a->alert);
    free(a->body);
    for (size_t i = 0; i < a->n_sections; i++) {
        free(a->sections[i].heading);
        free(a->sections[i].path);
        free(a->sections[i].text);
        kb_strv_free(a->sections[i].steps, a->sections[i].n_steps);
    }
    free(a->sections);
    for (size_t i = 0; i < a->n_links; i++)
        free(a->links[i].target);
    free(a->links);
    free(a->status);
    for (size_t i = 0; i < a->n_keys; i++)
        free(a->keys[i].key);
    free(a->keys);
    free(a);
}

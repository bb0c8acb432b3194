/* hidden.c - drafts and archived articles stay out of officers' answers.
 *
 * Their documents carry XS<status> (schema.h); every query but the
 * editor's own (kb_request_t.drafts: kb-search --drafts) leaves them out,
 * as do related articles.  Their tiers and triggers are not stored at all
 * (kb_schema_is_tier), so no alert or escalation path leads to them. */
#include <stdlib.h>

#include "internal.h"
#include "qtree.h"

kb_status_t kbs_hide_unpublished(kbs_built_t *b, int drafts)
{
    if (drafts || !b->query)
        return KB_STATUS_SUCCESS;
    kbs_qtree_t t = KBS_QTREE_INIT;
    kbs_qlist_t hidden = {0};
    kbs_qlist_push(&t, &hidden, kbs_qterm(&t, KB_PREFIX_STATUS, "draft"));
    kbs_qlist_push(&t, &hidden, kbs_qterm(&t, KB_PREFIX_STATUS, "archived"));
    kb_xquery_t *any = kbs_qlist_combine(&t, &hidden, KB_XOP_OR);
    kb_xquery_t *q = kbs_qjoin(&t, KB_XOP_AND_NOT, b->query, any);
    if (t.st != KB_STATUS_SUCCESS) {
        kb_xquery_free(q);
        b->query = NULL;   /* the join took it */
        return t.st;
    }
    b->query = q;
    return KB_STATUS_SUCCESS;
}

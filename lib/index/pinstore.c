/* pinstore.c - pins.txt into the index (KB_META_PINS, schema/pins.h).
 *
 * Read with the synonym groups of the run, so that the words keys the
 * index stores are those the query pipeline computes; checked against the
 * KB as indexed at the end of the run (a pin to an article held back, or
 * deleted, or made a draft, is an error and left out).  Written only when
 * it changed: a run that changes nothing writes nothing. */
#include <stdlib.h>
#include <string.h>

#include "lintmore.h"
#include "run.h"

typedef struct pctx {
    run_t *r;
    kb_schema_node_t node;   /* the last one looked up */
    int have;
} pctx_t;

static const kb_schema_node_t *node_by_id(void *vctx, const char *id)
{
    pctx_t *c = vctx;
    if (c->have)
        kb_schema_node_clear(&c->node);
    c->have = 0;
    const char *rel = kb_strmap_get(c->r->ids, id, NULL);
    kb_status_t st = KB_STATUS_SUCCESS;
    if (rel && kbi_node_of(c->r, rel, &c->node, &st))
        c->have = 1;
    return c->have ? &c->node : NULL;
}

kb_status_t kbi_pins_store(run_t *r, const kbi_synonyms_t *syn)
{
    kb_schema_pins_t pins;
    memset(&pins, 0, sizeof pins);
    kb_status_t st = KB_STATUS_SUCCESS;
    if (r->scan.pins) {
        st = kbi_pins_load(r->scan.pins, syn, r->diags, &pins);
        if (st == KB_STATUS_FILE_ERROR)
            st = KB_STATUS_SUCCESS;   /* said; no pins */
    }
    if (st == KB_STATUS_SUCCESS && pins.n) {
        pctx_t c = {r, {0}, 0};
        kbi_pins_check(&pins, r->scan.pins, node_by_id, &c, r->diags);
        if (c.have)
            kb_schema_node_clear(&c.node);
    }
    char *now = st == KB_STATUS_SUCCESS && pins.n ? kb_schema_pins_encode(&pins) : NULL;
    if (st == KB_STATUS_SUCCESS && pins.n && !now)
        st = KB_STATUS_OUT_OF_MEMORY;
    char *old = NULL;
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_get_metadata(r->db, KB_META_PINS, &old, NULL);
    if (st == KB_STATUS_SUCCESS && strcmp(old, now ? now : "") != 0) {
        st = kb_xdb_set_metadata(r->db, KB_META_PINS, now ? now : "", now ? strlen(now) : 0);
        r->dirty++;
    }
    free(old);
    free(now);
    kb_schema_pins_clear(&pins);
    return st;
}

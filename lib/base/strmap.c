/* strmap.c - open-addressing hash map with linear probing and tombstones. */
#include "base/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#define TOMBSTONE ((char *)&tombstone_mark)
static const char tombstone_mark = 0;

typedef struct slot {
    char *key;      /* NULL: empty; TOMBSTONE: deleted */
    char *value;
    uint64_t hash;
} slot_t;

struct kb_strmap {
    slot_t *slots;
    size_t cap;     /* power of two */
    size_t count;   /* live entries */
    size_t used;    /* live + tombstones */
};

kb_status_t kb_strmap_new(kb_strmap_t **out)
{
    *out = NULL;
    kb_strmap_t *m = calloc(1, sizeof *m);
    if (!m)
        return KB_STATUS_OUT_OF_MEMORY;
    m->cap = 16;
    m->slots = calloc(m->cap, sizeof *m->slots);
    if (!m->slots) {
        free(m);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    *out = m;
    return KB_STATUS_SUCCESS;
}

void kb_strmap_free(kb_strmap_t *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i].key && m->slots[i].key != TOMBSTONE) {
            free(m->slots[i].key);
            free(m->slots[i].value);
        }
    }
    free(m->slots);
    free(m);
}

static slot_t *find(const kb_strmap_t *m, const char *key, uint64_t h, int for_insert)
{
    size_t mask = m->cap - 1;
    slot_t *grave = NULL;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        slot_t *s = &m->slots[i];
        if (!s->key)
            return for_insert ? (grave ? grave : s) : NULL;
        if (s->key == TOMBSTONE) {
            if (!grave)
                grave = s;
            continue;
        }
        if (s->hash == h && strcmp(s->key, key) == 0)
            return s;
    }
}

static int grow(kb_strmap_t *m)
{
    size_t cap = m->count * 4 > m->cap ? m->cap * 2 : m->cap;
    while (m->count * 2 >= cap)
        cap *= 2;
    slot_t *old = m->slots;
    size_t oldcap = m->cap;
    slot_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return 0;
    m->slots = slots;
    m->cap = cap;
    m->used = m->count;
    for (size_t i = 0; i < oldcap; i++) {
        if (old[i].key && old[i].key != TOMBSTONE) {
            slot_t *s = find(m, old[i].key, old[i].hash, 1);
            *s = old[i];
        }
    }
    free(old);
    return 1;
}

kb_status_t kb_strmap_set(kb_strmap_t *m, const char *key, const char *value)
{
    /* At most half full: linear probing stays short. */
    if ((m->used + 1) * 2 >= m->cap && !grow(m))
        return KB_STATUS_OUT_OF_MEMORY;
    uint64_t h = kb_hash64(key, strlen(key));
    slot_t *s = find(m, key, h, 1);
    char *v = NULL;
    if (value && !(v = kb_strdup(value)))
        return KB_STATUS_OUT_OF_MEMORY;
    if (s->key && s->key != TOMBSTONE) {
        free(s->value);
        s->value = v;
        return KB_STATUS_SUCCESS;
    }
    char *k = kb_strdup(key);
    if (!k) {
        free(v);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    if (!s->key)
        m->used++;
    s->key = k;
    s->value = v;
    s->hash = h;
    m->count++;
    return KB_STATUS_SUCCESS;
}

const char *kb_strmap_get(const kb_strmap_t *m, const char *key, int *found)
{
    slot_t *s = m ? find(m, key, kb_hash64(key, strlen(key)), 0) : NULL;
    if (found)
        *found = s != NULL;
    return s ? s->value : NULL;
}

void kb_strmap_remove(kb_strmap_t *m, const char *key)
{
    slot_t *s = find(m, key, kb_hash64(key, strlen(key)), 0);
    if (!s)
        return;
    free(s->key);
    free(s->value);
    s->key = TOMBSTONE;
    s->value = NULL;
    m->count--;
}

size_t kb_strmap_count(const kb_strmap_t *m)
{
    return m ? m->count : 0;
}

int kb_strmap_next(const kb_strmap_t *m, size_t *pos, const char **key, const char **value)
{
    for (; m && *pos < m->cap; (*pos)++) {
        slot_t *s = &m->slots[*pos];
        if (s->key && s->key != TOMBSTONE) {
            if (key)
                *key = s->key;
            if (value)
                *value = s->value;
            (*pos)++;
            return 1;
        }
    }
    return 0;
}

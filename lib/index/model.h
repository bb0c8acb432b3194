/* model.h - the model an indexing run learns from officers' marks
 * (internal to libkb; the model itself: schema/model.h).
 *
 * When the KB has learned phrasings (learned.h), the run trains a linear
 * model with liblinear on them and on the editors' titles, questions and
 * phrases of every published article in the index, each labelled with its
 * article, and stores it as KB_META_MODEL in the same commit as the
 * documents, so it changes with the index.  The hash of the training data
 * is stored with it: a run whose data did not change trains nothing.
 * Without learned phrasings there is no model (a stored one is removed). */
#ifndef KB_INDEX_MODEL_H
#define KB_INDEX_MODEL_H

#include "kb/status.h"

struct run;

/* Train and store the model of R's index as it is about to be committed
 * (nothing when the run wrote nothing).  Index errors,
 * KB_STATUS_OUT_OF_MEMORY. */
kb_status_t kbi_model_update(struct run *r);

#endif

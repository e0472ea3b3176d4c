/* writer.h: what the index writer's four files share, and nothing else
 * includes: the writer's state, one section per file: the run, adding and
 * taking out posts (writer.c), postings gathered in memory and written in
 * blocks (postings.c), the runs of postings spilled to a temporary file when
 * they outgrow --memory (spill.c), and the per-chunk values and tags a run
 * holds until its end (chunks.c). The indexer's contract with others is indexer.h's
 * writer_run and writer_apply. */
#ifndef BS_WRITER_H
#define BS_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <zstd.h>

#include "indexer/indexer.h"
#include "stemming/stemming.h"
#include "store/store.h"

/* ---- the writer's state ------------------------------------------------- */

typedef struct {
    uint32_t tid;                /* index into the post's terms */
    uint8_t field;
    uint32_t pos;
} tok_rec;

typedef struct {
    txt_buf arena;               /* term bytes, back to back */
    uint32_t *off;               /* term i is arena.p[off[i] .. off[i] + len[i]) */
    uint16_t *len;
    uint32_t *slot;              /* the slot each term sits in, to clear them */
    uint32_t *hash;              /* each term's an_term_hash */
    size_t nterms, cap;
    uint32_t *slots;             /* open addressing: tid + 1, 0 empty */
    size_t nslots;
    tok_rec *toks;
    size_t ntoks, tokcap;
    uint32_t field_len[BS_NFIELDS];
    int field;                   /* the field being analyzed */
    int err;
} doc_terms;

/* Per term, its new postings in a scratch form: u32 docid (native order),
 * BS_NFIELDS tf varints, a varint byte length, then the positions encoded as
 * a block holds them (docs/FORMAT.md), so a flush copies them as they are. */
typedef struct {
    uint32_t off;                /* term bytes in accum.arena */
    uint16_t len;
    uint32_t hash;               /* an_term_hash */
    txt_buf post;
} acc_entry;

typedef struct {
    txt_buf arena;
    acc_entry *e;
    size_t n, cap;
    uint64_t *slots;             /* hash << 32 | entry index + 1; the hash here keeps a
                                    probe from touching the entries it passes */
    size_t nslots;
    size_t bytes;                /* memory held, for the flush bound */
    int err;
} accum;

typedef struct {
    uint32_t chunk;
    uint8_t buf[LENS_PER_CHUNK * LENS_ENTRY_BYTES];
} lens_dirty;

typedef struct {
    size_t off, len;             /* the facet key, in fkeys */
    const char *key;             /* fkeys.p + off, set before sorting */
    uint32_t docid;
} facet_add;

typedef struct {
    uint32_t docid;
    uint32_t seq;                /* order of the calls: a later one wins */
    size_t off, n;               /* the post's tag ids, in tids; n 0 clears */
} tags_set;

/* Sorted runs of postings in a temporary file (spill.c): run i is the
 * bytes [off[i], off[i + 1]) of the file. */
typedef struct {
    int fd;                      /* -1 until the first run */
    uint64_t end;                /* bytes written */
    uint64_t *off;               /* nruns + 1 offsets */
    size_t nruns, offcap;
    size_t spilled;              /* runs written in this process, merged or not */
    uint8_t *wb;                 /* bytes not yet written */
    size_t wlen;
} spill;

typedef struct spill_reader spill_reader;

typedef struct {
    store *st;
    MDB_txn *txn;
    const writer_opts *o;
    const walk_list *list;       /* files to bring up to date, or */
    const writer_op *ops;        /* posts given in memory (the library) */
    size_t nops;
    writer_summary *sum;
    an_analyzer *an;
    ZSTD_CCtx *zc;
    store_stats stats;
    doc_terms dt;
    accum acc;
    spill sp;                    /* postings spilled, merged at the end */
    uint64_t unreleased;         /* bytes of blocks written since the map's pages
                                    were let go of */
    plist pl;                    /* scratch posting lists */
    blk_builder bb;              /* the block being written */
    txt_buf kb, vb, tb, pb;      /* scratch keys, values, texts, positions */
    int dirty;                   /* something was written */
    /* lens chunks and tags changed in this run, written in key order at
     * the end (tags also at each flush of postings): see pending_* below */
    lens_dirty *ld;
    size_t nld, ldcap;
    txt_buf fkeys;               /* facet keys of fa, end to end */
    facet_add *fa;
    size_t nfa, facap;
    tags_set *ts;                /* posts' tag ids for doctags, held like tags */
    size_t nts, tscap;
    uint32_t *tids;
    const char **tagv;           /* the tags of the post being added */
    size_t *tag_len, tagvcap;
    const char **catv;           /* its distinct categories */
    size_t *cat_len, catvcap;
    tz_zone *zone;               /* the zone of dates written without one, for the run */
    size_t ntids, tidcap;
    int64_t next_tagid;          /* first tag id not yet given, -1 until read */
    uint64_t flushed_below;      /* posts below this docid have all they hold in
                                    the transaction; newer ones in memory */
    diag_fn user_diag;           /* where diagnostics go after counting */
    void *user_ctx;
    char *err;
    size_t errlen;
} writer;

/* ---- what writer.c offers ------------------------------------------------ */

int wr_fail(writer *w, int rc, const char *what);
int wr_oom(writer *w);
int wr_corrupt(writer *w, const char *what, const char *why);
int wr_put(writer *w, MDB_dbi dbi, const void *k, size_t klen, const void *v, size_t vlen,
           unsigned flags, const char *what);

/* ---- what postings.c offers ---------------------------------------------- */

void dt_reset(doc_terms *d);
void dt_free(doc_terms *d);
int dt_token(const an_token *t, void *ctx);
void acc_free(accum *a);
/* Removes docid from the block of term that holds it. */
int postings_remove(writer *w, MDB_cursor *c, const char *term, size_t tlen, uint32_t docid);
/* Moves the postings of the post just analyzed into the accumulator. */
int postings_gather(writer *w, uint32_t docid);
/* The accumulator emptied, its arrays kept for the next posts. */
void acc_clear(accum *a);
/* Writes the accumulator to the spill file as one sorted run (and the held
 * tags into the transaction): what a run does when it reaches --memory. */
int postings_spill(writer *w);
/* Merges the spilled runs and the accumulator in term order into posting
 * blocks in the transaction, and writes the held tags. */
int postings_flush(writer *w);

/* ---- what spill.c offers ------------------------------------------------- */

/* Writing a run: begin, each term in ascending order with its postings in
 * the scratch form, end. The file is made (nameless) at the first run. */
int spill_run_begin(writer *w);
int spill_put(writer *w, const char *term, size_t tlen, const void *postings, size_t plen);
int spill_run_end(writer *w);
/* Forgets the runs (merged, or an aborted transaction's) and gives their
 * space back. */
void spill_forget(writer *w);
/* Closes the file, which goes with it; the state is as new. */
void spill_close(writer *w);
/* One reader for each of w->sp.nruns runs, in the order written, or NULL
 * when there are none; freed with spill_readers_free. */
int spill_readers_open(writer *w, spill_reader **out);
void spill_readers_free(writer *w, spill_reader *r);
spill_reader *spill_reader_at(spill_reader *r, size_t i);
/* The reader's next term (valid until the next call): 1, 0 at the run's
 * end, or a status. The term's postings must all be taken first. */
int spill_reader_next(spill_reader *r, const char **term, size_t *tlen);
/* The current term's next posting, whole, in the scratch form (valid until
 * the next call): 1, 0 when they are all taken, or a status. */
int spill_reader_posting(spill_reader *r, const uint8_t **p, size_t *n);

/* ---- what chunks.c offers ------------------------------------------------ */

int lens_set(writer *w, uint32_t docid, const lens_entry *e);
int lens_write_all(writer *w);
/* Memory the held tags take, counted with the postings against --memory. */
size_t facets_bytes(const writer *w);
/* Holds a post's tag ids (sorted, distinct; n 0 when the post is gone). */
int tags_hold(writer *w, uint32_t docid, const uint32_t *ids, size_t n);
/* Writes the held tag ids into their doctags chunks, in key order. */
int doctags_write_all(writer *w);
int facets_write_all(writer *w);
/* Forgets what an aborted transaction held. */
void pending_reset(writer *w);
int facet_del(writer *w, char kind, const char *s, size_t len, uint32_t docid);
int facet_put(writer *w, char kind, const char *s, size_t len, uint32_t docid);
/* The ids of a new post's tags, for its doctags entry, from the facet keys
 * of its tags just held (w->fa from first on): tags that fold to the same
 * facet count once. */
int tags_hold_ids(writer *w, uint32_t docid, size_t first);

#endif

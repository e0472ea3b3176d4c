/* store.h: the storage layer, the only code that knows LMDB keys and value
 * bytes (docs/FORMAT.md). One section per file: the codec (codec.c), the
 * environment with its databases (store.c), the check of its meta pages
 * (metacheck.c), faults in reading a damaged one (guard.c), copies of an
 * index (snapshot.c) and the term table (terms.c). */
#ifndef BS_STORE_H
#define BS_STORE_H

#include <lmdb.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "base/base.h"
#include "store/format.h"

/* Status codes: the public ones (BS_OK, BS_E*) from blogsearch.h, and one
 * that never leaves the library. */
#include "blogsearch.h"
enum {
    BS_EMAPFULL = -7    /* the LMDB map is full: grow it and redo the transaction */
};

/* ---- what codec.c offers ------------------------------------------------ */

#define VARINT_MAX 10

size_t codec_varint_len(uint64_t v);
size_t codec_put_varint(uint8_t *p, uint64_t v);   /* writes 1..10 bytes */
void buf_put_varint(txt_buf *b, uint64_t v);
void buf_put_zigzag(txt_buf *b, int64_t v);
void buf_put_str(txt_buf *b, const char *s, size_t len);
void buf_put_u32be(txt_buf *b, uint32_t v);
void buf_put_u64be(txt_buf *b, uint64_t v);

/* Decoders read [*p, end) and advance *p; they return 0, or -1 on a
 * truncated or overlong value (the caller reports BS_ECORRUPT). */
int codec_get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v);
int codec_get_zigzag(const uint8_t **p, const uint8_t *end, int64_t *v);
int codec_get_str(const uint8_t **p, const uint8_t *end, const char **s, size_t *len);
/* Inline: counting tags and reading lengths call them per post. */
static inline uint32_t codec_get_u32be(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t codec_get_u64be(const uint8_t *p)
{
    return (uint64_t)codec_get_u32be(p) << 32 | codec_get_u32be(p + 4);
}

/* A list of postings of one term, in memory: what a block decodes to and
 * encodes from. Positions of posting i are pos[pos_start[i] .. pos_start[i+1]),
 * field by field in mask order, each field's ascending. */
typedef struct {
    size_t n, cap;
    uint32_t *docid;
    uint8_t *mask;                   /* bit f: field f holds the term */
    uint32_t (*tf)[BS_NFIELDS];      /* occurrences per field, 0 when absent */
    size_t *pos_start;               /* n + 1 entries */
    uint32_t *pos;
    size_t npos, pos_cap;
    int err;                         /* sticky allocation failure */
} plist;

void plist_reset(plist *l);
void plist_free(plist *l);
/* Appends a posting; positions are given per field in field order, or pos
 * is NULL to keep none. */
void plist_add(plist *l, uint32_t docid, const uint32_t tf[BS_NFIELDS], const uint32_t *pos);
/* Removes posting i. */
void plist_remove(plist *l, size_t i);

/* Builds blocks one posting at a time, so postings can stream in from
 * anywhere (a decoded block, the indexer's scratch form) without a list. */
typedef struct {
    txt_buf gaps, freqs, pos;        /* the three sections of the value */
    uint32_t first, last, n;         /* docids and postings in the block */
    size_t keylen;                   /* bytes of the block's key */
} blk_builder;

void blk_begin(blk_builder *b, size_t keylen);   /* empties b for a new block */
/* Adds a posting whose positions are already encoded (per field in mask
 * order: first position, then gaps), poslen bytes. Returns 1 when added, 0
 * when the block is full (the caller writes it and begins another); an empty
 * block always takes the posting. docid must exceed the last one added. */
int blk_add(blk_builder *b, uint32_t docid, const uint32_t tf[BS_NFIELDS],
            const uint8_t *pos, size_t poslen);
/* Writes the block's value (header and sections) to out (reset first). */
void blk_finish(const blk_builder *b, txt_buf *out);
void blk_free(blk_builder *b);
/* Encodes the positions of posting i of l as blk_add wants them. */
void plist_encode_positions(const plist *l, size_t i, txt_buf *out);

/* Encodes postings [from, to) of l as one block value (l->docid[from] goes
 * in the key). */
void codec_block_encode(const plist *l, size_t from, size_t to, txt_buf *out);
/* How many postings from `from` fit one block whose key is keylen bytes:
 * at most BLK_MAX_POSTINGS and BLK_TARGET_BYTES, and at least one. */
size_t codec_block_fill(const plist *l, size_t from, size_t keylen);
/* Decodes a block whose key carries first_docid, appending its postings to
 * l. Returns BS_OK, BS_ECORRUPT (with a reason in *why) or BS_ENOMEM. */
int codec_block_decode(const uint8_t *p, size_t len, uint32_t first_docid, plist *l,
                       const char **why);
/* A posting's docid and frequencies per field, without its positions. */
typedef struct {
    uint32_t docid;
    uint32_t tf[BS_NFIELDS];
} posting_tf;
/* Decodes a block's docids only into out (room for BLK_MAX_POSTINGS): what
 * counting the posts of a word needs. BS_OK, or BS_ECORRUPT with *why. */
int codec_block_docids(const uint8_t *p, size_t len, uint32_t first_docid,
                       uint32_t out[BLK_MAX_POSTINGS], size_t *n, const char **why);
/* Decodes a block's docids and frequencies into out (room for
 * BLK_MAX_POSTINGS); *n gets the count. What ranking reads: no positions,
 * no allocation. BS_OK, or BS_ECORRUPT with the reason in *why. */
int codec_block_decode_freqs(const uint8_t *p, size_t len, uint32_t first_docid,
                             posting_tf out[BLK_MAX_POSTINGS], size_t *n, const char **why);
/* Reads only a block's posting count, for document frequencies. */
int codec_block_count(const uint8_t *p, size_t len, uint32_t *n);

/* Stored fields of a post (docs database). Strings point into the decoded
 * value or the caller's memory; nothing here is owned. */
typedef struct {
    int has_date;
    int64_t date;                    /* seconds since the epoch, UTC */
    int tz_min;                      /* the date's offset, minutes east of UTC: its
                                        wall clock, and so its day, is date + tz_min */
    uint32_t len[BS_NFIELDS];        /* tokens per field */
    const char *path, *url, *title, *slug, *author, *description, *format;
    size_t path_len, url_len, title_len, slug_len, author_len, description_len, format_len;
    size_t ncategories;
    const char **categories;         /* ncategories entries, the first first */
    size_t *category_len;
    size_t ntags;
    const char **tags;               /* ntags entries */
    size_t *tag_len;
    uint64_t body_bytes;             /* plain body text length */
} doc_record;

void codec_doc_encode(const doc_record *d, txt_buf *out);
/* Decodes into d; the arrays of categories and tags and their lengths are
 * malloc'ed: codec_doc_free frees them. */
int codec_doc_decode(const uint8_t *p, size_t len, doc_record *d, const char **why);
void codec_doc_free(doc_record *d);

/* The wall-clock time of a post's date in its own offset: what the dates
 * database is keyed by, so that a range of it is a range of calendar days
 * in each post's own zone. */
int64_t codec_local_date(int64_t date, int tz_min);

/* The index's options (meta "options"): what changes what a post yields,
 * so a run with other options reads every post again. Strings point into
 * the value or the caller's memory. */
typedef struct {
    int drafts;                      /* drafts indexed */
    const char *zone;                /* the zone of dates written without one */
    size_t zone_len;
    const char *url_prefix;
    size_t url_prefix_len;
} index_options;

void codec_options_encode(const index_options *o, txt_buf *out);
int codec_options_decode(const uint8_t *p, size_t len, index_options *o);

/* Record of a source file (paths database). */
typedef struct {
    uint32_t docid;                  /* 0: not indexed (draft or skipped) */
    uint64_t size;
    int64_t mtime_ns;
    uint64_t hash;
    uint64_t meta_size;              /* .meta sidecar, 0 when none */
    int64_t meta_mtime_ns;
} path_record;

void codec_path_encode(const path_record *r, txt_buf *out);
int codec_path_decode(const uint8_t *p, size_t len, path_record *r);

/* Keys. */
void key_term(txt_buf *b, const char *term, size_t len, uint32_t first_docid);
/* Splits a terms key; returns -1 if it is malformed. */
int key_term_split(const uint8_t *k, size_t len, size_t *term_len, uint32_t *first_docid);
void key_docid(uint8_t out[4], uint32_t docid);
void key_text(uint8_t out[6], uint32_t docid, uint16_t chunk);
void key_date(uint8_t out[12], int64_t date, uint32_t docid);
int64_t key_date_value(const uint8_t k[12]);
/* kind byte + value folded (NFC, case fold), cut to FACET_MAX_BYTES. */
void key_facet(txt_buf *b, char kind, const char *value, size_t len);
/* tagids keys: TAGID_BY_ID and the id; TAGID_BY_VALUE and the folded tag */
void key_tagid(uint8_t out[5], uint32_t id);

/* A doctags chunk: n[i] tag ids (any number) for post
 * chunk * LENS_PER_CHUNK + i, the ids of all its posts end to end in ids
 * (ascending within a post). */
typedef struct {
    uint32_t n[LENS_PER_CHUNK];
    uint32_t *ids;
    size_t nids, cap;
} doctags_chunk;
void codec_doctags_encode(const doctags_chunk *c, txt_buf *out);
/* Decodes into c (ids grown as needed) the posts whose bits are set in
 * want (bit i: post i of the chunk), all of them with UINT64_MAX; the others
 * read as having no tags. BS_OK, BS_ECORRUPT (*why says what is wrong) or
 * BS_ENOMEM. */
int codec_doctags_decode(const uint8_t *p, size_t len, uint64_t want, doctags_chunk *c,
                         const char **why);
/* Adds 1 to cnt[id] for each tag id of the posts in want (as above);
 * cnt has ncnt entries, and an id past them is BS_ECORRUPT. */
int codec_doctags_count(const uint8_t *p, size_t len, uint64_t want, uint64_t *cnt,
                        size_t ncnt, const char **why);
void codec_doctags_free(doctags_chunk *c);

/* 64-bit hash of bytes, for change detection (not cryptographic). */
uint64_t codec_hash64(const void *p, size_t len, uint64_t seed);

/* ---- what store.c offers ------------------------------------------------ */

/* The message of this thread's last failure in the store (a buffer of
 * STORE_ERRLEN bytes): per thread, since threads share one open store. */
#define STORE_ERRLEN 1024
char *store_err(void);

typedef struct {
    MDB_env *env;
    MDB_dbi meta, docs, texts, terms, paths, facets, dates, lens, doctags, tagids;
    char *dir;                       /* the index directory */
    int rdonly;
    int any_version;                 /* STORE_ANY_VERSION */
    uint32_t format;                 /* the index's format version as opened (another
                                        than BS_FORMAT_VERSION only with
                                        STORE_ANY_VERSION) */
    dev_t dir_dev, data_dev;         /* the directory and the data.mdb opened, for */
    ino_t dir_ino, data_ino;         /* store_replaced (snapshot.c) */
    void *map;                       /* LMDB's map of data.mdb, and its length in */
    size_t map_bytes;                /* bytes: where a fault was (guard.c) */
    unsigned psize;                  /* bytes a page */
    int unmapped;                    /* a new map size failed: LMDB's map is gone and
                                        its environment may not even be closed */
} store;

enum {
    STORE_RDONLY = 1u << 0,          /* open for reading; the index must exist */
    STORE_CREATE = 1u << 1,          /* create the directory and databases */
    STORE_ANY_VERSION = 1u << 2      /* open an index of another format or analyzer
                                        version too (a --full rebuild re-stamps it) */
};

/* Opens the index in dir. Checks the format and analyzer versions of an
 * existing index (BS_EVERSION with the rebuild command in the message);
 * BS_ENOTFOUND when reading and there is no index; BS_ENOTREADY when
 * reading an index that is being built (no meta "built": no run has
 * committed into it yet). On failure *out is NULL and errbuf (errlen
 * bytes) says why. */
int store_open(store **out, const char *dir, unsigned flags, char *errbuf, size_t errlen);
void store_close(store *st);        /* NULL is a no-op */

/* Marks the index built in txn, the write transaction of a run (meta
 * "built"): from its commit on, readers open it. Every run's commit puts
 * it, so an index emptied by --full in that transaction keeps it. */
int store_mark_built(store *st, MDB_txn *txn);
/* 1 when txn sees the index marked built, else 0 (a read error too). */
int store_built(store *st, MDB_txn *txn);

/* Begins a transaction; a reader whose map was grown by a writer adopts the
 * new size and retries (MDB_MAP_RESIZED). A write transaction first frees
 * the reader slots of processes that are gone (store_reap_readers), so their
 * old snapshots do not keep the pages they saw from being used again; a
 * reader that finds every slot taken (MDB_READERS_FULL) frees them and
 * tries once more. */
int store_txn_begin(store *st, unsigned mdb_flags, MDB_txn **txn);

/* Frees the reader slots that processes killed in the middle of a search
 * left behind (LMDB's mdb_reader_check): LMDB itself reclaims them only
 * when no process has the index open, which with a resident FastCGI or a
 * search box's stream of requests may be never. Called on every open, on
 * MDB_READERS_FULL and before every write. Returns the slots freed. */
int store_reap_readers(store *st);

/* Grows the map to at least bytes (no transaction may be open). */
int store_set_mapsize(store *st, uint64_t bytes);
uint64_t store_mapsize(const store *st);
/* Bytes of the map in use (last page number × page size). */
uint64_t store_used_bytes(const store *st);
/* Takes the map's pages out of the process's resident memory, leaving their
 * bytes in the page cache as they are: safe at any time, a transaction open
 * or not (store.c says why). A writer calls it at the points of a run after
 * which it touches other pages: a large run does not hold the index resident. */
void store_release_pages(store *st);

/* mkdir -p: dir and each missing directory above it, 0777 less the umask.
 * 0, or -1 with errno set. */
int store_make_dirs(const char *dir);

/* An index directory that is set-group-ID is shared with its group (store.c
 * and docs/cgi.md say why): store_shared_dir tells whether dir is one, and
 * its group; store_share_file gives the file open on fd that group and adds
 * mode's bits (lock.mdb S_IRGRP | S_IWGRP, data.mdb S_IRGRP); a file that is
 * not a regular file with one link, or whose group cannot be changed, is
 * left as it is. */
int store_shared_dir(const char *dir, gid_t *group);
void store_share_file(int fd, gid_t group, mode_t mode);

/* Writes format and analyzer versions into a new index (inside txn). */
int store_init_meta(store *st, MDB_txn *txn);

/* The message of a write that found no room (err ENOSPC, EDQUOT) or the
 * file size limit (EFBIG, ulimit -f: SIGXFSZ ignored), naming the index
 * dir and what was written; in a buffer of this thread's. */
const char *store_write_failure(const char *dir, int err, const char *what);

/* Maps an LMDB return code to a status, with a message naming what failed. */
int store_fail(store *st, int mdb_rc, const char *what);

/* The plain body text of a post (texts database), decompressed into out;
 * body_bytes is its length from the post's record. Returns BS_OK,
 * BS_ECORRUPT (message in st->errmsg) or BS_ENOMEM. */
int store_read_text(store *st, MDB_txn *txn, uint32_t docid, uint64_t body_bytes, txt_buf *out);

/* The lens database: a post's date (LENS_NO_DATE when none) and its field
 * lengths (tokens, clamped to 65535), kept LENS_PER_CHUNK posts a value. */
typedef struct {
    int64_t date;
    uint16_t len[BS_NFIELDS];
} lens_entry;

/* Reads one post's entry through a one-chunk cache the caller zeroes before
 * first use, keeps for the transaction and ends with store_lens_done. A
 * cursor walks the chunks, so posts read in docid order find theirs on the
 * page already at hand. BS_ENOTFOUND for a docid with no entry (a removed
 * post reads as all zeros, also BS_ENOTFOUND). */
typedef struct {
    uint32_t chunk;                  /* docid / LENS_PER_CHUNK of the cached value */
    const uint8_t *p;                /* the value, in the map; NULL when none */
    size_t len;
    int valid;
    MDB_cursor *cur;
} lens_cache;
int store_lens_get(store *st, MDB_txn *txn, lens_cache *c, uint32_t docid, lens_entry *e);
void store_lens_done(lens_cache *c);
/* The 16 bytes of an entry (all zeros for an entry that clears one), for
 * the writer, which keeps the chunk it fills in memory. */
void store_lens_encode(uint8_t *p, const lens_entry *e);

/* The number of tag ids given (tagids: the last TAGID_BY_ID key's id + 1;
 * ids run from 0 and are never reused). */
int store_tag_ids(store *st, MDB_txn *txn, uint64_t *n);

/* Index statistics kept in meta "stats". */
typedef struct {
    uint64_t ndocs;
    uint64_t next_docid;             /* first docid not yet used, >= 1 */
    uint64_t lensum[BS_NFIELDS];     /* tokens per field over all posts */
} store_stats;

int store_get_stats(store *st, MDB_txn *txn, store_stats *s);
int store_put_stats(store *st, MDB_txn *txn, const store_stats *s);

/* ---- what metacheck.c offers ------------------------------------------- */

/* Reads the two meta pages of dir's data.mdb with pread (never through a
 * map, so a short file cannot fault) and holds their fields to what LMDB
 * writes: the magic and version, a page size that is a power of two and
 * the same in both, the page number of each, roots and depths within the
 * pages used, and a file long enough for every page the meta page says is
 * used (LMDB maps the file and would fault on the first page past its end).
 * BS_OK, also for an empty or missing file (a new index); BS_ECORRUPT with
 * the message "the index DIR is damaged (...); rebuild it with
 * blogsearch-index --full" in err; BS_ERROR when it cannot be read. */
int store_check_meta(const char *dir, char *err, size_t errlen);

/* ---- what guard.c offers ------------------------------------------------ */

/* A fault while reading an index made an error. A program calls
 * store_guard_install once (SIGSEGV, SIGBUS, SIGFPE and SIGABRT get a
 * handler that chains to the one there before when no guard is pushed);
 * then around a read:
 *
 *     store_guard g;
 *     store_guard_push(&g);
 *     if (sigsetjmp(g.jb, 1) != 0)
 *         return store_guard_fault(&g, st, dir, err, errlen);   (popped already)
 *     ... reads ...
 *     store_guard_pop(&g);
 *
 * After a fault the transaction, the environment and whatever the
 * interrupted code allocated are abandoned: nothing of them may be touched
 * again (no mdb_txn_abort, no store_close), and the program reports and
 * exits. Locals changed after sigsetjmp are not to be read after the jump.
 * Guards nest, per thread; a thread with none that faults while another
 * thread of the process has one (a search's second thread) sends the fault
 * on to that thread and waits. Without store_guard_install a guard costs one
 * sigsetjmp and changes nothing. */
typedef struct store_guard {
    sigjmp_buf jb;
    struct store_guard *prev;
    int sig;                         /* the signal that ended the reads */
    void *addr;                      /* where the fault was */
    char what[300];                  /* LMDB's assertion, when that was it */
} store_guard;

void store_guard_install(void);
void store_guard_push(store_guard *g);
void store_guard_pop(store_guard *g);
/* The message of the fault that jumped to g (st, when known, for the page it
 * was on): BS_ECORRUPT, or BS_ERROR with "disk full: ..." for a SIGBUS on a
 * file system with no room left (a write through the map). */
int store_guard_fault(const store_guard *g, const store *st, const char *dir, char *err,
                      size_t errlen);
/* LMDB's assertion callback (mdb_env_set_assert), set on every environment
 * store_open opens: under a guard, its jump with LMDB's words. */
void store_guard_lmdb_assert(MDB_env *env, const char *msg);
/* Faults turned into errors in this process so far. */
unsigned store_guard_faults(void);

/* ---- what aside.c offers ------------------------------------------------ */

/* A directory written beside its place and put there whole (snapshot.c,
 * and a rebuild of a damaged index, indexer/writer.c). */
#define STORE_PATH_BYTES 4096
/* dir/name into buf; -1 when it does not fit. */
int store_join(char buf[STORE_PATH_BYTES], const char *dir, const char *name);
int store_sync_dir(const char *dir);            /* fsync(2) of a directory; 0 or -1 */
/* A copy's directory removed: its data.mdb and lock.mdb, then itself
 * (failing when anything else is in it). 0 or -1 with errno. */
int store_remove_index_dir(const char *dir);
/* dst without trailing slashes into target, its directory into parent, and
 * target followed by suffix (a mkdtemp pattern) into tmp; -1 when dst is
 * empty or they do not fit. */
int store_path_beside(const char *dst, const char *suffix, char target[STORE_PATH_BYTES],
                      char parent[STORE_PATH_BYTES], char tmp[STORE_PATH_BYTES]);
/* dir given like's group and mode, where that is allowed. */
void store_dir_like(const char *dir, const struct stat *like);
/* The directory tmp put at dst and dst's at tmp in one rename
 * (RENAME_EXCHANGE), then the one now at tmp removed; kept names it when
 * that fails ("" else). 0, or -1 with errno and nothing changed. */
int store_swap_dirs(const char *tmp, const char *dst, char *kept, size_t keptlen);

/* ---- what snapshot.c offers --------------------------------------------- */

/* A copy of an index for web nodes (README, "Copies for web nodes"). */
typedef struct {
    uint64_t posts;                  /* in the copy */
    uint64_t bytes;                  /* the copy's data.mdb */
    uint64_t src_file_bytes;         /* the index's data.mdb on disk (a sparse file) */
    uint64_t src_used_bytes;         /* the index's pages in use */
    int replaced;                    /* a previous snapshot at dst was swapped out */
    char kept[4096];                 /* where the previous snapshot was left when it
                                        could not be removed, else "" */
} store_snapshot_info;

/* Writes a compacted copy of the index in src to the directory dst, whole
 * or not at all: into a new directory beside it (dst.tmp.XXXXXX), data.mdb
 * from one read transaction (LMDB's compacting copy: the state of one
 * commit, while a writer may go on), a lock.mdb of its own, the index
 * directory's group and mode (a set-group-ID directory's files shared as
 * store_open shares them), everything synced; the copy is opened with the
 * format checks, then renamed to dst. dst may be missing, an empty
 * directory, or a previous snapshot (a directory of data.mdb and lock.mdb
 * whose LMDB environment is still at the copy's transaction 1, not src),
 * which is swapped out in one rename (RENAME_EXCHANGE) and removed; anything
 * else is refused. BS_OK; else BS_EVERSION, BS_ENOTFOUND (src) or BS_ERROR,
 * err saying why, and dst as it was. */
int store_snapshot(const char *src, const char *dst, store_snapshot_info *info, char *err,
                   size_t errlen);

/* Whether the index st was opened from is no longer the one at st->dir: the
 * directory or its data.mdb (links followed) is another file now, or gone,
 * as when a copy was swapped in by a rename, the directory moved aside or
 * deleted. Two stat(2) calls, for a reader that stays open between requests. */
int store_replaced(const store *st);

/* ---- what terms.c offers ------------------------------------------------ */

/* In how many posts term is: the sum of its blocks' counts, read through
 * cur (a cursor on st->terms in txn) with kb as the key's buffer. BS_OK,
 * BS_ECORRUPT or a store_fail status. */
int store_term_df(store *st, MDB_txn *txn, MDB_cursor *cur, txt_buf *kb, const char *term,
                  size_t tlen, uint64_t *df);
/* Sets the bit of each docid of term's postings in bits (nwords words; a
 * docid past them is left out), decoding docids only. BS_ECORRUPT names the
 * term in store_err(). */
int store_term_bits(store *st, MDB_cursor *cur, txt_buf *kb, const char *term, size_t tlen,
                    uint64_t *bits, uint64_t nwords);
/* store_term_df that reads at most max_blocks of term's blocks (0: all)
 * and its last one: *exact 1 when that is all of them (a term of up to
 * max_blocks + 1 blocks); else *df counts the blocks between as holding as
 * many posts per docid as the blocks read do, near for a word spread over
 * the blog and never read past three seeks and max_blocks blocks however
 * many posts have the term. The cursor is left anywhere. */
int store_term_df_est(store *st, MDB_cursor *cur, txt_buf *kb, const char *term, size_t tlen,
                      size_t max_blocks, uint64_t *df, int *exact);
/* store_term_df_est of the term whose first block is at the cursor (as
 * store_term_next and this leave it), stepping on from there: then the term
 * after it, as store_term_next gives it, or BS_ENOTFOUND past the last (*df
 * and *exact are set all the same). A walk over the table's terms that
 * counts each pays a seek only for the terms of many blocks. */
int store_term_df_on(store *st, MDB_cursor *cur, txt_buf *kb, const char *term, size_t tlen,
                     size_t max_blocks, uint64_t *df, int *exact, const char **next,
                     size_t *nlen);
/* Up to max posts that have term, from its first block: up to half of them
 * with the term in their title, then others, into docids (*n of them).
 * BS_ENOTFOUND when no post has it. */
int store_term_posts(store *st, MDB_txn *txn, MDB_cursor *cur, txt_buf *kb, const char *term,
                     size_t tlen, uint32_t *docids, size_t max, size_t *n);
/* Up to max posts with term in their title, from its last max_blocks
 * blocks, the highest docids (the posts indexed last) first, into docids
 * (*n of them): a bounded read of a term of any size. */
int store_term_titled(store *st, MDB_cursor *cur, txt_buf *kb, const char *term, size_t tlen,
                      size_t max_blocks, uint32_t *docids, size_t max, size_t *n);
/* The block of term's postings that holds docid if any post does: decoded,
 * positions and all, into out (reset first). BS_ENOTFOUND when no block of
 * the term starts at or before docid; the block may still not hold it. */
int store_term_block_at(store *st, MDB_cursor *cur, txt_buf *kb, const char *term,
                        size_t tlen, uint32_t docid, plist *out);
/* The post indexed from the file at path (absolute, as indexed) or, when no
 * file is, the post whose slug is key (the first of several): *docid.
 * BS_ENOTFOUND when neither. */
int store_find_post(store *st, MDB_txn *txn, const char *key, size_t len, uint32_t *docid);
/* The first term of the table at or after the bytes from (the table's first
 * when flen is 0), read through cur: *term points into the map (valid while
 * the transaction is) and is not NUL-terminated. Seeking to a term followed by
 * byte 1 gives the next term; to a prefix with its last byte raised, the first
 * term past every term with that prefix. BS_ENOTFOUND past the last term. */
/* The first term after term (tlen bytes), cur being at one of its keys (as
 * store_term_next leaves it): *next as store_term_next gives it. */
int store_term_after(store *st, MDB_cursor *cur, const char *term, size_t tlen,
                     const char **next, size_t *nlen);
int store_term_next(store *st, MDB_cursor *cur, const char *from, size_t flen,
                    const char **term, size_t *tlen);

#endif

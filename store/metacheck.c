/* metacheck.c: the two meta pages of an LMDB data.mdb held to what LMDB
 * writes, before LMDB maps the file. LMDB 0.9 has no checksums and trusts
 * these pages: a root or last page number past the file's end is a fault on
 * the first read. Reads with pread only; knows LMDB's meta layout (mdb.c's
 * MDB_page header and MDB_meta), nothing of blogsearch's databases. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"

#define MDB_MAGIC 0xBEEFC0DEu
#define MDB_DATA_VERSION 1u
#define P_META 0x08u
#define P_INVALID ((uint64_t)~(size_t)0)
#define CURSOR_STACK 32            /* LMDB's deepest tree */
#define PAGEHDRSZ 16               /* mp_pgno, mp_pad, mp_flags, mp_lower, mp_upper */

/* MDB_meta after the page header, in units of a word (pgno_t, size_t and
 * txnid_t are all size_t in LMDB 0.9 without MDB_VL32):
 *   u32 magic, u32 version, void *address, size_t mapsize,
 *   MDB_db dbs[2] (FREE_DBI, MAIN_DBI), pgno_t last_pg, txnid_t txnid
 * MDB_db: u32 pad (the page size in the FREE_DBI record), u16 flags,
 *   u16 depth, pgno_t branch, leaf, overflow, size_t entries, pgno_t root */
#define W sizeof(size_t)
#define META (PAGEHDRSZ)
#define OFF_MAGIC (META)
#define OFF_VERSION (META + 4)
#define OFF_MAPSIZE (META + 8 + W)
#define OFF_DBS (META + 8 + 2 * W)
#define DB_BYTES (8 + 5 * W)
#define OFF_LAST (OFF_DBS + 2 * DB_BYTES)
#define OFF_TXNID (OFF_LAST + W)
#define META_BYTES (OFF_TXNID + W)

typedef struct {
    uint64_t pgno, mapsize, last_pg, txnid;
    unsigned flags, magic, version, psize;
    struct { unsigned depth; uint64_t branch, leaf, overflow, entries, root; } db[2];
} meta;

static uint64_t word(const uint8_t *p)
{
    size_t v;
    memcpy(&v, p, sizeof v);          /* the host's order: LMDB's files are not portable */
    return v;
}

static unsigned u32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static unsigned u16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

static void decode(const uint8_t *p, meta *m)
{
    m->pgno = word(p);
    m->flags = u16(p + 10);
    m->magic = u32(p + OFF_MAGIC);
    m->version = u32(p + OFF_VERSION);
    m->mapsize = word(p + OFF_MAPSIZE);
    for (int i = 0; i < 2; i++) {
        const uint8_t *d = p + OFF_DBS + (size_t)i * DB_BYTES;
        if (i == 0)
            m->psize = u32(d);
        m->db[i].depth = u16(d + 6);
        m->db[i].branch = word(d + 8);
        m->db[i].leaf = word(d + 8 + W);
        m->db[i].overflow = word(d + 8 + 2 * W);
        m->db[i].entries = word(d + 8 + 3 * W);
        m->db[i].root = word(d + 8 + 4 * W);
    }
    m->last_pg = word(p + OFF_LAST);
    m->txnid = word(p + OFF_TXNID);
}

/* What is wrong with meta page i (n pages in the file), or NULL. */
static const char *wrong(const meta *m, unsigned i, uint64_t npages, char *why, size_t len)
{
    static const char *const dbname[] = { "free list", "main database" };
    if (m->magic != MDB_MAGIC || !(m->flags & P_META))
        return "not an LMDB meta page";
    if (m->version != MDB_DATA_VERSION) {
        snprintf(why, len, "LMDB data version %u, not %u", m->version, MDB_DATA_VERSION);
        return why;
    }
    if (m->pgno != i)
        return "page number wrong";
    if (m->last_pg < 1 || m->last_pg >= npages) {
        snprintf(why, len, "its last page is %llu, and the file has %llu",
                 (unsigned long long)m->last_pg, (unsigned long long)npages);
        return why;
    }
    if (m->mapsize < (m->last_pg + 1) * m->psize)
        return "map size below the pages used";
    for (int d = 0; d < 2; d++) {
        uint64_t pages = m->db[d].branch + m->db[d].leaf + m->db[d].overflow;
        int empty = m->db[d].root == P_INVALID;
        if ((empty && (m->db[d].depth || m->db[d].entries || pages))
            || (!empty && (m->db[d].root < 2 || m->db[d].root > m->last_pg
                           || m->db[d].depth < 1 || m->db[d].depth > CURSOR_STACK
                           || pages < m->db[d].depth || pages > m->last_pg))) {
            snprintf(why, len, "the %s's root page %llu, depth %u or page counts are out of "
                     "range", dbname[d], (unsigned long long)m->db[d].root, m->db[d].depth);
            return why;
        }
    }
    return NULL;
}

/* page: the meta page the fault is in, or -1 for the file */
static int damaged(char *err, size_t errlen, const char *dir, int page, const char *what)
{
    char at[32] = "";
    if (page >= 0)
        snprintf(at, sizeof at, "meta page %d: ", page);
    snprintf(err, errlen, "the index %s is damaged (data.mdb: %s%s); rebuild it with "
             "blogsearch-index --full", dir, at, what);
    return BS_ECORRUPT;
}

int store_check_meta(const char *dir, char *err, size_t errlen)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/data.mdb", dir) >= (int)sizeof path) {
        snprintf(err, errlen, "%s: the path is too long", dir);
        return BS_ERROR;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return BS_OK;                 /* none yet: store_open says what that means */
    struct stat sb;
    uint8_t page[2][META_BYTES];
    meta m[2];
    int rc = BS_OK;
    if (fstat(fd, &sb) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        rc = BS_ERROR;
    } else if (sb.st_size == 0 || !S_ISREG(sb.st_mode)) {
        rc = BS_OK;                   /* a new environment: LMDB writes its meta pages */
    } else if (pread(fd, page[0], META_BYTES, 0) != (ssize_t)META_BYTES) {
        rc = damaged(err, errlen, dir, -1, "shorter than its first page");
    } else {
        decode(page[0], &m[0]);
        unsigned ps = m[0].psize;
        const char *w0 = m[0].magic != MDB_MAGIC ? "not an LMDB meta page"
                         : ps < 512 || ps > 65536 || (ps & (ps - 1)) ? "page size out of range"
                         : NULL;
        if (w0) {
            rc = damaged(err, errlen, dir, 0, w0);
        } else if (pread(fd, page[1], META_BYTES, ps) != (ssize_t)META_BYTES) {
            rc = damaged(err, errlen, dir, -1, "shorter than its second page");
        } else {
            decode(page[1], &m[1]);
            uint64_t npages = (uint64_t)sb.st_size / ps;
            char why[200];
            for (unsigned i = 0; i < 2 && rc == BS_OK; i++) {
                const char *w = wrong(&m[i], i, npages, why, sizeof why);
                if (!w && m[i].psize != ps)
                    w = "page size differs from the first meta page's";
                if (w)
                    rc = damaged(err, errlen, dir, (int)i, w);
            }
        }
    }
    close(fd);
    return rc;
}

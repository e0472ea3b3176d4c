/* spill.c: a run's postings, when they outgrow --memory, written to a
 * temporary file as sorted runs and read back, run by run in term order,
 * for postings.c to merge into the index at the end of the transaction.
 *
 * The file is made in $TMPDIR, else in the index's directory, and unlinked
 * at once: it has no name, and goes when the process ends however it ends.
 * Runs lie back to back in it; a run is its terms in ascending order, each
 * as a record:
 *
 *     varint term length, the term's bytes,
 *     varint byte length of its postings, the postings
 *
 * the postings in the accumulator's scratch form (writer.h: u32 docid in
 * native order, BS_NFIELDS tf varints, a varint byte length, the positions
 * as a block holds them), copied as they are. Nothing in it outlives the
 * process, so native order is enough. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "indexer/writer.h"

#define SPILL_WBUF (1u << 20)    /* bytes gathered before a write(2) */
#define SPILL_RBUF_MIN 4096      /* a reader's buffer, at least and at most */
#define SPILL_RBUF_MAX (1u << 20)
#define POSTING_HEAD (4 + (BS_NFIELDS + 1) * VARINT_MAX)   /* docid, tfs, length */

/* ---- the file ----------------------------------------------------------- */

static const char *spill_dir(const writer *w)
{
    const char *t = getenv("TMPDIR");
    return t && *t ? t : w->st->dir;
}

static int spill_ioerr(writer *w, const char *doing)
{
    snprintf(w->err, w->errlen, "%s a temporary file of postings in %s: %s", doing,
             spill_dir(w), strerror(errno));
    return BS_ERROR;
}

static int spill_open(writer *w)
{
    spill *s = &w->sp;
    txt_buf path = { 0 };
    buf_puts(&path, spill_dir(w));
    buf_puts(&path, "/.blogsearch-postings-XXXXXX");
    s->wb = malloc(SPILL_WBUF);
    if (path.err || !s->wb) {
        buf_free(&path);
        return wr_oom(w);
    }
    s->fd = mkstemp(path.p);
    int made = s->fd >= 0;
    if (made)
        unlink(path.p);              /* nameless from here on */
    buf_free(&path);
    if (!made)
        return spill_ioerr(w, "creating");
    return BS_OK;
}

static int spill_write_out(writer *w, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t k = pwrite(w->sp.fd, c, n, (off_t)w->sp.end);   /* after a forget too */
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return spill_ioerr(w, "writing");
        c += k;
        n -= (size_t)k;
        w->sp.end += (uint64_t)k;
    }
    return BS_OK;
}

static int spill_drain(writer *w)
{
    int rc = spill_write_out(w, w->sp.wb, w->sp.wlen);
    w->sp.wlen = 0;
    return rc;
}

static int spill_bytes(writer *w, const void *p, size_t n)
{
    spill *s = &w->sp;
    if (s->wlen + n > SPILL_WBUF) {
        int rc = spill_drain(w);
        if (rc != BS_OK)
            return rc;
        if (n > SPILL_WBUF)
            return spill_write_out(w, p, n);
    }
    memcpy(s->wb + s->wlen, p, n);
    s->wlen += n;
    return BS_OK;
}

/* ---- writing runs ------------------------------------------------------- */

int spill_run_begin(writer *w)
{
    spill *s = &w->sp;
    if (s->fd < 0) {
        int rc = spill_open(w);
        if (rc != BS_OK)
            return rc;
    }
    if (s->nruns + 2 > s->offcap) {
        uint64_t *o = grow_array(s->off, &s->offcap, 16, sizeof *o);
        if (!o)
            return wr_oom(w);
        s->off = o;
    }
    s->off[s->nruns] = s->end + s->wlen;
    return BS_OK;
}

int spill_put(writer *w, const char *term, size_t tlen, const void *postings, size_t plen)
{
    uint8_t head[VARINT_MAX];
    int rc = spill_bytes(w, head, codec_put_varint(head, tlen));
    if (rc == BS_OK)
        rc = spill_bytes(w, term, tlen);
    if (rc == BS_OK)
        rc = spill_bytes(w, head, codec_put_varint(head, plen));
    if (rc == BS_OK)
        rc = spill_bytes(w, postings, plen);
    return rc;
}

int spill_run_end(writer *w)
{
    spill *s = &w->sp;
    int rc = spill_drain(w);
    if (rc != BS_OK)
        return rc;
    s->off[++s->nruns] = s->end;
    s->spilled++;
    return BS_OK;
}

void spill_forget(writer *w)
{
    spill *s = &w->sp;
    s->nruns = 0;
    s->wlen = 0;
    /* the space goes back now and the next run starts at the beginning;
     * if it cannot, the next one goes on at the end */
    if (s->fd >= 0 && s->end && ftruncate(s->fd, 0) == 0)
        s->end = 0;
}

void spill_close(writer *w)
{
    spill *s = &w->sp;
    if (s->fd >= 0)
        close(s->fd);
    free(s->off);
    free(s->wb);
    memset(s, 0, sizeof *s);
    s->fd = -1;
}

/* ---- reading them back -------------------------------------------------- */

struct spill_reader {
    writer *w;
    uint64_t at, stop;           /* the file's next byte to read, the run's end */
    uint8_t *buf;
    size_t cap, pos, len;        /* bytes read and not yet taken: buf[pos .. len) */
    txt_buf term;                /* the current record's term */
    uint64_t left;               /* bytes of its postings not yet taken */
};

static uint64_t rd_remaining(const spill_reader *r)
{
    return (uint64_t)(r->len - r->pos) + (r->stop - r->at);
}

static int rd_damaged(spill_reader *r, const char *why)
{
    snprintf(r->w->err, r->w->errlen, "reading back a temporary file of postings in %s: %s",
             spill_dir(r->w), why);
    return BS_ERROR;
}

/* At least n bytes at buf + pos, reading more of the run as needed. */
static int rd_need(spill_reader *r, size_t n)
{
    if (r->len - r->pos >= n)
        return BS_OK;
    if (rd_remaining(r) < n)
        return rd_damaged(r, "a run ends in a record");
    memmove(r->buf, r->buf + r->pos, r->len - r->pos);
    r->len -= r->pos;
    r->pos = 0;
    if (n > r->cap) {
        size_t cap = r->cap * 2 > n ? r->cap * 2 : n;
        uint8_t *b = realloc(r->buf, cap);
        if (!b)
            return wr_oom(r->w);
        r->buf = b;
        r->cap = cap;
    }
    while (r->len < n) {
        size_t want = r->cap - r->len;
        if (want > r->stop - r->at)
            want = (size_t)(r->stop - r->at);
        ssize_t got = pread(r->w->sp.fd, r->buf + r->len, want, (off_t)r->at);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return spill_ioerr(r->w, "reading back");
        if (got == 0)
            return rd_damaged(r, "the file is shorter than what was written");
        r->len += (size_t)got;
        r->at += (uint64_t)got;
    }
    return BS_OK;
}

static int rd_varint(spill_reader *r, uint64_t *v)
{
    uint64_t rem = rd_remaining(r);
    int rc = rd_need(r, rem < VARINT_MAX ? (size_t)rem : VARINT_MAX);
    if (rc != BS_OK)
        return rc;
    const uint8_t *p = r->buf + r->pos;
    if (codec_get_varint(&p, r->buf + r->len, v) != 0)
        return rd_damaged(r, "a bad length");
    r->pos = (size_t)(p - r->buf);
    return BS_OK;
}

int spill_readers_open(writer *w, spill_reader **out)
{
    spill *s = &w->sp;
    *out = NULL;
    if (!s->nruns)
        return BS_OK;
    spill_reader *r = calloc(s->nruns, sizeof *r);
    if (!r)
        return wr_oom(w);
    /* the runs' buffers share a quarter of --memory */
    size_t cap = w->o->mem_limit / 4 / s->nruns;
    cap = cap < SPILL_RBUF_MIN ? SPILL_RBUF_MIN : cap > SPILL_RBUF_MAX ? SPILL_RBUF_MAX : cap;
    for (size_t i = 0; i < s->nruns; i++) {
        r[i] = (spill_reader){ .w = w, .at = s->off[i], .stop = s->off[i + 1], .cap = cap };
        if (!(r[i].buf = malloc(cap))) {
            spill_readers_free(w, r);
            return wr_oom(w);
        }
    }
    *out = r;
    return BS_OK;
}

void spill_readers_free(writer *w, spill_reader *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < w->sp.nruns; i++) {
        free(r[i].buf);
        buf_free(&r[i].term);
    }
    free(r);
}

spill_reader *spill_reader_at(spill_reader *r, size_t i)
{
    return &r[i];
}

int spill_reader_next(spill_reader *r, const char **term, size_t *tlen)
{
    if (r->left)
        return rd_damaged(r, "postings left unread");
    if (rd_remaining(r) == 0)
        return 0;
    uint64_t n;
    int rc = rd_varint(r, &n);
    if (rc == BS_OK && (n == 0 || n > UINT16_MAX))
        rc = rd_damaged(r, "a bad term length");
    if (rc == BS_OK)
        rc = rd_need(r, (size_t)n);
    if (rc != BS_OK)
        return rc;
    buf_reset(&r->term);
    buf_put(&r->term, (const char *)r->buf + r->pos, (size_t)n);
    r->pos += (size_t)n;
    if (r->term.err)
        return wr_oom(r->w);
    if ((rc = rd_varint(r, &r->left)) != BS_OK)
        return rc;
    if (r->left == 0 || r->left > rd_remaining(r))
        return rd_damaged(r, "a bad length of postings");
    *term = r->term.p;
    *tlen = r->term.len;
    return 1;
}

int spill_reader_posting(spill_reader *r, const uint8_t **p, size_t *n)
{
    if (r->left == 0)
        return 0;
    int rc = rd_need(r, r->left < POSTING_HEAD ? (size_t)r->left : POSTING_HEAD);
    if (rc != BS_OK)
        return rc;
    const uint8_t *q = r->buf + r->pos + 4, *end = r->buf + r->pos
                       + (r->left < POSTING_HEAD ? (size_t)r->left : POSTING_HEAD);
    uint64_t v = 0;
    int bad = r->left < 4;
    for (int f = 0; f <= BS_NFIELDS && !bad; f++)
        bad = codec_get_varint(&q, end, &v) != 0;   /* the tfs, then the length */
    size_t total = (size_t)(q - (r->buf + r->pos)) + (size_t)v;
    if (bad || v > r->left || total > r->left)
        return rd_damaged(r, "a bad posting");
    if ((rc = rd_need(r, total)) != BS_OK)
        return rc;
    *p = r->buf + r->pos;
    *n = total;
    r->pos += total;
    r->left -= total;
    return 1;
}

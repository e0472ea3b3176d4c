/* bench_query: query latency through blogsearch's library, the same contract
 * as the peers (bench/peer_query_*.c): usage bench_query INDEXDIR QUERIES.tsv
 * RUNS SNIPPETS. The index is opened once; each query is parsed once and run
 * RUNS times after one warm-up, each run a read transaction, a search for the
 * top 10 and, with SNIPPETS=1, the stored text and snippet of every hit.
 * Queries of kind "sorted" are ranked newest first (SORT_DATE, as
 * `blogsearch --sort date`), every other by relevance.
 * Prints per query: blogsearch, kind, query, total, microseconds per run.
 * With CORRECT=1 in the environment each run is what the library does
 * without bs_search_opts.exact: the query parsed, then correct_search (the
 * search as typed, the correction of words that find little, the corrected
 * query's search), as bench/correction.sh measures. */
#include "bench_common.h"
#include "indexer/indexer.h"
#include "query/query.h"

static int reparse(void *ctx, const char *text, qry *q, char *err, size_t errlen)
{
    return qparse(q, ctx, text, err, errlen);
}

static int run_once(store *st, an_analyzer *an, const qry *q, const char *text, int by_date,
                    int correct, int snippets, uint64_t *total)
{
    MDB_txn *txn;
    results r;
    char err[512] = "";
    search_opts so = { .sort = by_date ? SORT_DATE : SORT_RELEVANCE, .match = MATCH_MOST,
                       .limit = 10 };
    if (store_txn_begin(st, MDB_RDONLY, &txn) != BS_OK)
        return -1;
    int rc;
    if (correct) {
        qry cq;
        corr_info ci;
        corr_run cr = { st, txn, an, reparse, an };
        rc = qparse(&cq, an, text, err, sizeof err);
        if (rc == BS_OK) {
            rc = correct_search(&cr, text, &cq, &so, &r, &ci, err, sizeof err);
            if (rc == BS_OK)
                corr_info_free(&ci);
        }
        qry_free(&cq);
    } else {
        rc = search_run(st, txn, q, &so, &r, err, sizeof err);
    }
    if (rc != BS_OK) {
        fprintf(stderr, "bench_query: %s\n", err);
        mdb_txn_abort(txn);
        return -1;
    }
    txt_buf body = { 0 };
    for (size_t i = 0; snippets && i < r.n; i++) {
        uint8_t k4[4];
        key_docid(k4, r.hits[i].docid);
        MDB_val k = { 4, k4 }, v;
        doc_record d;
        const char *why;
        if (mdb_get(txn, st->docs, &k, &v) != 0 || codec_doc_decode(v.mv_data, v.mv_size, &d, &why) != BS_OK)
            continue;
        snippet sn;
        if (store_read_text(st, txn, r.hits[i].docid, d.body_bytes, &body) == BS_OK
            && snippet_make(&sn, an, body.p, body.len, r.hl_terms, r.nhl, 200) == 0)
            snippet_free(&sn);
        codec_doc_free(&d);
    }
    buf_free(&body);
    *total = r.total;
    results_free(&r);
    mdb_txn_abort(txn);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: bench_query INDEXDIR QUERIES.tsv RUNS SNIPPETS\n");
        return 2;
    }
    int runs = atoi(argv[3]), snippets = atoi(argv[4]);
    const char *ce = getenv("CORRECT");
    int correct = ce && strcmp(ce, "1") == 0;
    char err[1024];
    store *st;
    an_analyzer *an;
    if (store_open(&st, argv[1], STORE_RDONLY, err, sizeof err) != BS_OK) {
        fprintf(stderr, "bench_query: %s\n", err);
        return 2;
    }
    FILE *f = fopen(argv[2], "r");
    if (!f || an_new(&an, 0) != 0) {
        fprintf(stderr, "bench_query: cannot read %s\n", argv[2]);
        return 2;
    }
    char line[1024];
    int first = 1;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (first || !tab) {
            first = 0;
            continue;
        }
        *tab = '\0';
        const char *kind = line, *text = tab + 1;
        qry q;
        if (qparse(&q, an, text, err, sizeof err) != BS_OK) {
            fprintf(stderr, "bench_query: \"%s\": %s\n", text, err);
            qry_free(&q);
            continue;
        }
        uint64_t total = 0;
        int by_date = strcmp(kind, "sorted") == 0;
        run_once(st, an, &q, text, by_date, correct, snippets, &total);   /* warm-up */
        printf("blogsearch\t%s\t%s\t%llu\t", kind, text, (unsigned long long)total);
        for (int r = 0; r < runs; r++) {
            double t0 = now_s();
            run_once(st, an, &q, text, by_date, correct, snippets, &total);
            printf("%s%.0f", r ? "," : "", (now_s() - t0) * 1e6);
        }
        printf("\n");
        qry_free(&q);
    }
    fclose(f);
    an_free(an);
    store_close(st);
    return 0;
}

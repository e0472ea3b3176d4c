/* peer_fts5_tokenizer: SQLite FTS5's unicode61 tokenizer (remove_diacritics
 * 2) over the same corpus, called through the fts5_api the way FTS5 itself
 * calls it while indexing. FTS5 has no Russian stemmer; this is its whole
 * analysis of Russian text. Usage: peer_fts5_tokenizer RUNS FILE... */
#include <sqlite3.h>

#include "bench_common.h"

static int count_token(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
    (void)flags; (void)tok; (void)start; (void)end;
    *(size_t *)ctx += ntok > 0;
    return SQLITE_OK;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: peer_fts5_tokenizer RUNS FILE...\n");
        return 2;
    }
    sqlite3 *db;
    sqlite3_stmt *st;
    fts5_api *api = NULL;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK
        || sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
        return 2;
    }
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    void *ud;
    fts5_tokenizer tk;
    Fts5Tokenizer *tok;
    const char *args[] = { "remove_diacritics", "2" };
    if (!api || api->xFindTokenizer(api, "unicode61", &ud, &tk) != SQLITE_OK
        || tk.xCreate(ud, args, 2, &tok) != SQLITE_OK) {
        fprintf(stderr, "no FTS5 unicode61 tokenizer\n");
        return 2;
    }
    corpus c;
    int runs = atoi(argv[1]);
    corpus_load(&c, argc, argv, 2);
    double best = 1e30;
    size_t tokens = 0;
    for (int r = 0; r < runs; r++) {
        size_t n = 0;
        double t0 = now_s();
        for (size_t i = 0; i < c.n; i++)
            tk.xTokenize(tok, &n, FTS5_TOKENIZE_DOCUMENT, c.text[i], (int)c.len[i], count_token);
        double dt = now_s() - t0;
        if (dt < best)
            best = dt;
        tokens = n;
    }
    report("sqlite-fts5", "unicode61", c.bytes, tokens, best);
    tk.xDelete(tok);
    sqlite3_close(db);
    corpus_free(&c);
    return 0;
}

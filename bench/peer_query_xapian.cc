// peer_query_xapian: query latency of Xapian 1.4 over the blog index that
// bench/peer_index_xapian.cc builds, the way a Xapian search page would ask:
// QueryParser with Stem("russian") and STEM_SOME, default operator OR (as in
// the relevance baseline, bench/relevance_xapian.py), phrases in double quotes
// (FLAG_PHRASE), word starts with * (FLAG_WILDCARD), and tag:x as a boolean
// filter on the term "K" + lowercase(x) (OP_FILTER), since:/until: as a range
// of value slot 0 (the date as the post writes it, compared as a string:
// bench_date_upper), and kind "sorted" newest first by that value (else
// relevance); Enquire, default BM25, top 10.
// Usage: peer_query_xapian DBDIR QUERIES.tsv RUNS SNIPPETS
//        peer_query_xapian DBDIR -q KIND QUERY SNIPPETS   (one query, once, its
//        hits printed: the whole process of one search, for bench/run)
// QUERIES.tsv: a header line, then "kind <TAB> query" lines (bench/queries.tsv).
// The database is opened once and each query parsed once (untimed, as
// blogsearch's bench/bench_query.c parses once), and counted once untimed.
// Then each query runs once untimed (warm-up) and RUNS timed times; a timed
// run is what a search request costs once the index is open and the query
// parsed: Enquire::get_mset for the top 10 (docids and weights) and, with
// SNIPPETS=1, for each hit its stored data (path, title and body, one per
// line) and a snippet of about 200 characters of the body (MSet::snippet
// with the stemmer, default flags, highlights in [ ]).
// Prints per query: xapian <TAB> kind <TAB> query <TAB> matches <TAB>
// microseconds of run 1,run 2,...
// BENCH_SHOW=1 in the environment prints the hits of each query to stderr.
#include <xapian.h>

#include <string>
#include <vector>

#include "bench_common.h"

struct bench_query {
    std::string kind, text;
};

// The queries of a bench/queries.tsv file: the header and blank lines skipped.
static std::vector<bench_query> read_queries(const char *path)
{
    std::vector<bench_query> qs;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot read\n", path);
        exit(2);
    }
    char line[4096];
    bool header = true;
    while (fgets(line, sizeof line, f)) {
        std::string s(line);
        while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
            s.pop_back();
        if (header) {
            header = false;
            if (s.compare(0, 5, "kind\t") == 0)
                continue;
        }
        if (s.empty() || s[0] == '#')
            continue;
        size_t tab = s.find('\t');
        if (tab == std::string::npos) {
            fprintf(stderr, "%s: no tab in \"%s\"\n", path, s.c_str());
            exit(2);
        }
        qs.push_back({ s.substr(0, tab), s.substr(tab + 1) });
    }
    fclose(f);
    return qs;
}

int main(int argc, char **argv)
{
    bool one = argc == 6 && strcmp(argv[2], "-q") == 0;
    if (argc != 5 && !one) {
        fprintf(stderr, "usage: peer_query_xapian DBDIR QUERIES.tsv RUNS SNIPPETS\n"
                        "       peer_query_xapian DBDIR -q KIND QUERY SNIPPETS\n");
        return 2;
    }
    std::vector<bench_query> qs;
    if (one)
        qs.push_back({ argv[3], argv[4] });
    else
        qs = read_queries(argv[2]);
    int runs = one ? 1 : atoi(argv[3]);
    bool snippets = atoi(argv[one ? 5 : 4]) != 0;
    bool show = getenv("BENCH_SHOW") && strcmp(getenv("BENCH_SHOW"), "0") != 0;
    if (runs < 1) {
        fprintf(stderr, "peer_query_xapian: RUNS must be at least 1\n");
        return 2;
    }
    try {
        Xapian::Database db(argv[1]);
        Xapian::Stem stem("russian");
        Xapian::QueryParser qp;
        qp.set_database(db); // wildcards expand over the database's terms
        qp.set_stemmer(stem);
        qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
        qp.set_default_op(Xapian::Query::OP_OR);
        qp.add_prefix("title", "S");
        const unsigned flags = Xapian::QueryParser::FLAG_DEFAULT // phrases, AND/OR/NOT, +/-
                               | Xapian::QueryParser::FLAG_WILDCARD;
        Xapian::Enquire enquire(db);
        enquire.set_weighting_scheme(Xapian::BM25Weight());

        std::vector<double> us((size_t)runs);
        size_t sink = 0;
        for (const bench_query &bq : qs) {
            bench_split sp;
            bench_split_query(bq.text.c_str(), &sp);
            Xapian::Query query = qp.parse_query(sp.rest, flags);
            std::vector<Xapian::Query> filters;
            for (int t = 0; t < sp.ntags; t++)
                filters.emplace_back("K" + Xapian::Unicode::tolower(sp.tags[t]));
            if (sp.since[0] || sp.until[0]) {
                char hi[32];
                bench_date_upper(sp.until[0] ? sp.until : "9999", hi, sizeof hi);
                filters.emplace_back(Xapian::Query::OP_VALUE_RANGE, 0,
                                     sp.since[0] ? sp.since : "0", hi);
            }
            if (!filters.empty()) {
                Xapian::Query filter(Xapian::Query::OP_AND, filters.begin(), filters.end());
                query = query.empty() ? filter
                                      : Xapian::Query(Xapian::Query::OP_FILTER, query, filter);
            }
            if (bq.kind == "sorted")
                enquire.set_sort_by_value(0, true);
            else
                enquire.set_sort_by_relevance();
            if (show)
                fprintf(stderr, "%s: %s\n", bq.text.c_str(), query.get_description().c_str());
            enquire.set_query(query);
            // The total, untimed: the estimate made exact by checking every
            // match (check_at_least = all documents), to compare with the
            // other engines' counts; the timed runs ask for the top 10 only.
            Xapian::doccount total
                = one ? 0 : enquire.get_mset(0, 0, db.get_doccount()).get_matches_estimated();
            for (int r = one ? 0 : -1; r < runs; r++) { // run -1: the warm-up
                double t0 = now_s();
                enquire.set_query(query);
                Xapian::MSet mset = enquire.get_mset(0, 10);
                for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it) {
                    sink += *it;
                    if (one && !snippets)
                        printf("%u\n", *it);
                    if (!snippets)
                        continue;
                    // document data: path, title, body, one per line
                    std::string data = it.get_document().get_data();
                    size_t nl1 = data.find('\n');
                    size_t nl2 = nl1 == std::string::npos ? nl1 : data.find('\n', nl1 + 1);
                    std::string body = nl2 == std::string::npos ? std::string()
                                                                : data.substr(nl2 + 1);
                    std::string snip = mset.snippet(body, 200, stem,
                                                    Xapian::MSet::SNIPPET_BACKGROUND_MODEL
                                                        | Xapian::MSet::SNIPPET_EXHAUSTIVE,
                                                    "[", "]", "…");
                    sink += snip.size();
                    if (one)
                        printf("%u\t%s\n", *it, snip.c_str());
                    if (show && r == -1)
                        fprintf(stderr, "  %u\t%.3f\t%s\n", *it, it.get_weight(), snip.c_str());
                }
                double dt = now_s() - t0;
                if (r >= 0)
                    us[(size_t)r] = dt * 1e6;
            }
            if (one)
                break;
            printf("xapian\t%s\t%s\t%u\t", bq.kind.c_str(), bq.text.c_str(), (unsigned)total);
            for (int r = 0; r < runs; r++)
                printf("%s%.1f", r ? "," : "", us[(size_t)r]);
            putchar('\n');
            fflush(stdout);
        }
        if (sink == 0 && !qs.empty() && !one)
            fprintf(stderr, "peer_query_xapian: no query found anything\n");
    } catch (const Xapian::Error &e) {
        fprintf(stderr, "peer_query_xapian: %s\n", e.get_description().c_str());
        return 1;
    }
    return 0;
}

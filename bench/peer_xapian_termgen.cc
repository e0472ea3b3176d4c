// peer_xapian_termgen: Xapian's TermGenerator with the Snowball russian
// stemmer (Xapian's default STEM_SOME strategy) over the same corpus, one
// Document per post as its indexer does. Usage: peer_xapian_termgen RUNS FILE...
#include <xapian.h>

#include "bench_common.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: peer_xapian_termgen RUNS FILE...\n");
        return 2;
    }
    corpus c;
    int runs = atoi(argv[1]);
    corpus_load(&c, argc, argv, 2);
    Xapian::TermGenerator tg;
    tg.set_stemmer(Xapian::Stem("russian"));
    double best = 1e30;
    size_t tokens = 0;
    for (int r = 0; r < runs; r++) {
        size_t n = 0;
        double t0 = now_s();
        for (size_t i = 0; i < c.n; i++) {
            Xapian::Document doc;
            tg.set_document(doc);
            tg.set_termpos(0);
            tg.index_text(std::string(c.text[i], c.len[i]));
            n += tg.get_termpos();
        }
        double dt = now_s() - t0;
        if (dt < best)
            best = dt;
        tokens = n;
    }
    report("xapian", "termgenerator+russian", c.bytes, tokens, best);
    corpus_free(&c);
    return 0;
}

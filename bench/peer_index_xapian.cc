// peer_index_xapian: builds a blog index with Xapian 1.4 the way a Xapian user
// would (the pattern of Xapian's own examples and Omega): TermGenerator with
// the Snowball russian stemmer and positions, title as "S" and unprefixed,
// body unprefixed, tags as boolean "K" terms, date in value slot 0, the post's
// text as document data (blogsearch keeps its text too), one commit at the end.
// Usage: peer_index_xapian DBDIR FILE...   or   peer_index_xapian DBDIR @LIST
// (LIST: NUL-separated paths, for corpora too big for one command line).
//        peer_index_xapian --update DBDIR @LIST @CHANGED: the posts of CHANGED
// (paths of LIST, whose order a build kept: document id = position + 1, LIST
// sorted bytewise as bench/index.sh sorts it) indexed again into the built
// database, each replacing its document, one commit: an incremental run as
// a Xapian user would write it, told what changed.
// Prints: xapian <TAB> files <TAB> bytes read <TAB> seconds.
#include <xapian.h>

#include <algorithm>
#include <string>
#include <vector>

#include "bench_common.h"

// Whole file in a std::string; exits on failure.
static std::string read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    long sz = -1;
    if (f && fseek(f, 0, SEEK_END) == 0)
        sz = ftell(f);
    std::string buf(sz > 0 ? (size_t)sz : 0, '\0');
    if (sz < 0 || fseek(f, 0, SEEK_SET) != 0
        || (sz > 0 && fread(&buf[0], 1, (size_t)sz, f) != (size_t)sz)) {
        fprintf(stderr, "%s: cannot read\n", path);
        exit(2);
    }
    fclose(f);
    return buf;
}

// The files to index: argv[first..argc), or, when that is one "@LIST"
// argument, the NUL-separated paths in LIST.
static std::vector<std::string> file_list(int argc, char **argv, int first)
{
    std::vector<std::string> files;
    if (argc - first != 1 || argv[first][0] != '@') {
        files.assign(argv + first, argv + argc);
        return files;
    }
    std::string list = read_all(argv[first] + 1);
    for (size_t i = 0; i < list.size();) {
        size_t z = list.find('\0', i);
        if (z == std::string::npos)
            z = list.size();
        if (z > i)
            files.emplace_back(list, i, z - i);
        i = z + 1;
    }
    return files;
}

struct post_fields {
    std::string title, tags, date;
    size_t body_at = 0; // bytes: the body is the file from here on
};

// Nikola's header: ".. key: value" lines at the top, up to the first blank
// line; the body is the rest as it is. A file that does not start with such
// a line has no header and is all body. The body keeps its markup, as a
// Xapian user indexing .rst files would; blogsearch strips markup, which is
// more work per post.
static void parse_post(const std::string &text, post_fields &pf)
{
    size_t p = 0, end = text.size();
    while (p < end) {
        size_t eol = text.find('\n', p);
        size_t next = eol == std::string::npos ? end : eol + 1;
        if (eol == std::string::npos)
            eol = end;
        size_t q = p;
        while (q < eol && (text[q] == ' ' || text[q] == '\t' || text[q] == '\r'))
            q++;
        if (q == eol) { // the blank line that ends the header
            if (p != 0)
                p = next;
            break;
        }
        if (eol - p < 4 || text.compare(p, 3, ".. ") != 0)
            break;
        size_t k = p + 3, colon = k;
        while (colon < eol && (text[colon] == '_' || (text[colon] >= 'a' && text[colon] <= 'z')
                               || (text[colon] >= 'A' && text[colon] <= 'Z')))
            colon++;
        if (colon == k || colon == eol || text[colon] != ':'
            || (colon + 1 < eol && text[colon + 1] != ' ' && text[colon + 1] != '\t'
                && text[colon + 1] != '\r'))
            break; // a directive ("image::") or a comment: body starts here
        size_t v = colon + 1, ve = eol;
        while (v < ve && (text[v] == ' ' || text[v] == '\t'))
            v++;
        while (ve > v && (text[ve - 1] == ' ' || text[ve - 1] == '\t' || text[ve - 1] == '\r'))
            ve--;
        std::string key(text, k, colon - k);
        if (key == "title")
            pf.title.assign(text, v, ve - v);
        else if (key == "tags")
            pf.tags.assign(text, v, ve - v);
        else if (key == "date")
            pf.date.assign(text, v, ve - v);
        p = next;
    }
    pf.body_at = p;
}

// The post at path as a document; bytes counts what was read.
static Xapian::Document make_doc(Xapian::TermGenerator &tg, const std::string &path, size_t &bytes)
{
    std::string text = read_all(path.c_str());
    bytes += text.size();
    post_fields pf;
    parse_post(text, pf);
    std::string body(text, pf.body_at);

    Xapian::Document doc;
    tg.set_document(doc);
    tg.index_text(pf.title, 1, "S");
    tg.index_text(pf.title);
    tg.increase_termpos();
    tg.index_text(body);
    for (size_t i = 0; i < pf.tags.size();) {
        size_t comma = pf.tags.find(',', i);
        if (comma == std::string::npos)
            comma = pf.tags.size();
        size_t a = pf.tags.find_first_not_of(" \t", i);
        size_t b = pf.tags.find_last_not_of(" \t", comma - 1);
        if (a != std::string::npos && a < comma && b != std::string::npos && b >= a)
            doc.add_boolean_term("K" + Xapian::Unicode::tolower(pf.tags.substr(a, b - a + 1)));
        i = comma + 1;
    }
    doc.set_data(path + "\n" + pf.title + "\n" + body);
    doc.add_value(0, pf.date);
    return doc;
}

int main(int argc, char **argv)
{
    bool update = argc == 5 && strcmp(argv[1], "--update") == 0;
    if (argc < 3 || (strcmp(argv[1], "--update") == 0 && !update)) {
        fprintf(stderr, "usage: peer_index_xapian DBDIR FILE...|@LIST\n"
                        "       peer_index_xapian --update DBDIR @LIST @CHANGED\n");
        return 2;
    }
    const char *dbdir = argv[update ? 2 : 1];
    std::vector<std::string> files = file_list(update ? 4 : argc, argv, update ? 3 : 2);
    std::vector<std::string> changed;
    if (update)
        changed = file_list(5, argv, 4);
    size_t bytes = 0;
    double t0 = now_s();
    try {
        Xapian::WritableDatabase db(dbdir, update ? Xapian::DB_OPEN : Xapian::DB_CREATE_OR_OVERWRITE);
        Xapian::TermGenerator tg;
        tg.set_stemmer(Xapian::Stem("russian"));
        // Xapian's defaults otherwise: STEM_SOME, positions, and an automatic
        // flush every 10,000 documents (XAPIAN_FLUSH_THRESHOLD), as a user
        // who commits once at the end gets.
        if (!update)
            for (const std::string &path : files)
                db.add_document(make_doc(tg, path, bytes));
        for (const std::string &path : changed) {
            auto at = std::lower_bound(files.begin(), files.end(), path);
            if (at == files.end() || *at != path) {
                fprintf(stderr, "peer_index_xapian: %s: not in the list\n", path.c_str());
                return 2;
            }
            db.replace_document((Xapian::docid)(at - files.begin() + 1), make_doc(tg, path, bytes));
        }
        db.commit();
        db.close();
    } catch (const Xapian::Error &e) {
        fprintf(stderr, "peer_index_xapian: %s\n", e.get_description().c_str());
        return 1;
    }
    double dt = now_s() - t0;
    printf("xapian\t%zu\t%zu\t%.3f\n", update ? changed.size() : files.size(), bytes, dt);
    return 0;
}

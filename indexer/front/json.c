/* json.c: Hugo's JSON front matter (an object opening the post, the body
 * after it) into a value tree. jansson reads the JSON; this file turns its
 * values into the tree's and its errors into a line and a short message.
 * It knows no keys: post.c picks the fields. */
#include <jansson.h>
#include <string.h>

#include "indexer/front/front.h"

/* A name given twice keeps its last value, as Hugo's reader (and YAML's
 * here) does: no JSON_REJECT_DUPLICATES. */
#define LOAD_FLAGS JSON_DISABLE_EOF_CHECK

static vnode *convert(view *v, json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        vnode *o = vn_obj(v);
        const char *name;
        json_t *val;
        /* jansson keeps an object's members in the order they were read */
        json_object_foreach(j, name, val)
            vn_set(v, o, name, convert(v, val));
        return o;
    }
    case JSON_ARRAY: {
        vnode *a = vn_arr(v);
        size_t i;
        json_t *val;
        json_array_foreach(j, i, val)
            vn_push(v, a, convert(v, val));
        return a;
    }
    case JSON_STRING:
        return vn_str(v, json_string_value(j), json_string_length(j));
    case JSON_INTEGER:
        return vn_int(v, (int64_t)json_integer_value(j));
    case JSON_REAL:
        return vn_num(v, json_real_value(j));
    case JSON_TRUE:
        return vn_bool(v, 1);
    case JSON_FALSE:
        return vn_bool(v, 0);
    case JSON_NULL:
        break;
    }
    return vn_null(v);
}

/* jansson's "reason near 'token'": the reason as it is (words of its own,
 * ASCII) and the token quoted as front_quote() does, cut short. */
static void jansson_error(front_error *e, const json_error_t *je)
{
    unsigned line = je->line > 0 ? (unsigned)je->line : 0;
    const char *text = je->text;
    if (strncmp(text, "\\u0000 is not allowed", 21) == 0) {
        front_fail(e, line, "U+0000 is not allowed in a string");
        return;
    }
    const char *near = strstr(text, " near '");
    if (!near) {
        front_fail(e, line, "%s", text[0] ? text : "invalid JSON");
        return;
    }
    const char *tok = near + 7, *tok_end = strrchr(tok, '\'');
    if (!tok_end)
        tok_end = tok + strlen(tok);   /* jansson cut its message inside the token */
    char q[FRONT_QUOTE_SIZE];
    front_fail(e, line, "%.*s near %s", (int)(near - text), text,
               front_quote(q, tok, tok_end));
}

int front_json(const char *s, size_t len, view *v, vnode **root, size_t *used,
               front_error *e)
{
    memset(e, 0, sizeof *e);
    *used = 0;
    *root = vn_obj(v);
    json_error_t je;
    json_t *j = json_loadb(s, len, LOAD_FLAGS, &je);
    int rc = -1;
    if (!j) {
        jansson_error(e, &je);
    } else if (!json_is_object(j)) {
        const char *p = s;
        while (p < s + len && *p != '[')
            p++;
        front_fail(e, front_line(s, p), "JSON front matter is an object, not an array");
    } else {
        vnode *o = convert(v, j);
        if (o) {
            *root = o;
            *used = je.position;
            rc = 0;
        }
    }
    json_decref(j);
    if (view_failed(v)) {
        front_fail(e, 0, "out of memory");
        rc = -1;
    }
    return rc;
}

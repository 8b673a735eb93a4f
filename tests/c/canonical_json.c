/* Canonical JSON text, to compare a payload the library returns with the
 * expected one as JSON values (tests/vectors/jwt/README.md). The same form
 * as canonical() of vectors_to_text.py: no whitespace; strings escaped as
 * Python's json.dumps does with ensure_ascii; integers as their digits
 * ("-0" as "0"); other numbers as the "%.17g" of the double; member names
 * sorted (by code point) or kept in their order. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct text {
    char *data;
    size_t len;
    size_t cap;
    int failed;
};

static void put(struct text *t, const char *bytes, size_t len) {
    if (t->failed) {
        return;
    }
    if (t->len + len + 1 > t->cap) {
        size_t cap = t->cap == 0 ? 64 : t->cap;
        while (t->len + len + 1 > cap) {
            cap *= 2;
        }
        char *bigger = realloc(t->data, cap);
        if (bigger == NULL) {
            t->failed = 1;
            return;
        }
        t->data = bigger;
        t->cap = cap;
    }
    memcpy(t->data + t->len, bytes, len);
    t->len += len;
    t->data[t->len] = '\0';
}

static void put_char(struct text *t, char c) { put(t, &c, 1); }

static void put_utf8(struct text *t, unsigned long cp) {
    char out[4];
    size_t len;
    if (cp < 0x80) {
        out[0] = (char)cp;
        len = 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        len = 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        len = 3;
    } else {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        len = 4;
    }
    put(t, out, len);
}

struct parser {
    const char *p;
    int sort;
};

static void skip_space(struct parser *ps) {
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r') {
        ps->p++;
    }
}

static int hex4(const char *p, unsigned long *out) {
    unsigned long value = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int digit = (c >= '0' && c <= '9')   ? c - '0'
                    : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                    : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                             : -1;
        if (digit < 0) {
            return 0;
        }
        value = value * 16 + (unsigned long)digit;
    }
    *out = value;
    return 1;
}

/* Reads a JSON string (at its opening quote) into UTF-8 bytes. */
static int read_string(struct parser *ps, struct text *utf8) {
    if (*ps->p != '"') {
        return 0;
    }
    ps->p++;
    put(utf8, "", 0); /* an empty string is "", not NULL */
    for (;;) {
        unsigned char c = (unsigned char)*ps->p;
        if (c == '"') {
            ps->p++;
            return !utf8->failed;
        }
        if (c < 0x20) {
            return 0; /* the end of the text, or a raw control character */
        }
        if (c != '\\') {
            put_char(utf8, (char)c);
            ps->p++;
            continue;
        }
        static const char escapes[] = "\"\\/bfnrt";
        static const char meanings[] = "\"\\/\b\f\n\r\t";
        char escape = ps->p[1];
        const char *simple = escape != '\0' ? strchr(escapes, escape) : NULL;
        ps->p += escape != '\0' ? 2 : 1;
        if (simple != NULL) {
            put_char(utf8, meanings[simple - escapes]);
            continue;
        }
        unsigned long cp;
        if (escape != 'u' || !hex4(ps->p, &cp)) {
            return 0;
        }
        ps->p += 4;
        if (cp >= 0xD800 && cp < 0xDC00) {
            unsigned long low;
            if (ps->p[0] != '\\' || ps->p[1] != 'u' || !hex4(ps->p + 2, &low) || low < 0xDC00 ||
                low >= 0xE000) {
                return 0;
            }
            ps->p += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp < 0xE000) {
            return 0;
        }
        put_utf8(utf8, cp);
    }
}

/* Writes UTF-8 bytes as a canonical JSON string. */
static int write_string(struct text *out, const char *utf8, size_t len) {
    put_char(out, '"');
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)utf8[i];
        unsigned long cp;
        size_t width = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
        if (width == 0 || i + width > len) {
            return 0;
        }
        cp = width == 1 ? c : (unsigned long)(c & (0xFF >> (width + 1)));
        for (size_t k = 1; k < width; k++) {
            cp = (cp << 6) | ((unsigned char)utf8[i + k] & 0x3F);
        }
        i += width;
        char escaped[32];
        const char *named = cp == '"'    ? "\\\""
                            : cp == '\\' ? "\\\\"
                            : cp == '\b' ? "\\b"
                            : cp == '\f' ? "\\f"
                            : cp == '\n' ? "\\n"
                            : cp == '\r' ? "\\r"
                            : cp == '\t' ? "\\t"
                                         : NULL;
        if (named != NULL) {
            put(out, named, strlen(named));
        } else if (cp >= 0x20 && cp < 0x7F) {
            put_char(out, (char)cp);
        } else if (cp < 0x10000) {
            snprintf(escaped, sizeof escaped, "\\u%04lx", cp);
            put(out, escaped, 6);
        } else {
            unsigned long v = cp - 0x10000;
            snprintf(escaped, sizeof escaped, "\\u%04lx\\u%04lx", 0xD800 + (v >> 10),
                     0xDC00 + (v & 0x3FF));
            put(out, escaped, 12);
        }
    }
    put_char(out, '"');
    return 1;
}

static int read_number(struct parser *ps, struct text *out) {
    const char *start = ps->p;
    int integer = 1;
    while (*ps->p != '\0' && strchr("+-0123456789.eE", *ps->p) != NULL) {
        integer &= strchr(".eE", *ps->p) == NULL;
        ps->p++;
    }
    size_t len = (size_t)(ps->p - start);
    if (len == 0 || len > 400) {
        return 0;
    }
    if (integer) {
        if (len == 2 && start[0] == '-' && start[1] == '0') {
            put_char(out, '0');
        } else {
            put(out, start, len);
        }
        return 1;
    }
    char literal[401];
    memcpy(literal, start, len);
    literal[len] = '\0';
    char *end = NULL;
    double value = strtod(literal, &end);
    if (end != literal + len) {
        return 0;
    }
    char formatted[64];
    int written = snprintf(formatted, sizeof formatted, "%.17g", value);
    put(out, formatted, (size_t)written);
    return 1;
}

struct member {
    struct text name; /* UTF-8 */
    struct text value; /* canonical */
};

static int compare_members(const void *a, const void *b) {
    const struct member *x = a;
    const struct member *y = b;
    size_t common = x->name.len < y->name.len ? x->name.len : y->name.len;
    int order = memcmp(x->name.data, y->name.data, common);
    if (order != 0) {
        return order;
    }
    return (x->name.len > y->name.len) - (x->name.len < y->name.len);
}

static int read_value(struct parser *ps, struct text *out);

static int read_object(struct parser *ps, struct text *out) {
    ps->p++; /* { */
    struct member *members = NULL;
    size_t count = 0;
    size_t cap = 0;
    int ok = 1;
    skip_space(ps);
    if (*ps->p == '}') {
        ps->p++;
    } else {
        for (;;) {
            if (count == cap) {
                cap = cap == 0 ? 8 : cap * 2;
                struct member *bigger = realloc(members, cap * sizeof *members);
                if (bigger == NULL) {
                    ok = 0;
                    break;
                }
                members = bigger;
            }
            struct member *m = &members[count++];
            memset(m, 0, sizeof *m);
            skip_space(ps);
            ok = read_string(ps, &m->name);
            skip_space(ps);
            ok = ok && *ps->p == ':';
            if (!ok) {
                break;
            }
            ps->p++;
            ok = read_value(ps, &m->value);
            skip_space(ps);
            if (!ok || *ps->p == '}') {
                ps->p += ok;
                break;
            }
            if (*ps->p != ',') {
                ok = 0;
                break;
            }
            ps->p++;
        }
    }
    if (ok && ps->sort && count > 1) {
        qsort(members, count, sizeof *members, compare_members);
    }
    put_char(out, '{');
    for (size_t i = 0; i < count; i++) {
        if (ok) {
            if (i > 0) {
                put_char(out, ',');
            }
            ok = write_string(out, members[i].name.data, members[i].name.len);
            put_char(out, ':');
            put(out, members[i].value.data, members[i].value.len);
        }
        free(members[i].name.data);
        free(members[i].value.data);
    }
    put_char(out, '}');
    free(members);
    return ok;
}

static int read_array(struct parser *ps, struct text *out) {
    ps->p++; /* [ */
    put_char(out, '[');
    skip_space(ps);
    if (*ps->p == ']') {
        ps->p++;
        put_char(out, ']');
        return 1;
    }
    for (int first = 1;; first = 0) {
        if (!first) {
            put_char(out, ',');
        }
        if (!read_value(ps, out)) {
            return 0;
        }
        skip_space(ps);
        if (*ps->p == ']') {
            ps->p++;
            put_char(out, ']');
            return 1;
        }
        if (*ps->p != ',') {
            return 0;
        }
        ps->p++;
    }
}

static int read_value(struct parser *ps, struct text *out) {
    skip_space(ps);
    switch (*ps->p) {
    case '{':
        return read_object(ps, out);
    case '[':
        return read_array(ps, out);
    case '"': {
        struct text utf8 = {0};
        int ok = read_string(ps, &utf8) && write_string(out, utf8.data, utf8.len);
        free(utf8.data);
        return ok;
    }
    default:
        break;
    }
    static const char *const words[] = {"true", "false", "null"};
    for (size_t i = 0; i < 3; i++) {
        size_t len = strlen(words[i]);
        if (strncmp(ps->p, words[i], len) == 0) {
            ps->p += len;
            put(out, words[i], len);
            return 1;
        }
    }
    return read_number(ps, out);
}

char *canonical_json(const char *json, int sort_keys) {
    if (json == NULL) {
        return NULL;
    }
    struct parser ps = {json, sort_keys};
    struct text out = {0};
    int ok = read_value(&ps, &out);
    skip_space(&ps);
    if (!ok || out.failed || *ps.p != '\0') {
        free(out.data);
        return NULL;
    }
    return out.data;
}

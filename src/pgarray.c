/*
 * pgarray.c - one-dimensional PostgreSQL text array literals (see
 * pgarray.h).
 */
#include "adreport/pgarray.h"

#include <stdbool.h>
#include <strings.h>

int pga_parse_text_array(const char *s, size_t len, char *scratch, const char **elems, size_t *lens,
                         const char **why)
{
    const char *p = s, *end = s + len;
    char *out = scratch;
    int n = 0;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (p == end || *p++ != '{') {
        *why = "an array literal starts with {";
        return -1;
    }
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (p < end && *p == '}' && n == 0) {
            p++;
            break;
        }
        if (n == PGA_MAX_ELEMS) {
            *why = "more than 1000 elements";
            return -1;
        }
        if (p < end && *p == '"') {
            elems[n] = out;
            for (p++; p < end && *p != '"'; p++) {
                if (*p == '\\' && p + 1 < end)
                    p++;
                *out++ = *p;
            }
            if (p == end) {
                *why = "an unclosed quote";
                return -1;
            }
            lens[n] = (size_t)(out - elems[n]);
            p++;
        } else {
            const char *start = p;
            while (p < end && *p != ',' && *p != '}' && *p != '{' && *p != '"' && *p != '\\')
                p++;
            const char *stop = p;
            while (stop > start && (stop[-1] == ' ' || stop[-1] == '\t'))
                stop--;
            if (p < end && (*p == '{' || *p == '"' || *p == '\\')) {
                *why = *p == '{' ? "only one-dimensional arrays are supported"
                                 : "quote elements that hold quotes or backslashes";
                return -1;
            }
            if (stop == start) {
                *why = "an empty element";
                return -1;
            }
            bool null = stop - start == 4 && strncasecmp(start, "null", 4) == 0;
            elems[n] = null ? NULL : start;
            lens[n] = (size_t)(stop - start);
        }
        n++;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        if (p < end && *p == '}') {
            p++;
            break;
        }
        *why = "expected , or } between elements";
        return -1;
    }
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (p != end) {
        *why = "text after the closing }";
        return -1;
    }
    return n;
}

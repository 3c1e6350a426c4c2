/*
 * pgarray.h - read a one-dimensional PostgreSQL array literal of text, the
 * form entity files carry in campaigns.blacklisted_site_urls:
 *
 *     {"http://a.example","http://b.example"}    two elements
 *     {http://a.example,NULL}                    one element and a SQL NULL
 *     {}                                         no element
 *
 * The grammar is array_in's for one dimension, a little stricter where a
 * writer would have to be odd to differ: spaces and tabs around the braces
 * and elements are ignored; an unquoted element ends at ',' or '}' (inner
 * spaces kept, trailing ones dropped) and may not hold '{', '"' or '\'
 * (quote such elements); an unquoted NULL in any case is a SQL NULL, a
 * quoted "NULL" is the text; inside quotes a backslash takes the next byte
 * as it is.  Refused: anything else around the braces, nested arrays,
 * dimension decorations ("[1:2]={...}"), empty unquoted elements ("{a,}"),
 * more than PGA_MAX_ELEMS elements.
 */
#ifndef ADREPORT_PGARRAY_H
#define ADREPORT_PGARRAY_H

#include <stddef.h>

/* The most elements a literal may hold: a blacklist of a thousand sites is
 * far beyond any campaign's, and it bounds the caller's arrays. */
#define PGA_MAX_ELEMS 1000

/*
 * pga_parse_text_array - split the literal s[0..len) (not NUL-terminated)
 * into its elements.
 * @scratch: at least len bytes; quoted elements are unescaped into it
 * @elems:   PGA_MAX_ELEMS entries; element i starts at elems[i] (into s or
 *           scratch, not NUL-terminated), NULL for a SQL NULL
 * @lens:    PGA_MAX_ELEMS entries; element i is lens[i] bytes long
 * @why:     on failure, a static lower-case reason ("an unclosed quote")
 *
 * Returns the number of elements (0 for "{}"), or -1 with *why set.  Never
 * allocates; the elements live as long as s and scratch.
 *
 *     const char *el[PGA_MAX_ELEMS], *why;
 *     size_t len[PGA_MAX_ELEMS];
 *     int n = pga_parse_text_array("{a,\"b c\"}", 9, scratch, el, len, &why);
 *     // n == 2: "a" (1 byte), "b c" (3 bytes)
 */
int pga_parse_text_array(const char *s, size_t len, char *scratch, const char **elems, size_t *lens,
                         const char **why);

#endif

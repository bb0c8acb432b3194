/* version.h - the version of kb and of its JSON format. */
#ifndef KB_VERSION_H
#define KB_VERSION_H

#define KB_VERSION "0.1.0"
/* The version of the JSON that kb-search --json and --serve write; bumped
 * only when a change could break a reader (fields are only ever added). */
#define KB_JSON_VERSION 1

#endif

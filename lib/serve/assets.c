/* assets.c - the files the HTTP server serves from inside the binary: the
 * officer web panel (lib/serve/panel.html) and the OpenAPI document
 * (docs/openapi.json).  The Makefile turns each into a list of bytes
 * (BUILDDIR/gen/NAME.inc, with od and sed) at build time. */
#include <stddef.h>

#include "kb/http.h"

static const unsigned char panel[] = {
#include "panel.html.inc"
    0};

static const unsigned char openapi[] = {
#include "openapi.json.inc"
    0};

const char *kb_http_panel_html(size_t *len)
{
    *len = sizeof panel - 1;
    return (const char *)panel;
}

const char *kb_http_openapi_json(size_t *len)
{
    *len = sizeof openapi - 1;
    return (const char *)openapi;
}

// muxctl serves MCP over stdio only, but the MCP SDK also carries an HTTP transport,
// which links Foundation's URLSession and so libcurl. The static Swift runtime then
// wants libcurl.so.4 at run time, which minimal machines (the test guest, containers)
// lack. These definitions satisfy the linker instead: every call fails as libcurl
// does when it cannot start (CURLE_FAILED_INIT, NULL handles), so an HTTP transport
// reports an error rather than crashing. Nothing in muxctl makes such a call.
//
// The autolinked `-lcurl` resolves to empty-libcurl/libcurl.a (an empty archive) as
// long as no libcurl development package puts a libcurl.so earlier on the linker's
// path; if one does, muxctl links libcurl.so.4 again. The kernel suite's muxctl mcp
// test fails in the guest (which has no libcurl) when that happens.
#include <stddef.h>
#include "CNoCurl.h"

#define FAILED_INIT 2     /* CURLE_FAILED_INIT */
#define MULTI_INTERNAL 4  /* CURLM_INTERNAL_ERROR */
#define URL_OUT_OF_MEMORY 5 /* CURLUE_OUT_OF_MEMORY */

int inputmux_no_curl_linked(void) { return 1; }

int curl_global_init(long flags) { (void)flags; return FAILED_INIT; }
char *curl_version(void) { return (char *)"no libcurl (muxctl speaks stdio only)"; }
void *curl_version_info(int age) { (void)age; return NULL; }
void curl_free(void *p) { (void)p; }

void *curl_easy_init(void) { return NULL; }
void curl_easy_cleanup(void *h) { (void)h; }
int curl_easy_setopt(void *h, int option, ...) { (void)h; (void)option; return FAILED_INIT; }
int curl_easy_getinfo(void *h, int info, ...) { (void)h; (void)info; return FAILED_INIT; }
int curl_easy_pause(void *h, int mask) { (void)h; (void)mask; return FAILED_INIT; }
const char *curl_easy_strerror(int code) { (void)code; return "libcurl is not linked into muxctl"; }

void *curl_multi_init(void) { return NULL; }
int curl_multi_cleanup(void *m) { (void)m; return MULTI_INTERNAL; }
int curl_multi_setopt(void *m, int option, ...) { (void)m; (void)option; return MULTI_INTERNAL; }
int curl_multi_add_handle(void *m, void *h) { (void)m; (void)h; return MULTI_INTERNAL; }
int curl_multi_remove_handle(void *m, void *h) { (void)m; (void)h; return MULTI_INTERNAL; }
int curl_multi_assign(void *m, int socket, void *p) { (void)m; (void)socket; (void)p; return MULTI_INTERNAL; }
int curl_multi_socket_action(void *m, int socket, int mask, int *running) {
    (void)m; (void)socket; (void)mask;
    if (running) *running = 0;
    return MULTI_INTERNAL;
}
void *curl_multi_info_read(void *m, int *left) { (void)m; if (left) *left = 0; return NULL; }

void *curl_slist_append(void *list, const char *s) { (void)list; (void)s; return NULL; }
void curl_slist_free_all(void *list) { (void)list; }

void *curl_url(void) { return NULL; }
int curl_url_get(void *u, int part, char **out, unsigned int flags) {
    (void)u; (void)part; (void)flags;
    if (out) *out = NULL;
    return URL_OUT_OF_MEMORY;
}
int curl_url_set(void *u, int part, const char *content, unsigned int flags) {
    (void)u; (void)part; (void)content; (void)flags;
    return URL_OUT_OF_MEMORY;
}

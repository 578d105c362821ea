// The libcurl entry points Foundation's networking library (FoundationNetworking)
// references, answered with failures. See no_curl.c.
#pragma once
int inputmux_no_curl_linked(void);

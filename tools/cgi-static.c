/* cgi-static.c: linked into blogsearch.cgi when it is linked statically
 * with FastCGI (tools/CMakeLists.txt). ld --wrap=gethostbyname sends
 * libfcgi's host name lookups here: it makes one only for a socket opened by
 * host name ("host:port"), which blogsearch.cgi never asks for (it accepts
 * on the socket its process manager hands it), and glibc's gethostbyname,
 * linked statically, would need glibc's shared libraries at run time. */
#include <netdb.h>
#include <stddef.h>

struct hostent *__wrap_gethostbyname(const char *name);

/* No host is found: libfcgi then fails that socket as for an unknown name. */
struct hostent *__wrap_gethostbyname(const char *name)
{
    (void)name;
    return NULL;
}

/* demangle.c - C++ names and versioned symbols (see demangle.h). The
 * demangler is the C++ runtime's own, found in the process, or loaded
 * privately when a C++ program does not link it. Under the symbols lock. */
#include "demangle.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

typedef char *(*demangle_fn)(const char *, char *, size_t *, int *);
static demangle_fn demangler;
static unsigned long long demangler_tried; /* dlpi_adds at the last dlsym + 1 */

char *lw__demangle(const char *name, unsigned long long dl_adds)
{
	if (name == NULL || name[0] != '_' || name[1] != 'Z')
		return NULL;
	if (demangler == NULL) {
		/* look again only after the C++ runtime could have been loaded */
		if (demangler_tried != dl_adds + 1) {
			demangler_tried = dl_adds + 1;
			void *p = dlsym(RTLD_DEFAULT, "__cxa_demangle");
			/* C++ code that needs nothing from libstdc++ (templates,
			 * lambdas) runs without it: load it, privately, once */
			static void *cxx_rt;
			if (p == NULL && cxx_rt == NULL &&
			    (cxx_rt = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL)) != NULL)
				p = dlsym(cxx_rt, "__cxa_demangle");
			memcpy(&demangler, &p, sizeof(demangler));
		}
	}
	if (demangler == NULL)
		return NULL;
	int status = -1;
	char *d = demangler(name, NULL, NULL, &status);
	if (status != 0) {
		free(d);
		return NULL;
	}
	return d;
}

const char *lw__unversioned(const char *name, char *buf, size_t n)
{
	const char *at = name ? strchr(name, '@') : NULL;
	if (at == NULL || at == name)
		return name;
	size_t len = (size_t)(at - name);
	if (len >= n)
		len = n - 1;
	memcpy(buf, name, len);
	buf[len] = '\0';
	return buf;
}

/* main.c - lbbgpd entry point (skeleton; the daemon lands with issue 2). */
#include "config.h"

#include <stdio.h>

int main(void)
{
	fprintf(stderr, "lbbgpd %s: not built yet\n", PACKAGE_VERSION);
	return 1;
}

/* bgpctl.c - the lbbgp CLI (skeleton; the control protocol lands with issue 3). */
#include "config.h"

#include <stdio.h>

int main(void)
{
	fprintf(stderr, "bgpctl %s: not built yet\n", PACKAGE_VERSION);
	return 3;
}

/*
 * main.c - lbbgpd entry point: flags, config check mode, then the daemon.
 *
 * Only argument handling lives here; everything with sockets and timers
 * is in daemon.c.  -n never starts anything: it loads the config, prints
 * what it found and exits.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bgpd/daemon.h"
#include "conf/conf.h"

static void usage(void)
{
	fprintf(stderr, "usage: lbbgpd [-dnv] [-f file] [-s socket]\n");
	exit(2);
}

/* Print every diagnostic; true when the config is usable. */
static bool report(const struct conf_diag *diag)
{
	for (size_t i = 0; i < diag->nmsgs; i++)
		fprintf(stderr, "%s\n", diag->msgs[i]);
	return diag->nerrors == 0;
}

int main(int argc, char *argv[])
{
	struct daemon_opts opts = {
		.conf_file = CONF_DEFAULT_FILE,
		.socket_path = DAEMON_DEFAULT_SOCKET,
	};
	bool check_only = false;
	int ch;

	while ((ch = getopt(argc, argv, "dnvf:s:h")) != -1) {
		switch (ch) {
		case 'd':
			opts.foreground = true;
			break;
		case 'n':
			check_only = true;
			break;
		case 'v':
			opts.verbose++;
			break;
		case 'f':
			opts.conf_file = optarg;
			break;
		case 's':
			opts.socket_path = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	struct conf_diag diag;
	conf_diag_init(&diag);
	struct conf *conf = conf_load_file(opts.conf_file, &diag);
	if (conf != NULL)
		conf_check_host(conf, &diag);
	bool ok = report(&diag) && conf != NULL;
	conf_diag_free(&diag);

	if (check_only) {
		if (ok && opts.verbose)
			conf_print(conf, stdout);
		if (ok)
			printf("configuration OK\n");
		conf_free(conf);
		return ok ? 0 : 1;
	}
	if (!ok) {
		fprintf(stderr, "lbbgpd: %s: configuration not usable, "
		    "not starting\n", opts.conf_file);
		return 1;
	}
	return daemon_run(conf, &opts);
}

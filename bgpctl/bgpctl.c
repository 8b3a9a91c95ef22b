/*
 * bgpctl.c - the lbbgp command-line client: options, the request, the
 * output vtable and the exit status.
 *
 * One run is one request: the words are parsed against the command
 * table (parse.c, grammar.c) into a JSON request
 * (docs/control-protocol.md), exchanged on the control socket (ctl.c),
 * and an output vtable prints the reply, as text through the command's
 * renderer (output.c) or, with -j, as the daemon's JSON.  bgpctl never
 * acts on a reply beyond printing it.  Exit 0 ok, 1 refused, 2 usage
 * error, 3 lbbgpd unreachable.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgpctl/bgpctl.h"

#define DEFAULT_SOCKET	"/run/lbbgp.sock"
#define TIMEOUT		30		/* seconds lbbgpd may stay silent */
#define COMPLETE_TIMEOUT 2		/* for -C: a shell must not hang */

/* ---- small helpers ------------------------------------------------------ */

void vmessage(const char *fmt, va_list ap)
{
	fprintf(stderr, "bgpctl: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
}

void die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	exit(status);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		die(EXIT_UNREACHABLE, "out of memory");
	return p;
}

void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (q == NULL)
		die(EXIT_UNREACHABLE, "out of memory");
	return q;
}

/* ---- output ------------------------------------------------------------- */

/* How a reply is shown: -j swaps the whole vtable. */
struct output {
	void	(*done)(json_object *, const struct args *);	/* ok */
	void	(*refused)(json_object *, const struct args *);	/* !ok */
};

static void text_done(json_object *reply, const struct args *a)
{
	a->cmd->render(reply, a);
}

static void text_refused(json_object *reply, const struct args *a)
{
	json_object *err, *code;

	fprintf(stderr, "bgpctl: ");
	if (json_object_object_get_ex(reply, "error", &err) &&
	    json_object_is_type(err, json_type_string))
		put_safe(stderr, json_object_get_string(err));
	else
		fprintf(stderr, "lbbgpd refused the request");
	if (json_object_object_get_ex(reply, "code", &code) &&
	    json_object_is_type(code, json_type_string)) {
		fprintf(stderr, " (");
		put_safe(stderr, json_object_get_string(code));
		fprintf(stderr, ")");
	}
	fprintf(stderr, "\n");
	/* reload: every FILE:LINE: message of the config, one a line. */
	json_object *errs;
	if (json_object_object_get_ex(reply, "errors", &errs) &&
	    json_object_is_type(errs, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(errs); i++) {
			json_object *e = json_object_array_get_idx(errs, i);
			if (!json_object_is_type(e, json_type_string))
				continue;
			put_safe(stderr, json_object_get_string(e));
			fprintf(stderr, "\n");
		}
	}
}

static void json_print(json_object *reply, const struct args *a)
{
	puts(json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
}

static const struct output text_output = { text_done, text_refused };
static const struct output json_output = { json_print, json_print };

int main(int argc, char *argv[])
{
	const struct output *out = &text_output;
	struct exchange x = { .fd = -1, .timeout = TIMEOUT };
	const char *path = NULL, *line, *complete = NULL;
	struct args a = { 0 };
	json_object *req, *reply;
	bool ok;
	int ch;

	while ((ch = getopt(argc, argv, "+js:C:")) != -1) {
		switch (ch) {
		case 'C':	/* hidden: words for shell completion */
			complete = optarg;
			break;
		case 'j':
			out = &json_output;
			break;
		case 's':
			path = optarg;
			break;
		default:
			print_usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (path == NULL || *path == '\0')
		path = getenv("LBBGP_SOCKET");
	if (path == NULL || *path == '\0')
		path = DEFAULT_SOCKET;
	x.path = path;

	if (complete != NULL) {
		const char *cmd = complete_cmd(complete);
		if (cmd == NULL || argc != 0)
			die(EXIT_USAGE, "-C takes neighbors, pools, vips, "
			    "owners or checks, and no command");
		req = json_object_new_object();
		json_object_object_add(req, "cmd", json_object_new_string(cmd));
		x.timeout = COMPLETE_TIMEOUT;
	} else {
		parse(argc, argv, &a);
		req = build_request(&a);
	}
	line = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	x.reqlen = strlen(line) + 1;
	x.req = xcalloc(1, x.reqlen + 1);
	memcpy(x.req, line, x.reqlen - 1);
	x.req[x.reqlen - 1] = '\n';
	json_object_put(req);

	reply = ctl_exchange(&x);
	free(x.req);

	ok = json_object_get_boolean(json_object_object_get(reply, "ok"));
	if (complete != NULL) {
		if (ok)
			complete_print(reply, complete);
	} else if (ok)
		out->done(reply, &a);
	else
		out->refused(reply, &a);
	json_object_put(reply);
	free(a.vips);
	free(a.comms);
	free(a.reason);
	/* A script must not take a lost "allocate" answer for success. */
	if (fflush(stdout) == EOF || ferror(stdout))
		die(EXIT_REFUSED, "writing the output: %s", strerror(errno));
	return ok ? EXIT_OK : EXIT_REFUSED;
}

/*
 * grammar.c - bgpctl's command table: the command words, the token
 * tables of each command's arguments, the JSON field each argument
 * fills (docs/control-protocol.md) and the usage lines.
 *
 * Only data and the request builder live here: walking the tables and
 * every usage message is parse.c's; nothing here prints or exits.
 */
#include "config.h"

#include <stddef.h>

#include "bgpctl/bgpctl.h"
#include "util/buf.h"

/* ---- slots: where each kind of word goes in struct args -------------- */

#define ONE(f, v)	{ K_ONE, v, offsetof(struct args, f), 0 }
#define LIST(f, n, v)	{ K_LIST, v, offsetof(struct args, f), \
			    offsetof(struct args, n) }

const struct slot_info slots[S_COUNT] = {
	[S_NONE]	= { K_NONE, NULL, 0, 0 },
	[S_NAME]	= ONE(name, "NAME"),
	[S_VIP]		= ONE(vip, "VIP"),
	[S_VIPS]	= LIST(vips, nvips, "VIP"),
	[S_POOL]	= ONE(pool, "POOL"),
	[S_OWNER]	= ONE(owner, "OWNER"),
	[S_KEY]		= ONE(key, "KEY"),
	[S_COMMS]	= LIST(comms, ncomms, "COMMUNITY"),
	[S_DIR]		= ONE(dir, "DIR"),
	[S_ACTION]	= ONE(action, "ACTION"),
	[S_REASON]	= { K_TEXT, "TEXT", 0, 0 },
	[S_FORMAT]	= ONE(format, "FORMAT"),
	[S_CHECK]	= ONE(check, "CHECK"),
	[S_ALL]		= { K_FLAG, NULL, offsetof(struct args, all), 0 },
};

/* ---- token tables ------------------------------------------------------ */

#define END	{ ENDTOKEN, "", S_NONE, NULL }
#define MAYEND	{ NOTOKEN, "", S_NONE, NULL }

static const struct token t_end[] = {
	MAYEND,
	END
};

/* show neighbor [NAME] */
static const struct token t_show_nbr[] = {
	MAYEND,
	{ VALUE,	"NAME",		S_NAME,		t_end },
	END
};

/* show vips [VIP] [pool POOL] [owner OWNER] */
static const struct token t_vips_opts[] = {
	MAYEND,
	{ OPTION,	"pool",		S_POOL,		t_vips_opts },
	{ OPTION,	"owner",	S_OWNER,	t_vips_opts },
	END
};
static const struct token t_vips[] = {
	{ INCLUDE,	"",		S_NONE,		t_vips_opts },
	{ VALUE,	"VIP",		S_VIP,		t_vips_opts },
	END
};

/* show metrics [openmetrics | prometheus] */
static const struct token t_metrics[] = {
	MAYEND,
	{ KEYWORD,	"openmetrics",	S_FORMAT,	t_end },
	{ KEYWORD,	"prometheus",	S_FORMAT,	t_end },
	END
};

/* show rib [in | out] [neighbor NAME] */
static const struct token t_rib_nbr[] = {
	MAYEND,
	{ OPTION,	"neighbor",	S_NAME,		t_end },
	END
};
static const struct token t_rib[] = {
	MAYEND,
	{ KEYWORD,	"in",		S_DIR,		t_rib_nbr },
	{ KEYWORD,	"out",		S_DIR,		t_rib_nbr },
	{ OPTION,	"neighbor",	S_NAME,		t_end },
	END
};

/* add VIP ... [pool P] [owner O] [sharing-key K] [check C]
 * [community C ...] */
static const struct token t_add_comms[3];
static const struct token t_add_opts[] = {
	MAYEND,
	{ OPTION,	"pool",		S_POOL,		t_add_opts },
	{ OPTION,	"owner",	S_OWNER,	t_add_opts },
	{ OPTION,	"sharing-key",	S_KEY,		t_add_opts },
	{ OPTION,	"check",	S_CHECK,	t_add_opts },
	{ OPTION,	"community",	S_COMMS,	t_add_comms },
	END
};
static const struct token t_add_comms[3] = {
	{ INCLUDE,	"",		S_NONE,		t_add_opts },
	{ VALUE,	"COMMUNITY",	S_COMMS,	t_add_comms },
	END
};
static const struct token t_add_vips[] = {
	{ INCLUDE,	"",		S_NONE,		t_add_opts },
	{ VALUE,	"VIP",		S_VIPS,		t_add_vips },
	END
};
static const struct token t_add[] = {
	{ VALUE,	"VIP",		S_VIPS,		t_add_vips },
	END
};

/* withdraw VIP ... [owner O] */
static const struct token t_wd_vips[] = {
	MAYEND,
	{ OPTION,	"owner",	S_OWNER,	t_end },
	{ VALUE,	"VIP",		S_VIPS,		t_wd_vips },
	END
};
static const struct token t_wd[] = {
	{ VALUE,	"VIP",		S_VIPS,		t_wd_vips },
	END
};

/* allocate [pool P] [owner O] [sharing-key K] */
static const struct token t_alloc[] = {
	MAYEND,
	{ OPTION,	"pool",		S_POOL,		t_alloc },
	{ OPTION,	"owner",	S_OWNER,	t_alloc },
	{ OPTION,	"sharing-key",	S_KEY,		t_alloc },
	END
};

/* drain | undrain VIP ... | pool POOL | all: exactly one of the three,
 * as the daemon wants (docs/control-protocol.md); "drain VIP all" is a
 * usage error, not a VIP named "all". */
static const struct token t_drain_vips[] = {
	MAYEND,
	{ CONFLICT,	"all",		S_NONE,		NULL },
	{ CONFLICT,	"pool",		S_NONE,		NULL },
	{ VALUE,	"VIP",		S_VIPS,		t_drain_vips },
	END
};
static const struct token t_drain[] = {
	{ KEYWORD,	"all",		S_ALL,		t_end },
	{ OPTION,	"pool",		S_POOL,		t_end },
	{ VALUE,	"VIP",		S_VIPS,		t_drain_vips },
	END
};

/* neighbor NAME up | down | clear | refresh [reason TEXT]: the reason
 * goes with the Cease of down and clear, and into lbbgpd's log. */
static const struct token t_reason_text[] = {
	{ REST,		"TEXT",		S_REASON,	NULL },
	END
};
static const struct token t_reason[] = {
	MAYEND,
	{ KEYWORD,	"reason",	S_NONE,		t_reason_text },
	END
};
static const struct token t_nbr_action[] = {
	{ KEYWORD,	"up",		S_ACTION,	t_reason },
	{ KEYWORD,	"down",		S_ACTION,	t_reason },
	{ KEYWORD,	"clear",	S_ACTION,	t_reason },
	{ KEYWORD,	"refresh",	S_ACTION,	t_reason },
	END
};
static const struct token t_nbr[] = {
	{ VALUE,	"NAME",		S_NAME,		t_nbr_action },
	END
};

/* ---- the command table ------------------------------------------------ */

/* Request fields; an empty list sends just "cmd". */
#define F_NAME		{ S_NAME, "name", NULL }
#define F_POOL		{ S_POOL, "pool", NULL }
#define F_OWNER		{ S_OWNER, "owner", NULL }
#define F_KEY		{ S_KEY, "sharing-key", NULL }
#define F_CHECK		{ S_CHECK, "check", NULL }
/* One VIP travels as "vip", several as "vips". */
#define F_VIPS		{ S_VIPS, "vips", "vip" }
/* drain's VIPs always as "vips", the form its documentation gives. */
#define F_DRAIN		{ { S_VIPS, "vips", NULL }, F_POOL, \
			    { S_ALL, "all", NULL } }

const struct command commands[] = {
	{ { "show", "summary" }, "show-neighbors", t_end,
	    { { S_NONE } }, render_summary,
	    "show summary" },
	{ { "show", "neighbor" }, "show-neighbors", t_show_nbr,
	    { F_NAME }, render_neighbors,
	    "show neighbor [NAME]" },
	{ { "show", "vips" }, "show-vips", t_vips,
	    { { S_VIP, "vip", NULL }, F_POOL, F_OWNER }, render_vips,
	    "show vips [VIP] [pool POOL] [owner OWNER]" },
	{ { "show", "pools" }, "show-pools", t_end,
	    { { S_NONE } }, render_pools,
	    "show pools" },
	{ { "show", "checks" }, "show-checks", t_end,
	    { { S_NONE } }, render_checks,
	    "show checks" },
	{ { "show", "bfd" }, "show-bfd", t_end,
	    { { S_NONE } }, render_bfd,
	    "show bfd" },
	{ { "show", "fleet" }, "show-fleet", t_end,
	    { { S_NONE } }, render_fleet,
	    "show fleet" },
	{ { "show", "rib" }, "show-rib", t_rib,
	    { { S_NAME, "neighbor", NULL }, { S_DIR, "dir", NULL } },
	    render_rib,
	    "show rib [in | out] [neighbor NAME]" },
	{ { "show", "metrics" }, "show-metrics", t_metrics,
	    { { S_FORMAT, "format", NULL } }, render_metrics,
	    "show metrics [openmetrics | prometheus]" },
	{ { "add", NULL }, "add", t_add,
	    { F_VIPS, F_POOL, F_OWNER, F_KEY,
	    { S_COMMS, "communities", NULL }, F_CHECK }, render_add,
	    "add VIP ... [pool POOL] [owner OWNER] [sharing-key KEY]\n"
	    "    [check CHECK] [community COMMUNITY ...]" },
	{ { "withdraw", NULL }, "withdraw", t_wd,
	    { F_VIPS, F_OWNER }, render_withdraw,
	    "withdraw VIP ... [owner OWNER]" },
	{ { "allocate", NULL }, "allocate", t_alloc,
	    { F_POOL, F_OWNER, F_KEY }, render_allocate,
	    "allocate [pool POOL] [owner OWNER] [sharing-key KEY]" },
	{ { "drain", NULL }, "drain", t_drain,
	    F_DRAIN, render_drain,
	    "drain VIP ... | pool POOL | all" },
	{ { "undrain", NULL }, "undrain", t_drain,
	    F_DRAIN, render_drain,
	    "undrain VIP ... | pool POOL | all" },
	{ { "neighbor", NULL }, "neighbor", t_nbr,
	    { F_NAME, { S_ACTION, "action", NULL },
	    { S_REASON, "reason", NULL } }, render_neighbor_action,
	    "neighbor NAME up | down | clear | refresh [reason TEXT ...]" },
	{ { "reload", NULL }, "reload", t_end,
	    { { S_NONE } }, render_reload,
	    "reload" },
};
const size_t ncommands = NELEM(commands);

size_t command_nwords(const struct command *c)
{
	return c->words[1] == NULL ? 1 : 2;
}

/* ---- the request -------------------------------------------------------- */

static void put(json_object *req, const char *key, const char *val)
{
	if (val != NULL)
		json_object_object_add(req, key, json_object_new_string(val));
}

/* A list goes only when it has words; a single word under f->one. */
static void put_list(json_object *req, const struct field *f, const char **v,
    size_t n)
{
	json_object *arr;

	if (n == 0)
		return;
	if (n == 1 && f->one != NULL) {
		put(req, f->one, v[0]);
		return;
	}
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(v[i]));
	json_object_object_add(req, f->key, arr);
}

/* {"cmd":..., then the command's fields in table order}. */
json_object *build_request(const struct args *a)
{
	json_object *req = json_object_new_object();
	const char *base = (const char *)a;

	json_object_object_add(req, "cmd",
	    json_object_new_string(a->cmd->cmd));
	for (size_t i = 0; i < MAX_FIELDS; i++) {
		const struct field *f = &a->cmd->fields[i];
		const struct slot_info *s = &slots[f->slot];

		switch (s->kind) {
		case K_NONE:
			return req;
		case K_ONE:
			put(req, f->key, *(const char *const *)(base + s->off));
			break;
		case K_LIST:
			put_list(req, f, *(const char **const *)(base + s->off),
			    *(const size_t *)(base + s->count));
			break;
		case K_TEXT:
			put(req, f->key, a->reason);
			break;
		case K_FLAG:
			if (*(const bool *)(base + s->off))
				json_object_object_add(req, f->key,
				    json_object_new_boolean(true));
			break;
		}
	}
	return req;
}

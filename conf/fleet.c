/*
 * fleet.c - the statements of the fleet block: the etcd cluster through
 * which several lbbgpd hosts share one VIP table (docs/FLEET.md).
 *
 * Like stmt.c, it checks each statement on its own and fills in struct
 * conf_fleet.  What ties two statements together (an endpoint and a
 * cluster are needed, tls-cert goes with tls-key) is check.c's; what the
 * host must have (the tls files, its name as the default node) is
 * host.c's.  Nothing here talks to etcd.
 */
#include "conf/parse_int.h"
#include "util/buf.h"

#include <stdlib.h>
#include <string.h>

#define FLEET_PATH_MAX	4096

static void *fleet_src_of(struct parser *p)
{
	return &p->l->fleet;
}

/*
 * etcd URL: http:// or https://, a host and an optional port, and
 * nothing else: the daemon adds etcd's own paths (/v3/kv/range ...), and
 * etcd's users log in by request, not by the URL.
 */
static void fleet_etcd(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_fleet *f = obj;
	struct url_parts u;
	const char *url = a[0].text;
	char *host;

	if (!conf_v_url(p, &a[0], &u))
		return;
	if (u.userinfo || *u.rest != '\0') {
		conf_p_bad_fix(p, "\"%s\" has more than a host and a port: "
		    "write %s://%.*s", url, u.tls ? "https" : "http",
		    (int)(u.rest - u.host), u.host);
		return;
	}
	host = conf_xasprintf("%.*s", (int)u.hostlen, u.host);
	uint16_t port = u.port != 0 ? u.port : CONF_ETCD_PORT;
	/* http://h and http://h:2379 are one endpoint. */
	for (size_t i = 0; i < f->nendpoints; i++) {
		const struct conf_endpoint *o = &f->endpoints[i];
		if (o->tls == u.tls && o->port == port &&
		    strcmp(o->host, host) == 0) {
			conf_p_warn(p, "etcd %s is the endpoint of line %d "
			    "again; the repeat is ignored", url, o->line);
			free(host);
			return;
		}
	}
	f->endpoints = conf_append(f->endpoints, &f->nendpoints,
	    sizeof(*f->endpoints));
	struct conf_endpoint *e = &f->endpoints[f->nendpoints - 1];
	e->url = conf_xstrdup(url);
	e->tls = u.tls;
	e->host = host;
	e->port = port;
	e->line = p->line;
}

void conf_fleet_note(struct parser *p, const struct kw *k)
{
	struct fleet_src *src = &p->l->fleet;

	if (k->fn == fleet_etcd)
		src->etcd_tried = true;
	else if (strcmp(k->name, "cluster") == 0)
		src->cluster_tried = true;
	else if (strcmp(k->name, "tls-cert") == 0)
		src->cert_tried = true;
	else if (strcmp(k->name, "tls-key") == 0)
		src->key_tried = true;
}

/* The parser opens it once (struct block's single). */
static void *open_fleet(struct parser *p, const char *name)
{
	struct conf_fleet *f = conf_xcalloc(1, sizeof(*f));

	(void)name;
	f->line = p->line;
	f->lease = CONF_DEFAULT_LEASE;
	p->c->fleet = f;
	return f;
}

#define FLEET_VAL(nm, ty, f, l, h, mk, moff, use) \
	SIMPLE(nm, ty, struct conf_fleet, f, l, h, 0, mk, moff, use)
#define FLEET_FILE(nm, f, line, use) \
	FLEET_VAL(nm, KW_PATH, f, 0, FLEET_PATH_MAX, MARK_SRC_LINE, \
	    offsetof(struct fleet_src, line), use)

/* In the order the printer writes them. */
static const struct kw fleet_kws[] = {
	FN("etcd", fleet_etcd, 1, 1, true,
	    "etcd URL, e.g. etcd http://10.0.0.5:2379 (http:// or https://, "
	    "a host, a port: " STR(CONF_ETCD_PORT) " when none)"),
	FLEET_VAL("cluster", KW_KEYNAME, cluster, 0, 0, MARK_NONE, 0,
	    "cluster NAME, e.g. cluster lb-west (the keys live under "
	    "/lbbgp/NAME/)"),
	FLEET_VAL("node", KW_KEYNAME, node, 0, 0, MARK_FLAG,
	    offsetof(struct conf_fleet, node_set),
	    "node NAME, e.g. node lb1 (default: the host name)"),
	FLEET_VAL("lease", KW_NUM, lease, CONF_LEASE_MIN, CONF_LEASE_MAX,
	    MARK_NONE, 0, "lease SECONDS (" STR(CONF_LEASE_MIN) ".."
	    STR(CONF_LEASE_MAX) ")"),
	FLEET_FILE("tls-ca", tls_ca, ca_line,
	    "tls-ca \"/PATH\" (PEM: the CAs that sign the etcd servers)"),
	FLEET_FILE("tls-cert", tls_cert, cert_line,
	    "tls-cert \"/PATH\" (PEM: this host's client certificate, with "
	    "tls-key)"),
	FLEET_FILE("tls-key", tls_key, key_line,
	    "tls-key \"/PATH\" (PEM: the private key of tls-cert)"),
};

_Static_assert(NELEM(fleet_kws) <= MAX_KWS, "MAX_KWS too small");

const struct block conf_fleet_block = {
	"fleet", fleet_kws, NELEM(fleet_kws), open_fleet, fleet_src_of, true
};

/*
 * check_conf_fleet.c - unit tests for the fleet block (etcd, cluster,
 * node, lease, tls-ca, tls-cert, tls-key) and the announce statement of
 * a pool: every statement, value error and message of the parser and the
 * check pass is a table row; the rest covers the parsed values and
 * defaults, the canonical form, what conf_check_host() adds (the tls
 * files, the host name as the default node), equality and what a reload
 * may change without a restart.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/conf_fixture.h"
#include "tests/unit/unit.h"

/* A fleet block on line 1: its statements begin on line 2. */
#define FLEET(stmts) "fleet {\n" stmts "}\n"
/* The two statements a fleet needs, lines 2 and 3 of FLEET(). */
#define NEEDED "\tetcd http://127.0.0.1:2379\n\tcluster c\n"
/* The same over https, where tls files have an effect. */
#define NEEDED_TLS "\tetcd https://127.0.0.1:2379\n\tcluster c\n"
#define ETCD_USAGE "usage: etcd URL, e.g. etcd http://10.0.0.5:2379 " \
	"(http:// or https://, a host, a port: 2379 when none)"
#define CLUSTER_USAGE "usage: cluster NAME, e.g. cluster lb-west (the " \
	"keys live under /lbbgp/NAME/)"
#define NODE_USAGE "usage: node NAME, e.g. node lb1 (default: the host " \
	"name)"
#define LEASE_USAGE "usage: lease SECONDS (2..3600)"
#define RULE "it becomes part of etcd keys, so use 1 to 63 letters, " \
	"digits, '.', '_' and '-'"
#define NO_TLS_EFFECT "has no effect without an https endpoint; write the " \
	"endpoints as https:// or remove it\n"
#define A63 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij" \
	"abc"
/* A pool on lines 1 to 3 with one more statement, and what covers it. */
#define POOL(stmt) "pool p {\n\taddresses 10.0.0.0/24\n\t" stmt "\n}\n" \
	"advertisement a {\n}\n"
#define ANNOUNCE_USAGE "usage: announce all|one (all: every host of the " \
	"fleet; one: the one it elects)"

static const struct conf_row rows[] = {
	{ "every statement", true,
	    FLEET("\tetcd https://10.0.0.5:2379\n"
	    "\tetcd https://[2001:db8::5]\n"
	    "\tetcd http://etcd-3.example:12379\n"
	    "\tcluster lb-west\n\tnode lb1\n\tlease 30\n"
	    "\ttls-ca \"/etc/lbbgp/etcd-ca.pem\"\n"
	    "\ttls-cert \"/etc/lbbgp/etcd.pem\"\n"
	    "\ttls-key \"/etc/lbbgp/etcd-key.pem\"\n"),
	    "" },
	{ "limits", true,
	    FLEET("\tetcd http://h:1\n\tetcd \"https://[::1]:65535\"\n"
	    "\tcluster " A63 "\n\tnode _\n\tlease 2\n"),
	    "" },
	{ "the longest lease, names of every allowed character", true,
	    FLEET("\tetcd http://x\n\tcluster AZaz09._-\n\tnode ..\n"
	    "\tlease 3600\n"),
	    "" },
	{ "defaults written out, quoted values", true,
	    "pool p {\n\taddresses 10.0.0.0/24\n\tannounce all\n}\n"
	    "advertisement a {\n}\n"
	    FLEET("\tetcd \"http://127.0.0.1:2379\"\n\tcluster \"c\"\n"
	    "\tlease 10\n"),
	    "" },
	{ "announce one, the fleet block last", true,
	    POOL("announce one") FLEET(NEEDED),
	    "" },
	{ "tls without client certificate", true,
	    FLEET(NEEDED "\tetcd https://h\n\ttls-ca \"/ca.pem\"\n"),
	    "" },
	{ "an https endpoint without tls files", true,
	    FLEET("\tetcd https://h\n\tcluster c\n"),
	    "" },
	{ "bad endpoints", false,
	    FLEET(NEEDED
	    "\tetcd ftp://h:2379\n"
	    "\tetcd http://h:2379/v3/kv\n"
	    "\tetcd \"http://h:2379?x=1\"\n"
	    "\tetcd \"http://h#f\"\n"
	    "\tetcd \"https://root:pw@h:2379/\"\n"
	    "\tetcd http://h/\n"
	    "\tetcd http://h:0\n"
	    "\tetcd http://h:65536\n"
	    "\tetcd http://h:x\n"
	    "\tetcd http://h:\n"
	    "\tetcd http://:2379\n"
	    "\tetcd http://\n"
	    "\tetcd http://[2001:db8::5\n"
	    "\tetcd http://[]:1\n"
	    "\tetcd \"http://a b\"\n"
	    "\tetcd \"\"\n"
	    "\tetcd\n"
	    "\tetcd http://a http://b\n"),
	    "t.conf:4: fleet: etcd: \"ftp://h:2379\" does not start with "
	    "http:// or https://; " ETCD_USAGE "\n"
	    "t.conf:5: fleet: etcd: \"http://h:2379/v3/kv\" has more than a "
	    "host and a port: write http://h:2379\n"
	    "t.conf:6: fleet: etcd: \"http://h:2379?x=1\" has more than a "
	    "host and a port: write http://h:2379\n"
	    "t.conf:7: fleet: etcd: \"http://h#f\" has more than a host and "
	    "a port: write http://h\n"
	    "t.conf:8: fleet: etcd: \"https://root:pw@h:2379/\" has more "
	    "than a host and a port: write https://h:2379\n"
	    "t.conf:9: fleet: etcd: \"http://h/\" has more than a host and a "
	    "port: write http://h\n"
	    "t.conf:10: fleet: etcd: \"http://h:0\" has a bad port: use "
	    "1..65535; " ETCD_USAGE "\n"
	    "t.conf:11: fleet: etcd: \"http://h:65536\" has a bad port: use "
	    "1..65535; " ETCD_USAGE "\n"
	    "t.conf:12: fleet: etcd: \"http://h:x\" has a bad port: use "
	    "1..65535; " ETCD_USAGE "\n"
	    "t.conf:13: fleet: etcd: \"http://h:\" has a bad port; "
	    ETCD_USAGE "\n"
	    "t.conf:14: fleet: etcd: \"http://:2379\" has no host; "
	    ETCD_USAGE "\n"
	    "t.conf:15: fleet: etcd: \"http://\" has no host; " ETCD_USAGE
	    "\n"
	    "t.conf:16: fleet: etcd: \"http://[2001:db8::5\" has a bad [IPv6] "
	    "host; " ETCD_USAGE "\n"
	    "t.conf:17: fleet: etcd: \"http://[]:1\" has a bad [IPv6] host; "
	    ETCD_USAGE "\n"
	    "t.conf:18: fleet: etcd: \"http://a b\" has a space; write it as "
	    "%20\n"
	    "t.conf:19: fleet: etcd: the value is empty; " ETCD_USAGE "\n"
	    "t.conf:20: fleet: etcd: missing value; " ETCD_USAGE "\n"
	    "t.conf:21: fleet: etcd: too many values (\"http://b\" is one too "
	    "many); " ETCD_USAGE "\n" },
	{ "an endpoint twice: a warning", true,
	    FLEET(NEEDED "\tetcd http://10.0.0.2:2379\n"
	    "\tetcd http://127.0.0.1:2379\n\tetcd http://10.0.0.2\n"
	    "\tetcd https://10.0.0.2:2379\n\tetcd http://10.0.0.2:2380\n"),
	    "t.conf:5: warning: fleet: etcd http://127.0.0.1:2379 is the "
	    "endpoint of line 2 again; the repeat is ignored\n"
	    "t.conf:6: warning: fleet: etcd http://10.0.0.2 is the endpoint "
	    "of line 4 again; the repeat is ignored\n" },
	{ "bad names and leases", false,
	    FLEET("\tetcd http://h\n"
	    "\tcluster \"lb west\"\n\tnode a/b\n\tnode " A63 "x\n"
	    "\tlease 1\n\tlease 3601\n\tlease x\n\tlease -1\n"),
	    "t.conf:3: fleet: cluster: \"lb west\" is not a valid name: "
	    RULE "; " CLUSTER_USAGE "\n"
	    "t.conf:4: fleet: node: \"a/b\" is not a valid name: " RULE "; "
	    NODE_USAGE "\n"
	    "t.conf:5: fleet: node already set at line 4; keep only one\n"
	    "t.conf:6: fleet: lease: 1 is out of range; " LEASE_USAGE "\n"
	    "t.conf:7: fleet: lease already set at line 6; keep only one\n"
	    "t.conf:8: fleet: lease already set at line 6; keep only one\n"
	    "t.conf:9: fleet: lease already set at line 6; keep only one\n" },
	{ "values out of range, each alone", false,
	    FLEET("\tetcd http://h\n\tcluster \"\"\n\tnode " A63 "x\n"
	    "\tlease 3601\n")
	    "fleet {\n}\n",
	    "t.conf:3: fleet: cluster: \"\" is not a valid name: " RULE "; "
	    CLUSTER_USAGE "\n"
	    "t.conf:4: fleet: node: \"abcdefghijabcdefghij...\" is 64 "
	    "characters long, more than 63; " NODE_USAGE "\n"
	    "t.conf:5: fleet: lease: 3601 is out of range; " LEASE_USAGE "\n"
	    "t.conf:7: fleet block already given at line 1; a file has one: "
	    "merge the two\n" },
	{ "tls files", false,
	    FLEET(NEEDED "\ttls-ca \"ca.pem\"\n\ttls-cert \"\"\n"
	    "\ttls-key /k.pem\n\ttls-ca \"/ca.pem\"\n"),
	    "t.conf:4: fleet: tls-ca: \"ca.pem\" is not an absolute path; "
	    "write it from /; usage: tls-ca \"/PATH\" (PEM: the CAs that "
	    "sign the etcd servers)\n"
	    "t.conf:5: fleet: tls-cert: the value is empty; usage: tls-cert "
	    "\"/PATH\" (PEM: this host's client certificate, with tls-key)\n"
	    "t.conf:6: warning: fleet: tls-key " NO_TLS_EFFECT
	    "t.conf:7: fleet: tls-ca already set at line 4; keep only one\n" },
	{ "a certificate without its key", false,
	    FLEET("\tetcd https://h\n\tcluster c\n\ttls-cert \"/c.pem\"\n"),
	    "t.conf:4: fleet: tls-cert without tls-key: the client "
	    "certificate needs its private key; add tls-key \"/PATH\" or "
	    "remove tls-cert\n" },
	{ "a key without its certificate", false,
	    FLEET("\tetcd https://h\n\tcluster c\n\ttls-key \"/k.pem\"\n"),
	    "t.conf:4: fleet: tls-key without tls-cert: a private key goes "
	    "with its client certificate; add tls-cert \"/PATH\" or remove "
	    "tls-key\n" },
	{ "tls files with http:// endpoints only: warnings", true,
	    FLEET(NEEDED "\ttls-ca \"/a\"\n\ttls-cert \"/b\"\n"
	    "\ttls-key \"/c\"\n"),
	    "t.conf:4: warning: fleet: tls-ca " NO_TLS_EFFECT
	    "t.conf:5: warning: fleet: tls-cert " NO_TLS_EFFECT
	    "t.conf:6: warning: fleet: tls-key " NO_TLS_EFFECT },
	{ "a bad half of the client certificate is said once", false,
	    FLEET("\tetcd https://h\n\tcluster c\n\ttls-cert \"/c.pem\"\n"
	    "\ttls-key k.pem\n"),
	    "t.conf:5: fleet: tls-key: \"k.pem\" is not an absolute path; "
	    "write it from /; usage: tls-key \"/PATH\" (PEM: the private key "
	    "of tls-cert)\n" },
	{ "an empty block", false,
	    FLEET(""),
	    "t.conf:1: fleet: at least one etcd endpoint is required, e.g. "
	    "etcd http://127.0.0.1:2379\n"
	    "t.conf:1: fleet: no cluster; add a line like \"cluster "
	    "lb-west\": the hosts of one cluster share the keys under "
	    "/lbbgp/CLUSTER/\n" },
	{ "a bad endpoint or cluster is said once", false,
	    FLEET("\tetcd ftp://h\n\tcluster a:b\n"),
	    "t.conf:2: fleet: etcd: \"ftp://h\" does not start with http:// "
	    "or https://; " ETCD_USAGE "\n"
	    "t.conf:3: fleet: cluster: \"a:b\" is not a valid name: " RULE
	    "; " CLUSTER_USAGE "\n" },
	{ "the block's header", false,
	    "fleet lb-west {\n" NEEDED "}\n"
	    "fleet\n{\n" NEEDED "}\n"
	    "fleet\n",
	    "t.conf:1: fleet: a fleet block has no name: write \"fleet {\"\n"
	    "t.conf:5: fleet: put { at the end of this line, not on a line "
	    "of its own\n"
	    "t.conf:10: fleet: missing { at the end of the line; usage: "
	    "fleet {\n" },
	{ "statements in the wrong place", false,
	    FLEET(NEEDED "\taddresses 10.0.0.0/24\n\tnod x\n\tetcd2 x\n")
	    "etcd http://h\nlease 10\n"
	    "pool p {\n\taddresses 10.1.0.0/24\n\tcluster c\n}\n"
	    "advertisement a {\n}\n",
	    "t.conf:4: fleet: unknown statement \"addresses\" in fleet "
	    "block: it belongs in a pool block\n"
	    "t.conf:5: fleet: unknown statement \"nod\" in fleet block; did "
	    "you mean \"node\"?\n"
	    "t.conf:6: fleet: unknown statement \"etcd2\" in fleet block; "
	    "did you mean \"etcd\"?\n"
	    "t.conf:8: unknown statement \"etcd\" at top level: it belongs "
	    "in a fleet block\n"
	    "t.conf:9: unknown statement \"lease\" at top level: it belongs "
	    "in a fleet block\n"
	    "t.conf:12: pool p: unknown statement \"cluster\" in pool block: "
	    "it belongs in a fleet block\n" },
	{ "a block inside the fleet", false,
	    "fleet {\n" NEEDED "pool p {\n\taddresses 10.0.0.0/24\n}\n"
	    "advertisement a {\n}\n",
	    "t.conf:4: fleet: block not closed: add } before line 4\n" },
	{ "announce values", false,
	    "pool p {\n\taddresses 10.0.0.0/24\n\tannounce some\n"
	    "\tannounce one\n\tannounce\n}\n"
	    "advertisement a {\n}\n" FLEET(NEEDED),
	    "t.conf:3: pool p: announce: \"some\" is neither all nor one; "
	    ANNOUNCE_USAGE "\n"
	    "t.conf:4: pool p: announce already set at line 3; keep only "
	    "one\n"
	    "t.conf:5: pool p: announce: missing value; " ANNOUNCE_USAGE
	    "\n" },
	{ "announce one without a fleet", false,
	    POOL("announce one")
	    "pool q {\n\taddresses 10.1.0.0/24\n\tannounce all\n}\n",
	    "t.conf:3: pool p: announce one needs a fleet block (one host "
	    "among several); without one, this host is the only announcer: "
	    "add a fleet block or remove the line\n" },
	{ "announce at top level", false,
	    "announce one\n",
	    "t.conf:1: unknown statement \"announce\" at top level: it "
	    "belongs in a pool block\n" },
};

START_TEST(table)
{
	conf_fx_run_row(&rows[_i]);
}
END_TEST

START_TEST(values)
{
	struct conf *c = conf_fx_load_ok(rows[0].text);
	const struct conf_fleet *f = c->fleet;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->line, 1);
	ck_assert_uint_eq(f->nendpoints, 3);
	ck_assert_str_eq(f->endpoints[0].url, "https://10.0.0.5:2379");
	ck_assert(f->endpoints[0].tls);
	ck_assert_str_eq(f->endpoints[0].host, "10.0.0.5");
	ck_assert_uint_eq(f->endpoints[0].port, 2379);
	ck_assert_int_eq(f->endpoints[0].line, 2);
	/* The host as a URL has it, so "%s://%s:%u" gives a URL again. */
	ck_assert_str_eq(f->endpoints[1].url, "https://[2001:db8::5]");
	ck_assert(f->endpoints[1].tls);
	ck_assert_str_eq(f->endpoints[1].host, "[2001:db8::5]");
	ck_assert_uint_eq(f->endpoints[1].port, CONF_ETCD_PORT);
	ck_assert(!f->endpoints[2].tls);
	ck_assert_str_eq(f->endpoints[2].host, "etcd-3.example");
	ck_assert_uint_eq(f->endpoints[2].port, 12379);
	ck_assert_int_eq(f->endpoints[2].line, 4);
	ck_assert_str_eq(f->cluster, "lb-west");
	ck_assert_str_eq(f->node, "lb1");
	ck_assert(f->node_set);
	ck_assert_uint_eq(f->lease, 30);
	ck_assert_str_eq(f->tls_ca, "/etc/lbbgp/etcd-ca.pem");
	ck_assert_str_eq(f->tls_cert, "/etc/lbbgp/etcd.pem");
	ck_assert_str_eq(f->tls_key, "/etc/lbbgp/etcd-key.pem");
	conf_free(c);

	/* The defaults. */
	c = conf_fx_load_ok(POOL("check x") "check x {\n\ttcp 10.0.0.1 port "
	    "1\n}\n" FLEET(NEEDED));
	f = c->fleet;
	ck_assert_uint_eq(f->nendpoints, 1);
	ck_assert_str_eq(f->endpoints[0].host, "127.0.0.1");
	ck_assert_ptr_null(f->node);
	ck_assert(!f->node_set);
	ck_assert_uint_eq(f->lease, CONF_DEFAULT_LEASE);
	ck_assert_ptr_null(f->tls_ca);
	ck_assert_ptr_null(f->tls_cert);
	ck_assert_ptr_null(f->tls_key);
	ck_assert_int_eq(c->pools[0].announce, CONF_ANNOUNCE_ALL);
	conf_free(c);

	c = conf_fx_load_ok(POOL("announce one") FLEET(NEEDED));
	ck_assert_int_eq(c->pools[0].announce, CONF_ANNOUNCE_ONE);
	conf_free(c);

	/* No block, no fleet: one host. */
	c = conf_fx_load_ok(POOL("announce all"));
	ck_assert_ptr_null(c->fleet);
	ck_assert_int_eq(c->pools[0].announce, CONF_ANNOUNCE_ALL);
	conf_free(c);

	ck_assert_str_eq(conf_announce_name(CONF_ANNOUNCE_ALL), "all");
	ck_assert_str_eq(conf_announce_name(CONF_ANNOUNCE_ONE), "one");
	ck_assert_str_eq(conf_announce_name(CONF_ANNOUNCE_COUNT), "?");
}
END_TEST

/* After the globals, before the checks; defaults and announce all left
 * out, values as written. */
START_TEST(canonical)
{
	struct conf *c = conf_fx_load_ok(
	    "check x {\n\ttcp 10.0.0.1 port 1\n}\n"
	    "pool p {\n\taddresses 10.0.0.0/24\n\tannounce all\n}\n"
	    "pool q {\n\taddresses 10.1.0.0/24\n\tannounce one\n}\n"
	    "advertisement a {\n}\n"
	    "fleet {\n\ttls-key \"/k\"\n\tlease 10\n\tnode n1\n"
	    "\tcluster c\n\tetcd \"https://[2001:DB8::5]:2379\"\n"
	    "\ttls-cert \"/a \\\"b\\\"\"\n\tetcd http://h\n}\n"
	    "local-as 64512\n");
	char *p = conf_fx_printed(c);

	ck_assert_str_eq(p,
	    "local-as 64512\n\n"
	    "fleet {\n\tetcd https://[2001:DB8::5]:2379\n\tetcd http://h\n"
	    "\tcluster c\n\tnode n1\n\ttls-cert \"/a \\\"b\\\"\"\n"
	    "\ttls-key \"/k\"\n}\n\n"
	    "check x {\n\ttcp 10.0.0.1 port 1\n}\n\n"
	    "pool p {\n\taddresses 10.0.0.0/24\n}\n\n"
	    "pool q {\n\taddresses 10.1.0.0/24\n\tannounce one\n}\n\n"
	    "advertisement a {\n}\n");
	free(p);
	conf_fx_roundtrip(c, "canonical");
	conf_free(c);
}
END_TEST

/* The host name, or NULL when it cannot be a node name (the tests of
 * the default node then expect the error instead). */
static const char *host_name(char *buf, size_t size)
{
	ck_assert_int_eq(gethostname(buf, size), 0);
	buf[size - 1] = '\0';
	return conf_keyname_ok(buf) ? buf : NULL;
}

START_TEST(host_node)
{
	char host[256], want[512];
	struct conf_diag d;
	struct conf *c = conf_fx_load_ok(FLEET(NEEDED));
	const char *name = host_name(host, sizeof(host));

	conf_diag_init(&d);
	conf_check_host(c, &d);
	if (name == NULL) {
		ck_assert_uint_eq(d.nerrors, 1);
		ck_assert_ptr_null(c->fleet->node);
		ck_assert_ptr_nonnull(strstr(d.msgs[0], "t.conf:1: fleet: the "
		    "host name"));
		conf_diag_free(&d);
		conf_free(c);
		return;
	}
	ck_assert_uint_eq(d.nmsgs, 0);
	ck_assert_str_eq(c->fleet->node, name);
	ck_assert(!c->fleet->node_set);
	/* The canonical form is the file's: the host's name is not in it. */
	char *p = conf_fx_printed(c);
	ck_assert_str_eq(p, "fleet {\n\tetcd http://127.0.0.1:2379\n"
	    "\tcluster c\n}\n");
	free(p);
	/* Again, as on a reload of the same object: the same. */
	conf_check_host(c, &d);
	ck_assert_uint_eq(d.nmsgs, 0);
	ck_assert_str_eq(c->fleet->node, name);

	/* The host name written as node: the same host of the same cluster
	 * and the same fleet; as text, another config. */
	snprintf(want, sizeof(want), FLEET(NEEDED "\tnode %s\n"), name);
	struct conf *w = conf_fx_load_ok(want);
	conf_check_host(w, &d);
	ck_assert_uint_eq(d.nmsgs, 0);
	ck_assert_str_eq(w->fleet->node, name);
	ck_assert(w->fleet->node_set);
	ck_assert(conf_fleet_equal(c->fleet, w->fleet));
	ck_assert(conf_fleet_same_identity(c->fleet, w->fleet));
	ck_assert(!conf_equal(c, w));
	conf_free(w);

	/* A written node stays. */
	w = conf_fx_load_ok(FLEET(NEEDED "\tnode not-the-host-name.x\n"));
	conf_check_host(w, &d);
	ck_assert_uint_eq(d.nmsgs, 0);
	ck_assert_str_eq(w->fleet->node, "not-the-host-name.x");
	ck_assert_str_eq(conf_fleet_identity_change(c->fleet, w->fleet),
	    "node");
	conf_free(w);
	conf_diag_free(&d);
	conf_free(c);
}
END_TEST

START_TEST(host_files)
{
	char dir[64], pem[96], text[1024], want[1024];
	struct conf_diag d;

	unit_tmpdir(dir, sizeof(dir), "check_conf_fleet");
	snprintf(pem, sizeof(pem), "%s/ca.pem", dir);
	FILE *f = fopen(pem, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);

	/* Line 4: node, so that the host name does not matter. */
	snprintf(text, sizeof(text), FLEET("\tetcd https://h\n\tcluster c\n"
	    "\tnode n\n\ttls-ca \"%s\"\n\ttls-cert \"%s/missing.pem\"\n"
	    "\ttls-key \"%s\"\n"), pem, dir, dir);
	struct conf *c = conf_fx_load_ok(text);
	conf_diag_init(&d);
	conf_check_host(c, &d);
	char *m = conf_fx_joined(&d);
	snprintf(want, sizeof(want),
	    "v.conf:1: fleet: tls-cert %s/missing.pem: no such file; install "
	    "it or correct the tls-cert line\n"
	    "v.conf:1: fleet: tls-key %s: is a directory; tls-key needs a "
	    "PEM file\n", dir, dir);
	ck_assert_str_eq(m, want);
	ck_assert_uint_eq(d.nerrors, 2);
	free(m);
	conf_diag_free(&d);
	conf_free(c);

	/* Root reads every file: a file without r bits is refused only for
	 * other users. */
	ck_assert_int_eq(chmod(pem, 0), 0);
	snprintf(text, sizeof(text), FLEET("\tetcd https://h\n\tcluster c\n"
	    "\tnode n\n\ttls-ca \"%s\"\n"), pem);
	c = conf_fx_load_ok(text);
	conf_diag_init(&d);
	conf_check_host(c, &d);
	if (geteuid() == 0) {
		ck_assert_uint_eq(d.nmsgs, 0);
	} else {
		m = conf_fx_joined(&d);
		snprintf(want, sizeof(want), "v.conf:1: fleet: tls-ca %s: is "
		    "not readable; let lbbgpd's user read it or correct the "
		    "tls-ca line\n", pem);
		ck_assert_str_eq(m, want);
		free(m);
	}
	conf_diag_free(&d);
	conf_free(c);

	/* No fleet, nothing to say. */
	c = conf_fx_load_ok(POOL("auto-assign no"));
	conf_diag_init(&d);
	conf_check_host(c, &d);
	ck_assert_uint_eq(d.nmsgs, 0);
	conf_diag_free(&d);
	conf_free(c);
	unit_rmtree(dir);
}
END_TEST

/* One fleet against another: are they equal, and what identity change
 * would a reload from the first to the second be (NULL: none). */
static const struct {
	const char *a, *b;
	bool equal;
	const char *identity;
} eq_rows[] = {
	{ FLEET(NEEDED), FLEET(NEEDED), true, NULL },
	{ FLEET(NEEDED), FLEET(NEEDED "\tlease 10\n"), true, NULL },
	{ "", "", true, NULL },
	{ FLEET(NEEDED), FLEET("\tetcd http://127.0.0.2:2379\n\tcluster c\n"),
	    false, NULL },
	{ FLEET(NEEDED), FLEET(NEEDED "\tetcd http://127.0.0.2:2379\n"),
	    false, NULL },
	/* Endpoints are tried in turn: their order counts. */
	{ FLEET(NEEDED "\tetcd http://127.0.0.2:2379\n"),
	    FLEET("\tetcd http://127.0.0.2:2379\n" NEEDED), false, NULL },
	{ FLEET(NEEDED), FLEET(NEEDED "\tlease 11\n"), false, NULL },
	{ FLEET(NEEDED_TLS), FLEET(NEEDED_TLS "\ttls-ca \"/ca\"\n"), false,
	    NULL },
	{ FLEET(NEEDED_TLS "\ttls-ca \"/ca\"\n"),
	    FLEET(NEEDED_TLS "\ttls-ca \"/ca2\"\n"), false, NULL },
	{ FLEET(NEEDED_TLS "\ttls-cert \"/c\"\n\ttls-key \"/k\"\n"),
	    FLEET(NEEDED_TLS "\ttls-cert \"/c\"\n\ttls-key \"/k2\"\n"), false,
	    NULL },
	{ FLEET(NEEDED_TLS "\ttls-cert \"/c\"\n\ttls-key \"/k\"\n"),
	    FLEET(NEEDED_TLS "\ttls-cert \"/c2\"\n\ttls-key \"/k\"\n"), false,
	    NULL },
	{ FLEET(NEEDED), FLEET("\tetcd http://127.0.0.1:2379\n\tcluster d\n"),
	    false, "cluster" },
	{ FLEET(NEEDED "\tnode a\n"), FLEET(NEEDED "\tnode b\n"), false,
	    "node" },
	{ FLEET(NEEDED "\tnode a\n"), FLEET(NEEDED), false, "node" },
	{ FLEET(NEEDED), "", false, "fleet" },
};

START_TEST(equal)
{
	struct conf *a = conf_fx_load_ok(eq_rows[_i].a);
	struct conf *b = conf_fx_load_ok(eq_rows[_i].b);
	const char *want = eq_rows[_i].identity;
	bool same = eq_rows[_i].equal;

	ck_assert_msg(conf_fleet_equal(a->fleet, b->fleet) == same,
	    "row %d: equal", _i);
	ck_assert(conf_fleet_equal(b->fleet, a->fleet) == same);
	ck_assert(conf_equal(a, b) == same);
	ck_assert(conf_fleet_equal(a->fleet, a->fleet));
	for (int way = 0; way < 2; way++) {
		const struct conf_fleet *x = way ? b->fleet : a->fleet;
		const struct conf_fleet *y = way ? a->fleet : b->fleet;
		const char *got = conf_fleet_identity_change(x, y);
		ck_assert_msg(want ? got && strcmp(got, want) == 0 :
		    got == NULL, "row %d: identity %s, want %s", _i,
		    got ? got : "none", want ? want : "none");
		ck_assert(conf_fleet_same_identity(x, y) == (want == NULL));
	}
	ck_assert_ptr_null(conf_fleet_identity_change(a->fleet, a->fleet));
	conf_free(a);
	conf_free(b);
}
END_TEST

/* announce is part of a pool: a reload sees the pool changed. */
START_TEST(diff_announce)
{
	char log[CONF_FX_LOG] = "";
	struct conf *a = conf_fx_load_ok(POOL("announce all") FLEET(NEEDED));
	struct conf *b = conf_fx_load_ok(POOL("announce one") FLEET(NEEDED));
	struct conf *c = conf_fx_load_ok(POOL("auto-assign yes")
	    FLEET(NEEDED));

	conf_diff_blocks(a, b, conf_fx_blocks_log, log);
	ck_assert_str_eq(log, "~pool p");
	ck_assert(!conf_pool_eq(&a->pools[0], &b->pools[0]));
	log[0] = '\0';
	conf_diff_blocks(a, c, conf_fx_blocks_log, log);
	ck_assert_str_eq(log, "");
	ck_assert(conf_equal(a, c));
	conf_free(a);
	conf_free(b);
	conf_free(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("conf_fleet");
	TCase *tc = unit_tcase(s, "core");

	tcase_add_loop_test(tc, table, 0, (int)NELEM(rows));
	tcase_add_test(tc, values);
	tcase_add_test(tc, canonical);
	tcase_add_test(tc, host_node);
	tcase_add_test(tc, host_files);
	tcase_add_loop_test(tc, equal, 0, (int)NELEM(eq_rows));
	tcase_add_test(tc, diff_announce);
	return unit_run(s);
}

/*
 * check_metrics.c - unit tests for bgpd/metrics/om.c (the OpenMetrics writer)
 * and bgpd/metrics/metrics.c (what lbbgpd's metrics say).
 *
 * om.c: label value escaping (table of bytes in, text out, including
 * invalid UTF-8 and truncation), the two text formats family by family,
 * and HTTP Accept negotiation as Prometheus 2 and 3 send it.
 * metrics.c: a struct lbbgpd built by hand (a real config, RIB and state
 * file, peers without sockets) rendered in full; every MetalLB series is
 * checked line by line, the lbbgp ones by the counters fed in, and the
 * whole text for one sample per series and "# EOF" last.
 */
#include "config.h"

#include <check.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgpd/bfd/bfdd.h"
#include "bgpd/bgpd.h"
#include "bgpd/log.h"
#include "bgpd/metrics/metrics.h"
#include "bgpd/metrics/om.h"
#include "bgpd/state.h"
#include "conf/conf.h"
#include "rib/rib.h"
#include "tests/unit/rib_fixture.h"

/* ---- om_escape ------------------------------------------------------------ */

static const struct {
	const char *in;
	const char *out;
} escapes[] = {
	{ "", "" },
	{ "router-1", "router-1" },
	{ "a\\b", "a\\\\b" },
	{ "say \"hi\"", "say \\\"hi\\\"" },
	{ "two\nlines", "two\\nlines" },
	{ "tab\tand\rcr", "tab\tand\rcr" },		/* allowed as they are */
	{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",	/* é € emoji: kept */
	  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
	{ "\xff", "\xef\xbf\xbd" },			/* never UTF-8 */
	{ "a\x80z", "a\xef\xbf\xbdz" },			/* lone continuation */
	{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },	/* overlong '/' */
	{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" }, /* surrogate */
	{ "\xf4\x90\x80\x80",				/* above U+10FFFF */
	  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
	{ "\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd" },	/* cut short */
	{ "\\\"\n", "\\\\\\\"\\n" },
};

START_TEST(escape_table)
{
	char buf[128];
	size_t n = om_escape(buf, sizeof(buf), escapes[_i].in);

	ck_assert_str_eq(buf, escapes[_i].out);
	ck_assert_uint_eq(n, strlen(escapes[_i].out));
}
END_TEST

/* A short buffer gets whole escapes and characters only. */
START_TEST(escape_truncates)
{
	char buf[4];

	ck_assert_uint_eq(om_escape(buf, sizeof(buf), "ab\"c"), 5);
	ck_assert_str_eq(buf, "ab");	/* not "ab\" */
	ck_assert_uint_eq(om_escape(buf, sizeof(buf), "a\xe2\x82\xac"), 4);
	ck_assert_str_eq(buf, "a");
	ck_assert_uint_eq(om_escape(NULL, 0, "xyz"), 3);
}
END_TEST

/* ---- the writer ------------------------------------------------------------ */

static char *write_sample_set(bool openmetrics)
{
	struct om o;
	struct om_label l[2] = { { "peer", "10.0.0.1:179" },
	    { "name", "we\"ird\\\nname" } };

	om_init(&o, openmetrics);
	om_family(&o, "x_updates", OM_COUNTER, NULL, "Help with \\ and\n\"");
	om_sample(&o, l, 2, 42);
	om_family(&o, "x_start_time_seconds", OM_GAUGE, "seconds", "Start");
	om_sample_double(&o, NULL, 0, 1795712769.0);
	om_sample_double(&o, l, 1, 1.5);
	om_family(&o, "x_build", OM_INFO, NULL, "Build");
	om_sample(&o, (struct om_label[]){ { "version", "1.2" } }, 1, 1);
	om_family(&o, "x_state", OM_STATESET, NULL, "State");
	om_sample(&o, (struct om_label[]){ { "x_state", "Idle" } }, 1, 0);
	om_family(&o, "x_empty", OM_GAUGE, NULL, "No samples");
	size_t len;
	char *t = om_finish(&o, &len);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(len, strlen(t));
	return t;
}

START_TEST(openmetrics_text)
{
	char *t = write_sample_set(true);

	ck_assert_str_eq(t,
	    "# TYPE x_updates counter\n"
	    "# HELP x_updates Help with \\\\ and\\n\\\"\n"
	    "x_updates_total{peer=\"10.0.0.1:179\",name=\"we\\\"ird\\\\\\nname\"} 42\n"
	    "# TYPE x_start_time_seconds gauge\n"
	    "# UNIT x_start_time_seconds seconds\n"
	    "# HELP x_start_time_seconds Start\n"
	    "x_start_time_seconds 1795712769\n"
	    "x_start_time_seconds{peer=\"10.0.0.1:179\"} 1.5\n"
	    "# TYPE x_build info\n"
	    "# HELP x_build Build\n"
	    "x_build_info{version=\"1.2\"} 1\n"
	    "# TYPE x_state stateset\n"
	    "# HELP x_state State\n"
	    "x_state{x_state=\"Idle\"} 0\n"
	    "# TYPE x_empty gauge\n"
	    "# HELP x_empty No samples\n"
	    "# EOF\n");
	free(t);
}
END_TEST

/* Prometheus 0.0.4: the same series; metadata named after them. */
START_TEST(prometheus_text)
{
	char *t = write_sample_set(false);

	ck_assert_str_eq(t,
	    "# TYPE x_updates_total counter\n"
	    "# HELP x_updates_total Help with \\\\ and\\n\"\n"
	    "x_updates_total{peer=\"10.0.0.1:179\",name=\"we\\\"ird\\\\\\nname\"} 42\n"
	    "# TYPE x_start_time_seconds gauge\n"
	    "# HELP x_start_time_seconds Start\n"
	    "x_start_time_seconds 1795712769\n"
	    "x_start_time_seconds{peer=\"10.0.0.1:179\"} 1.5\n"
	    "# TYPE x_build_info gauge\n"
	    "# HELP x_build_info Build\n"
	    "x_build_info{version=\"1.2\"} 1\n"
	    "# TYPE x_state gauge\n"
	    "# HELP x_state State\n"
	    "x_state{x_state=\"Idle\"} 0\n"
	    "# TYPE x_empty gauge\n"
	    "# HELP x_empty No samples\n");
	free(t);
}
END_TEST

START_TEST(special_values)
{
	struct om o;
	char *t;

	om_init(&o, true);
	om_family(&o, "v", OM_GAUGE, NULL, "v");
	om_sample_double(&o, NULL, 0, NAN);
	om_sample_double(&o, NULL, 0, INFINITY);
	om_sample_double(&o, NULL, 0, -INFINITY);
	om_sample_double(&o, NULL, 0, 0.25);
	om_sample_double(&o, NULL, 0, 0);
	om_sample(&o, NULL, 0, UINT64_MAX);
	t = om_finish(&o, NULL);
	ck_assert_str_eq(t, "# TYPE v gauge\n# HELP v v\nv NaN\nv +Inf\n"
	    "v -Inf\nv 0.25\nv 0\nv 18446744073709551615\n# EOF\n");
	free(t);
}
END_TEST

/* A histogram: cumulative buckets with canonical bounds, +Inf last, then
 * _count and _sum; the TYPE line is the same in both formats. */
START_TEST(histogram_text)
{
	static const double bounds[] = { 0.0005, 0.02, 1 };
	static const uint64_t counts[] = { 3, 0, 2, 1 };
	struct om o;

	for (int om = 0; om < 2; om++) {
		om_init(&o, om);
		om_histogram(&o, "x_turn_seconds", "seconds", "Turns", bounds,
		    counts, NELEM(bounds), 1.5);
		char *t = om_finish(&o, NULL);
		char want[1024];
		snprintf(want, sizeof(want), "# TYPE x_turn_seconds histogram\n"
		    "%s# HELP x_turn_seconds Turns\n"
		    "x_turn_seconds_bucket{le=\"0.0005\"} 3\n"
		    "x_turn_seconds_bucket{le=\"0.02\"} 3\n"
		    "x_turn_seconds_bucket{le=\"1.0\"} 5\n"
		    "x_turn_seconds_bucket{le=\"+Inf\"} 6\n"
		    "x_turn_seconds_count 6\n"
		    "x_turn_seconds_sum 1.500000\n%s",
		    om ? "# UNIT x_turn_seconds seconds\n" : "",
		    om ? "# EOF\n" : "");
		ck_assert_str_eq(t, want);
		free(t);
	}
}
END_TEST

/* ---- Accept negotiation -------------------------------------------------- */

static const struct {
	const char *accept;
	bool om;
} accepts[] = {
	{ NULL, false },
	{ "", false },
	{ "*/*", false },			/* curl */
	{ "text/html,application/xhtml+xml,*/*;q=0.8", false },	/* browser */
	{ "text/plain", false },
	{ "text/plain;version=0.0.4", false },
	{ "application/openmetrics-text", true },
	{ "Application/OpenMetrics-Text; Version=1.0.0", true },
	/* Prometheus 2 */
	{ "application/openmetrics-text;version=1.0.0,application/"
	  "openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;"
	  "q=0.5,*/*;q=0.1", true },
	/* Prometheus 3 */
	{ "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;"
	  "q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;"
	  "version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;"
	  "q=0.2,*/*;q=0.1", true },
	{ "application/openmetrics-text;version=0.0.1", false },
	{ "application/openmetrics-text;q=0", false },
	{ "application/openmetrics-text;q=0.3, text/plain;q=0.5", false },
	{ "text/plain;q=0.5 , application/openmetrics-text;q=0.5", true },
	{ "application/openmetrics-text;q=bogus", false },
	{ "text/plain;version=1.0.0,application/openmetrics-text;q=0.1", true },
};

START_TEST(accept_table)
{
	ck_assert_msg(om_accept_openmetrics(accepts[_i].accept) ==
	    accepts[_i].om, "Accept: %s", accepts[_i].accept ?
	    accepts[_i].accept : "(none)");
}
END_TEST

/* ---- metrics_render ----------------------------------------------------- */

static const char conf_text[] =
    "router-id 10.0.0.1\n"
    "local-as 64513\n"
    "pool general-pool {\n"
    "	addresses 192.168.1.240-192.168.1.249\n"
    "}\n"
    "pool v6-pool {\n"
    "	addresses 2001:db8:1::/120\n"
    "}\n"
    "neighbor router-1 {\n"
    "	address 10.0.0.2\n"
    "	remote-as 64512\n"
    "}\n"
    "neighbor router-2 {\n"
    "	address 2001:db8::2\n"
    "	remote-as 64512\n"
    "	port 1179\n"
    "}\n"
    "advertisement adv {\n"
    "}\n"
    "vip 192.168.1.240 pool general-pool\n";

struct world {
	struct lbbgpd d;
	struct conf *c;
	struct conn conn[2];
	struct peer peer[2], *peers[2];
};

static void discard(void *ctx, const uint8_t *msg, size_t len)
{
	(void)ctx, (void)msg, (void)len;
}

static void world_open(struct world *w, const char *state_path)
{
	struct rib_res res = { 0 };

	memset(w, 0, sizeof(*w));
	w->c = conf_ok(conf_text);
	w->d.conf = w->c;
	w->d.rib = rib_new(w->c, &res);
	ck_assert_msg(w->d.rib != NULL, "%s", res.msg);
	w->d.state = state_open(state_path);
	ck_assert_ptr_nonnull(w->d.state);
	w->d.start_time = 1795712769.0;
	for (size_t i = 0; i < 2; i++) {
		w->peer[i].d = &w->d;
		w->peer[i].idx = i;
		w->peer[i].conf = &w->c->neighbors[i];
		w->peer[i].conn = &w->conn[i];
		w->conn[i].peer = &w->peer[i];
		w->conn[i].fsm.state = FSM_ACTIVE;
		w->peers[i] = &w->peer[i];
	}
	w->d.peers = w->peers;
	w->d.npeers = 2;
}

static void world_close(struct world *w)
{
	free(w->d.ctl_stats);
	state_close(w->d.state);
	rib_free(w->d.rib);
	conf_free(w->c);
}

/* The sample line for a series, or NULL. */
static const char *line_of(const char *text, const char *series)
{
	static char line[512];
	size_t n = strlen(series);

	for (const char *p = text; *p; p = strchr(p, '\n') + 1) {
		if (strncmp(p, series, n) == 0 && p[n] == ' ') {
			size_t len = strcspn(p, "\n");
			snprintf(line, sizeof(line), "%.*s", (int)len, p);
			return line;
		}
		if (strchr(p, '\n') == NULL)
			break;
	}
	return NULL;
}

static void has(const char *text, const char *series, const char *value)
{
	const char *l = line_of(text, series);
	char want[512];

	snprintf(want, sizeof(want), "%s %s", series, value);
	ck_assert_msg(l != NULL, "no sample %s", series);
	ck_assert_str_eq(l, want);
}

static void lacks(const char *text, const char *series)
{
	ck_assert_msg(line_of(text, series) == NULL, "unexpected %s",
	    series);
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every sample once, every family once, "# EOF" last and only there. */
static void well_formed(const char *text)
{
	char *copy = strdup(text), *save = NULL;
	char *lines[4096];
	size_t n = 0;

	ck_assert_ptr_nonnull(copy);
	ck_assert_msg(strlen(text) >= 6 &&
	    strcmp(text + strlen(text) - 6, "# EOF\n") == 0, "no # EOF last");
	ck_assert_ptr_eq(strstr(text, "# EOF"), text + strlen(text) - 6);
	for (char *l = strtok_r(copy, "\n", &save); l;
	    l = strtok_r(NULL, "\n", &save)) {
		ck_assert_uint_lt(n, NELEM(lines));
		if (strncmp(l, "# TYPE ", 7) == 0) {
			lines[n++] = l;	/* one TYPE per family */
		} else if (l[0] != '#') {
			*strrchr(l, ' ') = '\0';	/* the series */
			lines[n++] = l;
		}
	}
	qsort(lines, n, sizeof(*lines), cmp_line);
	for (size_t i = 1; i < n; i++)
		ck_assert_msg(strcmp(lines[i - 1], lines[i]) != 0,
		    "twice: %s", lines[i]);
	free(copy);
}

static json_object *reply(const char *text)
{
	json_object *o = json_tokener_parse(text);
	ck_assert_ptr_nonnull(o);
	return o;
}

/* One sample line: the series with its labels, then its value. */
struct sample {
	const char *series, *value;
};

static void has_all(const char *text, const struct sample *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		has(text, s[i].series, s[i].value);
}

/* What render_daemon's world shows in OpenMetrics: MetalLB's, lbbgp's. */
static const struct sample metallb_samples[] = {
	/* MetalLB's series: names, labels, values. */
	{ "metallb_bgp_session_up{peer=\"10.0.0.2:179\"}", "1" },
	{ "metallb_bgp_session_up{peer=\"[2001:db8::2]:1179\"}", "0" },
	{ "metallb_bgp_updates_total{peer=\"10.0.0.2:179\"}", "2" },
	{ "metallb_bgp_updates_total{peer=\"[2001:db8::2]:1179\"}", "0" },
	/* .240 (static), .241, .242 and the IPv6 VIP: 4 routes. */
	{ "metallb_bgp_announced_prefixes_total{peer=\"10.0.0.2:179\"}", "4" },
	{ "metallb_bgp_announced_prefixes_total"
	    "{peer=\"[2001:db8::2]:1179\"}", "0" },
	{ "metallb_allocator_addresses_in_use_total"
	    "{pool=\"general-pool\"}", "3" },
	{ "metallb_allocator_addresses_in_use_total{pool=\"v6-pool\"}", "1" },
	{ "metallb_allocator_addresses_total{pool=\"general-pool\"}", "10" },
	{ "metallb_allocator_addresses_total{pool=\"v6-pool\"}", "256" },
};

static const struct sample lbbgp_samples[] = {
	/* lbbgp's. */
	{ "lbbgp_build_info{version=\"" PACKAGE_VERSION "\"}", "1" },
	{ "lbbgp_start_time_seconds", "1795712769" },
	{ "lbbgp_vips", "4" },
	{ "lbbgp_vips_orphaned", "0" },
	{ "lbbgp_state_file_commits_total{result=\"ok\"}", "1" },
	{ "lbbgp_state_file_commits_total{result=\"error\"}", "0" },
	{ "lbbgp_state_file_records_total", "3" },
	{ "lbbgp_state_file_snapshots_total{result=\"ok\"}", "1" },
	{ "lbbgp_control_requests_total{command=\"add\",result=\"ok\"}", "2" },
	{ "lbbgp_control_requests_total{command=\"add\","
	    "result=\"not-in-pool\"}", "1" },
	{ "lbbgp_control_requests_total{command=\"invalid\","
	    "result=\"bad-json\"}", "1" },
	{ "lbbgp_bgp_session_state{neighbor=\"router-1\","
	    "peer=\"10.0.0.2:179\",lbbgp_bgp_session_state=\"Established\"}",
	    "1" },
	{ "lbbgp_bgp_session_state{neighbor=\"router-1\","
	    "peer=\"10.0.0.2:179\",lbbgp_bgp_session_state=\"Idle\"}", "0" },
	{ "lbbgp_bgp_session_state{neighbor=\"router-2\","
	    "peer=\"[2001:db8::2]:1179\",lbbgp_bgp_session_state=\"Idle\"}",
	    "1" },
	{ "lbbgp_bgp_admin_down{neighbor=\"router-2\","
	    "peer=\"[2001:db8::2]:1179\"}", "1" },
	{ "lbbgp_bgp_session_flaps_total{neighbor=\"router-2\","
	    "peer=\"[2001:db8::2]:1179\"}", "3" },
	{ "lbbgp_bgp_messages_sent_total{neighbor=\"router-1\","
	    "peer=\"10.0.0.2:179\",type=\"keepalive\"}", "7" },
	{ "lbbgp_bgp_messages_sent_total{neighbor=\"router-1\","
	    "peer=\"10.0.0.2:179\",type=\"route-refresh\"}", "0" },
	{ "lbbgp_bgp_messages_received_total{neighbor=\"router-1\","
	    "peer=\"10.0.0.2:179\",type=\"open\"}", "1" },
	{ "lbbgp_bgp_notifications_sent_total{neighbor=\"router-2\","
	    "peer=\"[2001:db8::2]:1179\",code=\"6\",subcode=\"2\"}", "2" },
	{ "lbbgp_bgp_notifications_received_total{neighbor=\"router-2\","
	    "peer=\"[2001:db8::2]:1179\",code=\"2\",subcode=\"2\"}", "1" },
	{ "lbbgp_bgp_pending_changes{neighbor=\"router-1\","
	    "peer=\"10.0.0.2:179\"}", "0" },
	/* Five turns of at most 100 us, one of 25 ms (set below). */
	{ "lbbgp_loop_stall_seconds_max", "0.025" },
	{ "lbbgp_loop_iteration_seconds_bucket{le=\"0.0001\"}", "5" },
	{ "lbbgp_loop_iteration_seconds_bucket{le=\"0.02\"}", "5" },
	{ "lbbgp_loop_iteration_seconds_bucket{le=\"0.05\"}", "6" },
	{ "lbbgp_loop_iteration_seconds_bucket{le=\"1.0\"}", "6" },
	{ "lbbgp_loop_iteration_seconds_bucket{le=\"+Inf\"}", "6" },
	{ "lbbgp_loop_iteration_seconds_count", "6" },
	{ "lbbgp_loop_iteration_seconds_sum", "0.025400" },
};

START_TEST(render_daemon)
{
	struct world w;
	char dir[64], path[96], jpath[112];

	unit_tmpdir(dir, sizeof(dir), "check_metrics");
	snprintf(path, sizeof(path), "%s/state.json", dir);
	snprintf(jpath, sizeof(jpath), "%s.journal", path);
	world_open(&w, path);
	ck_assert(state_load(w.d.state, w.d.rib));	/* one snapshot */

	/* router-1 is up and was sent what the RIB holds; router-2 not. */
	struct rib_session s = { .ebgp = true, .local_as = 64513,
	    .as4 = true, .v4 = true, .v6 = true, .max_msg = BGP_MAX_LEN };
	ck_assert(addr_parse("10.0.0.1", &s.nexthop4));
	ck_assert(addr_parse("2001:db8::1", &s.nexthop6));
	struct prefix v[3];
	ck_assert(addr_parse("192.168.1.241", &v[0]));
	ck_assert(addr_parse("192.168.1.242", &v[1]));
	ck_assert(addr_parse("2001:db8:1::5", &v[2]));
	struct vip_req req = { .owner = "default/web" };
	size_t bad, changed;
	struct rib_res res = { 0 };
	ck_assert(rib_vips_add(w.d.rib, v, 3, &req, &bad, &changed, &res));
	for (size_t i = 0; i < 3; i++)
		state_touch(w.d.state, &v[i]);
	ck_assert(state_commit(w.d.state, w.d.rib));	/* 3 records */
	w.conn[0].fsm.state = FSM_ESTABLISHED;
	rib_peer_up(w.d.rib, 0, &s);
	ck_assert(rib_peer_flush(w.d.rib, 0, SIZE_MAX, discard, NULL));
	w.peer[0].st.msgs_out[BGP_MSG_UPDATE] = 2;
	w.peer[0].st.msgs_out[BGP_MSG_KEEPALIVE] = 7;
	w.peer[0].st.msgs_in[BGP_MSG_OPEN] = 1;
	w.peer[1].st.flaps = 3;
	w.peer[1].admin_down = true;
	w.conn[1].fsm.state = FSM_IDLE;
	metrics_count_notif(&w.peer[1].st.notif_out, BGP_ERR_CEASE,
	    BGP_CEASE_ADMIN_SHUTDOWN);
	metrics_count_notif(&w.peer[1].st.notif_out, BGP_ERR_CEASE,
	    BGP_CEASE_ADMIN_SHUTDOWN);
	metrics_count_notif(&w.peer[1].st.notif_in, BGP_ERR_OPEN,
	    BGP_OPEN_BAD_PEER_AS);

	w.d.loopstat.max = 0.025;
	w.d.loopstat.buckets[0] = 5;
	w.d.loopstat.buckets[7] = 1;
	w.d.loopstat.sum = 0.0254;

	json_object *ok = reply("{\"ok\":true}");
	json_object *nip = reply("{\"ok\":false,\"code\":\"not-in-pool\","
	    "\"error\":\"x\"}");
	json_object *bad_json = reply("{\"ok\":false,\"code\":\"bad-json\"}");
	metrics_count_reply(&w.d, "add", ok);
	metrics_count_reply(&w.d, "add", ok);
	metrics_count_reply(&w.d, "add", nip);
	metrics_count_reply(&w.d, NULL, bad_json);
	json_object_put(ok);
	json_object_put(nip);
	json_object_put(bad_json);

	size_t len;
	char *t = metrics_render(&w.d, true, &len);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(len, strlen(t));
	well_formed(t);

	has_all(t, metallb_samples, NELEM(metallb_samples));
	ck_assert_ptr_nonnull(strstr(t, "# TYPE metallb_bgp_updates counter\n"));
	ck_assert_ptr_nonnull(strstr(t,
	    "# TYPE metallb_bgp_announced_prefixes_total gauge\n"));
	ck_assert_ptr_nonnull(strstr(t,
	    "# TYPE metallb_allocator_addresses_total gauge\n"));

	has_all(t, lbbgp_samples, NELEM(lbbgp_samples));
	lacks(t, "lbbgp_bgp_notifications_sent_total{neighbor=\"router-1\","
	    "peer=\"10.0.0.2:179\",code=\"6\",subcode=\"2\"}");
	/* No HTTP server in this world: the family, no samples. */
	ck_assert_ptr_nonnull(strstr(t,
	    "# TYPE lbbgp_metrics_http_responses counter\n"));
	lacks(t, "lbbgp_metrics_http_responses_total{code=\"200\"}");
	free(t);

	/* Prometheus 0.0.4: same series, counters typed under _total. */
	t = metrics_render(&w.d, false, NULL);
	ck_assert_ptr_nonnull(t);
	has(t, "metallb_bgp_updates_total{peer=\"10.0.0.2:179\"}", "2");
	ck_assert_ptr_nonnull(strstr(t,
	    "# TYPE metallb_bgp_updates_total counter\n"));
	ck_assert_ptr_null(strstr(t, "# EOF"));
	ck_assert_ptr_null(strstr(t, "# UNIT"));
	free(t);

	world_close(&w);
	unlink(jpath);
	unlink(path);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* BFD: MetalLB's names for the sessions, lbbgp's drops by reason; no
 * BFD family at all without a session. */
START_TEST(render_bfd)
{
	struct world w;
	struct bfdd b;
	struct bfdd_peer bp;
	static const struct sample want[] = {
		{ "metallb_bfd_session_up{peer=\"10.0.0.2:179\"}", "1" },
		{ "metallb_bfd_control_packet_input_total"
		    "{peer=\"10.0.0.2:179\"}", "41" },
		{ "metallb_bfd_control_packet_output_total"
		    "{peer=\"10.0.0.2:179\"}", "42" },
		{ "metallb_bfd_session_up_events_total"
		    "{peer=\"10.0.0.2:179\"}", "2" },
		{ "metallb_bfd_session_down_events_total"
		    "{peer=\"10.0.0.2:179\"}", "1" },
		{ "lbbgp_bfd_dropped_packets_total{reason=\"ttl\"}", "3" },
		{ "lbbgp_bfd_dropped_packets_total{reason=\"auth-digest\"}",
		    "4" },
		{ "lbbgp_bfd_dropped_packets_total"
		    "{reason=\"unknown-source\"}", "0" },
	};

	world_open(&w, "/proc/lbbgp-no-such-dir/state.json");
	char *t = metrics_render(&w.d, true, NULL);
	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_null(strstr(t, "metallb_bfd"));
	ck_assert_ptr_null(strstr(t, "lbbgp_bfd"));
	free(t);

	memset(&b, 0, sizeof(b));
	memset(&bp, 0, sizeof(bp));
	bp.s.state = BFD_UP;
	bp.st.rx = 41;
	bp.st.tx = 42;
	bp.st.up_events = 2;
	bp.st.down_events = 1;
	b.drops[BFDD_DROP_TTL] = 3;
	b.drops[BFDD_DROP_ERR + BFD_ERR_AUTH_DIGEST] = 4;
	w.d.bfd = &b;
	w.peer[0].bfd = &bp;
	t = metrics_render(&w.d, true, NULL);
	ck_assert_ptr_nonnull(t);
	well_formed(t);
	has_all(t, want, NELEM(want));
	/* router-2 has no BFD session: no series. */
	lacks(t, "metallb_bfd_session_up{peer=\"[2001:db8::2]:1179\"}");
	ck_assert_ptr_null(strstr(t, "reason=\"ok\""));
	ck_assert_ptr_nonnull(strstr(t,
	    "# TYPE metallb_bfd_control_packet_input counter\n"));
	free(t);
	world_close(&w);
}
END_TEST

/* A state file that cannot be written counts failures. */
START_TEST(render_state_failures)
{
	struct world w;
	struct prefix v;

	world_open(&w, "/proc/lbbgp-no-such-dir/state.json");
	ck_assert(!state_load(w.d.state, w.d.rib));
	ck_assert(addr_parse("192.168.1.240", &v));
	state_touch(w.d.state, &v);
	ck_assert(!state_commit(w.d.state, w.d.rib));
	char *t = metrics_render(&w.d, true, NULL);
	has(t, "lbbgp_state_file_commits_total{result=\"error\"}", "1");
	has(t, "lbbgp_state_file_commits_total{result=\"ok\"}", "0");
	has(t, "lbbgp_state_file_snapshots_total{result=\"error\"}", "1");
	free(t);
	world_close(&w);
}
END_TEST

/* A peer sending ever new NOTIFICATION codes fills a bounded table. */
START_TEST(notif_bounded)
{
	struct notif_counts c = { 0 };

	for (unsigned i = 0; i < 40; i++)
		metrics_count_notif(&c, BGP_ERR_CEASE, (uint8_t)i);
	metrics_count_notif(&c, BGP_ERR_CEASE, 0);
	ck_assert_uint_eq(c.k[0].n, 2);
	ck_assert_uint_eq(c.k[NOTIF_KINDS - 1].subcode, NOTIF_KINDS - 1);
	ck_assert_uint_eq(c.other, 40 - NOTIF_KINDS);

	struct world w;
	world_open(&w, NULL);
	w.peer[0].st.notif_in = c;
	char *t = metrics_render(&w.d, true, NULL);
	well_formed(t);
	has(t, "lbbgp_bgp_notifications_received_total{neighbor=\"router-1\","
	    "peer=\"10.0.0.2:179\",code=\"other\",subcode=\"other\"}", "24");
	has(t, "lbbgp_bgp_notifications_received_total{neighbor=\"router-1\","
	    "peer=\"10.0.0.2:179\",code=\"6\",subcode=\"15\"}", "1");
	free(t);
	world_close(&w);
}
END_TEST

/* Control results: codes as given, command names bounded. */
START_TEST(ctl_bounded)
{
	struct world w;
	char code[64], json[128];

	world_open(&w, NULL);
	for (int i = 0; i < CTL_STATS_MAX + 20; i++) {
		snprintf(code, sizeof(code), "code-%d", i);
		snprintf(json, sizeof(json), "{\"ok\":false,\"code\":\"%s\"}",
		    code);
		json_object *o = reply(json);
		metrics_count_reply(&w.d, "add", o);
		json_object_put(o);
	}
	ck_assert_uint_eq(w.d.nctl_stats, CTL_STATS_MAX + 1);
	char *t = metrics_render(&w.d, true, NULL);
	well_formed(t);
	has(t, "lbbgp_control_requests_total{command=\"invalid\","
	    "result=\"other\"}", "20");
	free(t);
	world_close(&w);
}
END_TEST

int main(void)
{
	log_init(true, 0);
	Suite *s = suite_create("metrics");
	TCase *tc = unit_tcase(s, "om");
	tcase_add_loop_test(tc, escape_table, 0, (int)NELEM(escapes));
	tcase_add_test(tc, escape_truncates);
	tcase_add_test(tc, openmetrics_text);
	tcase_add_test(tc, prometheus_text);
	tcase_add_test(tc, special_values);
	tcase_add_test(tc, histogram_text);
	tcase_add_loop_test(tc, accept_table, 0, (int)NELEM(accepts));
	tc = unit_tcase(s, "render");
	tcase_add_test(tc, render_daemon);
	tcase_add_test(tc, render_bfd);
	tcase_add_test(tc, render_state_failures);
	tcase_add_test(tc, notif_bounded);
	tcase_add_test(tc, ctl_bounded);
	tcase_set_timeout(tc, 30);

	return unit_run(s);
}

/*
 * check_conf_checks.c - unit tests for the health-check part of conf/:
 * check blocks, a pool's and a VIP's check, drain-time and
 * shutdown-drain.  Every statement and every message is a table row; the
 * rest covers the parsed values, the canonical form, the comparisons
 * reload uses (probe, whole check, diff) and conf_check_host().
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/unit/conf_fixture.h"
#include "tests/unit/unit.h"

/* A pool and an advertisement, so rows need not repeat them. */
#define POOL "pool p {\n\taddresses 10.0.0.0/24\n}\nadvertisement a {\n}\n"
#define CHECK_USAGE_ON_DOWN "usage: on-down withdraw | [med 0..4294967295] " \
	"[prepend 1..10] [community COMMUNITY...]"
#define HTTP_USAGE "usage: http \"URL\", e.g. http " \
	"\"http://127.0.0.1:8404/healthz\""
#define TCP_USAGE "usage: tcp ADDRESS port 1..65535, e.g. tcp 127.0.0.1 " \
	"port 443"

static const struct conf_row rows[] = {
	{ "every check statement", true,
	    "check web {\n"
	    "\thttp \"http://127.0.0.1:8404/healthz\"\n"
	    "\texpect 200 204\n\tinterval 0.5\n\ttimeout 0.25\n"
	    "\trise 1\n\tfall 100\n\ton-down withdraw\n"
	    "\tdisable-file \"/etc/lbbgp/maintenance\"\n}\n"
	    "check t {\n\ttcp 2001:DB8::1 port 443\n"
	    "\ton-down med 0 prepend 10 community 64512:666 no-export\n}\n"
	    "check x {\n\texec \"/usr/local/bin/check-dns\" \"-q\" \"\" "
	    "\"a \\\"b\\\"\"\n\tinterval 86400\n\ttimeout 86400\n}\n"
	    "pool p {\n\taddresses 10.0.0.0/24\n\tcheck web\n}\n"
	    "advertisement a {\n}\n"
	    "vip 10.0.0.1 pool p owner ns/svc check t\n"
	    "vip 10.0.0.2 check x owner o\nvip 10.0.0.3\n"
	    "drain-time 0\nshutdown-drain 3600\n",
	    "" },
	{ "defaults written out", true,
	    "check web {\n\thttp http://h/\n\tinterval 2\n\ttimeout 1.000\n"
	    "\trise 2\n\tfall 3\n\ton-down withdraw\n}\n"
	    "drain-time 30\nshutdown-drain 0\n",
	    "" },
	{ "a check nothing uses is fine", true,
	    POOL "check spare {\n\ttcp 127.0.0.1 port 1\n}\n",
	    "" },
	{ "http URL forms", true,
	    "check a {\n\thttp \"https://[::1]:8443/x?y#z\"\n}\n"
	    "check b {\n\thttp \"http://user:pw@h.example:80\"\n}\n"
	    "check c {\n\thttp \"https://h?q\"\n}\n",
	    "" },
	{ "timing limits", true,
	    "check a {\n\ttcp 10.0.0.1 port 65535\n\tinterval 0.1\n"
	    "\ttimeout 0.01\n}\n"
	    "check b {\n\ttcp 10.0.0.1 port 1\n\tinterval 1.5\n"
	    "\ttimeout 1.5\n}\n",
	    "" },
	{ "on-down: each action alone", true,
	    "check a {\n\ttcp 10.0.0.1 port 1\n\ton-down med 4294967295\n}\n"
	    "check b {\n\ttcp 10.0.0.1 port 1\n\ton-down prepend 1\n}\n"
	    "check c {\n\ttcp 10.0.0.1 port 1\n"
	    "\ton-down community graceful-shutdown 1:1 65535:1\n}\n",
	    "" },
	{ "repeats are warned about", true,
	    "check a {\n\thttp \"http://h/\"\n\texpect 200 204 200\n"
	    "\ton-down community 1:1 no-export 1:1 65535:65281\n}\n",
	    "t.conf:3: warning: check a: expect: 200 is listed twice; the "
	    "repeat is ignored\n"
	    "t.conf:4: warning: check a: on-down: 1:1 is listed twice; the "
	    "repeat is ignored\n"
	    "t.conf:4: warning: check a: on-down: 65535:65281 is listed "
	    "twice; the repeat is ignored\n" },
	{ "no probe", false,
	    "check web {\n\tinterval 2\n}\n",
	    "t.conf:1: check web: needs one of http, tcp or exec; add a "
	    "line like \"tcp 127.0.0.1 port 443\"\n" },
	{ "two probes", false,
	    "check web {\n\thttp \"http://h/\"\n\ttcp 10.0.0.1 port 80\n"
	    "\texec /bin/true\n\thttp \"http://i/\"\n}\n",
	    "t.conf:3: check web: tcp: this check already probes with http "
	    "(line 2); a check has one of http, tcp or exec: keep one, or "
	    "define another check\n"
	    "t.conf:4: check web: exec: this check already probes with "
	    "http (line 2); a check has one of http, tcp or exec: keep "
	    "one, or define another check\n"
	    "t.conf:5: check web: http already set at line 2; keep only "
	    "one\n" },
	{ "a bad probe is not also a missing one", false,
	    "check a {\n\ttcp 10.0.0.1 port x\n}\n"
	    "check b {\n\thttp \"http://h/\\q\"\n}\n"
	    "check c {\n\ttcp 1 2 3 4\n}\n",
	    "t.conf:2: check a: tcp: \"x\" is not a number; " TCP_USAGE "\n"
	    "t.conf:5: unknown escape in string: only \\\" and \\\\ are "
	    "escapes; write a backslash as \\\\\n"
	    "t.conf:8: check c: tcp: too many values (\"4\" is one too "
	    "many); " TCP_USAGE "\n" },
	{ "http URLs", false,
	    "check a {\n\thttp \"ftp://h/\"\n}\n"
	    "check b {\n\thttp \"http:///healthz\"\n}\n"
	    "check c {\n\thttp \"http://h:99999/\"\n}\n"
	    "check d {\n\thttp \"http://h/a b\"\n}\n"
	    "check e {\n\thttp \"http://[::1/\"\n}\n"
	    "check f {\n\thttp \"http://h:/\"\n}\n"
	    "check g {\n\thttp \"\"\n}\n"
	    "check h {\n\thttp \"http://u@:80/\"\n}\n",
	    "t.conf:2: check a: http: \"ftp://h/\" does not start with "
	    "http:// or https://; " HTTP_USAGE "\n"
	    "t.conf:5: check b: http: \"http:///healthz\" has no host; "
	    HTTP_USAGE "\n"
	    "t.conf:8: check c: http: \"http://h:99999/\" has a bad port: "
	    "use 1..65535; " HTTP_USAGE "\n"
	    "t.conf:11: check d: http: \"http://h/a b\" has a space; write "
	    "it as %20\n"
	    "t.conf:14: check e: http: \"http://[::1/\" has a bad [IPv6] "
	    "host; " HTTP_USAGE "\n"
	    "t.conf:17: check f: http: \"http://h:/\" has a bad port; "
	    HTTP_USAGE "\n"
	    "t.conf:20: check g: http: the value is empty; " HTTP_USAGE "\n"
	    "t.conf:23: check h: http: \"http://u@:80/\" has no host; "
	    HTTP_USAGE "\n" },
	{ "tcp", false,
	    "check a {\n\ttcp 10.0.0.1\n}\n"
	    "check b {\n\ttcp 10.0.0.1 prot 80\n}\n"
	    "check c {\n\ttcp host.example port 80\n}\n"
	    "check d {\n\ttcp 10.0.0.1 port 0\n}\n"
	    "check e {\n\ttcp 10.0.0.0/24 port 1\n}\n",
	    "t.conf:2: check a: tcp: expected \"port N\" after the address; "
	    TCP_USAGE "\n"
	    "t.conf:5: check b: tcp: expected \"port N\" after the address; "
	    TCP_USAGE "\n"
	    "t.conf:8: check c: tcp: \"host.example\" is not an IP address; "
	    TCP_USAGE "\n"
	    "t.conf:11: check d: tcp: 0 is out of range; " TCP_USAGE "\n"
	    "t.conf:14: check e: tcp: 10.0.0.0/24 is a prefix; give a "
	    "single address; " TCP_USAGE "\n" },
	{ "exec", false,
	    "check a {\n\texec \"check-dns\" \"-q\"\n}\n"
	    "check b {\n\texec \"\"\n}\n"
	    "check c {\n\texec \"./bin/x\"\n}\n"
	    "check d {\n\texec /1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 "
	    "19 20 21 22 23 24 25 26 27 28 29 30 31 32 33\n}\n",
	    "t.conf:2: check a: exec: \"check-dns\" is not an absolute path: "
	    "lbbgpd runs it without a shell or PATH; write the full path, "
	    "e.g. \"/usr/local/bin/check-dns\"\n"
	    "t.conf:5: check b: exec: the value is empty; usage: exec "
	    "\"/PROGRAM\" [\"ARGUMENT\"...] (at most 32 strings)\n"
	    "t.conf:8: check c: exec: \"./bin/x\" is not an absolute path: "
	    "lbbgpd runs it without a shell or PATH; write the full path, "
	    "e.g. \"/usr/local/bin/x\"\n"
	    "t.conf:11: check d: exec: too many values (\"33\" is one too "
	    "many); usage: exec \"/PROGRAM\" [\"ARGUMENT\"...] (at most 32 "
	    "strings)\n" },
	{ "expect", false,
	    "check a {\n\ttcp 10.0.0.1 port 53\n\texpect 200\n}\n"
	    "check dns {\n\texec /usr/bin/dig\n\texpect 200\n}\n"
	    "check c {\n\thttp http://h/\n\texpect 99 600 2xx\n}\n"
	    "check d {\n\thttp http://h/\n\texpect 1 2 3 4 5 6 7 8 9 10 11 12 "
	    "13 14 15 16 17\n}\n",
	    "t.conf:3: check a: expect is for http checks only; remove it: "
	    "a tcp check is up when it connects\n"
	    "t.conf:7: check dns: expect is for http checks only; remove "
	    "it: an exec check is up when the program exits 0\n"
	    "t.conf:11: check c: expect: 99 is out of range; usage: expect "
	    "CODE... (HTTP status codes 100..599, at most 16)\n"
	    "t.conf:15: check d: expect: too many values (\"17\" is one too "
	    "many); usage: expect CODE... (HTTP status codes 100..599, at "
	    "most 16)\n" },
	{ "seconds", false,
	    "check a {\n\ttcp 10.0.0.1 port 1\n\tinterval 0.05\n"
	    "\ttimeout 0.001\n}\n"
	    "check b {\n\ttcp 10.0.0.1 port 1\n\tinterval 86400.001\n"
	    "\ttimeout 0.0001\n}\n"
	    "check c {\n\ttcp 10.0.0.1 port 1\n\tinterval .5\n"
	    "\ttimeout 1.\n}\n"
	    "check d {\n\ttcp 10.0.0.1 port 1\n\tinterval 1s\n"
	    "\ttimeout -1\n}\n"
	    "check e {\n\ttcp 10.0.0.1 port 1\n"
	    "\tinterval 99999999999999999999999\n}\n",
	    "t.conf:3: check a: interval: 0.05 is out of range; usage: "
	    "interval SECONDS (0.1..86400, up to 3 decimals)\n"
	    "t.conf:4: check a: timeout: 0.001 is out of range; usage: "
	    "timeout SECONDS (0.01..86400, up to 3 decimals)\n"
	    "t.conf:8: check b: interval: 86400.001 is out of range; usage: "
	    "interval SECONDS (0.1..86400, up to 3 decimals)\n"
	    "t.conf:9: check b: timeout: 0.0001 has more than 3 decimals; "
	    "usage: timeout SECONDS (0.01..86400, up to 3 decimals)\n"
	    "t.conf:13: check c: interval: \".5\" is not a number of "
	    "seconds; usage: interval SECONDS (0.1..86400, up to 3 "
	    "decimals)\n"
	    "t.conf:14: check c: timeout: \"1.\" is not a number of "
	    "seconds; usage: timeout SECONDS (0.01..86400, up to 3 "
	    "decimals)\n"
	    "t.conf:18: check d: interval: \"1s\" is not a number of "
	    "seconds; usage: interval SECONDS (0.1..86400, up to 3 "
	    "decimals)\n"
	    "t.conf:19: check d: timeout: \"-1\" is not a number of "
	    "seconds; usage: timeout SECONDS (0.01..86400, up to 3 "
	    "decimals)\n"
	    "t.conf:23: check e: interval: 99999999999999999999999 is out "
	    "of range; usage: interval SECONDS (0.1..86400, up to 3 "
	    "decimals)\n" },
	{ "timeout longer than interval", false,
	    "check a {\n\ttcp 10.0.0.1 port 1\n\ttimeout 3\n}\n"
	    "check c {\n\ttcp 10.0.0.1 port 1\n\ttimeout 1.25\n"
	    "\tinterval 1.2\n}\n",
	    "t.conf:3: check a: timeout 3 is longer than interval 2; a probe "
	    "must end before the next one starts: lower timeout or raise "
	    "interval\n"
	    "t.conf:7: check c: timeout 1.25 is longer than interval 1.2; "
	    "a probe must end before the next one starts: lower timeout or "
	    "raise interval\n" },
	{ "rise, fall, disable-file", false,
	    "check a {\n\ttcp 10.0.0.1 port 1\n\trise 0\n\tfall 101\n"
	    "\tdisable-file \"maintenance\"\n}\n"
	    "check b {\n\ttcp 10.0.0.1 port 1\n\tdisable-file \"\"\n"
	    "\trise 2\n\trise 3\n}\n",
	    "t.conf:3: check a: rise: 0 is out of range; usage: rise "
	    "1..100\n"
	    "t.conf:4: check a: fall: 101 is out of range; usage: fall "
	    "1..100\n"
	    "t.conf:5: check a: disable-file: \"maintenance\" is not an "
	    "absolute path; write it from /; usage: disable-file "
	    "\"/PATH\"\n"
	    "t.conf:9: check b: disable-file: the value is empty; usage: "
	    "disable-file \"/PATH\"\n"
	    "t.conf:11: check b: rise already set at line 10; keep only "
	    "one\n" },
	{ "on-down", false,
	    "check a {\n\ttcp 10.0.0.1 port 1\n\ton-down\n}\n"
	    "check b {\n\ttcp 10.0.0.1 port 1\n\ton-down withdraw med 5\n}\n"
	    "check c {\n\ttcp 10.0.0.1 port 1\n\ton-down med 5 withdraw\n}\n"
	    "check d {\n\ttcp 10.0.0.1 port 1\n\ton-down mde 5\n}\n"
	    "check e {\n\ttcp 10.0.0.1 port 1\n\ton-down drop\n}\n"
	    "check f {\n\ttcp 10.0.0.1 port 1\n\ton-down med\n}\n"
	    "check g {\n\ttcp 10.0.0.1 port 1\n\ton-down med 4294967296\n}\n"
	    "check h {\n\ttcp 10.0.0.1 port 1\n\ton-down prepend 0\n}\n"
	    "check i {\n\ttcp 10.0.0.1 port 1\n\ton-down prepend 11\n}\n"
	    "check j {\n\ttcp 10.0.0.1 port 1\n\ton-down med 1 med 2\n}\n"
	    "check k {\n\ttcp 10.0.0.1 port 1\n\ton-down community\n}\n"
	    "check l {\n\ttcp 10.0.0.1 port 1\n"
	    "\ton-down community large:1:2:3 no-exprot 1:65536\n}\n"
	    "check m {\n\ttcp 10.0.0.1 port 1\n\ton-down withdraw\n"
	    "\ton-down med 1\n}\n"
	    "check n {\n\ttcp 10.0.0.1 port 1\n"
	    "\ton-down community 1:1 prepend 2\n}\n",
	    "t.conf:3: check a: on-down: missing value; "
	    CHECK_USAGE_ON_DOWN "\n"
	    "t.conf:7: check b: on-down: withdraw takes the routes away, so "
	    "it goes alone: write \"on-down withdraw\", or keep the routes "
	    "with med, prepend or community\n"
	    "t.conf:11: check c: on-down: withdraw takes the routes away, "
	    "so it goes alone: write \"on-down withdraw\", or keep the "
	    "routes with med, prepend or community\n"
	    "t.conf:15: check d: on-down: unknown option \"mde\"; did you "
	    "mean \"med\"?\n"
	    "t.conf:19: check e: on-down: unknown option \"drop\"; "
	    CHECK_USAGE_ON_DOWN "\n"
	    "t.conf:23: check f: on-down: med needs a value; "
	    CHECK_USAGE_ON_DOWN "\n"
	    "t.conf:27: check g: on-down: med 4294967296 is out of range; "
	    CHECK_USAGE_ON_DOWN "\n"
	    "t.conf:31: check h: on-down: prepend 0 is out of range; "
	    CHECK_USAGE_ON_DOWN "\n"
	    "t.conf:35: check i: on-down: prepend 11 is out of range; "
	    CHECK_USAGE_ON_DOWN "\n"
	    "t.conf:39: check j: on-down: med given twice; "
	    CHECK_USAGE_ON_DOWN "\n"
	    "t.conf:43: check k: on-down: community needs a value; "
	    CHECK_USAGE_ON_DOWN "\n"
	    "t.conf:47: check l: on-down: large:1:2:3 is a large community; "
	    "on-down adds standard ones only (A:B or a well-known name)\n"
	    "t.conf:47: check l: on-down: unknown community \"no-exprot\"; "
	    "did you mean \"no-export\"?\n"
	    "t.conf:47: check l: on-down: 1:65536 is not a community: write "
	    "A:B with A and B in 0..65535\n"
	    "t.conf:52: check m: on-down already set at line 51; keep only "
	    "one\n"
	    "t.conf:56: check n: on-down: unknown community \"prepend\"; "
	    CHECK_USAGE_ON_DOWN "\n"
	    "t.conf:56: check n: on-down: unknown community \"2\"; "
	    CHECK_USAGE_ON_DOWN "\n" },
	{ "names", false,
	    POOL "check web {\n\ttcp 10.0.0.1 port 1\n}\n"
	    "check web {\n\ttcp 10.0.0.2 port 1\n}\n"
	    "pool q {\n\taddresses 10.1.0.0/24\n\tcheck wbe\n}\n"
	    "pool r {\n\taddresses 10.2.0.0/24\n\tcheck -x\n}\n"
	    "vip 10.0.0.1 check zzzzzz\nvip 10.0.0.2 check web check web\n"
	    "vip 10.0.0.3 chek web\nvip 10.0.0.4 check\n"
	    "vip 10.1.0.4 check \"a b\"\n",
	    "t.conf:9: check web already defined at line 6; give it another "
	    "name\n"
	    "t.conf:14: pool q: unknown check \"wbe\"; did you mean "
	    "\"web\"?\n"
	    "t.conf:18: pool r: check: \"-x\" is not a valid name: use "
	    "letters, digits, _ . and -, starting with a letter or digit; "
	    "usage: check NAME (of a check block)\n"
	    "t.conf:20: vip 10.0.0.1: unknown check \"zzzzzz\"; defined: "
	    "web\n"
	    "t.conf:21: vip: check given twice; usage: vip ADDRESS [pool "
	    "NAME] [owner OWNER] [check NAME]\n"
	    "t.conf:22: vip: unknown option \"chek\"; did you mean "
	    "\"check\"?\n"
	    "t.conf:23: vip: check needs a value; usage: vip ADDRESS [pool "
	    "NAME] [owner OWNER] [check NAME]\n"
	    "t.conf:24: vip: \"a b\" is not a valid name: use letters, "
	    "digits, _ . and -, starting with a letter or digit; usage: vip "
	    "ADDRESS [pool NAME] [owner OWNER] [check NAME]\n" },
	{ "unknown check when none is defined", false,
	    POOL "vip 10.0.0.1 pool p check web\n",
	    "t.conf:6: vip 10.0.0.1: unknown check \"web\"; no check is "
	    "defined\n" },
	{ "check statements elsewhere", false,
	    "local-as 1\nneighbor r1 {\n\taddress 10.0.0.1\n\tremote-as 2\n"
	    "\tcheck web\n\tinterval 2\n}\ncheck web {\n\ttcp 10.0.0.1 "
	    "port 1\n\taddresses 10.0.0.0/24\n\tcheck other\n}\n"
	    "on-down withdraw\ncheck web\n",
	    "t.conf:5: neighbor r1: unknown statement \"check\" in neighbor "
	    "block: it belongs in a pool block\n"
	    "t.conf:6: neighbor r1: unknown statement \"interval\" in "
	    "neighbor block: it belongs in a check block\n"
	    "t.conf:10: check web: unknown statement \"addresses\" in check "
	    "block: it belongs in a pool block\n"
	    "t.conf:11: check web: unknown statement \"check\" in check "
	    "block: it belongs in a pool block\n"
	    "t.conf:13: unknown statement \"on-down\" at top level: it "
	    "belongs in a check block\n"
	    "t.conf:14: check: missing { at the end of the line; usage: "
	    "check NAME {\n" },
	{ "drain-time and shutdown-drain", false,
	    "drain-time 86401\nshutdown-drain 3601\ndrain-time 1\n"
	    "shutdown-drain -1\n",
	    "t.conf:1: drain-time: 86401 is out of range; usage: drain-time "
	    "SECONDS (0..86400)\n"
	    "t.conf:2: shutdown-drain: 3601 is out of range; usage: "
	    "shutdown-drain SECONDS (0..3600)\n"
	    "t.conf:3: drain-time already set at line 1; keep only one\n"
	    "t.conf:4: shutdown-drain already set at line 2; keep only "
	    "one\n" },
};

START_TEST(table)
{
	conf_fx_run_row(&rows[_i]);
}
END_TEST

static const char product[] =
    "check web {\n"
    "    http \"http://127.0.0.1:8404/healthz\"\n"
    "    expect 200 204\n"
    "    interval 2\n"
    "    timeout 1\n"
    "    rise 2\n"
    "    fall 3\n"
    "    on-down withdraw\n"
    "    disable-file \"/etc/lbbgp/maintenance\"\n"
    "}\n"
    "check dns {\n"
    "    exec \"/usr/local/bin/check-dns\" \"-q\"\n"
    "    interval 1.25\n"
    "    timeout 0.5\n"
    "    rise 4\n"
    "    fall 1\n"
    "    on-down med 1000 prepend 3 community 64512:666 no-export\n"
    "}\n"
    "check tls {\n"
    "    tcp 127.0.0.1 port 443\n"
    "}\n"
    "pool general-pool {\n"
    "    addresses 192.168.1.240-192.168.1.249\n"
    "    check web\n"
    "}\n"
    "pool istio-pool {\n"
    "    addresses 192.168.1.250-192.168.1.254\n"
    "}\n"
    "advertisement all {\n"
    "}\n"
    "vip 192.168.1.250 pool istio-pool owner "
    "istio-system/istio-ingressgateway check dns\n"
    "vip 192.168.1.251\n"
    "drain-time 45\n"
    "shutdown-drain 10\n";

START_TEST(values)
{
	struct conf *c = conf_fx_load_ok(product);
	char buf[PREFIX_STRLEN];

	ck_assert_uint_eq(c->nchecks, 3);
	const struct conf_check *w = conf_check_by_name(c, "web");
	const struct conf_check *d = conf_check_by_name(c, "dns");
	const struct conf_check *t = conf_check_by_name(c, "tls");
	ck_assert_ptr_eq(w, &c->checks[0]);
	ck_assert_ptr_eq(d, &c->checks[1]);
	ck_assert_ptr_eq(t, &c->checks[2]);
	ck_assert_ptr_null(conf_check_by_name(c, "nope"));

	ck_assert_int_eq(w->kind, CHECK_HTTP);
	ck_assert_int_eq(w->line, 1);
	ck_assert_str_eq(w->url, "http://127.0.0.1:8404/healthz");
	ck_assert_uint_eq(w->nexpect, 2);
	ck_assert_uint_eq(w->expect[0], 200);
	ck_assert_uint_eq(w->expect[1], 204);
	ck_assert_uint_eq(w->interval_ms, 2000);
	ck_assert_uint_eq(w->timeout_ms, 1000);
	ck_assert_uint_eq(w->rise, 2);
	ck_assert_uint_eq(w->fall, 3);
	ck_assert(!w->down_keep);
	ck_assert_str_eq(w->disable_file, "/etc/lbbgp/maintenance");
	ck_assert_ptr_null(w->argv);

	ck_assert_int_eq(d->kind, CHECK_EXEC);
	ck_assert_uint_eq(d->argc, 2);
	ck_assert_str_eq(d->argv[0], "/usr/local/bin/check-dns");
	ck_assert_str_eq(d->argv[1], "-q");
	ck_assert_ptr_null(d->argv[2]);	/* NULL-terminated for posix_spawn() */
	ck_assert_uint_eq(d->interval_ms, 1250);
	ck_assert_uint_eq(d->timeout_ms, 500);
	ck_assert_uint_eq(d->rise, 4);
	ck_assert_uint_eq(d->fall, 1);
	ck_assert(d->down_keep && d->down_med_set);
	ck_assert_uint_eq(d->down_med, 1000);
	ck_assert_uint_eq(d->down_prepend, 3);
	ck_assert_uint_eq(d->ndown_comm, 2);
	ck_assert_uint_eq(d->down_comm[0], 64512u << 16 | 666);
	ck_assert_uint_eq(d->down_comm[1], BGP_COMM_NO_EXPORT);
	ck_assert_uint_eq(d->nexpect, 0);
	ck_assert_ptr_null(d->disable_file);

	ck_assert_int_eq(t->kind, CHECK_TCP);
	ck_assert_str_eq(addr_fmt(&t->addr, buf, sizeof(buf)), "127.0.0.1");
	ck_assert_uint_eq(t->port, 443);
	ck_assert_ptr_null(t->url);
	ck_assert_uint_eq(t->interval_ms, CONF_DEFAULT_INTERVAL_MS);
	ck_assert_uint_eq(t->timeout_ms, CONF_DEFAULT_TIMEOUT_MS);

	ck_assert_str_eq(c->pools[0].check, "web");
	ck_assert_uint_eq(c->pools[0].check_idx, 0);
	ck_assert_ptr_null(c->pools[1].check);
	ck_assert_uint_eq(c->pools[1].check_idx, SIZE_MAX);
	ck_assert_str_eq(c->vips[0].check, "dns");
	ck_assert_uint_eq(c->vips[0].check_idx, 1);
	ck_assert_ptr_null(c->vips[1].check);
	ck_assert_uint_eq(c->vips[1].check_idx, SIZE_MAX);
	ck_assert_uint_eq(c->drain_time, 45);
	ck_assert_uint_eq(c->shutdown_drain, 10);
	conf_free(c);

	/* Defaults, also for configs the check pass never saw. */
	c = conf_fx_load_ok("");
	ck_assert_uint_eq(c->drain_time, CONF_DEFAULT_DRAIN_TIME);
	ck_assert_uint_eq(c->shutdown_drain, 0);
	conf_free(c);
	struct conf_diag dg;
	conf_diag_init(&dg);
	c = conf_parse_string("p.conf", "pool p {\n}\nvip 10.0.0.1\n"
	    "check c {\n}\n", &dg);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->pools[0].check_idx, SIZE_MAX);
	ck_assert_uint_eq(c->vips[0].check_idx, SIZE_MAX);
	ck_assert_uint_eq(c->drain_time, CONF_DEFAULT_DRAIN_TIME);
	ck_assert_uint_eq(c->checks[0].interval_ms, CONF_DEFAULT_INTERVAL_MS);
	ck_assert_uint_eq(c->checks[0].rise, CONF_DEFAULT_RISE);
	ck_assert_uint_eq(c->checks[0].fall, CONF_DEFAULT_FALL);
	/* A check without a probe still prints (and parses back). */
	char *p = conf_fx_printed(c);
	ck_assert_str_eq(p, "check c {\n}\n\npool p {\n}\n\nvip 10.0.0.1\n");
	free(p);
	conf_free(c);
	conf_diag_free(&dg);
}
END_TEST

/* The canonical form: checks before pools, defaults left out, seconds
 * with the fewest decimals. */
/* The default timeout follows a shorter interval; a written one does not. */
START_TEST(default_timeout)
{
	struct conf *c = conf_fx_load_ok("check a {\n\ttcp 10.0.0.1 port 1\n"
	    "\tinterval 0.5\n}\ncheck b {\n\ttcp 10.0.0.1 port 1\n"
	    "\tinterval 5\n}\n");

	ck_assert_uint_eq(c->checks[0].timeout_ms, 500);
	ck_assert_uint_eq(c->checks[1].timeout_ms, CONF_DEFAULT_TIMEOUT_MS);
	conf_free(c);
}
END_TEST

START_TEST(canonical)
{
	struct conf *c = conf_fx_load_ok(product);
	char *p = conf_fx_printed(c);

	ck_assert_str_eq(p,
	    "drain-time 45\n"
	    "shutdown-drain 10\n"
	    "\n"
	    "check web {\n"
	    "\thttp \"http://127.0.0.1:8404/healthz\"\n"
	    "\texpect 200 204\n"
	    "\tdisable-file \"/etc/lbbgp/maintenance\"\n"
	    "}\n"
	    "\n"
	    "check dns {\n"
	    "\texec \"/usr/local/bin/check-dns\" \"-q\"\n"
	    "\tinterval 1.25\n"
	    "\ttimeout 0.5\n"
	    "\trise 4\n"
	    "\tfall 1\n"
	    "\ton-down med 1000 prepend 3 community 64512:666 no-export\n"
	    "}\n"
	    "\n"
	    "check tls {\n"
	    "\ttcp 127.0.0.1 port 443\n"
	    "}\n"
	    "\n"
	    "pool general-pool {\n"
	    "\taddresses 192.168.1.240-192.168.1.249\n"
	    "\tcheck web\n"
	    "}\n"
	    "\n"
	    "pool istio-pool {\n"
	    "\taddresses 192.168.1.250-192.168.1.254\n"
	    "}\n"
	    "\n"
	    "advertisement all {\n"
	    "}\n"
	    "\n"
	    "vip 192.168.1.250 pool istio-pool owner "
	    "istio-system/istio-ingressgateway check dns\n"
	    "vip 192.168.1.251\n");
	free(p);
	conf_fx_roundtrip(c, "product");
	conf_free(c);
}
END_TEST

START_TEST(secs_fmt)
{
	static const struct {
		uint32_t ms;
		const char *s;
	} t[] = {
		{ 0, "0" }, { 10, "0.01" }, { 100, "0.1" }, { 500, "0.5" },
		{ 1000, "1" }, { 1001, "1.001" }, { 1250, "1.25" },
		{ 2000, "2" }, { 86400000, "86400" }, { 86399999, "86399.999" },
	};
	char buf[CONF_SECS_STRLEN];

	for (size_t i = 0; i < NELEM(t); i++)
		ck_assert_str_eq(conf_secs_fmt(t[i].ms, buf, sizeof(buf)),
		    t[i].s);
}
END_TEST

/* One check, changed by one statement: the probe or only on-down. */
static const struct {
	const char *stmt;	/* replaces the body's last line, or "" */
	bool probe_eq;
	bool check_eq;
} eq_rows[] = {
	{ "", true, true },
	{ "\tinterval 2\n", true, true },
	{ "\ton-down withdraw\n", true, true },
	{ "\ton-down med 5\n", true, false },
	{ "\ton-down prepend 1\n", true, false },
	{ "\ton-down community no-export\n", true, false },
	{ "\tinterval 3\n", false, false },
	{ "\ttimeout 0.5\n", false, false },
	{ "\trise 1\n", false, false },
	{ "\tfall 1\n", false, false },
	{ "\tdisable-file \"/x\"\n", false, false },
	{ "\texpect 200\n", false, false },
};

START_TEST(check_eq)
{
	static const char head[] = "check web {\n\thttp \"http://h/\"\n";
	char text[256];

	snprintf(text, sizeof(text), "%s}\n", head);
	struct conf *a = conf_fx_load_ok(text);
	snprintf(text, sizeof(text), "%s%s}\n", head, eq_rows[_i].stmt);
	struct conf *b = conf_fx_load_ok(text);
	const struct conf_check *x = &a->checks[0], *y = &b->checks[0];

	ck_assert_msg(conf_check_probe_eq(x, y) == eq_rows[_i].probe_eq,
	    "%s", eq_rows[_i].stmt);
	ck_assert_msg(conf_check_eq(x, y) == eq_rows[_i].check_eq, "%s",
	    eq_rows[_i].stmt);
	ck_assert(conf_check_probe_eq(y, x) == eq_rows[_i].probe_eq);
	ck_assert(conf_check_eq(y, y) && conf_check_probe_eq(y, y));
	ck_assert(conf_equal(a, b) == eq_rows[_i].check_eq);
	conf_free(a);
	conf_free(b);
}
END_TEST

/* Another probe target is another probe; a check's name is not part of
 * its probe. */
START_TEST(probe_targets)
{
	struct conf *c = conf_fx_load_ok(
	    "check a {\n\thttp \"http://h/\"\n}\n"
	    "check b {\n\thttp \"http://h/x\"\n}\n"
	    "check c {\n\ttcp 10.0.0.1 port 1\n}\n"
	    "check d {\n\ttcp 10.0.0.1 port 2\n}\n"
	    "check e {\n\ttcp 10.0.0.2 port 1\n}\n"
	    "check f {\n\texec /bin/x\n}\n"
	    "check g {\n\texec /bin/x -q\n}\n"
	    "check h {\n\texec /bin/y\n}\n"
	    "check i {\n\thttp \"http://h/\"\n}\n");

	for (size_t i = 0; i < c->nchecks; i++)
		for (size_t j = 0; j < c->nchecks; j++)
			ck_assert_msg(conf_check_probe_eq(&c->checks[i],
			    &c->checks[j]) == (i == j || (i == 0 && j == 8) ||
			    (i == 8 && j == 0)), "%zu %zu", i, j);
	ck_assert(!conf_check_eq(&c->checks[0], &c->checks[8]));
	conf_free(c);
}
END_TEST

START_TEST(diff_blocks)
{
	static const char a[] =
	    "check same {\n\ttcp 10.0.0.1 port 1\n}\n"
	    "check down {\n\ttcp 10.0.0.1 port 1\n}\n"
	    "check gone {\n\ttcp 10.0.0.1 port 1\n}\n"
	    "pool p1 {\n\taddresses 10.0.0.0/24\n\tcheck same\n}\n"
	    "pool p2 {\n\taddresses 10.1.0.0/24\n}\n"
	    "advertisement all {\n}\n"
	    "drain-time 10\n";
	static const char b[] =
	    "check same {\n\ttcp 10.0.0.1 port 1\n}\n"
	    "check down {\n\ttcp 10.0.0.1 port 1\n\ton-down med 9\n}\n"
	    "check new {\n\thttp http://h/\n}\n"
	    "pool p1 {\n\taddresses 10.0.0.0/24\n\tcheck same\n}\n"
	    "pool p2 {\n\taddresses 10.1.0.0/24\n\tcheck new\n}\n"
	    "advertisement all {\n}\n"
	    "drain-time 20\n";
	char log[CONF_FX_LOG] = "";
	struct conf *ca = conf_fx_load_ok(a), *cb = conf_fx_load_ok(b);

	conf_diff_blocks(ca, cb, conf_fx_blocks_log, log);
	ck_assert_str_eq(log, "~check down +check new -check gone ~pool p2");
	log[0] = '\0';
	conf_diff_blocks(cb, cb, conf_fx_blocks_log, log);
	ck_assert_str_eq(log, "");
	ck_assert(!conf_equal(ca, cb));
	conf_free(ca);
	conf_free(cb);

	/* drain-time and shutdown-drain are part of the config. */
	ca = conf_fx_load_ok("drain-time 10\n");
	cb = conf_fx_load_ok("drain-time 11\n");
	ck_assert(!conf_equal(ca, cb));
	conf_free(cb);
	cb = conf_fx_load_ok("drain-time 10\nshutdown-drain 1\n");
	ck_assert(!conf_equal(ca, cb));
	conf_free(ca);
	conf_free(cb);
}
END_TEST

START_TEST(host)
{
	char dir[64], prog[96], plain[96], text[1024];
	struct conf_diag d;

	unit_tmpdir(dir, sizeof(dir), "check_conf_checks");
	snprintf(prog, sizeof(prog), "%s/probe", dir);
	snprintf(plain, sizeof(plain), "%s/plain", dir);
	FILE *f = fopen(prog, "w");
	ck_assert_ptr_nonnull(f);
	fputs("#!/bin/sh\nexit 0\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(prog, 0755), 0);
	f = fopen(plain, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_eq(chmod(plain, 0644), 0);

	snprintf(text, sizeof(text),
	    "check ok {\n\texec \"%s\" \"-q\"\n"
	    "\tdisable-file \"%s/no/such/dir/maintenance\"\n}\n"
	    "check missing {\n\texec \"%s/missing\"\n}\n"
	    "check dir {\n\texec \"%s\"\n}\n"
	    "check plain {\n\texec \"%s\"\n}\n"
	    "check web {\n\thttp \"http://h/\"\n}\n",
	    prog, dir, dir, dir, plain);
	struct conf *c = conf_fx_load_ok(text);
	conf_diag_init(&d);
	conf_check_host(c, &d);
	char *m = conf_fx_joined(&d);
	/* A file without x bits is not executable, even for root. */
	char want[1024];
	snprintf(want, sizeof(want),
	    "v.conf:5: check missing: %s/missing: no such file; install it "
	    "or correct the exec line\n"
	    "v.conf:8: check dir: %s: is a directory; exec needs a "
	    "program\n"
	    "v.conf:11: check plain: %s: is not executable; chmod +x it or "
	    "correct the exec line\n", dir, dir, plain);
	ck_assert_str_eq(m, want);
	ck_assert_uint_eq(d.nerrors, 3);
	ck_assert_uint_eq(d.nmsgs, 3);
	free(m);
	conf_diag_free(&d);
	conf_free(c);

	/* Nothing to say: nothing added. */
	c = conf_fx_load_ok("check web {\n\thttp \"http://h/\"\n}\n");
	conf_diag_init(&d);
	conf_check_host(c, &d);
	ck_assert_uint_eq(d.nmsgs, 0);
	ck_assert_uint_eq(d.nerrors, 0);
	conf_diag_free(&d);
	conf_free(c);
	unit_rmtree(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("conf_checks");
	TCase *tc = unit_tcase(s, "core");

	tcase_add_loop_test(tc, table, 0, (int)NELEM(rows));
	tcase_add_test(tc, values);
	tcase_add_test(tc, default_timeout);
	tcase_add_test(tc, canonical);
	tcase_add_test(tc, secs_fmt);
	tcase_add_loop_test(tc, check_eq, 0, (int)NELEM(eq_rows));
	tcase_add_test(tc, probe_targets);
	tcase_add_test(tc, diff_blocks);
	tcase_add_test(tc, host);
	return unit_run(s);
}

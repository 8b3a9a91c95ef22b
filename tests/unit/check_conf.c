/*
 * check_conf.c - unit tests for conf/: every statement and every message
 * of the parser and the checks (one table row each), the printer's round
 * trip on every valid row, the MetalLB seed set-up, the community and AS
 * helpers, and a seeded mutation fuzz that must never crash.
 *
 * Rows give the exact messages: a changed wording shows up here first.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "tests/unit/conf_fixture.h"
#include "tests/unit/unit.h"

/* The top-level statements, as "expected one of:" lists them. */
#define TOP_LEVEL "router-id, local-as, listen, socket, state-file, " \
	"socket-mode, socket-group, max-clients, vip-interface, " \
	"track-interface, import-addresses, metrics, drain-time, " \
	"shutdown-drain, fleet, check, pool, neighbor, advertisement, vip"

static const struct conf_row rows[] = {
	{ "empty", true,
	    "",
	    "" },
	{ "comments only", true,
	    "# nothing here\n\n   \t# more\n",
	    "" },
	{ "minimal", true,
	    "local-as 64513\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n}\n",
	    "" },
	{ "globals", true,
	    "router-id 10.0.1.1\nlocal-as 64513\n"
	    "listen on 127.0.0.1 port 1179\nlisten on ::1\n"
	    "listen on 0.0.0.0 port 179\n"
	    "socket \"/run/lbbgp.rsock\" restricted\n"
	    "socket /run/other.sock\n"
	    "state-file \"/var/lib/lbbgp/state \\\"x\\\" \\\\.json\"\n",
	    "" },
	{ "every neighbor statement", true,
	    "local-as 64513\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n\tlocal-as 65000.1\n"
	    "\tlocal-address 10.0.0.254\n\tnext-hop 10.0.0.253\n"
	    "\tnext-hop-v6 2001:DB8::1\n\tport 1179\n\thold-time 30\n"
	    "\tkeepalive 10\n\tconnect-retry 7\n\tpassive yes\n"
	    "\tmultihop 255\n\tttl-security no\n"
	    "\tgraceful-restart no restart-time 60\n"
	    "\tdescription \"core \\\"one\\\" # not a comment\"\n"
	    "\tshutdown yes\n}\n",
	    "" },
	{ "hold-time 0, keepalive 0", true,
	    "local-as 64513\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n\thold-time 0\n\tkeepalive 0\n}\n",
	    "" },
	{ "hold-time 0, keepalive unset", true,
	    "local-as 1.0\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n\thold-time 3\n}\nneighbor r2 {\n"
	    "\taddress 10.0.0.2\n\tremote-as 65535.65535\n\thold-time 0\n"
	    "}\n",
	    "" },
	{ "asdot and asplain", true,
	    "local-as 0.1\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 4294967295\n\tlocal-as 1.10\n}\n",
	    "" },
	{ "every community form", true,
	    "pool p1 {\n\taddresses 192.168.1.0/24\n}\nadvertisement a1 {\n"
	    "\tcommunities no-export no-advertise no-export-subconfed "
	    "no-peer\n"
	    "\tcommunities blackhole graceful-shutdown 0:0 65535:65535 "
	    "64512:100\n"
	    "\tcommunities large:0:0:0 "
	    "large:4294967295:4294967295:4294967295\n"
	    "}\nadvertisement a2 {\n"
	    "\tcommunities local-as 65535:65281 large:64512:1:2\n}\n",
	    "" },
	{ "pool forms", true,
	    "pool p1 {\n\taddresses 192.168.1.0/24\n"
	    "\taddresses 192.168.2.10-192.168.2.20\n"
	    "\taddresses 192.168.3.1\n\taddresses 192.168.3.2/32\n"
	    "\tauto-assign no\n\tavoid-buggy-ips yes\n}\npool p6 {\n"
	    "\taddresses 2001:DB8:1::/64\n"
	    "\taddresses 2001:db8:2::1-2001:db8:2::ff\n\tauto-assign yes\n"
	    "\tavoid-buggy-ips no\n}\nadvertisement all {\n}\n",
	    "" },
	{ "vips", true,
	    "pool p1 {\n\taddresses 192.168.1.0/24\n}\npool p2 {\n"
	    "\taddresses 2001:db8::/120\n}\nadvertisement all {\n}\n"
	    "vip 192.168.1.1\nvip 192.168.1.2 pool p1\n"
	    "vip 192.168.1.3 owner default/web\n"
	    "vip 2001:DB8::10 owner \"team a\" pool p2\n"
	    "vip 192.168.1.4 pool p1 owner \"\\\"q\\\"\"\n",
	    "" },
	{ "advertisement lists append", true,
	    "pool p1 {\n\taddresses 192.168.1.0/24\n}\npool p2 {\n"
	    "\taddresses 192.168.2.0/24\n}\nlocal-as 64513\nneighbor r1 {\n"
	    "\taddress 10.0.0.1\n\tremote-as 64512\n}\nneighbor r2 {\n"
	    "\taddress 10.0.0.2\n\tremote-as 64512\n}\nadvertisement a1 {\n"
	    "\tpools p1\n\tpools p2\n\tpeers r1\n\tpeers r2\n"
	    "\taggregation-length 24\n\taggregation-length-v6 64\n"
	    "\tlocal-pref 200\n}\n",
	    "" },
	{ "repeats in lists are warned about", true,
	    "pool p1 {\n\taddresses 192.168.1.0/24\n}\nlocal-as 64513\n"
	    "neighbor r1 {\n\taddress 10.0.0.1\n\tremote-as 64512\n}\n"
	    "advertisement a1 {\n\tpools p1 p1\n\tpeers r1\n\tpeers r1\n"
	    "\tcommunities 1:1 1:1 no-export 65535:65281 large:1:2:3 "
	    "large:1:2:3\n"
	    "}\n",
	    "t.conf:10: warning: advertisement a1: pools: p1 is listed "
	    "twice; the repeat is ignored\n"
	    "t.conf:12: warning: advertisement a1: peers: r1 is listed "
	    "twice; the repeat is ignored\n"
	    "t.conf:13: warning: advertisement a1: communities: 1:1 is "
	    "listed twice; the repeat is ignored\n"
	    "t.conf:13: warning: advertisement a1: communities: "
	    "65535:65281 is listed twice; the repeat is ignored\n"
	    "t.conf:13: warning: advertisement a1: communities: "
	    "large:1:2:3 is listed twice; the repeat is ignored\n" },
	{ "CRLF line endings", true,
	    "local-as 64513\r\nneighbor r1 {\r\n\taddress 10.0.0.1\r\n"
	    "\tremote-as 64512\r\n}\r\n",
	    "" },
	{ "no final newline", true,
	    "local-as 64513",
	    "" },
	{ "aggregation as long as the pool", true,
	    "pool p1 {\n\taddresses 192.168.1.0/24\n"
	    "\taddresses 192.168.2.0-192.168.2.255\n}\npool p6 {\n"
	    "\taddresses 2001:db8::/56\n}\nadvertisement a1 {\n"
	    "\taggregation-length 24\n\taggregation-length-v6 56\n}\n",
	    "" },
	{ "pool in no advertisement", true,
	    "pool p1 {\n\taddresses 192.168.1.0/24\n}\nlocal-as 64513\n"
	    "neighbor r1 {\n\taddress 10.0.0.1\n\tremote-as 64512\n}\n",
	    "t.conf:1: warning: pool p1 is in no advertisement; its VIPs "
	    "will not be announced\n" },
	{ "password (TCP-MD5)", true,
	    "local-as 64513\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n\tpassword \"secret\"\n}\n",
	    "" },
	{ "ttl-security yes (GTSM)", true,
	    "local-as 64513\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n\tttl-security yes\n}\n",
	    "" },
	{ "graceful-restart yes", true,
	    "local-as 64513\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n\tgraceful-restart yes restart-time 300\n"
	    "}\n",
	    "" },
	{ "max-prefix with restart", true,
	    "local-as 64513\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n\tmax-prefix 1000 restart 5\n}\n",
	    "" },
	{ "min-hold-time above hold-time", false,
	    "local-as 64513\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n\thold-time 9\n\tmin-hold-time 10\n}\n",
	    "t.conf:6: neighbor r1: min-hold-time 10 is above our own "
	    "hold-time 9, so no session could come up; lower it or raise "
	    "hold-time\n" },
	{ "min-hold-time and send-hold-time", true,
	    "local-as 64513\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n\tmin-hold-time 9\n"
	    "\tsend-hold-time 600\n}\n",
	    "" },
	{ "typo in neighbor block", false,
	    "local-as 64513\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n\thold-tme 90\n\tkeepalve 30\n"
	    "\tremote_as 1\n}\n",
	    "t.conf:5: neighbor r1: unknown statement \"hold-tme\" in "
	    "neighbor block; did you mean \"hold-time\"?\n"
	    "t.conf:6: neighbor r1: unknown statement \"keepalve\" in "
	    "neighbor block; did you mean \"keepalive\"?\n"
	    "t.conf:7: neighbor r1: unknown statement \"remote_as\" in "
	    "neighbor block; did you mean \"remote-as\"?\n" },
	{ "typo in pool and advertisement", false,
	    "pool p1 {\n\tadresses 192.168.1.0/24\n\tauto-asign no\n}\n"
	    "advertisement a1 {\n\tcomunities 1:1\n\tpeer r1\n}\n",
	    "t.conf:1: pool p1: no addresses; add a line like \"addresses "
	    "192.168.1.240/28\"\n"
	    "t.conf:2: pool p1: unknown statement \"adresses\" in pool "
	    "block; did you mean \"addresses\"?\n"
	    "t.conf:3: pool p1: unknown statement \"auto-asign\" in pool "
	    "block; did you mean \"auto-assign\"?\n"
	    "t.conf:6: advertisement a1: unknown statement \"comunities\" "
	    "in advertisement block; did you mean \"communities\"?\n"
	    "t.conf:7: advertisement a1: unknown statement \"peer\" in "
	    "advertisement block; did you mean \"peers\"?\n" },
	{ "typo at top level", false,
	    "routerid 10.0.0.1\nlocal_as 64513\nstatefile \"x\"\n",
	    "t.conf:1: unknown statement \"routerid\" at top level; did "
	    "you mean \"router-id\"?\n"
	    "t.conf:2: unknown statement \"local_as\" at top level; did "
	    "you mean \"local-as\"?\n"
	    "t.conf:3: unknown statement \"statefile\" at top level; did "
	    "you mean \"state-file\"?\n" },
	{ "unknown word without a near keyword", false,
	    "local-as 64513\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n\tfrobnicate yes\n}\nxyzzy\n",
	    "t.conf:5: neighbor r1: unknown statement \"frobnicate\" in "
	    "neighbor block; expected one of: address, remote-as, "
	    "local-as, local-address, next-hop, next-hop-v6, port, "
	    "hold-time, keepalive, min-hold-time, send-hold-time, "
	    "connect-retry, passive, password, "
	    "multihop, ttl-security, graceful-restart, max-prefix, "
	    "description, shutdown, track-interface, bfd, bfd-min-tx, "
	    "bfd-min-rx, bfd-multiplier, bfd-strict, bfd-auth, "
	    "extended-next-hop, vrf\n"
	    "t.conf:7: unknown statement \"xyzzy\" at top level; expected "
	    "one of: " TOP_LEVEL "\n" },
	{ "statement of another block", false,
	    "local-as 64513\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n\taddresses 192.168.1.0/24\n"
	    "\tvip 192.168.1.1\n}\nremote-as 1\npools p1\n",
	    "t.conf:5: neighbor r1: unknown statement \"addresses\" in "
	    "neighbor block: it belongs in a pool block\n"
	    "t.conf:6: neighbor r1: unknown statement \"vip\" in neighbor "
	    "block: it is a top-level statement; close the neighbor block "
	    "with } first\n"
	    "t.conf:8: unknown statement \"remote-as\" at top level: it "
	    "belongs in a neighbor block\n"
	    "t.conf:9: unknown statement \"pools\" at top level: it "
	    "belongs in an advertisement block\n" },
	{ "unknown names in advertisement and vip", false,
	    "pool istio-pool {\n\taddresses 192.168.1.250-192.168.1.254\n"
	    "}\nlocal-as 64513\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n}\nadvertisement adv1 {\n"
	    "\tpools istio-pol\n\tpeers r2 zzzzzz\n}\n"
	    "vip 192.168.1.250 pool istio-pol\n"
	    "vip 192.168.1.251 pol istio-pool\nvip 192.168.1.252 owner\n",
	    "t.conf:1: warning: pool istio-pool is in no advertisement; "
	    "its VIPs will not be announced\n"
	    "t.conf:10: advertisement adv1: unknown pool \"istio-pol\"; "
	    "did you mean \"istio-pool\"?\n"
	    "t.conf:11: advertisement adv1: unknown neighbor \"r2\"; did "
	    "you mean \"r1\"?\n"
	    "t.conf:11: advertisement adv1: unknown neighbor \"zzzzzz\"; "
	    "defined: r1\n"
	    "t.conf:13: vip 192.168.1.250: unknown pool \"istio-pol\"; did "
	    "you mean \"istio-pool\"?\n"
	    "t.conf:14: vip: unknown option \"pol\"; did you mean "
	    "\"pool\"?\n"
	    "t.conf:15: vip: owner needs a value; usage: vip ADDRESS [pool "
	    "NAME] [owner OWNER] [check NAME]\n" },
	{ "unknown names when none are defined", false,
	    "advertisement a1 {\n\tpools p1\n\tpeers r1\n}\n",
	    "t.conf:2: advertisement a1: unknown pool \"p1\"; no pool is "
	    "defined\n"
	    "t.conf:3: advertisement a1: unknown neighbor \"r1\"; no "
	    "neighbor is defined\n" },
	{ "duplicate names", false,
	    "pool p1 {\n\taddresses 192.168.1.0/24\n}\npool p1 {\n"
	    "\taddresses 10.1.0.0/24\n}\nlocal-as 64513\nneighbor r1 {\n"
	    "\taddress 10.0.0.1\n\tremote-as 64512\n}\nneighbor r1 {\n"
	    "\taddress 10.0.0.2\n\tremote-as 1\n}\nadvertisement a1 {\n}\n"
	    "advertisement a1 {\n}\n",
	    "t.conf:4: pool p1 already defined at line 1; give it another "
	    "name\n"
	    "t.conf:12: neighbor r1 already defined at line 8; give it "
	    "another name\n"
	    "t.conf:18: advertisement a1 already defined at line 16; give "
	    "it another name\n" },
	{ "duplicate neighbor address", false,
	    "local-as 64513\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n}\nneighbor r2 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 1\n}\n",
	    "t.conf:7: neighbor r2: address 10.0.0.1 is already neighbor "
	    "r1 (line 2)\n" },
	{ "overlapping ranges", false,
	    "pool a {\n\taddresses 192.168.1.0/24\n"
	    "\taddresses 192.168.1.128-192.168.1.130\n}\npool b {\n"
	    "\taddresses 192.168.0.250-192.168.1.1\n"
	    "\taddresses 10.0.0.0/8\n}\npool c {\n"
	    "\taddresses 2001:db8::/64\n\taddresses 10.255.255.255\n}\n"
	    "advertisement all {\n}\n",
	    "t.conf:3: pool a: 192.168.1.128-192.168.1.130 overlaps "
	    "192.168.1.0/24 of the same pool (line 2); list each address "
	    "once\n"
	    "t.conf:6: pool b: 192.168.0.250-192.168.1.1 overlaps "
	    "192.168.1.0/24 of pool a (line 2); an address belongs to one "
	    "pool only\n"
	    "t.conf:11: pool c: 10.255.255.255 overlaps 10.0.0.0/8 of pool "
	    "b (line 7); an address belongs to one pool only\n" },
	{ "neighbor without address, AS or local AS", false,
	    "neighbor r1 {\n}\nneighbor r2 {\n\taddress 10.0.0.2\n"
	    "\tremote-as 1\n}\n",
	    "t.conf:1: neighbor r1: no address; add a line like \"address "
	    "10.0.0.1\"\n"
	    "t.conf:1: neighbor r1: no remote-as; add a line like "
	    "\"remote-as 64512\"\n"
	    "t.conf:1: neighbor r1: no local AS; set local-as in this "
	    "block or a global \"local-as ASN\"\n"
	    "t.conf:3: neighbor r2: no local AS; set local-as in this "
	    "block or a global \"local-as ASN\"\n" },
	{ "bad values do not also count as missing", false,
	    "local-as 0\nneighbor r1 {\n\taddress 10.0.0.999\n"
	    "\tremote-as x\n}\n",
	    "t.conf:1: local-as: AS 0 is reserved and never valid (RFC "
	    "7607); usage: local-as ASN (1..4294967295, or asdot 1.10)\n"
	    "t.conf:3: neighbor r1: address: \"10.0.0.999\" is not an IP "
	    "address; usage: address ADDRESS, e.g. address 10.0.0.1\n"
	    "t.conf:4: neighbor r1: remote-as: \"x\" is not an AS number; "
	    "usage: remote-as ASN (1..4294967295, or asdot 1.10)\n" },
	{ "families", false,
	    "local-as 64513\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n\tlocal-address 2001:db8::1\n"
	    "\tnext-hop 2001:db8::2\n\tnext-hop-v6 10.0.0.3\n}\n",
	    "t.conf:5: neighbor r1: local-address 2001:db8::1 and address "
	    "10.0.0.1 are of different families; use an IPv4 "
	    "local-address\n"
	    "t.conf:6: neighbor r1: next-hop: 2001:db8::2 is an IPv6 "
	    "address; usage: next-hop IPV4-ADDRESS (next-hop-v6 for IPv6)\n"
	    "t.conf:7: neighbor r1: next-hop-v6: 10.0.0.3 is an IPv4 "
	    "address; usage: next-hop-v6 IPV6-ADDRESS\n" },
	{ "keepalive against hold-time", false,
	    "local-as 64513\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n\tkeepalive 90\n}\nneighbor r2 {\n"
	    "\taddress 10.0.0.2\n\tremote-as 1\n\thold-time 0\n"
	    "\tkeepalive 30\n}\nneighbor r3 {\n\taddress 10.0.0.3\n"
	    "\tremote-as 1\n\thold-time 9\n\tkeepalive 0\n}\n"
	    "neighbor r4 {\n\taddress 10.0.0.4\n\tremote-as 1\n"
	    "\thold-time 1\n}\n",
	    "t.conf:5: neighbor r1: keepalive 90 must be less than "
	    "hold-time 90; use 1..89 (default: hold-time / 3)\n"
	    "t.conf:11: neighbor r2: keepalive 30 with hold-time 0: a hold "
	    "time of 0 means no keepalives (RFC 4271 section 4.4); set "
	    "keepalive 0 or remove it\n"
	    "t.conf:17: neighbor r3: keepalive 0 with hold-time 9: the "
	    "peer would drop the session after 9 seconds; use 1..8 "
	    "(default: hold-time / 3)\n"
	    "t.conf:22: neighbor r4: hold-time: 1 is too short: the hold "
	    "time is 0 or at least 3 seconds (RFC 4271 section 4.2); "
	    "usage: hold-time SECONDS (0 or 3..65535)\n" },
	{ "vips outside pools", false,
	    "pool p1 {\n\taddresses 192.168.1.0/24\n}\n"
	    "advertisement all {\n}\npool p2 {\n\taddresses 10.0.0.0/24\n"
	    "}\nvip 192.168.2.1\nvip 192.168.1.1 pool p2\nvip 10.0.0.1\n"
	    "vip 10.0.0.1 pool p2\nvip 10.0.0.2 pool p2\n"
	    "vip 172.16.0.1 pool p2\n",
	    "t.conf:9: vip 192.168.2.1 is in no pool; add it to the "
	    "addresses of a pool\n"
	    "t.conf:10: vip 192.168.1.1 is not in pool p2 (line 6) but in "
	    "pool p1; write \"pool p1\" or drop it\n"
	    "t.conf:12: vip 10.0.0.1 already declared at line 11\n"
	    "t.conf:14: vip 172.16.0.1 is not in pool p2 (line 6); add it "
	    "to the addresses of the pool\n" },
	{ "aggregation shorter than the pool", false,
	    "pool istio-pool {\n\taddresses 192.168.1.250-192.168.1.254\n"
	    "}\npool p6 {\n\taddresses 2001:db8::/64\n}\n"
	    "advertisement a1 {\n\tpools istio-pool\n"
	    "\taggregation-length 24\n}\nadvertisement a2 {\n"
	    "\taggregation-length-v6 48\n\taggregation-length 30\n}\n",
	    "t.conf:9: advertisement a1: aggregation-length 24 is shorter "
	    "than prefix length 31 of pool istio-pool "
	    "(192.168.1.250-192.168.1.254); use 31 or more, or make the "
	    "pool a CIDR\n"
	    "t.conf:12: advertisement a2: aggregation-length-v6 48 is "
	    "shorter than prefix length 64 of pool p6 (2001:db8::/64); use "
	    "64 or more\n"
	    "t.conf:13: advertisement a2: aggregation-length 30 is shorter "
	    "than prefix length 31 of pool istio-pool "
	    "(192.168.1.250-192.168.1.254); use 31 or more, or make the "
	    "pool a CIDR\n" },
	{ "empty pool", false,
	    "pool p1 {\n}\nadvertisement a {\n}\n",
	    "t.conf:1: pool p1: no addresses; add a line like \"addresses "
	    "192.168.1.240/28\"\n" },
	{ "duplicate listen and socket", false,
	    "listen on 127.0.0.1\nlisten on 127.0.0.1 port 179\n"
	    "listen on 127.0.0.1 port 180\nsocket \"/a\"\n"
	    "socket \"/a\" restricted\n"
	    "socket \"/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n",
	    "t.conf:2: listen on 127.0.0.1 port 179 already given at line "
	    "1\n"
	    "t.conf:5: socket \"/a\" already given at line 4\n"
	    "t.conf:6: socket: \"/xxxxxxxxxxxxxxxxxxx...\" is 108 bytes "
	    "long, more than 107; usage: socket \"PATH\" [restricted]\n" },
	{ "AS numbers", false,
	    "local-as 0\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 4294967296\n\tlocal-as 65536.0\n}\nneighbor r2 {\n"
	    "\taddress 10.0.0.2\n\tremote-as 0.0\n\tlocal-as AS64512\n}\n",
	    "t.conf:1: local-as: AS 0 is reserved and never valid (RFC "
	    "7607); usage: local-as ASN (1..4294967295, or asdot 1.10)\n"
	    "t.conf:4: neighbor r1: remote-as: AS 4294967296 is out of "
	    "range; usage: remote-as ASN (1..4294967295, or asdot 1.10)\n"
	    "t.conf:5: neighbor r1: local-as: asdot AS 65536.0 is out of "
	    "range: each half is 0..65535; usage: local-as ASN "
	    "(1..4294967295, or asdot 1.10)\n"
	    "t.conf:9: neighbor r2: remote-as: AS 0 is reserved and never "
	    "valid (RFC 7607); usage: remote-as ASN (1..4294967295, or "
	    "asdot 1.10)\n"
	    "t.conf:10: neighbor r2: local-as: \"AS64512\" is not an AS "
	    "number; usage: local-as ASN (1..4294967295, or asdot 1.10)\n" },
	{ "router-id 0.0.0.0", false,
	    "router-id 0.0.0.0\n",
	    "t.conf:1: router-id: 0.0.0.0 is not a valid BGP identifier "
	    "(RFC 6286); usage: router-id A.B.C.D, e.g. router-id "
	    "10.0.1.1\n" },
	{ "router-id IPv6", false,
	    "router-id 2001:db8::1\n",
	    "t.conf:1: router-id: 2001:db8::1 is an IPv6 address; usage: "
	    "router-id A.B.C.D, e.g. router-id 10.0.1.1\n" },
	{ "router-id twice", false,
	    "router-id 10.0.0.1\nrouter-id 10.0.0.2\n",
	    "t.conf:2: router-id already set at line 1; keep only one\n" },
	{ "neighbor numbers", false,
	    "local-as 64513\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n\tport 0\n\tconnect-retry 0\n\tmultihop 0\n"
	    "\thold-time 70000\n\tkeepalive -1\n}\nneighbor r2 {\n"
	    "\taddress 10.0.0.2\n\tremote-as 1\n\tmultihop 256\n"
	    "\tgraceful-restart no restart-time 0\n\tmax-prefix 0\n}\n"
	    "neighbor r3 {\n\taddress 10.0.0.3\n\tremote-as 1\n"
	    "\tgraceful-restart no restart-time 4096\n"
	    "\tmax-prefix 10 restart 0\n}\nneighbor r4 {\n"
	    "\taddress 10.0.0.4\n\tremote-as 1\n"
	    "\tgraceful-restart no restart 5\n\tmax-prefix 10 restrt 5\n}\n",
	    "t.conf:5: neighbor r1: port: 0 is out of range; usage: port "
	    "1..65535\n"
	    "t.conf:6: neighbor r1: connect-retry: 0 is out of range; "
	    "usage: connect-retry SECONDS (1..65535)\n"
	    "t.conf:7: neighbor r1: multihop: 0 is out of range; usage: "
	    "multihop TTL (1..255)\n"
	    "t.conf:8: neighbor r1: hold-time: 70000 is out of range; "
	    "usage: hold-time SECONDS (0 or 3..65535)\n"
	    "t.conf:9: neighbor r1: keepalive: \"-1\" is not a number; "
	    "usage: keepalive SECONDS (0..65535, less than hold-time)\n"
	    "t.conf:14: neighbor r2: multihop: 256 is out of range; usage: "
	    "multihop TTL (1..255)\n"
	    "t.conf:15: neighbor r2: graceful-restart: restart-time 0 is "
	    "out of range; usage: graceful-restart yes|no [restart-time "
	    "1..4095]\n"
	    "t.conf:16: neighbor r2: max-prefix: 0 is out of range; usage: "
	    "max-prefix COUNT [restart MINUTES] (COUNT 1..4294967295, "
	    "MINUTES 1..65535)\n"
	    "t.conf:21: neighbor r3: graceful-restart: restart-time 4096 "
	    "is out of range; usage: graceful-restart yes|no [restart-time "
	    "1..4095]\n"
	    "t.conf:22: neighbor r3: max-prefix: restart 0 is out of "
	    "range; usage: max-prefix COUNT [restart MINUTES] (COUNT "
	    "1..4294967295, MINUTES 1..65535)\n"
	    "t.conf:27: neighbor r4: graceful-restart: expected "
	    "\"restart-time N\" after yes or no; usage: graceful-restart "
	    "yes|no [restart-time 1..4095]\n"
	    "t.conf:28: neighbor r4: max-prefix: expected \"restart "
	    "MINUTES\" after the count; usage: max-prefix COUNT [restart "
	    "MINUTES] (COUNT 1..4294967295, MINUTES 1..65535)\n" },
	{ "strings", false,
	    "local-as 64513\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n\tpassword \"\"\n}\nneighbor r2 {\n"
	    "\taddress 10.0.0.2\n\tremote-as 1\n"
	    "\tpassword \"ppppppppppppppppppppppppppppppppppppppppppppppp"
	    "pppppppppppppppppppppppppppppppppp\"\n"
	    "\tdescription \"\"\n}\nstate-file \"\"\n",
	    "t.conf:5: neighbor r1: password: the value is empty; usage: "
	    "password \"SECRET\" (1..80 characters)\n"
	    "t.conf:10: neighbor r2: password: the password is 81 bytes "
	    "long, more than 80 (the kernel's limit for TCP-MD5 keys); "
	    "usage: password \"SECRET\" "
	    "(1..80 characters)\n"
	    "t.conf:13: state-file: the value is empty; usage: state-file "
	    "\"PATH\"\n" },
	{ "yes and no", false,
	    "pool p1 {\n\taddresses 10.0.0.0/8\n\tauto-assign true\n"
	    "\tavoid-buggy-ips 1\n}\nneighbor r1 {\n\taddress 10.1.0.1\n"
	    "\tremote-as 1\n\tlocal-as 2\n\tpassive on\n"
	    "\tshutdown \"yes\"\n}\n",
	    "t.conf:1: warning: pool p1 is in no advertisement; its VIPs "
	    "will not be announced\n"
	    "t.conf:3: pool p1: auto-assign: \"true\" is neither yes nor "
	    "no; usage: auto-assign yes|no\n"
	    "t.conf:4: pool p1: avoid-buggy-ips: \"1\" is neither yes nor "
	    "no; usage: avoid-buggy-ips yes|no\n"
	    "t.conf:10: neighbor r1: passive: \"on\" is neither yes nor "
	    "no; usage: passive yes|no\n" },
	{ "advertisement numbers", false,
	    "pool p1 {\n\taddresses 192.168.1.0/24\n}\nadvertisement a1 {\n"
	    "\taggregation-length 33\n\taggregation-length-v6 129\n"
	    "\tlocal-pref 4294967296\n\tlocal-pref 1\n}\n",
	    "t.conf:5: advertisement a1: aggregation-length: 33 is out of "
	    "range; usage: aggregation-length 0..32\n"
	    "t.conf:6: advertisement a1: aggregation-length-v6: 129 is out "
	    "of range; usage: aggregation-length-v6 0..128\n"
	    "t.conf:7: advertisement a1: local-pref: 4294967296 is out of "
	    "range; usage: local-pref 0..4294967295\n"
	    "t.conf:8: advertisement a1: local-pref already set at line 7; "
	    "keep only one\n" },
	{ "communities out of range", false,
	    "pool p1 {\n\taddresses 192.168.1.0/24\n}\nadvertisement a1 {\n"
	    "\tcommunities 65536:1 1:65536 1: :1 1:2:3\n"
	    "\tcommunities large:4294967296:1:1 large:1:1 large:1:1:1:1 "
	    "large:x:1:1\n"
	    "\tcommunities no-exprt blakhole whatever\n}\n",
	    "t.conf:5: advertisement a1: communities: 65536:1 is not a "
	    "community: write A:B with A and B in 0..65535\n"
	    "t.conf:5: advertisement a1: communities: 1:65536 is not a "
	    "community: write A:B with A and B in 0..65535\n"
	    "t.conf:5: advertisement a1: communities: 1: is not a "
	    "community: write A:B with A and B in 0..65535\n"
	    "t.conf:5: advertisement a1: communities: :1 is not a "
	    "community: write A:B with A and B in 0..65535\n"
	    "t.conf:5: advertisement a1: communities: 1:2:3 is not a "
	    "community: write A:B with A and B in 0..65535\n"
	    "t.conf:6: advertisement a1: communities: large:4294967296:1:1 "
	    "is not a large community: write large:GLOBAL:LOCAL1:LOCAL2, "
	    "each 0..4294967295\n"
	    "t.conf:6: advertisement a1: communities: large:1:1 is not a "
	    "large community: write large:GLOBAL:LOCAL1:LOCAL2, each "
	    "0..4294967295\n"
	    "t.conf:6: advertisement a1: communities: large:1:1:1:1 is not "
	    "a large community: write large:GLOBAL:LOCAL1:LOCAL2, each "
	    "0..4294967295\n"
	    "t.conf:6: advertisement a1: communities: large:x:1:1 is not a "
	    "large community: write large:GLOBAL:LOCAL1:LOCAL2, each "
	    "0..4294967295\n"
	    "t.conf:7: advertisement a1: communities: unknown community "
	    "\"no-exprt\"; did you mean \"no-export\"?\n"
	    "t.conf:7: advertisement a1: communities: unknown community "
	    "\"blakhole\"; did you mean \"blackhole\"?\n"
	    "t.conf:7: advertisement a1: communities: unknown community "
	    "\"whatever\"; usage: communities COMMUNITY... where COMMUNITY "
	    "is A:B (each 0..65535), no-export, no-advertise, "
	    "no-export-subconfed, no-peer, blackhole, graceful-shutdown or "
	    "large:G:L1:L2\n" },
	{ "addresses", false,
	    "pool p1 {\n\taddresses 192.168.1.7/24\n"
	    "\taddresses 2001:db8::1/64\n"
	    "\taddresses 192.168.1.20-192.168.1.10\n"
	    "\taddresses 192.168.1.30-2001:db8::1\n"
	    "\taddresses 192.168.1.40 - 192.168.1.50\n"
	    "\taddresses 192.168.1.0/33\n"
	    "\taddresses 192.168.1.0/24 192.168.2.0/24\n"
	    "\taddresses 192.168.1\n\taddresses 1-2\n}\n",
	    "t.conf:1: warning: pool p1 is in no advertisement; its VIPs "
	    "will not be announced\n"
	    "t.conf:2: pool p1: addresses: 192.168.1.7/24 has host bits "
	    "set; did you mean 192.168.1.0/24?\n"
	    "t.conf:3: pool p1: addresses: 2001:db8::1/64 has host bits "
	    "set; did you mean 2001:db8::/64?\n"
	    "t.conf:4: pool p1: addresses: 192.168.1.20-192.168.1.10 runs "
	    "backwards; write 192.168.1.10-192.168.1.20\n"
	    "t.conf:5: pool p1: addresses: 192.168.1.30-2001:db8::1 mixes "
	    "IPv4 and IPv6; usage: addresses CIDR|FIRST-LAST|ADDRESS, e.g. "
	    "addresses 192.168.1.240/28 or addresses "
	    "192.168.1.250-192.168.1.254\n"
	    "t.conf:6: pool p1: addresses: write the range without spaces: "
	    "192.168.1.40-192.168.1.50\n"
	    "t.conf:7: pool p1: addresses: \"192.168.1.0/33\" is not a "
	    "CIDR block; usage: addresses CIDR|FIRST-LAST|ADDRESS, e.g. "
	    "addresses 192.168.1.240/28 or addresses "
	    "192.168.1.250-192.168.1.254\n"
	    "t.conf:8: pool p1: addresses: one range or CIDR per line; "
	    "usage: addresses CIDR|FIRST-LAST|ADDRESS, e.g. addresses "
	    "192.168.1.240/28 or addresses 192.168.1.250-192.168.1.254\n"
	    "t.conf:9: pool p1: addresses: \"192.168.1\" is neither an "
	    "address, a range nor a CIDR block; usage: addresses "
	    "CIDR|FIRST-LAST|ADDRESS, e.g. addresses 192.168.1.240/28 or "
	    "addresses 192.168.1.250-192.168.1.254\n"
	    "t.conf:10: pool p1: addresses: \"1-2\" is not a range of two "
	    "addresses; usage: addresses CIDR|FIRST-LAST|ADDRESS, e.g. "
	    "addresses 192.168.1.240/28 or addresses "
	    "192.168.1.250-192.168.1.254\n" },
	{ "addresses of neighbors", false,
	    "neighbor r1 {\n\taddress 10.0.0.0/8\n\taddress 10.0.0.1\n"
	    "\tlocal-address x\n\tremote-as 1\n\tlocal-as 1\n}\n"
	    "listen 127.0.0.1\nlisten on\nlisten on 127.0.0.1 prt 1\n"
	    "listen on 127.0.0.1 port\nvip 300.1.1.1\n",
	    "t.conf:2: neighbor r1: address: 10.0.0.0/8 is a prefix; give "
	    "a single address; usage: address ADDRESS, e.g. address "
	    "10.0.0.1\n"
	    "t.conf:3: neighbor r1: address already set at line 2; keep "
	    "only one\n"
	    "t.conf:4: neighbor r1: local-address: \"x\" is not an IP "
	    "address; usage: local-address ADDRESS (same family as "
	    "address)\n"
	    "t.conf:8: listen: expected \"on\" after listen, not "
	    "\"127.0.0.1\"; usage: listen on ADDRESS [port 1..65535]\n"
	    "t.conf:9: listen: missing address after \"on\"; usage: listen "
	    "on ADDRESS [port 1..65535]\n"
	    "t.conf:10: listen: expected \"port N\" after the address; "
	    "usage: listen on ADDRESS [port 1..65535]\n"
	    "t.conf:11: listen: expected \"port N\" after the address; "
	    "usage: listen on ADDRESS [port 1..65535]\n"
	    "t.conf:12: vip: \"300.1.1.1\" is not an IP address; usage: "
	    "vip ADDRESS [pool NAME] [owner OWNER] [check NAME]\n" },
	{ "names", false,
	    "pool -p {\n\taddresses 10.0.0.0/8\n}\npool \"a b\" {\n}\n"
	    "pool {\n}\nneighbor a b {\n}\nadvertisement a1 {\n"
	    "\tpools ok_name. -bad \"x y\"\n}\n",
	    "t.conf:1: pool: \"-p\" is not a valid name: use letters, "
	    "digits, _ . and -, starting with a letter or digit; usage: "
	    "pool NAME {\n"
	    "t.conf:4: pool: \"a b\" is not a valid name: use letters, "
	    "digits, _ . and -, starting with a letter or digit; usage: "
	    "pool NAME {\n"
	    "t.conf:6: pool: missing name; usage: pool NAME {\n"
	    "t.conf:8: neighbor: a name is one word; \"b\" is one too "
	    "many; usage: neighbor NAME {\n"
	    "t.conf:11: advertisement a1: pools: \"-bad\" is not a valid "
	    "name: use letters, digits, _ . and -, starting with a letter "
	    "or digit; usage: pools NAME...\n"
	    "t.conf:11: advertisement a1: pools: \"x y\" is not a valid "
	    "name: use letters, digits, _ . and -, starting with a letter "
	    "or digit; usage: pools NAME...\n"
	    "t.conf:11: advertisement a1: unknown pool \"ok_name.\"; no "
	    "pool is defined\n" },
	{ "lexer", false,
	    "local-as 64513\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n\tdescription \"unterminated\n"
	    "\tdescription \"bad \\n escape\"\n"
	    "\tdescription \"tab\there\"\n\tdescription x=1\n"
	    "\tpassive yes, no\n\tshutdown no;\n"
	    "\tdescription \xe2""\x80""\x9c""quoted\xe2""\x80""\x9d""\n"
	    "\tdescription \x01""\n\tdescription \"\x02""\"\n"
	    "\tdescription \xc3""\xa9""\n}\n",
	    "t.conf:5: unterminated string: close it with \" on the same "
	    "line\n"
	    "t.conf:6: unknown escape in string: only \\\" and \\\\ are "
	    "escapes; write a backslash as \\\\\n"
	    "t.conf:8: invalid character '=': write \"keyword value\" "
	    "without =\n"
	    "t.conf:9: invalid character ',': separate values with spaces\n"
	    "t.conf:10: invalid character ';': a statement ends at the end "
	    "of its line\n"
	    "t.conf:11: typographic quote: use a plain \" instead\n"
	    "t.conf:12: invalid byte 0x01 outside a quoted string\n"
	    "t.conf:13: control character (byte 0x02) in string; remove "
	    "it\n"
	    "t.conf:14: non-ASCII character (byte 0xc3) outside a quoted "
	    "string; put it in quotes\n" },
	/* Found by fuzz_conf: messages and JSON replies quoted the bytes. */
	{ "lexer: strings are UTF-8", false,
	    "local-as 64513\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n\tdescription \"a\x90""b\"\n"
	    "\tpassword \"\xc3""(\"\n\tdescription \"\xe2""\x82""\"\n"
	    "\tdescription \"ok \xe2""\x82""\xac""\"\n}\n",
	    "t.conf:5: invalid UTF-8 in string (byte 0x90): write the file "
	    "in UTF-8\n"
	    "t.conf:6: invalid UTF-8 in string (byte 0xc3): write the file "
	    "in UTF-8\n"
	    "t.conf:7: invalid UTF-8 in string (byte 0xe2): write the file "
	    "in UTF-8\n" },
	{ "lexer: one message per line", false,
	    "local-as 1 @ # ,\nlocal-as 1 , ; \"\n",
	    "t.conf:1: invalid character '@': words are letters, digits "
	    "and _ . : / - + [ ]; quote anything else\n"
	    "t.conf:2: invalid character ',': separate values with spaces\n" },
	{ "missing closing brace", false,
	    "pool p1 {\n\taddresses 10.0.0.0/24\nneighbor r1 {\n"
	    "\taddress 10.0.0.1\n\tremote-as 1\n\tlocal-as 2\n}\n"
	    "advertisement a {\n",
	    "t.conf:3: pool p1: block not closed: add } before line 3\n"
	    "t.conf:8: advertisement a: block not closed: add } after its "
	    "last statement\n" },
	{ "stray brace and nesting", false,
	    "}\nlocal-as 1\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 2\n\ttimers {\n\t\thold 9\n\t}\n\tshutdown no }\n"
	    "}\n{\n\tfoo\n}\n",
	    "t.conf:1: unexpected }: no block is open\n"
	    "t.conf:6: neighbor r1: blocks do not nest: close the neighbor "
	    "block with } first\n"
	    "t.conf:9: neighbor r1: } must be on a line of its own\n"
	    "t.conf:10: unexpected }: no block is open\n"
	    "t.conf:11: unexpected {: a block starts with its header, as "
	    "in \"neighbor NAME {\"\n" },
	{ "brace on its own line", false,
	    "local-as 1\nneighbor r1\n\n{\n\taddress 10.0.0.1\n"
	    "\tremote-as 2\n}\npool p1\naddresses 10.0.0.0/8\n",
	    "t.conf:2: neighbor: put { at the end of this line, not on a "
	    "line of its own\n"
	    "t.conf:8: pool: missing { at the end of the line; usage: pool "
	    "NAME {\n"
	    "t.conf:9: unknown statement \"addresses\" at top level: it "
	    "belongs in a pool block\n" },
	{ "one-line block and misplaced braces", false,
	    "local-as 1\nneighbor r1 { address 10.0.0.1 }\npool p1 {\n"
	    "\taddresses { 10.0.0.0/8\n}\nvip 10.0.0.1 {\n}\n"
	    "router-id 10.0.0.1 }\n",
	    "t.conf:2: neighbor: write a block over several lines: "
	    "\"neighbor NAME {\", one statement per line, then } on a line "
	    "of its own\n"
	    "t.conf:3: warning: pool p1 is in no advertisement; its VIPs "
	    "will not be announced\n"
	    "t.conf:4: pool p1: addresses: unexpected { in the middle of "
	    "the line; usage: addresses CIDR|FIRST-LAST|ADDRESS, e.g. "
	    "addresses 192.168.1.240/28 or addresses "
	    "192.168.1.250-192.168.1.254\n"
	    "t.conf:6: vip does not open a block; usage: vip ADDRESS [pool "
	    "NAME] [owner OWNER] [check NAME]\n"
	    "t.conf:8: router-id: unexpected } in the middle of the line; "
	    "usage: router-id A.B.C.D, e.g. router-id 10.0.1.1\n" },
	{ "unknown block is skipped whole", false,
	    "filter f1 {\n\tmatch {\n\t\tdeny\n\t}\n}\nlocal-as 1\n"
	    "\"neighbor\" r1 {\n}\n",
	    "t.conf:1: unknown statement \"filter\" at top level; expected "
	    "one of: " TOP_LEVEL "\n"
	    "t.conf:7: expected a statement keyword, not a quoted string\n" },
	{ "skipped block not closed", false,
	    "bogus {\n\tx\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 2\n\tlocal-as 3\n}\n",
	    "t.conf:1: unknown statement \"bogus\" at top level; expected "
	    "one of: " TOP_LEVEL "\n"
	    "t.conf:3: the block at line 1 is not closed; add } before "
	    "line 3\n" },
	{ "duplicate statements", false,
	    "local-as 1\nlocal-as 2\nstate-file \"/a\"\nstate-file \"/b\"\n"
	    "neighbor r1 {\n\taddress 10.0.0.1\n\tremote-as 64512\n"
	    "\tremote-as 64512\n\taddress 10.0.0.1\n\thold-time 30\n"
	    "\thold-time 60\n}\npool p1 {\n\taddresses 10.9.0.0/16\n"
	    "\tauto-assign no\n\tauto-assign yes\n}\nadvertisement a {\n"
	    "\tlocal-pref 1\n\tlocal-pref 2\n}\n",
	    "t.conf:2: local-as already set at line 1; keep only one\n"
	    "t.conf:4: state-file already set at line 3; keep only one\n"
	    "t.conf:8: neighbor r1: remote-as already set at line 7; keep "
	    "only one\n"
	    "t.conf:9: neighbor r1: address already set at line 6; keep "
	    "only one\n"
	    "t.conf:11: neighbor r1: hold-time already set at line 10; "
	    "keep only one\n"
	    "t.conf:16: pool p1: auto-assign already set at line 15; keep "
	    "only one\n"
	    "t.conf:20: advertisement a: local-pref already set at line "
	    "19; keep only one\n" },
	{ "messages in line order across passes", false,
	    "neighbor r1 {\n\taddress 10.0.0.1\n}\nlocal-as x\n"
	    "neighbor r1 {\n\taddress 10.0.0.2\n\tremote-as 1\n}\n",
	    "t.conf:1: neighbor r1: no remote-as; add a line like "
	    "\"remote-as 64512\"\n"
	    "t.conf:4: local-as: \"x\" is not an AS number; usage: "
	    "local-as ASN (1..4294967295, or asdot 1.10)\n"
	    "t.conf:5: neighbor r1 already defined at line 1; give it "
	    "another name\n" },
};

START_TEST(table)
{
	conf_fx_run_row(&rows[_i]);
}
END_TEST

static const char seed[] =
    "local-as 64513\n"
    "pool general-pool {\n"
    "\taddresses 192.168.1.240-192.168.1.249\n"
    "\tauto-assign yes\n"
    "}\n"
    "pool istio-pool {\n"
    "\taddresses 192.168.1.250-192.168.1.254\n"
    "\tauto-assign no\n"
    "}\n"
    "neighbor router-1 {\n"
    "\taddress 10.0.0.1\n"
    "\tremote-as 64512\n"
    "\tlocal-as 64513\n"
    "}\n"
    "neighbor router-2 {\n"
    "\taddress 10.0.0.2\n"
    "\tremote-as 64512\n"
    "\tlocal-as 64513\n"
    "}\n"
    "advertisement istio-bgp-advertisement {\n"
    "\tpools istio-pool\n"
    "\tcommunities 64512:100\n"
    "\taggregation-length 32\n"
    "}\n"
    "vip 192.168.1.250 pool istio-pool owner "
    "istio-system/istio-ingressgateway\n";

START_TEST(metallb_seed)
{
	struct conf_diag d;
	struct prefix a;
	char buf[PREFIX_STRLEN];

	conf_diag_init(&d);
	struct conf *c = conf_load_string("seed.conf", seed, &d);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(d.nerrors, 0);
	ck_assert_uint_eq(d.nmsgs, 1);	/* general-pool is not announced */
	ck_assert_str_eq(d.msgs[0], "seed.conf:2: warning: pool general-pool "
	    "is in no advertisement; its VIPs will not be announced");

	ck_assert_uint_eq(c->npools, 2);
	const struct conf_pool *gp = conf_pool_by_name(c, "general-pool");
	const struct conf_pool *ip = conf_pool_by_name(c, "istio-pool");
	ck_assert_ptr_eq(gp, &c->pools[0]);
	ck_assert_ptr_eq(ip, &c->pools[1]);
	ck_assert(gp->auto_assign && !ip->auto_assign);
	ck_assert(!ip->avoid_buggy_ips);
	ck_assert_uint_eq(ip->nranges, 1);
	ck_assert(!ip->ranges[0].is_cidr);
	ck_assert_str_eq(addr_fmt(&ip->ranges[0].lo, buf, sizeof(buf)),
	    "192.168.1.250");
	ck_assert_str_eq(addr_fmt(&ip->ranges[0].hi, buf, sizeof(buf)),
	    "192.168.1.254");
	ck_assert_uint_eq(addr_span(&ip->ranges[0].lo, &ip->ranges[0].hi), 5);
	ck_assert(addr_parse("192.168.1.249", &a));
	ck_assert_ptr_eq(conf_pool_for_addr(c, &a), gp);
	ck_assert(!conf_pool_contains(ip, &a));
	ck_assert(addr_parse("192.168.1.255", &a));
	ck_assert_ptr_null(conf_pool_for_addr(c, &a));
	ck_assert_ptr_null(conf_pool_by_name(c, "nope"));

	ck_assert_uint_eq(c->nneighbors, 2);
	const struct conf_neighbor *n = conf_neighbor_by_name(c, "router-2");
	ck_assert_ptr_eq(n, &c->neighbors[1]);
	ck_assert_ptr_null(conf_neighbor_by_name(c, "router-3"));
	ck_assert_str_eq(addr_fmt(&n->addr, buf, sizeof(buf)), "10.0.0.2");
	ck_assert_uint_eq(n->remote_as, 64512);
	ck_assert_uint_eq(n->local_as, 64513);
	ck_assert_uint_eq(n->port, 179);
	ck_assert_uint_eq(n->hold_time, 90);
	ck_assert_uint_eq(n->keepalive, 30);
	ck_assert_uint_eq(n->connect_retry, 5);
	ck_assert_uint_eq(n->set, NBR_SET_ADDRESS | NBR_SET_REMOTE_AS |
	    NBR_SET_LOCAL_AS);
	ck_assert_int_eq(n->local_addr.afi, AFI_NONE);
	ck_assert_ptr_null(n->password);

	ck_assert_uint_eq(c->nadvs, 1);
	const struct conf_adv *ad = &c->advs[0];
	ck_assert_uint_eq(ad->npools, 1);
	ck_assert_uint_eq(ad->npool_idx, 1);
	ck_assert_uint_eq(ad->pool_idx[0], 1);
	ck_assert_uint_eq(ad->npeers, 0);
	ck_assert_uint_eq(ad->npeer_idx, 2);	/* none listed: every one */
	ck_assert_uint_eq(ad->peer_idx[0], 0);
	ck_assert_uint_eq(ad->peer_idx[1], 1);
	ck_assert_uint_eq(ad->ncommunities, 1);
	ck_assert_uint_eq(ad->communities[0], 64512u << 16 | 100);
	ck_assert_uint_eq(ad->agg_len, 32);
	ck_assert_uint_eq(ad->agg_len_v6, 128);
	ck_assert_uint_eq(ad->local_pref, 100);
	ck_assert(!ad->local_pref_set);

	ck_assert_uint_eq(c->nvips, 1);
	ck_assert_str_eq(c->vips[0].owner, "istio-system/istio-ingressgateway");
	ck_assert_str_eq(c->vips[0].pool, "istio-pool");
	ck_assert_uint_eq(c->vips[0].pool_idx, 1);
	ck_assert_int_eq(c->vips[0].line, 25);

	char *p = conf_fx_printed(c);
	ck_assert_str_eq(p,
	    "local-as 64513\n"
	    "\n"
	    "pool general-pool {\n"
	    "\taddresses 192.168.1.240-192.168.1.249\n"
	    "}\n"
	    "\n"
	    "pool istio-pool {\n"
	    "\taddresses 192.168.1.250-192.168.1.254\n"
	    "\tauto-assign no\n"
	    "}\n"
	    "\n"
	    "neighbor router-1 {\n"
	    "\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n"
	    "\tlocal-as 64513\n"
	    "}\n"
	    "\n"
	    "neighbor router-2 {\n"
	    "\taddress 10.0.0.2\n"
	    "\tremote-as 64512\n"
	    "\tlocal-as 64513\n"
	    "}\n"
	    "\n"
	    "advertisement istio-bgp-advertisement {\n"
	    "\tpools istio-pool\n"
	    "\tcommunities 64512:100\n"
	    "}\n"
	    "\n"
	    "vip 192.168.1.250 pool istio-pool owner "
	    "istio-system/istio-ingressgateway\n");
	free(p);
	conf_fx_roundtrip(c, "seed");
	conf_diag_free(&d);
	conf_free(c);
}
END_TEST

START_TEST(effective_values)
{
	struct conf_diag d;

	conf_diag_init(&d);
	struct conf *c = conf_load_string("e.conf",
	    "local-as 65001\n"
	    "pool p { \n\taddresses 10.1.0.0/16\n}\n"
	    "pool q {\n\taddresses 10.2.0.0/16\n}\n"
	    "neighbor a {\n\taddress 10.0.0.1\n\tremote-as 1\n"
	    "\thold-time 30\n}\n"
	    "neighbor b {\n\taddress 10.0.0.2\n\tremote-as 1\n"
	    "\tlocal-as 7\n\thold-time 0\n}\n"
	    "advertisement x {\n\tpools q p\n\tpeers b\n}\n", &d);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->neighbors[0].local_as, 65001);
	ck_assert_uint_eq(c->neighbors[0].keepalive, 10);
	ck_assert_uint_eq(c->neighbors[1].local_as, 7);
	ck_assert_uint_eq(c->neighbors[1].keepalive, 0);
	ck_assert_uint_eq(c->advs[0].npool_idx, 2);
	ck_assert_uint_eq(c->advs[0].pool_idx[0], 1);
	ck_assert_uint_eq(c->advs[0].pool_idx[1], 0);
	ck_assert_uint_eq(c->advs[0].npeer_idx, 1);
	ck_assert_uint_eq(c->advs[0].peer_idx[0], 1);
	/* Defaults stay implicit in the canonical form. */
	char *p = conf_fx_printed(c);
	ck_assert_ptr_null(strstr(p, "keepalive"));
	ck_assert_ptr_nonnull(strstr(p, "\tlocal-as 7\n"));
	ck_assert_ptr_null(strstr(p, "\tlocal-as 65001\n"));
	free(p);
	conf_diag_free(&d);
	conf_free(c);
}
END_TEST

START_TEST(asn)
{
	static const struct {
		const char *in;
		bool ok;
		uint32_t out;
	} t[] = {
		{ "1", true, 1 },
		{ "64512", true, 64512 },
		{ "4294967295", true, 4294967295u },
		{ "4294967296", false, 0 },
		{ "0", false, 0 },
		{ "0.0", false, 0 },
		{ "0.1", true, 1 },
		{ "1.0", true, 65536 },
		{ "1.10", true, 65546 },
		{ "64086.59904", true, 4200000000u },
		{ "65535.65535", true, 4294967295u },
		{ "65536.0", false, 0 },
		{ "1.65536", false, 0 },
		{ "1.", false, 0 },
		{ ".1", false, 0 },
		{ "1.2.3", false, 0 },
		{ "+1", false, 0 },
		{ "-1", false, 0 },
		{ "", false, 0 },
		{ "AS1", false, 0 },
		{ "99999999999999999999999", false, 0 },
	};
	for (size_t i = 0; i < NELEM(t); i++) {
		uint32_t v = 0;
		ck_assert_msg(asn_parse(t[i].in, &v) == t[i].ok, "%s", t[i].in);
		if (t[i].ok)
			ck_assert_uint_eq(v, t[i].out);
	}
}
END_TEST

START_TEST(communities)
{
	static const struct {
		const char *in;
		bool ok;
		uint32_t out;
		const char *fmt;
	} t[] = {
		{ "no-export", true, BGP_COMM_NO_EXPORT, "no-export" },
		{ "no-advertise", true, BGP_COMM_NO_ADVERTISE,
		    "no-advertise" },
		{ "no-export-subconfed", true, BGP_COMM_NO_EXPORT_SUBCONFED,
		    "no-export-subconfed" },
		{ "local-as", true, BGP_COMM_NO_EXPORT_SUBCONFED,
		    "no-export-subconfed" },
		{ "no-peer", true, BGP_COMM_NO_PEER, "no-peer" },
		{ "blackhole", true, BGP_COMM_BLACKHOLE, "blackhole" },
		{ "graceful-shutdown", true, BGP_COMM_GRACEFUL_SHUTDOWN,
		    "graceful-shutdown" },
		{ "65535:65281", true, BGP_COMM_NO_EXPORT, "no-export" },
		{ "64512:100", true, 0xFC000064u, "64512:100" },
		{ "0:0", true, 0, "0:0" },
		{ "65535:65535", true, 0xFFFFFFFFu, "65535:65535" },
		{ "65536:0", false, 0, NULL },
		{ "0:65536", false, 0, NULL },
		{ "1:", false, 0, NULL },
		{ ":1", false, 0, NULL },
		{ "1:2:3", false, 0, NULL },
		{ "1", false, 0, NULL },
		{ "No-Export", false, 0, NULL },
		{ "large:1:2:3", false, 0, NULL },
	};
	char buf[64];

	for (size_t i = 0; i < NELEM(t); i++) {
		uint32_t v = 0;
		ck_assert_msg(community_parse(t[i].in, &v) == t[i].ok, "%s",
		    t[i].in);
		if (!t[i].ok)
			continue;
		ck_assert_uint_eq(v, t[i].out);
		ck_assert_str_eq(community_fmt(v, buf, sizeof(buf)), t[i].fmt);
	}

	static const struct {
		const char *in;
		bool ok;
	} l[] = {
		{ "large:64512:1:2", true },
		{ "large:0:0:0", true },
		{ "large:4294967295:4294967295:4294967295", true },
		{ "large:4294967296:0:0", false },
		{ "large:1:2", false },
		{ "large:1:2:3:4", false },
		{ "large:1::3", false },
		{ "large:", false },
		{ "64512:1:2", false },
		{ "LARGE:1:2:3", false },
	};
	for (size_t i = 0; i < NELEM(l); i++) {
		struct large_community lc;
		ck_assert_msg(large_community_parse(l[i].in, &lc) == l[i].ok,
		    "%s", l[i].in);
		if (l[i].ok)
			ck_assert_str_eq(large_community_fmt(&lc, buf,
			    sizeof(buf)), l[i].in);
	}
}
END_TEST

START_TEST(files)
{
	struct conf_diag d;
	char path[] = "/tmp/check_conf.XXXXXX";

	conf_diag_init(&d);
	ck_assert_ptr_null(conf_load_file("/nonexistent/lbbgp.conf", &d));
	ck_assert_uint_eq(d.nmsgs, 1);
	ck_assert_uint_eq(d.nerrors, 1);
	ck_assert_str_eq(d.msgs[0], "/nonexistent/lbbgp.conf: cannot open: "
	    "No such file or directory");
	conf_diag_free(&d);

	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, seed, strlen(seed)), (int)strlen(seed));
	close(fd);
	conf_diag_init(&d);
	struct conf *c = conf_load_file(path, &d);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->file, path);
	ck_assert_uint_eq(c->nvips, 1);
	conf_free(c);
	conf_diag_free(&d);

	/* A NUL byte in a file is an error, not the end of the text. */
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "local-as 1\n\0\nbogus\n", 19), 19);
	close(fd);
	conf_diag_init(&d);
	ck_assert_ptr_null(conf_load_file(path, &d));
	ck_assert_uint_eq(d.nerrors, 2);
	conf_diag_free(&d);
	unlink(path);

	conf_free(NULL);
}
END_TEST

/* Statements the check refuses still print and parse back. */
#define REFUSED_R1 "neighbor r1 {\n" \
	"\taddress 10.0.0.1\n" \
	"\tpassword \"se\\\"cr\\\\et\"\n" \
	"\tttl-security yes\n" \
	"\tgraceful-restart yes restart-time 300\n" \
	"\tmax-prefix 1000 restart 5\n" \
	"\textended-next-hop yes\n" \
	"}\n"
#define REFUSED_R2 "neighbor r2 {\n" \
	"\tgraceful-restart yes\n" \
	"\tmax-prefix 7\n" \
	"\tbfd-strict yes\n" \
	"\tbfd-auth sha1 9 \"k\"\n" \
	"}\n"

START_TEST(print_refused)
{
	static const char text[] = REFUSED_R1 REFUSED_R2;
	/* The printer puts a blank line between blocks. */
	static const char want[] = REFUSED_R1 "\n" REFUSED_R2;
	struct conf_diag d;

	conf_diag_init(&d);
	struct conf *c = conf_parse_string("r.conf", text, &d);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(d.nmsgs, 0);
	ck_assert_str_eq(c->neighbors[0].password, "se\"cr\\et");
	char *p1 = conf_fx_printed(c);
	ck_assert_str_eq(p1, want);
	struct conf *c2 = conf_parse_string("r2.conf", p1, &d);
	ck_assert_ptr_nonnull(c2);
	ck_assert(conf_equal(c, c2));
	free(p1);
	conf_free(c);
	conf_free(c2);
	conf_diag_free(&d);
}
END_TEST

/* xorshift32: the fuzz is seeded, so a failure reproduces. */
static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static const char fuzz_base[] =
    "router-id 10.0.1.1\nlocal-as 64513\nlisten on ::1 port 1179\n"
    "socket \"/run/x\" restricted\nstate-file \"/var/s\"\n"
    "drain-time 5\nshutdown-drain 2\n"
    "check c1 {\n\thttp \"http://h:80/x\"\n\texpect 200 204\n"
    "\tinterval 0.5\n\ttimeout 0.25\n\trise 3\n"
    "\ton-down med 5 prepend 2 community 1:1\n\tdisable-file \"/m\"\n}\n"
    "check c2 {\n\texec \"/bin/x\" \"-q\"\n}\n"
    "pool p1 {\n\taddresses 192.168.1.250-192.168.1.254\n"
    "\taddresses 2001:db8::/120\n\tauto-assign no\n"
    "\tavoid-buggy-ips yes\n\tcheck c1\n}\n"
    "neighbor r1 {\n\taddress 10.0.0.1\n\tremote-as 64512.1\n"
    "\tlocal-address 10.0.0.2\n\tnext-hop 10.0.0.2\n"
    "\tnext-hop-v6 2001:db8::9\n\thold-time 30\n\tkeepalive 10\n"
    "\tdescription \"a \\\"b\\\"\"\n\tgraceful-restart no\n"
    "\tbfd yes\n\tbfd-min-tx 50\n\tbfd-multiplier 4\n"
    "\tbfd-auth sha1 7 \"k\\\"y\"\n\textended-next-hop no\n"
    "\tvrf blue\n}\n"
    "advertisement a1 {\n\tpools p1\n\tcommunities 1:2 no-export "
    "large:1:2:3\n\taggregation-length 31\n\tpeers r1\n}\n"
    "vip 192.168.1.250 pool p1 owner ns/svc check c2\n";

START_TEST(fuzz)
{
	static const char alphabet[] = "{}\"\\#\n \t:/-.0123456789abz\x01\xe2";
	uint32_t s = 0x9e3779b9u + (uint32_t)_i;
	size_t blen = sizeof(fuzz_base) - 1;
	char *text = malloc(blen * 2 + 1);

	for (int iter = 0; iter < 500; iter++) {
		memcpy(text, fuzz_base, blen + 1);
		size_t len = blen;
		unsigned edits = 1 + rnd(&s) % 8;
		for (unsigned e = 0; e < edits && len > 0; e++) {
			size_t at = rnd(&s) % len;
			switch (rnd(&s) % 5) {
			case 0:		/* replace a byte */
				text[at] = alphabet[rnd(&s) %
				    (sizeof(alphabet) - 1)];
				break;
			case 1:		/* random byte, never NUL */
				text[at] = (char)(1 + rnd(&s) % 255);
				break;
			case 2:		/* truncate */
				len = at;
				break;
			case 3:		/* delete a run */
			{
				size_t n = rnd(&s) % 16;
				if (at + n > len)
					n = len - at;
				memmove(text + at, text + at + n,
				    len - at - n);
				len -= n;
				break;
			}
			default:	/* duplicate a run */
			{
				size_t n = rnd(&s) % 32;
				if (at + n > len)
					n = len - at;
				memmove(text + at + n, text + at, len - at);
				len += n;
				break;
			}
			}
			text[len] = '\0';
		}
		struct conf_diag d;
		conf_diag_init(&d);
		struct conf *c = conf_load_string("fuzz.conf", text, &d);
		ck_assert_msg((c == NULL) == (d.nerrors > 0),
		    "ok/nerrors disagree on:\n%s", text);
		conf_fx_line_order(&d, "fuzz.conf");
		if (c != NULL)
			conf_fx_roundtrip(c, text);
		conf_diag_free(&d);
		conf_free(c);
	}
	free(text);
}
END_TEST

/* ---- reload: which neighbor changes need a new session ---------------- */

static const struct {
	const char *extra;	/* one more statement in the neighbor block */
	const char *want;	/* conf_session_change(), NULL: none */
} diff_rows[] = {
	{ "", NULL },
	{ "description \"core 2\"", NULL },
	{ "next-hop 10.0.1.9", NULL },
	{ "next-hop-v6 2001:db8::9", NULL },
	{ "connect-retry 9", NULL },
	{ "min-hold-time 10", NULL },
	{ "send-hold-time 600", NULL },
	{ "max-prefix 10 restart 5", NULL },
	{ "shutdown yes", NULL },
	{ "track-interface eth1", NULL },
	{ "port 1179", "port" },
	{ "remote-as 64599", "remote-as" },
	{ "local-as 64600", "local-as" },
	{ "local-address 10.0.1.2", "local-address" },
	{ "hold-time 30", "hold-time" },
	{ "keepalive 10", "keepalive" },
	{ "passive yes", "passive" },
	{ "password \"x\"", "password" },
	{ "multihop 3", "multihop" },
	{ "ttl-security yes", "ttl-security" },
	{ "graceful-restart yes", "graceful-restart" },
};

START_TEST(session_change)
{
	conf_fx_session_change("10.0.0.1", diff_rows[_i].extra,
	    diff_rows[_i].want);
}
END_TEST

/* Pools and advertisements by name; an advertisement without a pools
 * line changes when a pool comes or goes. */
START_TEST(diff_blocks)
{
	static const char a[] = "local-as 1\n"
	    "pool p1 {\n\taddresses 10.0.0.0/24\n}\n"
	    "pool p2 {\n\taddresses 10.1.0.0/24\n}\n"
	    "pool p3 {\n\taddresses 10.3.0.0/24\n}\n"
	    "advertisement all {\n}\n"
	    "advertisement one {\n\tpools p1\n}\n"
	    "advertisement gone {\n\tpools p1\n}\n";
	static const char b[] = "local-as 1\n"
	    "pool p1 {\n\taddresses 10.0.0.0/24\n}\n"
	    "pool p2 {\n\taddresses 10.1.0.0/25\n}\n"
	    "pool p4 {\n\taddresses 10.4.0.0/24\n}\n"
	    "advertisement all {\n}\n"
	    "advertisement one {\n\tpools p1\n}\n"
	    "advertisement new {\n\tpools p1\n\tlocal-pref 5\n}\n";
	char log[CONF_FX_LOG] = "";
	struct conf_diag d;

	conf_diag_init(&d);
	struct conf *ca = conf_load_string("a.conf", a, &d);
	struct conf *cb = conf_load_string("b.conf", b, &d);
	ck_assert(ca && cb);
	conf_diff_blocks(ca, cb, conf_fx_blocks_log, log);
	ck_assert_str_eq(log, "~pool p2 +pool p4 -pool p3 "
	    "~advertisement all +advertisement new -advertisement gone");
	log[0] = '\0';
	conf_diff_blocks(ca, ca, conf_fx_blocks_log, log);
	ck_assert_str_eq(log, "");
	conf_free(ca);
	conf_free(cb);
	conf_diag_free(&d);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = unit_tcase(s, "core");

	tcase_add_loop_test(tc, table, 0, (int)NELEM(rows));
	tcase_add_test(tc, metallb_seed);
	tcase_add_test(tc, effective_values);
	tcase_add_test(tc, asn);
	tcase_add_test(tc, communities);
	tcase_add_test(tc, files);
	tcase_add_test(tc, print_refused);
	tcase_add_test(tc, diff_blocks);
	tcase_add_loop_test(tc, session_change, 0,
	    (int)NELEM(diff_rows));
	tcase_add_loop_test(tc, fuzz, 0, 8);
	tcase_set_timeout(tc, 60);
	return unit_run(s);
}

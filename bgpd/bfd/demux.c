/*
 * demux.c - the pure decisions of BFD in the daemon: which session a
 * datagram belongs to (RFC 5880 §6.8.6, RFC 5881 §3, RFC 5883 §4), a
 * fresh local discriminator (§6.8.1), and the names of drop reasons.
 *
 * No sockets, no libev, no daemon state: it reads arrays of struct
 * bfdd_key, so check_bfdd tests it alone.  The sessions are a handful
 * (one per neighbor): a linear scan per datagram is cheaper than any
 * index would be to keep.
 */
#include "bgpd/bfd/bfdd.h"

#include <string.h>

#include "util/buf.h"

static const char *const drop_names[BFDD_NDROPS] = {
	[BFDD_DROP_TTL] = "ttl",
	[BFDD_DROP_UNKNOWN_DISCR] = "unknown-discriminator",
	[BFDD_DROP_UNKNOWN_SOURCE] = "unknown-source",
	[BFDD_DROP_ERR + BFD_OK] = "ok",
	[BFDD_DROP_ERR + BFD_ERR_VERSION] = "version",
	[BFDD_DROP_ERR + BFD_ERR_LENGTH] = "length",
	[BFDD_DROP_ERR + BFD_ERR_TRUNCATED] = "truncated",
	[BFDD_DROP_ERR + BFD_ERR_DETECT_MULT] = "detect-mult",
	[BFDD_DROP_ERR + BFD_ERR_MULTIPOINT] = "multipoint",
	[BFDD_DROP_ERR + BFD_ERR_MY_DISCR] = "my-discriminator",
	[BFDD_DROP_ERR + BFD_ERR_YOUR_DISCR] = "your-discriminator",
	[BFDD_DROP_ERR + BFD_ERR_AUTH_UNSUPPORTED] = "auth-unsupported",
	[BFDD_DROP_ERR + BFD_ERR_AUTH_LEN] = "auth-length",
	[BFDD_DROP_ERR + BFD_ERR_WRONG_SESSION] = "wrong-session",
	[BFDD_DROP_ERR + BFD_ERR_AUTH_UNEXPECTED] = "auth-unexpected",
	[BFDD_DROP_ERR + BFD_ERR_AUTH_MISSING] = "auth-missing",
	[BFDD_DROP_ERR + BFD_ERR_AUTH_TYPE] = "auth-type",
	[BFDD_DROP_ERR + BFD_ERR_AUTH_KEY_ID] = "auth-key-id",
	[BFDD_DROP_ERR + BFD_ERR_AUTH_DIGEST] = "auth-digest",
	[BFDD_DROP_ERR + BFD_ERR_AUTH_SEQ] = "auth-sequence",
};
/* A new bfd_err without a name leaves a hole; the unit test finds it. */
_Static_assert(NELEM(drop_names) == BFDD_NDROPS, "one name per reason");

const char *bfdd_drop_name(unsigned reason)
{
	if (reason >= NELEM(drop_names) || drop_names[reason] == NULL)
		return "unknown";
	return drop_names[reason];
}

static bool same_vrf(const struct bfdd_key *k, const char *vrf)
{
	return strcmp(k->vrf, vrf != NULL ? vrf : "") == 0;
}

size_t bfdd_demux(const struct bfdd_key *keys, size_t n,
    const struct bfdd_rx *rx, enum bfdd_drop *why)
{
	if (rx->your_discr != 0) {
		/*
		 * §6.8.6: the discriminator alone names the session.  Its
		 * address, port and VRF must agree as well: a packet that
		 * names a session from elsewhere is a stray or a forgery.
		 */
		for (size_t i = 0; i < n; i++) {
			const struct bfdd_key *k = &keys[i];
			if (k->discr != rx->your_discr)
				continue;
			if (k->multihop == rx->multihop && same_vrf(k, rx->vrf) &&
			    prefix_equal(&k->addr, &rx->src))
				return i;
			break;
		}
		*why = BFDD_DROP_UNKNOWN_DISCR;
		return SIZE_MAX;
	}
	/*
	 * 5881 §3, 5883 §4: Your Discriminator 0 (Down, before the remote
	 * knows ours): the source and destination addresses.  A removed
	 * neighbor's lingering session takes no new packets this way.
	 */
	for (size_t i = 0; i < n; i++) {
		const struct bfdd_key *k = &keys[i];
		if (k->gone || k->multihop != rx->multihop ||
		    !same_vrf(k, rx->vrf) || !prefix_equal(&k->addr, &rx->src))
			continue;
		if (k->local.afi == AFI_NONE ||
		    prefix_equal(&k->local, &rx->dst))
			return i;
	}
	*why = BFDD_DROP_UNKNOWN_SOURCE;
	return SIZE_MAX;
}

static bool discr_used(const struct bfdd_key *keys, size_t n, uint32_t d)
{
	for (size_t i = 0; i < n; i++)
		if (keys[i].discr == d)
			return true;
	return false;
}

/* Random tries before the scan: with a handful of sessions the first
 * try all but always wins. */
#define DISCR_TRIES	16

uint32_t bfdd_discr_pick(const struct bfdd_key *keys, size_t n,
    uint32_t (*rnd)(void *), void *arg)
{
	uint32_t d = 0;

	for (int t = 0; t < DISCR_TRIES; t++) {
		d = rnd(arg);
		if (d != 0 && !discr_used(keys, n, d))
			return d;
	}
	/* A random source that keeps repeating itself: walk on from the
	 * last try, skipping 0, until a free value. */
	for (uint64_t k = 0; k < UINT32_MAX; k++) {
		d++;
		if (d != 0 && !discr_used(keys, n, d))
			return d;
	}
	return 0;
}

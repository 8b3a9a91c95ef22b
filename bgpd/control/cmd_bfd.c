/*
 * cmd_bfd.c - the control command show-bfd (docs/control-protocol.md):
 * every neighbor's BFD session, as bgpd/bfd/ and bfd/ keep it.  It only
 * reads; what a session does is bgpd/bfd/'s.
 */
#include "bgpd/control/control.h"

#include <stdio.h>

#include "bgpd/bfd/bfdd.h"

static json_object *jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

/* Microseconds as whole milliseconds, rounded. */
static json_object *jms(uint64_t us)
{
	return json_object_new_uint64((us + 500) / 1000);
}

/* {"reason": count} of the reasons that have one; NULL when none. */
static json_object *drops_json(const uint64_t *drops)
{
	json_object *o = NULL;

	for (unsigned r = 0; r < BFDD_NDROPS; r++) {
		if (drops[r] == 0)
			continue;
		if (o == NULL)
			o = json_object_new_object();
		json_object_object_add(o, bfdd_drop_name(r),
		    json_object_new_uint64(drops[r]));
	}
	return o;
}

static json_object *session_json(const struct peer *p)
{
	const struct bfdd_peer *b = p->bfd;
	const struct bfd_session *s = &b->s;
	json_object *o = json_object_new_object();
	json_object *pk = json_object_new_object();
	json_object *dr = drops_json(b->st.drops);
	char a[PREFIX_STRLEN];

	json_object_object_add(o, "neighbor", jstr(p->conf->name));
	json_object_object_add(o, "address", jstr(addr_fmt(&b->key.addr, a,
	    sizeof(a))));
	if (b->key.local.afi != AFI_NONE)
		json_object_object_add(o, "local-address", jstr(addr_fmt(
		    &b->key.local, a, sizeof(a))));
	json_object_object_add(o, "multihop",
	    json_object_new_boolean(b->key.multihop));
	if (b->key.vrf[0] != '\0')
		json_object_object_add(o, "vrf", jstr(b->key.vrf));
	json_object_object_add(o, "state", jstr(bfd_state_name(s->state)));
	json_object_object_add(o, "remote-state",
	    jstr(bfd_state_name(s->remote_state)));
	json_object_object_add(o, "local-discriminator",
	    json_object_new_uint64(s->local_discr));
	json_object_object_add(o, "remote-discriminator",
	    json_object_new_uint64(s->remote_discr));
	json_object_object_add(o, "tx-interval",
	    jms(bfd_session_tx_interval(s)));
	json_object_object_add(o, "rx-interval",
	    jms(bfd_session_rx_interval(s)));
	json_object_object_add(o, "detect-multiplier",
	    json_object_new_int(s->detect_mult));
	json_object_object_add(o, "remote-detect-multiplier",
	    json_object_new_int(s->remote_detect_mult));
	json_object_object_add(o, "detect-time",
	    jms(bfd_session_detect_time(s)));
	if (b->st.since > 0)
		json_object_object_add(o, "since",
		    json_object_new_double(b->st.since));
	json_object_object_add(o, "up-count",
	    json_object_new_uint64(b->st.up_events));
	json_object_object_add(o, "down-count",
	    json_object_new_uint64(b->st.down_events));
	json_object_object_add(o, "diagnostic",
	    jstr(bfd_diag_name(s->local_diag)));
	json_object_object_add(o, "remote-diagnostic",
	    jstr(bfd_diag_name(s->remote_diag)));
	json_object_object_add(o, "authentication",
	    jstr(bfd_auth_type_name(s->auth.type)));
	json_object_object_add(o, "strict", json_object_new_boolean(b->strict));
	json_object_object_add(o, "bgp-held",
	    json_object_new_boolean(p->bfd_wait));
	json_object_object_add(pk, "received",
	    json_object_new_uint64(b->st.rx));
	json_object_object_add(pk, "sent", json_object_new_uint64(b->st.tx));
	json_object_object_add(pk, "send-errors",
	    json_object_new_uint64(b->st.tx_errors));
	json_object_object_add(o, "packets", pk);
	if (dr != NULL)
		json_object_object_add(o, "dropped", dr);
	return o;
}

void cmd_show_bfd(struct ctl_req *r)
{
	const struct lbbgpd *d = r->d;
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < d->npeers; i++)
		if (d->peers[i]->bfd != NULL)
			json_object_array_add(arr, session_json(d->peers[i]));
	json_object_object_add(r->reply, "bfd", arr);
	json_object *dr = d->bfd != NULL ? drops_json(d->bfd->drops) : NULL;
	json_object_object_add(r->reply, "dropped", dr != NULL ? dr :
	    json_object_new_object());
}

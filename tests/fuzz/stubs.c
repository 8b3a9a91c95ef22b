/*
 * stubs.c - the parts of lbbgpd a fuzzer must not run: the host's
 * netlink (bgpd/netlink/netlink.c changes interfaces and needs a kernel to talk
 * to) and the BGP listeners (bgpd/daemon.c binds port 179).  A reload in
 * the control harness goes through reload.c for real; these answer as
 * if the host followed it and no listener changed.
 */
#include "bgpd/bgpd.h"
#include "bgpd/health/health.h"
#include "bgpd/netlink/netlink.h"
#include "bgpd/control/control.h"
#include "bgpd/fleet/fleetd.h"

#include <json-c/json.h>

const char *nl_suspended_by(const struct lbbgpd *d)
{
	(void)d;
	return NULL;
}

void nl_rib_replaced(struct lbbgpd *d)
{
	(void)d;
}

bool nl_reconf(struct lbbgpd *d, const struct conf *old)
{
	(void)d;
	(void)old;
	return true;
}

bool listeners_reconf(struct lbbgpd *d, const struct conf *old, char *err,
    size_t errlen)
{
	(void)d;
	(void)old;
	if (errlen > 0)
		err[0] = '\0';
	return true;
}

/* No probes while fuzzing: checks stay pending (bgpd/health/ needs
 * libcurl and child processes). */
struct health *health_new(struct ev_loop *loop, health_report_fn *fn,
    void *ctx)
{
	return NULL;
}

bool health_apply(struct health *h, const struct conf *c)
{
	return false;
}

size_t health_running(const struct health *h)
{
	return 0;
}

void health_free(struct health *h)
{
}

void daemon_shutdown(struct lbbgpd *d, const char *why, bool withdrawn)
{
	d->stopping = true;
}

void nl_routes_sent(struct lbbgpd *d)
{
}

/* The fleet (bgpd/fleet/): the fuzzed configs have no fleet block. */
bool fleetd_start(struct lbbgpd *d)
{
	return d->conf->fleet == NULL;
}

void fleetd_stop(struct lbbgpd *d)
{
}

bool fleetd_active(const struct lbbgpd *d)
{
	return false;
}

void fleetd_cmd_add(struct ctl_req *r)
{
}

void fleetd_cmd_withdraw(struct ctl_req *r)
{
}

void fleetd_cmd_allocate(struct ctl_req *r)
{
}

void fleetd_cmd_show(struct ctl_req *r)
{
	ctl_fail(r->reply, CTL_E_BAD_REQUEST, "no fleet block");
}

void fleetd_checks_changed(struct lbbgpd *d)
{
}

void fleetd_reloaded(struct lbbgpd *d)
{
}

json_object *fleetd_announcers_json(const struct lbbgpd *d,
    const struct vip *v)
{
	return json_object_new_array();
}

json_object *fleetd_summary_json(const struct lbbgpd *d)
{
	return json_object_new_object();
}

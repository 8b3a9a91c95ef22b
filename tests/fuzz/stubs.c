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

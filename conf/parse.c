/*
 * parse.c - lines of tokens to struct conf, driven by one keyword table
 * per block; also the conf_load_* entry points (read, lex, parse, check).
 *
 * The parser checks each statement on its own: syntax, value ranges,
 * repeats.  Anything that needs two statements (names that refer to each
 * other, overlaps, defaults that depend on other values) is check.c's
 * job.  It reports every problem and keeps going; it never stops at the
 * first error.
 */
#include "conf/parse_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CONF_MAX_SIZE	(16u << 20)

static const struct kw *kw_find(const struct block *b, const char *word)
{
	for (size_t i = 0; i < b->nkws; i++)
		if (strcmp(b->kws[i].name, word) == 0)
			return &b->kws[i];
	return NULL;
}

static void unknown_stmt(struct parser *p, const struct block *b,
    const char *word)
{
	char *where = b->kind ? conf_xasprintf("in %s block", b->kind) :
	    conf_xstrdup("at top level");
	struct suggest sg;

	/* "check" opens a block at top level and is a statement of a pool:
	 * in another block, the statement is meant. */
	const struct block *o = NULL;
	for (size_t i = 0; i < conf_nblocks; i++) {
		const struct block *x = conf_blocks[i];
		const struct kw *k = x == b ? NULL : kw_find(x, word);
		if (k != NULL && (o == NULL || (o->kind == NULL &&
		    kw_find(o, word)->block != NULL)))
			o = x;
	}
	if (o != NULL) {
		if (o->kind == NULL)
			conf_p_err(p, "unknown statement \"%s\" %s: it is a "
			    "top-level statement; close the %s block with } "
			    "first", word, where, b->kind);
		else
			conf_p_err(p, "unknown statement \"%s\" %s: it belongs "
			    "in a%s %s block", word, where,
			    strchr("aeiou", o->kind[0]) ? "n" : "", o->kind);
		free(where);
		return;
	}
	conf_suggest_init(&sg, word);
	for (size_t i = 0; i < b->nkws; i++)
		conf_suggest_try(&sg, b->kws[i].name);
	if (conf_suggest_best(&sg) != NULL) {
		conf_p_err(p, "unknown statement \"%s\" %s; did you mean "
		    "\"%s\"?", word, where, conf_suggest_best(&sg));
		free(where);
		return;
	}
	size_t len = 0;
	for (size_t i = 0; i < b->nkws; i++)
		len += strlen(b->kws[i].name) + 2;
	char *list = conf_xcalloc(len + 1, 1);
	for (size_t i = 0; i < b->nkws; i++) {
		if (i > 0)
			strcat(list, ", ");
		strcat(list, b->kws[i].name);
	}
	conf_p_err(p, "unknown statement \"%s\" %s; expected one of: %s", word,
	    where, list);
	free(list);
	free(where);
}

/*
 * Remember that a neighbor statement or the global local-as was written,
 * even when its value was bad: the check pass then does not pile "no
 * address" on top of the error about the address.
 */
static void note_tried(struct parser *p, const struct block *b,
    const struct tok *t)
{
	const struct kw *k;

	if (t[0].type != TOK_WORD || (k = kw_find(b, t[0].text)) == NULL)
		return;
	if (b == &conf_neighbor_block)
		p->l->nbr[p->c->nneighbors - 1].tried |= k->bit;
	else if (b == &conf_pool_block && strcmp(k->name, "addresses") == 0)
		p->l->pool[p->c->npools - 1].tried = true;
	else if (b == &conf_check_block)
		conf_check_note(p, k);
	else if (b == &conf_fleet_block)
		conf_fleet_note(p, k);
	else if (b == &conf_global_block && strcmp(k->name, "local-as") == 0)
		p->l->local_as_tried = true;
}

/* One statement: keyword, then n - 1 values; no braces. */
static void run_stmt(struct parser *p, const struct block *b,
    const struct tok *t, size_t n, void *obj)
{
	int *seen = b == &conf_global_block ? p->gseen : p->seen;

	if (t[0].type != TOK_WORD) {
		conf_p_err(p, "expected a statement keyword, not a quoted "
		    "string");
		return;
	}
	const struct kw *k = kw_find(b, t[0].text);
	if (k == NULL) {
		unknown_stmt(p, b, t[0].text);
		return;
	}
	p->kw = k;
	note_tried(p, b, t);
	for (size_t i = 1; i < n; i++) {
		if (t[i].type == TOK_LBRACE || t[i].type == TOK_RBRACE) {
			conf_p_bad(p, "unexpected %s in the middle of the line",
			    t[i].text);
			return;
		}
	}
	if (n - 1 < k->min) {
		conf_p_bad(p, "missing value");
		return;
	}
	if (n - 1 > k->max) {
		conf_p_bad(p, "too many values (\"%s\" is one too many)",
		    t[k->max + 1].text);
		return;
	}
	size_t idx = (size_t)(k - b->kws);
	if (!k->repeat && seen[idx] != 0) {
		conf_p_err(p, "%s already set at line %d; keep only one",
		    k->name, seen[idx]);
		return;
	}
	seen[idx] = p->line;
	k->fn(p, obj, t + 1, n - 1);
}

/* The block of row k, named by the first of the values t after the
 * keyword unless it is a single block. */
static void open_block(struct parser *p, const struct kw *k,
    const struct tok *t)
{
	const char *name = k->block->single ? NULL : t[0].text;

	p->blk = k->block;
	p->blk_line = p->line;
	p->obj = k->block->open(p, name);
	p->prefix = name ? conf_xasprintf("%s %s: ", k->block->kind, name) :
	    conf_xasprintf("%s: ", k->block->kind);
	memset(p->seen, 0, sizeof(p->seen));
}

static void close_block(struct parser *p)
{
	p->blk = NULL;
	p->obj = NULL;
	free(p->prefix);
	p->prefix = NULL;
}

/* Braces still open after this line, counting from depth. */
static unsigned brace_depth(const struct line *ln, unsigned depth)
{
	for (size_t i = 0; i < ln->ntoks && depth > 0; i++) {
		if (ln->toks[i].type == TOK_LBRACE)
			depth++;
		else if (ln->toks[i].type == TOK_RBRACE)
			depth--;
	}
	return depth;
}

/* Braces a line leaves open: where skipping a bad block starts. */
static unsigned opened(const struct line *ln)
{
	unsigned depth = 0;

	for (size_t i = 0; i < ln->ntoks; i++) {
		if (ln->toks[i].type == TOK_LBRACE)
			depth++;
		else if (ln->toks[i].type == TOK_RBRACE && depth > 0)
			depth--;
	}
	return depth;
}

/*
 * The header of a single block, "KIND" and n values after it, is fine:
 * no name, and the first of its kind.  A second is skipped whole rather
 * than merged, so each statement has one line to point at.
 */
static bool single_ok(struct parser *p, const struct kw *k, size_t n)
{
	int *first = &p->gseen[k - conf_global_block.kws];

	if (n > 0) {
		conf_p_bad_fix(p, "a %s block has no name: write \"%s {\"",
		    k->name, k->name);
		return false;
	}
	if (*first != 0) {
		conf_p_err(p, "%s block already given at line %d; a file has "
		    "one: merge the two", k->name, *first);
		return false;
	}
	*first = p->line;
	return true;
}

/* The header of a block, "KIND NAME", is fine: then NAME is a[0]. */
static bool header_ok(struct parser *p, const struct kw *k,
    const struct tok *a, size_t n)
{
	p->kw = k;
	if (k->block->single)
		return single_ok(p, k, n);
	if (n == 0) {
		conf_p_bad(p, "missing name");
		return false;
	}
	if (n > 1) {
		conf_p_bad(p, "a name is one word; \"%s\" is one too many",
		    a[1].text);
		return false;
	}
	return conf_v_name(p, &a[0]);
}

/* "pool|neighbor|advertisement ... {" */
static bool block_header(const struct line *ln)
{
	const struct kw *k;

	if (ln->ntoks < 2 || ln->toks[0].type != TOK_WORD ||
	    ln->toks[ln->ntoks - 1].type != TOK_LBRACE)
		return false;
	k = kw_find(&conf_global_block, ln->toks[0].text);
	return k != NULL && k->block != NULL;
}

static bool is_lone(const struct line *ln, enum tok_type type)
{
	return ln->ntoks == 1 && ln->toks[0].type == type;
}

/*
 * A top-level line.  Returns how many braces to skip: a block we could
 * not open is skipped whole so its lines do not pile up as more errors.
 */
static unsigned top_line(struct parser *p, const struct lexed *lx, size_t *i)
{
	const struct line *ln = &lx->lines[*i];
	const struct tok *t = ln->toks;
	size_t n = ln->ntoks;
	bool opens = t[n - 1].type == TOK_LBRACE;

	if (t[0].type == TOK_RBRACE) {
		conf_p_err(p, "unexpected }: no block is open");
		return 0;
	}
	if (t[0].type == TOK_LBRACE) {
		conf_p_err(p, "unexpected {: a block starts with its header, "
		    "as in \"neighbor NAME {\"");
		return opened(ln);
	}
	const struct kw *k = t[0].type == TOK_WORD ?
	    kw_find(&conf_global_block, t[0].text) : NULL;
	if (k == NULL || ln->bad) {
		if (!ln->bad)
			run_stmt(p, &conf_global_block, t, n, p->c);
		else
			note_tried(p, &conf_global_block, t);
		return opened(ln);
	}
	if (k->block == NULL) {
		if (opens) {
			conf_p_err(p, "%s does not open a block; usage: %s",
			    k->name, k->usage);
			return opened(ln);
		}
		run_stmt(p, &conf_global_block, t, n, p->c);
		return 0;
	}
	for (size_t j = 1; j + 1 < n; j++) {
		if (t[j].type == TOK_LBRACE || t[j].type == TOK_RBRACE) {
			conf_p_err(p, "%s: write a block over several lines: "
			    "\"%s NAME {\", one statement per line, then } on "
			    "a line of its own", k->name, k->name);
			return opened(ln);
		}
	}
	if (opens) {
		if (!header_ok(p, k, t + 1, n - 2))
			return opened(ln);
		open_block(p, k, t + 1);
		return 0;
	}
	/* "neighbor r1" with the { on the next line, BSD style. */
	size_t j = *i + 1;
	while (j < lx->nlines && lx->lines[j].ntoks == 0)
		j++;
	bool next_brace = j < lx->nlines && is_lone(&lx->lines[j], TOK_LBRACE);
	if (!next_brace) {
		p->kw = k;
		conf_p_bad(p, "missing { at the end of the line");
		return 0;
	}
	conf_p_err(p, "%s: put { at the end of this line, not on a line of its "
	    "own", k->name);
	*i = j;
	if (!header_ok(p, k, t + 1, n - 1))
		return 1;
	open_block(p, k, t + 1);
	return 0;
}

void conf_parse(struct loader *l, const struct lexed *lx)
{
	struct parser p = { .l = l, .c = l->c };
	unsigned skip = 0;
	int skip_line = 0;

	for (size_t i = 0; i < lx->nlines; i++) {
		const struct line *ln = &lx->lines[i];
		const struct tok *t = ln->toks;
		size_t n = ln->ntoks;

		if (n == 0)
			continue;
		p.line = ln->lineno;
		if (skip > 0 && !block_header(ln)) {
			skip = brace_depth(ln, skip);
			continue;
		}
		if (skip > 0) {
			/* Blocks do not nest: this header ends the skipping. */
			conf_p_err(&p, "the block at line %d is not closed; "
			    "add } before line %d", skip_line, p.line);
			skip = 0;
		}
		if (p.blk != NULL) {
			if (t[0].type == TOK_RBRACE ||
			    t[n - 1].type == TOK_RBRACE) {
				if (n > 1)
					conf_p_err(&p, "} must be on a line of "
					    "its own");
				if (t[0].type != TOK_RBRACE && !ln->bad)
					run_stmt(&p, p.blk, t, n - 1, p.obj);
				else if (ln->bad)
					note_tried(&p, p.blk, t);
				close_block(&p);
				continue;
			}
			if (t[n - 1].type != TOK_LBRACE) {
				if (!ln->bad)
					run_stmt(&p, p.blk, t, n, p.obj);
				else
					note_tried(&p, p.blk, t);
				continue;
			}
			const struct kw *k = t[0].type == TOK_WORD ?
			    kw_find(&conf_global_block, t[0].text) : NULL;
			if (k == NULL || k->block == NULL) {
				conf_p_err(&p, "blocks do not nest: close the "
				    "%s block with } first", p.blk->kind);
				skip = opened(ln);
				skip_line = p.line;
				continue;
			}
			/* A new block header: the } before it was forgotten. */
			conf_p_err(&p, "block not closed: add } before line %d",
			    p.line);
			close_block(&p);
		}
		skip = top_line(&p, lx, &i);
		skip_line = p.line;
	}
	if (p.blk != NULL) {
		p.line = p.blk_line;
		conf_p_err(&p, "block not closed: add } after its last "
		    "statement");
		close_block(&p);
	}
}

/* ---- loading ---- */

static struct conf *load(const char *name, const char *text, size_t len,
    struct conf_diag *diag, bool checked)
{
	struct loader l = { .file = name };
	struct lexed lx;

	l.c = conf_xcalloc(1, sizeof(*l.c));
	l.c->file = conf_xstrdup(name);
	l.c->socket_mode = CONF_DEFAULT_SOCKET_MODE;
	l.c->max_clients = CONF_DEFAULT_MAX_CLIENTS;
	l.c->drain_time = CONF_DEFAULT_DRAIN_TIME;
	conf_lex(&l, text, len, &lx);
	conf_parse(&l, &lx);
	conf_lexed_free(&lx);
	if (checked)
		conf_check(&l);
	for (size_t i = 0; i < l.c->nadvs; i++) {
		free(l.adv[i].pool_line);
		free(l.adv[i].peer_line);
	}
	free(l.adv);
	free(l.nbr);
	free(l.track_line);
	free(l.pool);
	free(l.chk);
	if (conf_msg_flush(&l, diag) > 0) {
		conf_free(l.c);
		return NULL;
	}
	return l.c;
}

struct conf *conf_load_string(const char *name, const char *text,
    struct conf_diag *diag)
{
	return load(name, text, strlen(text), diag, true);
}

struct conf *conf_parse_string(const char *name, const char *text,
    struct conf_diag *diag)
{
	return load(name, text, strlen(text), diag, false);
}

struct conf *conf_load_file(const char *path, struct conf_diag *diag)
{
	struct loader l = { .file = path };
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (f == NULL) {
		conf_msg_add(&l, true, 0, "cannot open: %s", strerror(errno));
		conf_msg_flush(&l, diag);
		return NULL;
	}
	for (;;) {
		buf = conf_xreallocarray(buf, len + 65536, 1);
		size_t got = fread(buf + len, 1, 65536, f);
		len += got;
		if (got < 65536 || len > CONF_MAX_SIZE)
			break;
	}
	if (ferror(f) || len > CONF_MAX_SIZE) {
		if (ferror(f))
			conf_msg_add(&l, true, 0, "cannot read: %s",
			    strerror(errno));
		else
			conf_msg_add(&l, true, 0, "larger than %u bytes; not a "
			    "config file?", CONF_MAX_SIZE);
		fclose(f);
		free(buf);
		conf_msg_flush(&l, diag);
		return NULL;
	}
	fclose(f);
	struct conf *c = load(path, buf, len, diag, true);
	free(buf);
	return c;
}

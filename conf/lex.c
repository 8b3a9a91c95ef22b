/*
 * lex.c - lbbgp.conf text to lines of tokens: words, quoted strings,
 * braces; comments dropped.
 *
 * The lexer knows nothing of keywords or blocks.  It reports at most one
 * problem per line and keeps going, so that the parser can still see the
 * braces of a damaged line and stay in step with the blocks.
 */
#include "conf/conf_int.h"
#include "fsm/msg.h"

#include <stdlib.h>
#include <string.h>

struct lexer {
	struct loader *l;
	const char *s;		/* the current line */
	size_t len;		/* its length, without the newline */
	size_t pos;
	struct line *ln;
};

static bool is_word_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == ':' ||
	    ch == '/' || ch == '-' || ch == '+' || ch == '[' || ch == ']';
}

static void lex_error(struct lexer *lx, const char *fmt, ...) ATTR_PRINTF(2, 3);

static void lex_error(struct lexer *lx, const char *fmt, ...)
{
	va_list ap;

	if (lx->ln->bad)
		return;		/* one message per line is enough */
	lx->ln->bad = true;
	va_start(ap, fmt);
	conf_msg_addv(lx->l, true, lx->ln->lineno, NULL, fmt, ap);
	va_end(ap);
}

static void add_tok(struct lexer *lx, enum tok_type type, const char *text,
    size_t n)
{
	struct tok *t;

	lx->ln->toks = conf_append(lx->ln->toks, &lx->ln->ntoks,
	    sizeof(*lx->ln->toks));
	t = &lx->ln->toks[lx->ln->ntoks - 1];
	t->type = type;
	t->text = conf_xreallocarray(NULL, n + 1, 1);
	memcpy(t->text, text, n);
	t->text[n] = '\0';
}

/* A quoted string from the opening quote at lx->pos. */
static void lex_string(struct lexer *lx)
{
	char *buf = conf_xreallocarray(NULL, lx->len - lx->pos + 1, 1);
	size_t n = 0, i = lx->pos + 1;

	for (; i < lx->len && lx->s[i] != '"'; i++) {
		unsigned char ch = (unsigned char)lx->s[i];
		if (ch == '\\') {
			if (i + 1 < lx->len &&
			    (lx->s[i + 1] == '"' || lx->s[i + 1] == '\\')) {
				buf[n++] = lx->s[++i];
				continue;
			}
			lex_error(lx, "unknown escape in string: only \\\" and "
			    "\\\\ are escapes; write a backslash as \\\\");
			continue;
		}
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			lex_error(lx, "control character (byte 0x%02x) in "
			    "string; remove it", ch);
			continue;
		}
		/* Strings reach messages, logs and JSON replies: UTF-8 only. */
		if (ch >= 0x80) {
			size_t s = bgp_utf8_len((const uint8_t *)lx->s + i,
			    lx->len - i);
			if (s == 0) {
				lex_error(lx, "invalid UTF-8 in string (byte "
				    "0x%02x): write the file in UTF-8", ch);
				continue;
			}
			memcpy(buf + n, lx->s + i, s);
			n += s;
			i += s - 1;
			continue;
		}
		buf[n++] = (char)ch;
	}
	if (i >= lx->len)
		lex_error(lx, "unterminated string: close it with \" on "
		    "the same line");
	add_tok(lx, TOK_STRING, buf, n);
	free(buf);
	lx->pos = i + 1;
}

static void lex_bad_char(struct lexer *lx)
{
	unsigned char ch = (unsigned char)lx->s[lx->pos];
	const unsigned char *u = (const unsigned char *)lx->s + lx->pos;
	size_t left = lx->len - lx->pos;

	if (left >= 3 && u[0] == 0xe2 && u[1] == 0x80 &&
	    (u[2] == 0x9c || u[2] == 0x9d))
		lex_error(lx, "typographic quote: use a plain \" instead");
	else if (ch == ',')
		lex_error(lx, "invalid character ',': separate values with "
		    "spaces");
	else if (ch == ';')
		lex_error(lx, "invalid character ';': a statement ends at the "
		    "end of its line");
	else if (ch == '=')
		lex_error(lx, "invalid character '=': write \"keyword value\" "
		    "without =");
	else if (ch > 0x20 && ch < 0x7f)
		lex_error(lx, "invalid character '%c': words are letters, "
		    "digits and _ . : / - + [ ]; quote anything else", ch);
	else if (ch >= 0x80)
		lex_error(lx, "non-ASCII character (byte 0x%02x) outside a "
		    "quoted string; put it in quotes", ch);
	else
		lex_error(lx, "invalid byte 0x%02x outside a quoted string",
		    ch);
	lx->pos++;
}

static void lex_line(struct lexer *lx)
{
	while (lx->pos < lx->len) {
		unsigned char ch = (unsigned char)lx->s[lx->pos];
		size_t start = lx->pos;

		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' ||
		    ch == '\v') {
			lx->pos++;
		} else if (ch == '#') {
			return;
		} else if (ch == '{' || ch == '}') {
			add_tok(lx, ch == '{' ? TOK_LBRACE : TOK_RBRACE,
			    lx->s + lx->pos, 1);
			lx->pos++;
		} else if (ch == '"') {
			lex_string(lx);
		} else if (is_word_char(ch)) {
			while (lx->pos < lx->len &&
			    is_word_char((unsigned char)lx->s[lx->pos]))
				lx->pos++;
			add_tok(lx, TOK_WORD, lx->s + start, lx->pos - start);
		} else {
			lex_bad_char(lx);
		}
	}
}

void conf_lex(struct loader *l, const char *text, size_t len, struct lexed *out)
{
	struct lexer lx = { .l = l };
	size_t pos = 0;
	int lineno = 0;

	memset(out, 0, sizeof(*out));
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;

		out->lines = conf_append(out->lines, &out->nlines,
		    sizeof(*out->lines));
		lx.ln = &out->lines[out->nlines - 1];
		lx.ln->lineno = ++lineno;
		lx.s = text + pos;
		lx.len = end - pos;
		lx.pos = 0;
		lex_line(&lx);
		pos = end + 1;
	}
}

void conf_lexed_free(struct lexed *lx)
{
	for (size_t i = 0; i < lx->nlines; i++) {
		for (size_t j = 0; j < lx->lines[i].ntoks; j++)
			free(lx->lines[i].toks[j].text);
		free(lx->lines[i].toks);
	}
	free(lx->lines);
	memset(lx, 0, sizeof(*lx));
}

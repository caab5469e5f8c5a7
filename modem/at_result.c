/* The final-result table: which lines end a command and what they mean, numeric and
 * verbose error forms, and the human phrases for errors a person acts on. */
#include "at_result.h"
#include "at_iter.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

const char *at_result_kind_str(enum at_result_kind kind)
{
	switch (kind) {
	case AT_RESULT_OK:
		return "ok";
	case AT_RESULT_ERROR:
		return "error";
	case AT_RESULT_CME_ERROR:
		return "cme_error";
	case AT_RESULT_CMS_ERROR:
		return "cms_error";
	case AT_RESULT_NO_CARRIER:
		return "no_carrier";
	case AT_RESULT_BUSY:
		return "busy";
	case AT_RESULT_NO_ANSWER:
		return "no_answer";
	case AT_RESULT_NO_DIALTONE:
		return "no_dialtone";
	case AT_RESULT_TIMEOUT:
		return "timeout";
	case AT_RESULT_ABORTED:
		return "aborted";
	}
	return "unknown";
}

static const struct {
	const char *line;
	enum at_result_kind kind;
} plain_finals[] = {
	{"OK", AT_RESULT_OK},
	{"ERROR", AT_RESULT_ERROR},
	{"NO CARRIER", AT_RESULT_NO_CARRIER},
	{"BUSY", AT_RESULT_BUSY},
	{"NO ANSWER", AT_RESULT_NO_ANSWER},
	{"NO DIALTONE", AT_RESULT_NO_DIALTONE},
	{"NO DIAL TONE", AT_RESULT_NO_DIALTONE},
};

struct error_text {
	int code;
	const char *text;
};

/* TS 27.007 9.2.1 */
static const struct error_text cme_texts[] = {
	{3, "operation not allowed"},
	{4, "operation not supported"},
	{5, "PH-SIM PIN required"},
	{10, "SIM not inserted"},
	{11, "SIM PIN required"},
	{12, "SIM PUK required"},
	{13, "SIM failure"},
	{14, "SIM busy"},
	{15, "SIM wrong"},
	{16, "incorrect password"},
	{17, "SIM PIN2 required"},
	{18, "SIM PUK2 required"},
	{30, "no network service"},
	{100, "unknown"},
};

/* TS 27.005 3.2.5 */
static const struct error_text cms_texts[] = {
	{300, "ME failure"},
	{302, "operation not allowed"},
	{303, "operation not supported"},
	{304, "invalid PDU mode parameter"},
	{310, "SIM not inserted"},
	{311, "SIM PIN required"},
	{316, "SIM PUK required"},
	{313, "SIM failure"},
	{314, "SIM busy"},
	{320, "memory failure"},
	{321, "invalid memory index"},
	{322, "memory full"},
	{330, "SMSC address unknown"},
	{331, "no network service"},
	{332, "network timeout"},
	{340, "no +CNMA acknowledgement expected"},
	{500, "unknown error"},
};

static int code_of_text(const struct error_text *t, size_t n, const char *text)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(t[i].text, text) == 0)
			return t[i].code;
	return -1;
}

static bool classify_error(const char *line, const char *prefix, enum at_result_kind kind,
			   const struct error_text *t, size_t n, struct at_result *out)
{
	struct at_iter it;
	char text[64];

	at_iter_init(&it, line);
	if (!at_iter_prefix(&it, prefix))
		return false;
	out->kind = kind;
	if (at_iter_next_int(&it, &out->code) == 0 && at_iter_at_end(&it))
		return true;
	at_iter_init(&it, line);
	at_iter_prefix(&it, prefix);
	if (at_iter_next_text(&it, text, sizeof(text)) == 0)
		out->code = code_of_text(t, n, text);
	else
		out->code = -1;
	return true;
}

bool at_result_classify(const char *line, struct at_result *out)
{
	for (size_t i = 0; i < sizeof(plain_finals) / sizeof(plain_finals[0]); i++) {
		if (strcmp(line, plain_finals[i].line) == 0) {
			out->kind = plain_finals[i].kind;
			out->code = 0;
			return true;
		}
	}
	if (classify_error(line, "+CME ERROR:", AT_RESULT_CME_ERROR, cme_texts,
			   sizeof(cme_texts) / sizeof(cme_texts[0]), out))
		return true;
	return classify_error(line, "+CMS ERROR:", AT_RESULT_CMS_ERROR, cms_texts,
			      sizeof(cms_texts) / sizeof(cms_texts[0]), out);
}

static const char *text_of_code(const struct error_text *t, size_t n, int code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].text;
	return NULL;
}

const char *at_result_describe(const struct at_result *r)
{
	switch (r->kind) {
	case AT_RESULT_CME_ERROR:
		return text_of_code(cme_texts, sizeof(cme_texts) / sizeof(cme_texts[0]), r->code);
	case AT_RESULT_CMS_ERROR:
		return text_of_code(cms_texts, sizeof(cms_texts) / sizeof(cms_texts[0]), r->code);
	case AT_RESULT_OK:
	case AT_RESULT_ERROR:
	case AT_RESULT_NO_CARRIER:
	case AT_RESULT_BUSY:
	case AT_RESULT_NO_ANSWER:
	case AT_RESULT_NO_DIALTONE:
	case AT_RESULT_TIMEOUT:
	case AT_RESULT_ABORTED:
		break;
	}
	return NULL;
}

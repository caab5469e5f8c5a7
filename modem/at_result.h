/* How an AT command ended, as data: the final result codes of V.250 5.7 and the modem error
 * reports of TS 27.007 9.2 (+CME ERROR) and TS 27.005 3.2.5 (+CMS ERROR), plus the outcomes
 * the engine itself decides (timeout, aborted). */
#ifndef M2_AT_RESULT_H
#define M2_AT_RESULT_H

#include <stdbool.h>

enum at_result_kind {
	AT_RESULT_OK,
	AT_RESULT_ERROR,     /* plain ERROR: the modem gave no reason */
	AT_RESULT_CME_ERROR, /* code: TS 27.007 9.2 (10 SIM not inserted, 11 PIN, 12 PUK, 16 wrong password)
			      */
	AT_RESULT_CMS_ERROR, /* code: TS 27.005 3.2.5 (321 invalid index, 322 memory full, 500 unknown) */
	AT_RESULT_NO_CARRIER,
	AT_RESULT_BUSY,
	AT_RESULT_NO_ANSWER,
	AT_RESULT_NO_DIALTONE,
	AT_RESULT_TIMEOUT, /* no final result within the command's timeout */
	AT_RESULT_ABORTED, /* dropped by at_chat_abort_all (port closed, modem reset) */
};

const char *at_result_kind_str(enum at_result_kind kind);

/* `code` is the numeric error for CME/CMS (-1 when the modem sent text we do not know),
 * 0 otherwise. */
struct at_result {
	enum at_result_kind kind;
	int code;
};

/* When `line` is a final result code, fills `*out` and returns true; otherwise false. Knows
 * numeric and verbose (+CMEE=2) forms of the errors a person has to act on. */
bool at_result_classify(const char *line, struct at_result *out);

/* A short human phrase for the error (e.g. "SIM PIN required", "memory full"), or NULL. */
const char *at_result_describe(const struct at_result *r);

#endif

/* The fixture of the base daemon's tests: a base on a real SQLite file in a temporary folder,
 * no modems and no loop, a fake wall clock; messages go in as real SMS-DELIVER PDUs, texts
 * come out of the outbox as a modem would take them; a restart is a new base on the same
 * file. Units' messages are made with the protocol library and the unit's key. */
#ifndef M2_TEST_BASE_FIXTURE_H
#define M2_TEST_BASE_FIXTURE_H

#include "base.h"
#include "config.h"
#include "proto.h"
#include "proto_window.h"
#include "store_base.h"
#include "store_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define BASE_NUMBER "+15550001000"
#define WH1_NUMBER  "+15550002001"
#define F2_NUMBER   "+15550002002"
#define ALICE       "+15550003001" /* admin, tier 1 */
#define BOB         "+15550003002" /* operator, tier 2 */
#define CAROL       "+15550003003" /* viewer, tier 2 */
#define STRANGER    "+15550009999"
#define WH1_KEY     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define F2_KEY      "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
#define T0_MS       1764039600000LL /* 03:00 UTC */

struct base_text {
	char dest[STORE_NUMBER_MAX];
	char text[STORE_TEXT_MAX];
	char kind[STORE_LABEL_MAX];
	bool possibly_duplicate;
};

struct bfx {
	struct store_fx sfx;
	struct m2_config *cfg;
	struct store *store;
	struct base *base;
	int64_t now_ms;
	int last_stored; /* the result the base gave the last message handed over */
	int stored_calls;
	uint32_t seq[2];            /* the units' next sequence numbers */
	struct proto_window win[2]; /* the units' windows of the base's messages */
	struct base_text out[64];   /* texts taken by the last bfx_take */
	size_t n_out;
};

/* Creates the folder, loads the configuration (a site "North", units WH1 and F2 with a 1 h
 * heartbeat, Alice, Bob and Carol, tier delay 1 min, settle 1 min, and `extra` inside the
 * base group), and starts a base at T0_MS. */
void bfx_setup(struct bfx *f, const char *extra);
void bfx_teardown(struct bfx *f);

/* Stops the base (as a crash would: nothing more is written) and starts another on the file. */
void bfx_restart(struct bfx *f);

/* Moves the clock on by `ms` and lets the base act on it. */
void bfx_advance(struct bfx *f, int64_t ms);

/* Hands over an SMS from `sender` as the modem would; returns the result of stored(). */
int bfx_sms(struct bfx *f, const char *sender, const char *text);
/* Hands over an exact PDU (hex, SMSC field first). */
int bfx_pdu(struct bfx *f, const char *pdu);
/* The DELIVER PDU(s) of `text` from `sender`: returns the number of parts. */
int bfx_make_pdus(const char *sender, const char *text, int64_t scts_ms, char pdus[][400], int max);

/* A unit's message: `m` gets the unit's id, next seq (unless m->head.seq is set) and time
 * (unless set), is signed with its key and sent from its number. Returns the seq used. */
uint32_t bfx_unit(struct bfx *f, int unit, struct proto_msg *m);
/* The text bfx_unit would send, without sending it. */
void bfx_unit_text(struct bfx *f, int unit, struct proto_msg *m, char *out, size_t n);
/* An ALARM (raised) or CLEAR of `channel` at `level` with value `v10`. */
uint32_t bfx_event(struct bfx *f, int unit, const char *channel, enum proto_level level, bool raised,
		   int32_t v10);

/* Takes every text due from the outbox (as modems would: claimed and settled sent) into
 * f->out; returns how many. */
size_t bfx_take(struct bfx *f);
/* How many of the last taken texts went to `dest` (and contain `needle` when not NULL). */
size_t bfx_to(const struct bfx *f, const char *dest, const char *needle);
/* The first text of the last taken to `dest` containing `needle` (NULL: any), or NULL. */
const struct base_text *bfx_find(const struct bfx *f, const char *dest, const char *needle);
/* Reads a base-to-unit text (receipt, command) of unit `unit`: 0 and `m` when it verifies. */
int bfx_open_for_unit(struct bfx *f, int unit, const char *text, struct proto_msg *m);

/* Events of kind `kind` stored whose text contains `needle` (NULL: any). */
int bfx_events(struct bfx *f, enum store_event_kind kind, const char *needle);
/* Inbox rows stored and not yet acted on. */
int bfx_inbox_new(struct bfx *f);

#endif

/* The fixture of the incident engine's tests: a four-person call list, an engine whose
 * actions are recorded, and helpers to read which texts went to whom. */
#ifndef M2_TEST_ALERT_FIXTURE_H
#define M2_TEST_ALERT_FIXTURE_H

#include "alert_engine.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define MIN_MS (60 * 1000LL)
#define T0     1764000000000LL /* 16:00 UTC */

struct act {
	enum alert_action_kind kind;
	enum alert_msg msg;
	int contact;
	uint32_t id;
	uint32_t ids[16];
	size_t n_ids;
	enum alert_state from, to;
	char text[ALERT_TEXT_MAX];
	char reason[16];
};

struct fx {
	struct alert_policy p;
	struct alert_engine *e;
	struct act a[512];
	size_t n;
	size_t seen; /* actions already looked at by take_sms() */
};

#define ANNA "+4917000001"
#define BEN  "+4917000002"
#define CLEO "+4917000003"
#define DAN  "+4917000004"

#define HIGHP(...) (&(struct alert_report[1]){high(__VA_ARGS__)}[0])

#define A (1u << 0)
#define B (1u << 1)
#define C (1u << 2)
#define D (1u << 3)

/* Records every action; fails the test on a text that is not one GSM 7-bit SMS ending with
 * what to reply. */
void sink(const struct alert_action *action, void *user_data);
void add_contact(struct alert_policy *p, const char *name, const char *number, enum alert_role role,
		 uint8_t tier);
/* A site "Dairy": Anna admin tier 1, Ben operator tier 2, Cleo operator tier 3, Dan viewer
 * tier 1; 3 tiers 10 and 20 minutes apart, reminders every 30, 1 minute coalescing. */
int setup(void **state);
void build(struct fx *f);
int teardown(void **state);
struct alert_report high(const char *unit, int16_t ch, int32_t v, int64_t since);
/* Texts of kind `msg` sent since the last call: a bitmask of contacts in *who, and the count. */
size_t take_sms(struct fx *f, uint32_t *who, enum alert_msg msg);
const struct act *last_sms(const struct fx *f, int contact);
void tick_to(struct fx *f, int64_t to);

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

#endif

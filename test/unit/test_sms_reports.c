/* Delivery reports as the person sending sees them: a text is "delivered" only when every
 * part is, "failed" as soon as one part cannot arrive, a "still trying" report changes
 * nothing final, and a report nobody waits for is named unmatched or late. Numbers written
 * differently by the network and by the user still match. */
#include "sms_number.h"
#include "sms_reports.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define EXPIRE_MS (72 * 3600 * 1000LL)

struct app {
	int expired;
	struct sms_sent_state last;
};

static void on_expired(const struct sms_sent_state *st, void *user_data)
{
	struct app *app = user_data;

	app->expired++;
	app->last = *st;
}

static struct sms_reports *make(struct app *app)
{
	struct sms_reports_cfg cfg = {.expire_ms = EXPIRE_MS, .on_expired = on_expired, .user_data = app};

	memset(app, 0, sizeof(*app));
	return sms_reports_new(&cfg);
}

/* A status report PDU for reference `mr`, recipient +447700900123 (TP-RA 0C91447700091032),
 * TP-Status `st`, decoded the way the modem layer would. */
static struct sms_decoded report(uint8_t mr, uint8_t st)
{
	char hex[128];
	struct sms_decoded d;
	char why[128];

	snprintf(hex, sizeof(hex),
		 "0006%02X"
		 "0C91447700091032"
		 "62115280938500"
		 "62115280939500"
		 "%02X",
		 mr, st);
	if (sms_decode_pdu(hex, strlen(hex), -1, &d, why, sizeof(why)) != 0)
		fail_msg("%s: %s", hex, why);
	assert_string_equal(d.number, "+447700900123");
	return d;
}

static struct sms_report_match match_at(struct sms_reports *r, uint8_t mr, uint8_t st, int64_t now_ms)
{
	struct sms_decoded d = report(mr, st);
	struct sms_report_match m;

	assert_int_equal(sms_reports_match(r, &d, now_ms, &m), 0);
	return m;
}

static struct sms_report_match match(struct sms_reports *r, uint8_t mr, uint8_t st)
{
	return match_at(r, mr, st, 0);
}

static void test_numbers_national_and_international(void **state)
{
	(void)state;
	assert_true(sms_number_same("+447700900123", "+447700900123"));
	assert_true(sms_number_same("+447700900123", "07700900123"));
	assert_true(sms_number_same("07700 900 123", "+44 7700 900123"));
	assert_true(sms_number_same("00447700900123", "+447700900123"));
	assert_true(sms_number_same("447700900123", "+447700900123"));
	assert_true(sms_number_same("447700900123", "07700900123"));
	assert_true(sms_number_same("+15550001234", "5550001234"));
	assert_true(sms_number_same("Diafaan", "diafaan"));
	assert_false(sms_number_same("+447700900123", "+447700900124"));
	assert_false(sms_number_same("+447700900123", "+337700900123"));
	assert_false(sms_number_same("+447700900123", "0900123"));
	assert_false(sms_number_same("+447700900123", "123"));
	assert_false(sms_number_same("07700900123", "08700900123"));
	assert_false(sms_number_same("Diafaan", "+447700900123"));
	assert_false(sms_number_same("", ""));
	assert_false(sms_number_same(NULL, "+1"));
}

static void test_single_part_delivered(void **state)
{
	struct app app;
	struct sms_reports *r = make(&app);
	struct sms_report_match m;

	(void)state;
	assert_int_equal(sms_reports_sent(r, 100, 1, 1, 0x2A, "07700900123", 0), 0);
	assert_int_equal(sms_reports_pending(r), 1);
	m = match(r, 0x2A, 0x00);
	assert_int_equal(m.outcome, SMS_REPORT_MATCHED);
	assert_int_equal(m.part, 1);
	assert_true(m.message_changed);
	assert_int_equal(m.message.message_id, 100);
	assert_int_equal(m.message.state, SMS_DELIVERY_DELIVERED);
	assert_true(m.message.final);
	assert_int_equal(sms_reports_pending(r), 0);
	/* the same report again, e.g. after a +CMGL sweep: late, not a second delivery */
	m = match(r, 0x2A, 0x00);
	assert_int_equal(m.outcome, SMS_REPORT_LATE);
	sms_reports_free(r);
}

static void test_multipart_delivered_when_all_parts_are(void **state)
{
	struct app app;
	struct sms_reports *r = make(&app);
	struct sms_report_match m;

	(void)state;
	for (int part = 1; part <= 3; part++)
		assert_int_equal(sms_reports_sent(r, 7, part, 3, (uint8_t)(10 + part), "+447700900123", part),
				 0);
	m = match(r, 13, 0x00);
	assert_int_equal(m.part, 3);
	assert_int_equal(m.message.state, SMS_DELIVERY_PENDING);
	assert_int_equal(m.message.delivered, 1);
	assert_int_equal(m.message.pending, 2);
	m = match(r, 11, 0x21); /* SME busy: still trying */
	assert_int_equal(m.outcome, SMS_REPORT_MATCHED);
	assert_int_equal(m.part_state, SMS_DELIVERY_PENDING);
	assert_false(m.message_changed);
	m = match(r, 11, 0x00);
	assert_int_equal(m.message.delivered, 2);
	assert_false(m.message.final);
	m = match(r, 12, 0x00);
	assert_int_equal(m.message.state, SMS_DELIVERY_DELIVERED);
	assert_int_equal(m.message.delivered, 3);
	assert_true(m.message.final);
	sms_reports_free(r);
}

static void test_one_failed_part_fails_message(void **state)
{
	struct app app;
	struct sms_reports *r = make(&app);
	struct sms_report_match m;

	(void)state;
	sms_reports_sent(r, 8, 1, 2, 20, "+447700900123", 0);
	sms_reports_sent(r, 8, 2, 2, 21, "+447700900123", 0);
	m = match(r, 21, 0x46); /* validity period expired */
	assert_int_equal(m.part_state, SMS_DELIVERY_FAILED);
	assert_int_equal(m.message.state, SMS_DELIVERY_FAILED);
	assert_true(m.message.final);
	assert_int_equal(m.message.failed, 1);
	assert_int_equal(sms_reports_pending(r), 0);
	sms_reports_free(r);
}

static void test_unmatched_reports(void **state)
{
	struct app app;
	struct sms_reports *r = make(&app);
	struct sms_decoded d;
	struct sms_report_match m;

	(void)state;
	sms_reports_sent(r, 1, 1, 1, 30, "+447700900999", 0);
	m = match(r, 30, 0x00); /* same reference, another recipient */
	assert_int_equal(m.outcome, SMS_REPORT_UNMATCHED);
	m = match(r, 31, 0x00);
	assert_int_equal(m.outcome, SMS_REPORT_UNMATCHED);
	assert_int_equal(sms_reports_pending(r), 1);
	memset(&d, 0, sizeof(d));
	d.kind = SMS_KIND_DELIVER;
	assert_int_equal(sms_reports_match(r, &d, 0, &m), -EINVAL);
	sms_reports_free(r);
}

static void test_expiry_then_late(void **state)
{
	struct app app;
	struct sms_reports *r = make(&app);
	struct sms_report_match m;

	(void)state;
	sms_reports_sent(r, 5, 1, 2, 40, "+447700900123", 1000);
	sms_reports_sent(r, 5, 2, 2, 41, "+447700900123", 2000);
	match(r, 40, 0x00);
	assert_int_equal(sms_reports_expire(r, 2000 + EXPIRE_MS - 1), 0);
	assert_int_equal(app.expired, 0);
	assert_int_equal(sms_reports_expire(r, 2000 + EXPIRE_MS), 1);
	assert_int_equal(app.expired, 1);
	assert_int_equal(app.last.message_id, 5);
	assert_int_equal(app.last.delivered, 1);
	assert_int_equal(app.last.pending, 1);
	assert_int_equal(sms_reports_pending(r), 0);
	m = match(r, 41, 0x00);
	assert_int_equal(m.outcome, SMS_REPORT_LATE);
	assert_int_equal(m.part, 2);
	assert_int_equal(sms_reports_expire(r, 2000 + 3 * EXPIRE_MS), 0);
	m = match(r, 41, 0x00);
	assert_int_equal(m.outcome, SMS_REPORT_UNMATCHED);
	assert_int_equal(app.expired, 1);
	sms_reports_free(r);
}

/* A report after expire_ms is late even before sms_reports_expire has run. */
static void test_report_after_expiry_time_is_late(void **state)
{
	struct app app;
	struct sms_reports *r = make(&app);
	struct sms_report_match m;

	(void)state;
	sms_reports_sent(r, 3, 1, 1, 70, "+447700900123", 1000);
	m = match_at(r, 70, 0x00, 1000 + EXPIRE_MS);
	assert_int_equal(m.outcome, SMS_REPORT_LATE);
	assert_int_equal(m.message.state, SMS_DELIVERY_PENDING);
	assert_int_equal(sms_reports_expire(r, 1000 + EXPIRE_MS), 1);
	assert_int_equal(app.expired, 1);
	sms_reports_free(r);
}

/* A final message expires silently: nothing to report missing. */
static void test_final_message_expires_quietly(void **state)
{
	struct app app;
	struct sms_reports *r = make(&app);

	(void)state;
	sms_reports_sent(r, 6, 1, 1, 50, "+447700900123", 0);
	match(r, 50, 0x00);
	assert_int_equal(sms_reports_expire(r, EXPIRE_MS), 0);
	assert_int_equal(app.expired, 0);
	sms_reports_free(r);
}

/* The modem's reference counter wraps: a new message with a used reference replaces the
 * old entry, and the report goes to the new message. */
static void test_reference_reuse_goes_to_newest(void **state)
{
	struct app app;
	struct sms_reports *r = make(&app);
	struct sms_report_match m;

	(void)state;
	sms_reports_sent(r, 1, 1, 1, 60, "+447700900123", 0);
	sms_reports_sent(r, 2, 1, 1, 60, "07700900123", 1000);
	m = match(r, 60, 0x00);
	assert_int_equal(m.outcome, SMS_REPORT_MATCHED);
	assert_int_equal(m.message.message_id, 2);
	assert_int_equal(sms_reports_pending(r), 0);
	sms_reports_free(r);
}

static void test_sent_rejects_inconsistent_parts(void **state)
{
	struct app app;
	struct sms_reports *r = make(&app);
	struct sms_reports_cfg bad = {.expire_ms = 0};

	(void)state;
	assert_int_equal(sms_reports_sent(r, 1, 0, 1, 1, "+1", 0), -EINVAL);
	assert_int_equal(sms_reports_sent(r, 1, 2, 1, 1, "+1", 0), -EINVAL);
	assert_int_equal(sms_reports_sent(r, 1, 1, 1, 1, "", 0), -EINVAL);
	assert_int_equal(sms_reports_sent(r, 9, 1, 2, 1, "+15550001", 0), 0);
	assert_int_equal(sms_reports_sent(r, 9, 2, 3, 2, "+15550001", 0), -EINVAL);
	assert_int_equal(sms_reports_sent(r, 9, 2, 2, 2, "+15550002", 0), -EINVAL);
	assert_null(sms_reports_new(&bad));
	sms_reports_free(r);
	sms_reports_free(NULL);
}

/* Many messages in flight: the table grows and still matches each one. */
static void test_many_in_flight(void **state)
{
	struct app app;
	struct sms_reports *r = make(&app);

	(void)state;
	for (int i = 0; i < 200; i++)
		assert_int_equal(sms_reports_sent(r, (uint64_t)i, 1, 1, (uint8_t)i, "+447700900123", i), 0);
	assert_int_equal(sms_reports_pending(r), 200);
	for (int i = 0; i < 200; i++) {
		struct sms_report_match m = match(r, (uint8_t)i, 0x00);

		assert_int_equal(m.message.message_id, (uint64_t)i);
	}
	assert_int_equal(sms_reports_pending(r), 0);
	sms_reports_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers_national_and_international),
		cmocka_unit_test(test_single_part_delivered),
		cmocka_unit_test(test_multipart_delivered_when_all_parts_are),
		cmocka_unit_test(test_one_failed_part_fails_message),
		cmocka_unit_test(test_unmatched_reports),
		cmocka_unit_test(test_expiry_then_late),
		cmocka_unit_test(test_report_after_expiry_time_is_late),
		cmocka_unit_test(test_final_message_expires_quietly),
		cmocka_unit_test(test_reference_reuse_goes_to_newest),
		cmocka_unit_test(test_sent_rejects_inconsistent_parts),
		cmocka_unit_test(test_many_in_flight),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

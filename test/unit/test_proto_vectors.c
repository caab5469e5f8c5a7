/* The test vectors of docs/protocol.md are what the code produces: each vector below is
 * encoded, opened back, and written out as the block the document must hold word for word.
 * `test_proto_vectors --print` prints every block, to paste into the document after a
 * deliberate change of the format. */
#include "proto.h"
#include "proto_batch.h"
#include "proto_fixture.h"

#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#ifndef DOCS_DIR
#define DOCS_DIR "docs"
#endif

#define T_S 1764039600LL /* 2025-11-25 03:00:00 UTC */

struct vector {
	const char *name;
	const char *title;
	int utc_offset_min;
	void (*fill)(struct proto_msg *m);
	const unsigned *bit_fields; /* READINGS: the widths of the payload's fields, for the reader */
};

static void head(struct proto_msg *m, enum proto_kind kind, uint32_t seq)
{
	memset(m, 0, sizeof(*m));
	m->head.kind = kind;
	strcpy(m->head.unit, "WH1");
	m->head.seq = seq;
	m->head.time_ms = T_S * 1000;
}

static void alarm(struct proto_msg *m)
{
	head(m, PROTO_KIND_ALARM, 1234);
	m->u.event = (struct proto_event){.channel = "T1",
					  .level = PROTO_LEVEL_HIGH,
					  .has_value = true,
					  .value_c10 = 94,
					  .threshold_c10 = 80,
					  .since_ms = (T_S - 480) * 1000};
}

static void clear(struct proto_msg *m)
{
	head(m, PROTO_KIND_CLEAR, 1240);
	m->u.event = (struct proto_event){.channel = "T1",
					  .level = PROTO_LEVEL_HIGH,
					  .has_value = true,
					  .value_c10 = 74,
					  .threshold_c10 = 75,
					  .since_ms = (T_S - 120) * 1000};
}

static void fault(struct proto_msg *m)
{
	head(m, PROTO_KIND_FAULT, 1241);
	m->u.event = (struct proto_event){.channel = "T2",
					  .level = PROTO_LEVEL_PROBE,
					  .has_value = true,
					  .value_c10 = -183,
					  .since_ms = (T_S - 300) * 1000};
}

static void fault_end(struct proto_msg *m)
{
	head(m, PROTO_KIND_FAULT_END, 1242);
	m->u.event = (struct proto_event){.channel = "T2",
					  .level = PROTO_LEVEL_PROBE,
					  .has_value = true,
					  .value_c10 = -181,
					  .since_ms = T_S * 1000};
}

static void power(struct proto_msg *m)
{
	head(m, PROTO_KIND_POWER, 1243);
	m->u.power = (struct proto_power){.event = PROTO_POWER_MAINS_LOST,
					  .battery_pct = 87,
					  .battery_mv = 4012,
					  .since_ms = (T_S - 60) * 1000};
}

static void heartbeat(struct proto_msg *m)
{
	head(m, PROTO_KIND_HEARTBEAT, 1244);
	m->u.status = (struct proto_status){.mains = PROTO_MAINS_ON,
					    .battery_pct = -1,
					    .battery_mv = -1,
					    .csq = 17,
					    .pending = 2,
					    .uptime_s = 86400,
					    .n_values = 2,
					    .values = {{"T1", true, 42}, {"T2", false, 0}}};
}

static void echo(struct proto_msg *m)
{
	head(m, PROTO_KIND_ECHO, 1245);
	m->u.echo = (struct proto_echo){
		.cmd_id = 17, .result = PROTO_RESULT_OK, .by = "+15550003001", .text = "SET T1 HIGH 8.0"};
}

static void reply(struct proto_msg *m)
{
	head(m, PROTO_KIND_REPLY, 1246);
	m->u.reply = (struct proto_reply){
		.cmd_id = 18, .n_values = 2, .values = {{"T1", true, 41}, {"T2", true, -182}}};
}

static void receipt(struct proto_msg *m)
{
	head(m, PROTO_KIND_RECEIPT, 77);
	m->u.receipt = (struct proto_receipt){.upto = 1240, .beyond = {0x5}};
}

static void command(struct proto_msg *m)
{
	head(m, PROTO_KIND_COMMAND, 78);
	m->u.command = (struct proto_command){.cmd_id = 17, .by = "+15550003001", .text = "SET T1 HIGH 8"};
}

static void readings_small(struct proto_msg *m)
{
	static const int32_t v[6] = {40, 41, 39, PROTO_MISSING, PROTO_MISSING, 45};
	head(m, PROTO_KIND_READINGS, 1247);
	struct proto_readings *r = &m->u.readings;
	r->n_channels = 1;
	strcpy(r->channel[0], "T1");
	r->interval_s = 600;
	r->count = 6;
	r->first_ms = (T_S - 5 * 600) * 1000;
	memcpy(r->temp_c10, v, sizeof(v));
}

static void readings_day(struct proto_msg *m)
{
	head(m, PROTO_KIND_READINGS, 1248);
	struct proto_readings *r = &m->u.readings;
	r->n_channels = 1;
	strcpy(r->channel[0], "T1");
	r->interval_s = 600;
	r->count = 144;
	r->first_ms = (T_S - 143 * 600) * 1000;
	fixture_trace(FIXTURE_CHILLER, 1, T_S - 143 * 600, 600, r->temp_c10, 144);
}

static void readings_two(struct proto_msg *m)
{
	static const int32_t v[2][8] = {
		{42, 43, 43, 44, 120, 44, 43, 42},
		{-183, -183, PROTO_MISSING, PROTO_MISSING, PROTO_MISSING, -181, -182, -183}};
	head(m, PROTO_KIND_READINGS, 1249);
	struct proto_readings *r = &m->u.readings;
	r->n_channels = 2;
	strcpy(r->channel[0], "T1");
	strcpy(r->channel[1], "T2");
	r->interval_s = 300;
	r->count = 8;
	r->first_ms = (T_S - 7 * 300 - 20) * 1000;
	memcpy(r->temp_c10, v[0], sizeof(v[0]));
	memcpy(r->temp_c10 + 8, v[1], sizeof(v[1]));
}

/* interval flag and minutes, count, offset, k, base, six codes: 40 41 39, a run of two, 45. */
static const unsigned small_fields[] = {1, 7, 5, 1, 3, 16, 3, 3, 3, 8, 1, 3, 6, 0};

static const struct vector vectors[] = {
	{"alarm", "an alarm, HIGH, the unit's clock an hour ahead of UTC", 60, alarm, NULL},
	{"clear", "its clear", 60, clear, NULL},
	{"fault", "a probe fault", 60, fault, NULL},
	{"fault-end", "the probe good again", 60, fault_end, NULL},
	{"power", "mains lost, on battery", 60, power, NULL},
	{"heartbeat", "a heartbeat, T2 at fault", 0, heartbeat, NULL},
	{"echo", "the echo of a relayed SET", 0, echo, NULL},
	{"reply", "the reply to a READ", 0, reply, NULL},
	{"receipt", "a receipt from the base", 0, receipt, NULL},
	{"command", "a SET relayed by the base", 0, command, NULL},
	{"readings-small", "six readings, two of them missing", 0, readings_small, small_fields},
	{"readings-two", "two channels, an outlier and a probe fault", 0, readings_two, NULL},
	{"readings-day", "a chiller's day (sim:chiller, seed 1) in one SMS", 0, readings_day, NULL},
};

static const uint8_t vector_key[PROTO_KEY_LEN] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10,
						  11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
						  22, 23, 24, 25, 26, 27, 28, 29, 30, 31};

/* A bounded text buffer for one block. */
struct out {
	char s[8192];
	size_t len;
};

static void add(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->s + o->len, sizeof(o->s) - o->len, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(o->s) - o->len);
	o->len += (size_t)n;
}

static void add_values(struct out *o, const struct proto_value *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i].ok)
			add(o, " %s=%d", v[i].channel, (int)v[i].temp_c10);
		else
			add(o, " %s=fault", v[i].channel);
	}
}

/* Numbers in lines of at most 20, under the label's column. */
static void add_samples(struct out *o, const struct proto_readings *r, size_t c)
{
	add(o, "samples   %s:", r->channel[c]);
	for (size_t i = 0; i < r->count; i++) {
		if (i > 0 && i % 20 == 0)
			add(o, "\n             ");
		int32_t v = proto_readings_at(r, c, i);
		if (v == PROTO_MISSING)
			add(o, " -");
		else
			add(o, " %d", (int)v);
	}
	add(o, "\n");
}

static void add_fields(struct out *o, const struct proto_msg *m)
{
	const struct proto_event *e = &m->u.event;
	const struct proto_power *p = &m->u.power;
	const struct proto_status *s = &m->u.status;
	const struct proto_readings *r = &m->u.readings;
	add(o, "fields    kind=%s unit=%s seq=%u time=%lld", proto_kind_str(m->head.kind), m->head.unit,
	    (unsigned)m->head.seq, (long long)(m->head.time_ms / 1000));
	switch (m->head.kind) {
	case PROTO_KIND_READINGS:
		add(o, " first=%lld interval=%u count=%zu\n", (long long)(r->first_ms / 1000),
		    (unsigned)r->interval_s, r->count);
		for (size_t c = 0; c < r->n_channels; c++)
			add_samples(o, r, c);
		return;
	case PROTO_KIND_ALARM:
	case PROTO_KIND_CLEAR:
		add(o, "\n          channel=%s level=%s value=%d threshold=%d since=%lld", e->channel,
		    proto_level_str(e->level), (int)e->value_c10, (int)e->threshold_c10,
		    (long long)(e->since_ms / 1000));
		break;
	case PROTO_KIND_FAULT:
	case PROTO_KIND_FAULT_END:
		add(o, "\n          channel=%s value=%d since=%lld", e->channel, (int)e->value_c10,
		    (long long)(e->since_ms / 1000));
		break;
	case PROTO_KIND_POWER:
		add(o, "\n          event=%s battery_pct=%d battery_mv=%d since=%lld",
		    proto_power_event_str(p->event), p->battery_pct, (int)p->battery_mv,
		    (long long)(p->since_ms / 1000));
		break;
	case PROTO_KIND_HEARTBEAT:
		add(o,
		    "\n          mains=%s battery_pct=%d battery_mv=%d csq=%d pending=%u uptime=%u\n        "
		    " ",
		    proto_mains_str(s->mains), s->battery_pct, (int)s->battery_mv, s->csq,
		    (unsigned)s->pending, (unsigned)s->uptime_s);
		add_values(o, s->values, s->n_values);
		break;
	case PROTO_KIND_ECHO:
		add(o, "\n          cmd=%u result=%s by=%s text=\"%s\"", (unsigned)m->u.echo.cmd_id,
		    proto_result_str(m->u.echo.result), m->u.echo.by, m->u.echo.text);
		break;
	case PROTO_KIND_REPLY:
		add(o, " cmd=%u\n         ", (unsigned)m->u.reply.cmd_id);
		add_values(o, m->u.reply.values, m->u.reply.n_values);
		break;
	case PROTO_KIND_RECEIPT:
		add(o, "\n          upto=%u beyond=%llx:%016llx", (unsigned)m->u.receipt.upto,
		    (unsigned long long)m->u.receipt.beyond[1], (unsigned long long)m->u.receipt.beyond[0]);
		break;
	case PROTO_KIND_COMMAND:
		add(o, "\n          cmd=%u by=%s text=\"%s\"", (unsigned)m->u.command.cmd_id, m->u.command.by,
		    m->u.command.text);
		break;
	}
	add(o, "\n");
}

/* The payload's bits, grouped by the widths given (the last group is the padding). */
static void add_bits(struct out *o, const char *text, const unsigned *widths)
{
	static const char d81[] =
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#%&()*+,-./:;<=>?_";
	char bits[2048];
	size_t nb = 0;
	const char *end = text + strlen(text) - PROTO_TAG_CHARS - 1, *payload = end;
	while (payload > text && payload[-1] != ' ')
		payload--;
	size_t len = (size_t)(end - payload);
	for (size_t at = 0; at < len; at += 3) {
		size_t n = len - at >= 3 ? 3 : len - at;
		unsigned width = n == 3 ? 19 : (unsigned)n * 6;
		uint32_t v = 0;
		for (size_t i = 0; i < n; i++)
			v = v * 81 + (uint32_t)(strchr(d81, payload[at + i]) - d81);
		for (unsigned b = width; b-- > 0;)
			bits[nb++] = (char)('0' + ((v >> b) & 1));
	}
	add(o, "bits     ");
	size_t at = 0;
	for (const unsigned *w = widths; *w; w++) {
		add(o, " %.*s", (int)*w, bits + at);
		at += *w;
	}
	add(o, " | %.*s\n", (int)(nb - at), bits + at);
}

static void render(const struct vector *v, struct out *o)
{
	static struct proto_msg m, back;
	char text[PROTO_TEXT_MAX], hex[PROTO_KEY_HEX + 1];
	uint8_t mac[crypto_auth_hmacsha256_BYTES];
	v->fill(&m);
	int n = proto_encode(&m, vector_key, v->utc_offset_min, text, sizeof(text));
	assert_true(n > 0);
	enum proto_dir dir = proto_kind_dir(m.head.kind);
	assert_int_equal(proto_open(text, (size_t)n, vector_key, dir, &back, NULL), 0);
	char again[PROTO_TEXT_MAX];
	assert_int_equal(proto_encode(&back, vector_key, v->utc_offset_min, again, sizeof(again)), n);
	assert_string_equal(again, text); /* what was read is what was written */
	crypto_auth_hmacsha256_state st;
	const uint8_t d = dir == PROTO_DIR_UNIT_TO_BASE ? 'U' : 'B';
	crypto_auth_hmacsha256_init(&st, vector_key, sizeof(vector_key));
	crypto_auth_hmacsha256_update(&st, &d, 1);
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)text, (size_t)n - PROTO_TAG_CHARS);
	crypto_auth_hmacsha256_final(&st, mac);
	proto_key_format(vector_key, hex);
	o->len = 0;
	add(o, "### %s: %s\n\n```text\n", v->name, v->title);
	add(o, "key       %s\n", hex);
	if (v->utc_offset_min != 0)
		add(o, "clock     sentence in UTC%+d min\n", v->utc_offset_min);
	add_fields(o, &m);
	if (v->bit_fields)
		add_bits(o, text, v->bit_fields);
	add(o, "mac input %c + \"%.*s\"\n", d, n - PROTO_TAG_CHARS, text);
	add(o, "hmac      ");
	for (size_t i = 0; i < sizeof(mac); i++)
		add(o, "%02x", mac[i]);
	add(o, "\ntext      %s\n", text);
	add(o, "length    %d characters%s\n```\n", n, n <= PROTO_SMS_CHARS ? ", one SMS" : "");
}

static char *read_doc(void)
{
	FILE *f = fopen(DOCS_DIR "/protocol.md", "rb");
	assert_non_null(f);
	static char doc[1 << 18];
	size_t n = fread(doc, 1, sizeof(doc) - 1, f);
	fclose(f);
	doc[n] = '\0';
	return doc;
}

static void the_documents_vectors_are_what_the_code_makes(void **state)
{
	(void)state;
	const char *doc = read_doc();
	static struct out o;
	int missing = 0;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		render(&vectors[i], &o);
		if (!strstr(doc, o.s)) {
			fprintf(stderr, "docs/protocol.md lacks this block (or holds another):\n%s\n", o.s);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
}

static void the_documented_limits_are_the_headers(void **state)
{
	(void)state;
	const char *doc = read_doc();
	char line[128];
	snprintf(line, sizeof(line), "| escape quotient E | %d |", PROTO_BATCH_ESCAPE);
	assert_non_null(strstr(doc, line));
	snprintf(line, sizeof(line), "| samples per message, all channels | %d |", PROTO_READINGS_MAX);
	assert_non_null(strstr(doc, line));
	snprintf(line, sizeof(line), "| replay window | %d |", 128);
	assert_non_null(strstr(doc, line));
	snprintf(line, sizeof(line), "| longest message | %d characters |", PROTO_TEXT_LIMIT);
	assert_non_null(strstr(doc, line));
}

int main(int argc, char **argv)
{
	if (proto_init() != 0)
		return 1;
	if (argc > 1 && strcmp(argv[1], "--print") == 0) {
		static struct out o;
		for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
			render(&vectors[i], &o);
			printf("%s\n", o.s);
		}
		return 0;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_documents_vectors_are_what_the_code_makes),
		cmocka_unit_test(the_documented_limits_are_the_headers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

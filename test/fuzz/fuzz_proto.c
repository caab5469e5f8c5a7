/* Fuzz target: the unit <-> base message parser on arbitrary bytes. Each input is tried as it
 * is (the head, the alphabet, the tag) and signed again with the fuzz key (so the body's
 * parser sees what a key holder could send). Whatever opens must pass the encoder's own
 * check and encode back to the same frame; a readings payload, the replay window and the
 * key parser get the bytes too. */
#include "proto.h"
#include "proto_batch.h"
#include "proto_window.h"

#include <errno.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The fixture key of test/unit/proto_fixture.c, so the seed corpus verifies. */
static const uint8_t key[PROTO_KEY_LEN] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
					   16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31};

static enum proto_dir dir_of(const char *text, size_t len)
{
	const char *hash = memchr(text, '#', len);
	if (hash && (size_t)(hash - text) + 2 < len && (hash[2] == 'K' || hash[2] == 'X'))
		return PROTO_DIR_BASE_TO_UNIT;
	return PROTO_DIR_UNIT_TO_BASE;
}

/* Replaces the last 11 characters by the tag they should have. */
static void resign(char *text, size_t len, enum proto_dir dir)
{
	uint8_t mac[crypto_auth_hmacsha256_BYTES];
	char b64[sodium_base64_ENCODED_LEN(sizeof(mac), sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
	crypto_auth_hmacsha256_state st;
	const uint8_t d = dir == PROTO_DIR_UNIT_TO_BASE ? 'U' : 'B';
	if (len < PROTO_TAG_CHARS)
		return;
	crypto_auth_hmacsha256_init(&st, key, sizeof(key));
	crypto_auth_hmacsha256_update(&st, &d, 1);
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)text, len - PROTO_TAG_CHARS);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac), sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	memcpy(text + len - PROTO_TAG_CHARS, b64, PROTO_TAG_CHARS);
}

/* A message that opened: valid by the encoder's rules, and the same frame once encoded. */
static void reencode(const char *text, size_t len, const struct proto_msg *m)
{
	static struct proto_msg back;
	static char again[PROTO_TEXT_MAX];
	const char *why = "";
	if (proto_msg_check(m, &why) != 0) {
		fprintf(stderr, "opened but invalid (%s): %.*s\n", why, (int)len, text);
		abort();
	}
	int n = proto_encode(m, key, 0, again, sizeof(again));
	if (n == -EMSGSIZE && m->head.kind == PROTO_KIND_READINGS)
		return; /* the sender chose a k that fits; ours may be longer than three SMS */
	if (n < 0 || proto_open(again, (size_t)n, key, proto_kind_dir(m->head.kind), &back, NULL) != 0) {
		fprintf(stderr, "opened but does not encode back (%d): %.*s\n", n, (int)len, text);
		abort();
	}
	if (m->head.kind == PROTO_KIND_READINGS) {
		const struct proto_readings *a = &m->u.readings, *b = &back.u.readings;
		if (a->count != b->count || a->first_ms != b->first_ms ||
		    memcmp(a->temp_c10, b->temp_c10, a->count * a->n_channels * sizeof(int32_t)) != 0)
			abort();
		return;
	}
	/* Frames compare without their tags: the sentence before them may differ. */
	const char *f1 = memchr(text, '#', len), *f2 = strchr(again, '#');
	size_t l1 = len - (size_t)(f1 - text) - PROTO_TAG_CHARS,
	       l2 = (size_t)n - (size_t)(f2 - again) - PROTO_TAG_CHARS;
	if (l1 != l2 || memcmp(f1, f2, l1) != 0 || memcmp(m, &back, sizeof(back)) != 0) {
		fprintf(stderr, "encodes back differently:\n  %.*s\n  %s\n", (int)len, text, again);
		abort();
	}
}

static void try_open(const char *text, size_t len)
{
	static struct proto_msg m;
	struct proto_head h;
	struct proto_error err;
	int rc = proto_peek(text, len, &h, &err);
	if (rc != 0 && rc != -EBADMSG && rc != -EPROTONOSUPPORT)
		abort();
	if (rc != 0 && (unsigned)err.reason >= PROTO_REJECT_COUNT)
		abort();
	if (rc == 0 && (h.seq == 0 || h.unit[0] == '\0' || h.time_ms < 0))
		abort();
	rc = proto_open(text, len, key, dir_of(text, len), &m, &err);
	if (rc == 0)
		reencode(text, len, &m);
	else if ((rc != -EBADMSG && rc != -EACCES && rc != -EPROTONOSUPPORT) || err.at > len)
		abort();
}

/* The bytes as a readings payload and as a story of sequence numbers. */
static void payload_and_window(const uint8_t *data, size_t size)
{
	static struct proto_readings r;
	struct proto_window w;
	struct proto_receipt rec;
	size_t at;
	r.n_channels = size ? 1 + data[0] % PROTO_CHANNELS_MAX : 1;
	if (proto_batch_unpack((const char *)data + (size > 0), size > 0 ? size - 1 : 0, 1764000000, &r,
			       &at) == 0 &&
	    r.count * r.n_channels > PROTO_READINGS_MAX)
		abort();
	proto_window_init(&w);
	for (size_t i = 0; i + 2 <= size; i += 2) {
		uint32_t seq = w.top + (uint32_t)((data[i] << 8 | data[i + 1]) - 0x8000);
		if (proto_window_check(&w, seq, NULL) == 0)
			proto_window_accept(&w, seq);
		if (seq != 0 && proto_window_check(&w, seq, NULL) == 0)
			abort(); /* once accepted, never again */
	}
	proto_window_receipt(&w, &rec);
	if (w.top != 0 && !proto_receipt_covers(&rec, w.top))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready && proto_init() == 0)
		ready = 1;
	char *text = malloc(size + 1);
	uint8_t k[PROTO_KEY_LEN];
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	try_open(text, size);
	resign(text, size, dir_of(text, size));
	try_open(text, size);
	proto_key_parse(text, k);
	free(text);
	payload_and_window(data, size);
	return 0;
}

/* Fuzz target: the office display's query strings (web_query.c), the times inside them
 * (web_time.c) and the --listen address, on arbitrary bytes. Whatever comes in: an answer
 * of 0 or -EINVAL, an error message that is printable, short and never repeats the bytes
 * sent, and accepted values that keep the limits they were checked against. */
#include "web_query.h"
#include "web_server.h"
#include "web_time.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1764547200000LL

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_web_query: %s\n", what);
		abort();
	}
}

static void check_ids(const struct web_query *q)
{
	for (const char *p = q->unit; *p; p++)
		check((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			      *p == '-' || *p == '_',
		      "unit id holds a character it may not");
	for (const char *p = q->channel; *p; p++)
		check((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			      *p == '_',
		      "channel name holds a character it may not");
	check(strlen(q->unit) < STORE_UNIT_MAX && strlen(q->channel) < STORE_CHANNEL_MAX, "name too long");
	check(q->limit <= 1000 && q->points <= 20000, "a count past its limit");
	check(q->width == 0 || (q->width >= 200 && q->width <= 4000), "width past its limit");
	check(q->height == 0 || (q->height >= 120 && q->height <= 3000), "height past its limit");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The first byte picks the parameters the address takes; the rest is the query. */
	unsigned allowed = size ? (unsigned)data[0] | (data[0] & 1u ? WEB_PARAM_V : 0) : 0x1ffu;
	const char *qs = size ? (const char *)data + 1 : "";
	size_t len = size ? size - 1 : 0;
	struct web_query q;
	char err[192];
	int rc = web_query_parse(qs, len, allowed, NOW, &q, err, sizeof(err));
	check(rc == 0 || rc == -EINVAL, "unexpected result");
	if (rc == 0) {
		check((q.present & ~allowed) == 0, "accepted a parameter not allowed");
		check_ids(&q);
		check(!(q.present & WEB_PARAM_SINCE && q.present & WEB_PARAM_UNTIL) ||
			      q.since_ms < q.until_ms,
		      "since not before until");
	} else {
		size_t n = strlen(err);
		check(n > 0 && n < sizeof(err) - 1, "error empty or cut");
		for (size_t i = 0; i < n; i++)
			check(err[i] >= 0x20 && err[i] < 0x7f, "error not printable");
	}
	char *text = malloc(len + 1);
	if (!text)
		return 0;
	memcpy(text, qs, len);
	text[len] = '\0';
	int64_t t;
	rc = web_time_parse(text, NOW, &t);
	check(rc == 0 || rc == -EINVAL || rc == -ERANGE, "time: unexpected result");
	check(rc != 0 || t >= 0, "time: before 1970");
	struct sockaddr_storage addr;
	socklen_t alen;
	rc = web_listen_parse(text, &addr, &alen, err, sizeof(err));
	check(rc == 0 || rc == -EINVAL, "listen: unexpected result");
	free(text);
	return 0;
}

/* Writes the seed corpus of fuzz_proto into the directory given: a valid message of every
 * kind at its limits (test/unit/proto_fixture.c) and broken ones. Not a test; run it after
 * a change of the format:  build/test/fuzz/proto_corpus test/fuzz/corpus/proto */
#include "proto.h"
#include "proto_fixture.h"

#include <stdio.h>
#include <string.h>

static int write_file(const char *dir, const char *name, const char *text, size_t len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

#define WRITE_LIT(dir, name, lit) write_file(dir, name, lit, sizeof(lit) - 1)

/* Broken on purpose: every way a text can fail before or after its tag. */
static int write_broken(const char *dir, const char *alarm, size_t len)
{
	char buf[PROTO_TEXT_MAX + 8];
	int rc = 0;
	rc |= WRITE_LIT(dir, "bad-empty", "");
	rc |= WRITE_LIT(dir, "bad-person", "1234 SET T1 HIGH 8");
	rc |= write_file(dir, "bad-truncated-tag", alarm, len - 1);
	memcpy(buf, alarm, len);
	buf[len - 1] = buf[len - 1] == 'A' ? 'B' : 'A';
	rc |= write_file(dir, "bad-forged-tag", buf, len);
	memcpy(buf, alarm, len);
	buf[4] = '0';
	rc |= write_file(dir, "bad-forged-sentence", buf, len);
	rc |= WRITE_LIT(dir, "bad-utf8",
			"WH1 ALARM T1 9.4\xc2\xb0"
			"C #1A WH1 1 1 T1 H 94 80 0 AAAAAAAAAAA");
	rc |= WRITE_LIT(dir, "bad-binary", "#1R WH1 1 1 T1 \x00\xff\x1b\r\n AAAAAAAAAAA");
	rc |= WRITE_LIT(dir, "bad-version", "#2A WH1 1 1 T1 H 94 80 0 AAAAAAAAAAA");
	rc |= WRITE_LIT(dir, "bad-fields", "#1H WH1 1 1 1 87 4012 17 0 0 T1=4 T1=5 AAAAAAAAAAA");
	memset(buf, 'A', PROTO_TEXT_LIMIT + 1);
	rc |= write_file(dir, "bad-overlong", buf, PROTO_TEXT_LIMIT + 1);
	return rc;
}

int main(int argc, char **argv)
{
	static struct proto_msg m;
	static const char *const variants[FIXTURE_VARIANTS] = {"min", "max", "typical"};
	char text[PROTO_TEXT_MAX], name[64], alarm[PROTO_TEXT_MAX];
	int alarm_len = 0;
	if (argc != 2 || proto_init() != 0) {
		fprintf(stderr, "usage: proto_corpus DIR\n");
		return 2;
	}
	for (int k = 0; k < PROTO_KIND_COUNT; k++) {
		for (int v = 0; v < FIXTURE_VARIANTS; v++) {
			fixture_msg(&m, (enum proto_kind)k, (enum fixture_variant)v);
			int n = proto_encode(&m, fixture_key, 60, text, sizeof(text));
			snprintf(name, sizeof(name), "%s-%s", proto_kind_str((enum proto_kind)k),
				 variants[v]);
			if (n < 0 || write_file(argv[1], name, text, (size_t)n) != 0)
				return 1;
			if (k == PROTO_KIND_ALARM && v == FIXTURE_TYPICAL) {
				memcpy(alarm, text, (size_t)n + 1);
				alarm_len = n;
			}
		}
	}
	return write_broken(argv[1], alarm, (size_t)alarm_len) == 0 ? 0 : 1;
}

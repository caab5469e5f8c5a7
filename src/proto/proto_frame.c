/* The frame every message shares (proto.h): the alphabet, the head (version, kind, unit,
 * seq, time), the tag and its MAC, and the order of checks on the way in: form, head,
 * direction, tag, and only then the body. */
#include "hex.h"
#include "proto_body.h"
#include "proto_internal.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>

const char proto_b64_alphabet[64] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int proto_b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

bool proto_char_ok(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return true;
	if (c >= 'a' && c <= 'z')
		return true;
	if (c >= '0' && c <= '9')
		return true;
	return c != '\0' && strchr(" !\"#$%&'()*+,-./:;<=>?_", c) != NULL;
}

int proto_init(void)
{
	return sodium_init() < 0 ? -EIO : 0;
}

void proto_tag(const uint8_t key[PROTO_KEY_LEN], enum proto_dir dir, const char *text, size_t len,
	       char tag[PROTO_TAG_CHARS])
{
	crypto_auth_hmacsha256_state st;
	uint8_t mac[crypto_auth_hmacsha256_BYTES];
	const uint8_t d = dir == PROTO_DIR_UNIT_TO_BASE ? 'U' : 'B';
	crypto_auth_hmacsha256_init(&st, key, PROTO_KEY_LEN);
	crypto_auth_hmacsha256_update(&st, &d, 1);
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)text, len);
	crypto_auth_hmacsha256_final(&st, mac);
	for (unsigned j = 0; j < PROTO_TAG_CHARS; j++) {
		unsigned v = 0;
		for (unsigned b = 6 * j; b < 6 * j + 6; b++)
			v = (v << 1) | ((mac[b / 8] >> (7 - b % 8)) & 1u);
		tag[j] = proto_b64_alphabet[v];
	}
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(mac, sizeof(mac));
}

static int fail(struct proto_error *err, enum proto_reject reason, size_t at, int rc)
{
	if (err) {
		err->reason = reason;
		err->at = at;
	}
	return rc;
}

/* Where the parts of a message are. */
struct frame {
	size_t hash_at;   /* the '#' */
	size_t body_at;   /* just after the time: the body's leading space, or the tag's */
	size_t tag_space; /* the space before the tag */
	struct proto_head head;
};

/* The alphabet, the length, and where the frame starts. */
static int find_frame(const char *text, size_t len, struct frame *f, struct proto_error *err)
{
	if (!text || len == 0)
		return fail(err, PROTO_REJECT_EMPTY, 0, -EBADMSG);
	if (len > PROTO_TEXT_LIMIT)
		return fail(err, PROTO_REJECT_TOO_LONG, PROTO_TEXT_LIMIT, -EBADMSG);
	const char *hash = NULL;
	for (size_t i = 0; i < len; i++) {
		if (!proto_char_ok((unsigned char)text[i]))
			return fail(err, PROTO_REJECT_CHARSET, i, -EBADMSG);
		if (text[i] == '#' && !hash)
			hash = text + i;
	}
	if (!hash)
		return fail(err, PROTO_REJECT_NOT_PROTOCOL, 0, -EBADMSG);
	f->hash_at = (size_t)(hash - text);
	/* A sentence, when there is one, is separated from the frame by one space. */
	if (f->hash_at == 1 || (f->hash_at > 1 && (text[f->hash_at - 1] != ' ' || text[0] == ' ')))
		return fail(err, PROTO_REJECT_NOT_PROTOCOL, f->hash_at, -EBADMSG);
	if (f->hash_at + 2 >= len || text[f->hash_at + 1] < '0' || text[f->hash_at + 1] > '9')
		return fail(err, PROTO_REJECT_NOT_PROTOCOL, f->hash_at, -EBADMSG);
	if (text[f->hash_at + 1] != '0' + PROTO_VERSION)
		return fail(err, PROTO_REJECT_VERSION, f->hash_at + 1, -EPROTONOSUPPORT);
	int kind = proto_kind_of_letter(text[f->hash_at + 2]);
	if (kind < 0)
		return fail(err, PROTO_REJECT_KIND, f->hash_at + 2, -EBADMSG);
	memset(&f->head, 0, sizeof(f->head));
	f->head.version = PROTO_VERSION;
	f->head.kind = (enum proto_kind)kind;
	return 0;
}

/* The token at `*pos` after one space, up to the next space or `end`. */
static bool head_token(const char *text, size_t end, size_t *pos, size_t *at, size_t *tlen)
{
	if (*pos >= end || text[*pos] != ' ')
		return false;
	*at = *pos + 1;
	size_t e = *at;
	while (e < end && text[e] != ' ')
		e++;
	*tlen = e - *at;
	*pos = e;
	return *tlen > 0;
}

static int read_head(const char *text, size_t len, struct frame *f, struct proto_error *err)
{
	if (len < f->hash_at + 3 + 1 + PROTO_TAG_CHARS || text[len - PROTO_TAG_CHARS - 1] != ' ')
		return fail(err, PROTO_REJECT_TAG_FORMAT, len, -EBADMSG);
	f->tag_space = len - PROTO_TAG_CHARS - 1;
	for (size_t i = f->tag_space + 1; i < len; i++) {
		if (proto_b64_value(text[i]) < 0)
			return fail(err, PROTO_REJECT_TAG_FORMAT, i, -EBADMSG);
	}
	size_t pos = f->hash_at + 3, at, tlen;
	uint64_t v;
	if (!head_token(text, f->tag_space, &pos, &at, &tlen) || proto_body_unit(text + at, tlen) != 0)
		return fail(err, PROTO_REJECT_UNIT, pos, -EBADMSG);
	memcpy(f->head.unit, text + at, tlen);
	f->head.unit[tlen] = '\0';
	if (!head_token(text, f->tag_space, &pos, &at, &tlen) ||
	    proto_body_u64(text + at, tlen, UINT32_MAX, &v) != 0 || v == 0)
		return fail(err, PROTO_REJECT_SEQ, at, -EBADMSG);
	f->head.seq = (uint32_t)v;
	if (!head_token(text, f->tag_space, &pos, &at, &tlen) ||
	    proto_body_u64(text + at, tlen, PROTO_TIME_MAX_S, &v) != 0)
		return fail(err, PROTO_REJECT_TIME, at, -EBADMSG);
	f->head.time_ms = (int64_t)v * 1000;
	f->body_at = pos;
	return 0;
}

static int peek_frame(const char *text, size_t len, struct frame *f, struct proto_error *err)
{
	int rc = find_frame(text, len, f, err);
	return rc != 0 ? rc : read_head(text, len, f, err);
}

int proto_peek(const char *text, size_t len, struct proto_head *head, struct proto_error *err)
{
	struct frame f;
	int rc = peek_frame(text, len, &f, err);
	if (rc == 0)
		*head = f.head;
	return rc;
}

int proto_open(const char *text, size_t len, const uint8_t key[PROTO_KEY_LEN], enum proto_dir dir,
	       struct proto_msg *msg, struct proto_error *err)
{
	struct frame f;
	int rc = peek_frame(text, len, &f, err);
	if (rc != 0)
		return rc;
	if (proto_kind_dir(f.head.kind) != dir)
		return fail(err, PROTO_REJECT_DIRECTION, f.hash_at + 2, -EBADMSG);
	char want[PROTO_TAG_CHARS];
	proto_tag(key, dir, text, f.tag_space + 1, want);
	if (sodium_memcmp(want, text + f.tag_space + 1, PROTO_TAG_CHARS) != 0)
		return fail(err, PROTO_REJECT_TAG, f.tag_space + 1, -EACCES);
	struct proto_msg m;
	memset(&m, 0, sizeof(m));
	m.head = f.head;
	rc = proto_body_read(&m, text, f.body_at, f.tag_space, err);
	if (rc == 0)
		*msg = m;
	return rc;
}

/* Appends the tag to the `sb` that holds the rest of the message and copies it out. */
static int seal(struct proto_sb *sb, const uint8_t key[PROTO_KEY_LEN], enum proto_dir dir, char *out,
		size_t size)
{
	char tag[PROTO_TAG_CHARS];
	proto_sb_add(sb, " ");
	if (sb->over || sb->len + PROTO_TAG_CHARS > PROTO_TEXT_LIMIT)
		return -EMSGSIZE;
	proto_tag(key, dir, sb->buf, sb->len, tag);
	memcpy(sb->buf + sb->len, tag, PROTO_TAG_CHARS);
	sb->len += PROTO_TAG_CHARS;
	sb->buf[sb->len] = '\0';
	if (size < sb->len + 1)
		return -ENOSPC;
	memcpy(out, sb->buf, sb->len + 1);
	return (int)sb->len;
}

static void head_write(const struct proto_head *h, struct proto_sb *sb)
{
	proto_sb_add(sb, "#%d%c %s %u %lld", PROTO_VERSION, proto_kind_letter(h->kind), h->unit,
		     (unsigned)h->seq, (long long)(h->time_ms / 1000));
}

int proto_encode(const struct proto_msg *m, const uint8_t key[PROTO_KEY_LEN], int utc_offset_min, char *out,
		 size_t size)
{
	if (proto_msg_check(m, NULL) != 0)
		return -EINVAL;
	struct proto_sb sb = {.len = 0};
	proto_sentence_write(m, utc_offset_min, &sb);
	head_write(&m->head, &sb);
	int rc = proto_body_write(m, &sb);
	if (rc != 0)
		return rc;
	return seal(&sb, key, proto_kind_dir(m->head.kind), out, size);
}

int proto_encode_readings(const struct proto_head *head, const struct proto_series *s, size_t from,
			  const uint8_t key[PROTO_KEY_LEN], char *out, size_t size, size_t *taken)
{
	struct proto_msg hm = {.head = *head};
	if (head->kind != PROTO_KIND_READINGS || proto_head_check(&hm.head, NULL) != 0)
		return -EINVAL;
	struct proto_sb sb = {.len = 0};
	head_write(head, &sb);
	int rc = proto_body_write_series(s, from, 0, head->time_ms / 1000, &sb, taken);
	if (rc != 0)
		return rc;
	return seal(&sb, key, PROTO_DIR_UNIT_TO_BASE, out, size);
}

int proto_key_parse(const char *hex64, uint8_t key[PROTO_KEY_LEN])
{
	if (!hex64 || strlen(hex64) != PROTO_KEY_HEX)
		return -EINVAL;
	uint8_t k[PROTO_KEY_LEN];
	if (hex_decode(hex64, PROTO_KEY_HEX, k, sizeof(k)) != PROTO_KEY_LEN)
		return -EILSEQ;
	if (sodium_is_zero(k, sizeof(k))) {
		sodium_memzero(k, sizeof(k));
		return -EKEYREJECTED;
	}
	memcpy(key, k, sizeof(k));
	sodium_memzero(k, sizeof(k));
	return 0;
}

void proto_key_format(const uint8_t key[PROTO_KEY_LEN], char out[PROTO_KEY_HEX + 1])
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < PROTO_KEY_LEN; i++) {
		out[2 * i] = digits[key[i] >> 4];
		out[2 * i + 1] = digits[key[i] & 15];
	}
	out[PROTO_KEY_HEX] = '\0';
}

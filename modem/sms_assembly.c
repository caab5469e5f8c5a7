/* Reassembly of concatenated SMS: pending messages keyed by sender, reference and total
 * (TS 23.040 9.2.3.24.1/.8), each part persisted through the application before it counts,
 * duplicates recognised, and delivery exactly once: when whole, or at the timeout with the
 * gaps named. Time comes from the caller. */
#include "sms_assembly.h"

#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct part {
	bool present;
	struct sms_time scts;
	enum sms_encoding encoding;
	char *text;
	size_t text_len;
};

struct pending {
	struct sms_assembly_key key;
	int64_t first_ms;
	int received;
	struct part *parts; /* [key.total], indexed by seq - 1 */
};

/* A message delivered within the last timeout_ms: a part that comes again with the same
 * text is a network duplicate (the SC repeats a DELIVER whose acknowledgement it missed),
 * not the start of a new message; a part with other text is a new message that reuses the
 * reference. */
struct done {
	struct sms_assembly_key key;
	int64_t done_ms;
	uint64_t hash[255]; /* text hash per part, 0 for a part that never came */
};

struct sms_assembly {
	struct sms_assembly_cfg cfg;
	int count;
	struct pending *slots; /* [cfg.max_pending], the first `count` in use */
	int done_count;
	int done_next;     /* ring position of the next entry to overwrite */
	struct done *done; /* [cfg.max_pending] */
};

/* FNV-1a; 0 is kept to mean "absent". */
static uint64_t text_hash(const char *text, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)text[i]) * 0x100000001b3ull;
	return h ? h : 1;
}

const char *sms_assembly_result_str(enum sms_assembly_result result)
{
	switch (result) {
	case SMS_ASSEMBLY_STORED:
		return "stored";
	case SMS_ASSEMBLY_DELIVERED:
		return "delivered";
	case SMS_ASSEMBLY_DUPLICATE:
		return "duplicate";
	}
	return "?";
}

struct sms_assembly *sms_assembly_new(const struct sms_assembly_cfg *cfg)
{
	struct sms_assembly *a;

	if (cfg == NULL || cfg->timeout_ms <= 0 || cfg->max_pending < 1 || cfg->on_message == NULL)
		return NULL;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return NULL;
	a->cfg = *cfg;
	a->slots = calloc((size_t)cfg->max_pending, sizeof(*a->slots));
	a->done = calloc((size_t)cfg->max_pending, sizeof(*a->done));
	if (a->slots == NULL || a->done == NULL) {
		free(a->slots);
		free(a->done);
		free(a);
		return NULL;
	}
	return a;
}

static void pending_clear(struct pending *p)
{
	for (int i = 0; i < p->key.total; i++)
		free(p->parts[i].text);
	free(p->parts);
	memset(p, 0, sizeof(*p));
}

void sms_assembly_free(struct sms_assembly *a)
{
	if (a == NULL)
		return;
	for (int i = 0; i < a->count; i++)
		pending_clear(&a->slots[i]);
	free(a->slots);
	free(a->done);
	free(a);
}

static bool same_key(const struct sms_assembly_key *x, const struct sms_assembly_key *y)
{
	return x->ref == y->ref && x->ref16 == y->ref16 && x->total == y->total &&
	       strcmp(x->sender, y->sender) == 0;
}

static void remember_done(struct sms_assembly *a, const struct pending *p, int64_t now_ms)
{
	struct done *d = &a->done[a->done_next];

	memset(d, 0, sizeof(*d));
	d->key = p->key;
	d->done_ms = now_ms;
	for (int i = 0; i < p->key.total; i++) {
		if (p->parts[i].present)
			d->hash[i] = text_hash(p->parts[i].text, p->parts[i].text_len);
	}
	a->done_next = (a->done_next + 1) % a->cfg.max_pending;
	if (a->done_count < a->cfg.max_pending)
		a->done_count++;
}

static bool seen_done(const struct sms_assembly *a, const struct sms_assembly_key *key,
		      const struct sms_decoded *d, int64_t now_ms)
{
	for (int i = 0; i < a->done_count; i++) {
		const struct done *x = &a->done[i];

		if (now_ms - x->done_ms < a->cfg.timeout_ms && same_key(&x->key, key) &&
		    x->hash[d->concat.seq - 1] == text_hash(d->text, d->text_len))
			return true;
	}
	return false;
}

static void remove_slot(struct sms_assembly *a, int i)
{
	pending_clear(&a->slots[i]);
	a->slots[i] = a->slots[--a->count];
	memset(&a->slots[a->count], 0, sizeof(a->slots[0]));
}

/* Builds the message from what `p` holds and hands it over. Returns 0, or -ENOMEM with
 * nothing delivered. */
static int deliver(struct sms_assembly *a, const struct pending *p)
{
	uint8_t have[256], missing[256];
	struct sms_message msg = {.key = p->key, .first_ms = p->first_ms};
	size_t len = 0;
	char *text;

	for (int i = 0; i < p->key.total; i++)
		len += p->parts[i].present ? p->parts[i].text_len : 0;
	text = malloc(len + 1);
	if (text == NULL)
		return -ENOMEM;
	len = 0;
	for (int i = 0; i < p->key.total; i++) {
		const struct part *pt = &p->parts[i];

		if (!pt->present) {
			missing[msg.missing_count++] = (uint8_t)(i + 1);
			continue;
		}
		if (msg.part_count == 0) {
			msg.scts = pt->scts;
			msg.encoding = pt->encoding;
		}
		have[msg.part_count++] = (uint8_t)(i + 1);
		memcpy(text + len, pt->text, pt->text_len);
		len += pt->text_len;
	}
	text[len] = '\0';
	msg.text = text;
	msg.text_len = len;
	msg.complete = msg.missing_count == 0;
	msg.parts = have;
	msg.missing = missing;
	a->cfg.on_message(&msg, a->cfg.user_data);
	free(text);
	return 0;
}

/* A single-part message is handed over as decoded: its text is only read, never copied. */
static int deliver_single(struct sms_assembly *a, const struct sms_decoded *d, int64_t now_ms)
{
	static const uint8_t first[1] = {1}, none[1] = {0}; /* `missing` is never NULL */
	struct sms_message msg = {.scts = d->scts,
				  .encoding = d->encoding,
				  .text = d->text,
				  .text_len = d->text_len,
				  .complete = true,
				  .part_count = 1,
				  .parts = first,
				  .missing = none,
				  .first_ms = now_ms};

	strcpy(msg.key.sender, d->number);
	msg.key.ref = d->concat.ref;
	msg.key.ref16 = d->concat.ref16;
	msg.key.total = 1;
	a->cfg.on_message(&msg, a->cfg.user_data);
	return SMS_ASSEMBLY_DELIVERED;
}

static int find(const struct sms_assembly *a, const struct sms_assembly_key *k)
{
	for (int i = 0; i < a->count; i++) {
		if (same_key(&a->slots[i].key, k))
			return i;
	}
	return -1;
}

static int open_slot(struct sms_assembly *a, const struct sms_assembly_key *key, int64_t at_ms)
{
	struct pending *p;

	if (a->count == a->cfg.max_pending) {
		log_warn("sms",
			 "event=assembly_full sender=%s ref=%u pending=%d "
			 "what=\"multipart part refused, it stays on the SIM; raise max_pending "
			 "if this repeats\"",
			 key->sender, key->ref, a->count);
		return -ENOSPC;
	}
	p = &a->slots[a->count];
	p->parts = calloc(key->total, sizeof(*p->parts));
	if (p->parts == NULL)
		return -ENOMEM;
	p->key = *key;
	p->first_ms = at_ms;
	p->received = 0;
	return a->count++;
}

static int add_part(struct sms_assembly *a, const struct sms_decoded *d, const char *pdu_hex, int64_t at_ms,
		    bool persist)
{
	struct sms_assembly_key key = {
		.ref = d->concat.ref, .ref16 = d->concat.ref16, .total = d->concat.total};
	struct part *pt;
	bool opened;
	char *text;
	int i, err;

	strcpy(key.sender, d->number);
	i = find(a, &key);
	if (i >= 0 && a->slots[i].parts[d->concat.seq - 1].present)
		return SMS_ASSEMBLY_DUPLICATE;
	if (i < 0 && seen_done(a, &key, d, at_ms))
		return SMS_ASSEMBLY_DUPLICATE;
	text = malloc(d->text_len + 1);
	if (text == NULL)
		return -ENOMEM;
	memcpy(text, d->text, d->text_len + 1);
	opened = i < 0;
	if (opened && (i = open_slot(a, &key, at_ms)) < 0) {
		free(text);
		return i;
	}
	err = persist && a->cfg.on_part ? a->cfg.on_part(&key, d, pdu_hex, at_ms, a->cfg.user_data) : 0;
	if (err < 0) {
		if (opened)
			remove_slot(a, i);
		free(text);
		return err;
	}
	pt = &a->slots[i].parts[d->concat.seq - 1];
	*pt = (struct part){true, d->scts, d->encoding, text, d->text_len};
	if (at_ms < a->slots[i].first_ms)
		a->slots[i].first_ms = at_ms;
	if (++a->slots[i].received < key.total || deliver(a, &a->slots[i]) != 0)
		return SMS_ASSEMBLY_STORED;
	remember_done(a, &a->slots[i], at_ms);
	remove_slot(a, i);
	return SMS_ASSEMBLY_DELIVERED;
}

static int add(struct sms_assembly *a, const struct sms_decoded *d, const char *pdu_hex, int64_t at_ms,
	       bool persist)
{
	if (d == NULL || d->kind != SMS_KIND_DELIVER)
		return -EINVAL;
	if (!d->concat.present || d->concat.total == 1)
		return deliver_single(a, d, at_ms);
	if (d->concat.seq == 0 || d->concat.seq > d->concat.total)
		return -EINVAL;
	return add_part(a, d, pdu_hex, at_ms, persist);
}

int sms_assembly_add(struct sms_assembly *a, const struct sms_decoded *part, const char *pdu_hex,
		     int64_t now_ms)
{
	return add(a, part, pdu_hex, now_ms, true);
}

int sms_assembly_reload(struct sms_assembly *a, const char *pdu_hex, int64_t received_ms)
{
	struct sms_decoded *d = malloc(sizeof(*d));
	char why[128];
	int rc;

	if (d == NULL)
		return -ENOMEM;
	rc = sms_decode_pdu(pdu_hex, strlen(pdu_hex), -1, d, why, sizeof(why));
	if (rc == 0)
		rc = add(a, d, pdu_hex, received_ms, false);
	else
		log_warn("sms",
			 "event=reload_bad_part why=\"%s\" what=\"stored part skipped; "
			 "check the inbox table for corruption\"",
			 why);
	free(d);
	return rc;
}

int sms_assembly_tick(struct sms_assembly *a, int64_t now_ms)
{
	int delivered = 0;

	for (int i = 0; i < a->count;) {
		struct pending *p = &a->slots[i];

		if (now_ms - p->first_ms < a->cfg.timeout_ms || deliver(a, p) != 0) {
			i++;
			continue;
		}
		log_warn("sms",
			 "event=multipart_incomplete sender=%s ref=%u parts=%d/%u "
			 "what=\"delivered what came after the timeout; ask the sender to "
			 "resend if the text matters\"",
			 p->key.sender, p->key.ref, p->received, p->key.total);
		remember_done(a, p, now_ms);
		remove_slot(a, i);
		delivered++;
	}
	return delivered;
}

int64_t sms_assembly_next_deadline(const struct sms_assembly *a)
{
	int64_t next = INT64_MAX;

	for (int i = 0; i < a->count; i++) {
		if (a->slots[i].first_ms + a->cfg.timeout_ms < next)
			next = a->slots[i].first_ms + a->cfg.timeout_ms;
	}
	return next;
}

int sms_assembly_pending(const struct sms_assembly *a)
{
	return a->count;
}

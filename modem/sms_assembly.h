/* Reassembly of concatenated SMS (TS 23.040 9.2.3.24.1 and .8): parts keyed by sender,
 * reference and total, arriving in any order and possibly more than once. Each new part is
 * handed to the application to persist before it is accepted, so a restart loses nothing
 * (reload the stored parts with sms_assembly_reload); a message is delivered once, complete,
 * or after the timeout with what came and the numbers of the parts that did not. Time is
 * given by the caller; nothing here reads a clock or does I/O. */
#ifndef M2_SMS_ASSEMBLY_H
#define M2_SMS_ASSEMBLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sms_codec.h"

/* Identifies one multipart message being assembled. Single-part messages have total 1. */
struct sms_assembly_key {
	char sender[SMS_NUMBER_MAX];
	uint16_t ref;
	bool ref16;
	uint8_t total;
};

/* A whole message, as delivered. Every pointer is valid only during the on_message call. */
struct sms_message {
	struct sms_assembly_key key;
	struct sms_time scts;       /* of the lowest-numbered part received */
	enum sms_encoding encoding; /* of the lowest-numbered part received */
	const char *text;           /* UTF-8 of the received parts joined in part order */
	size_t text_len;
	bool complete;        /* false: delivered on timeout, `missing` lists the gaps */
	int part_count;       /* parts received */
	const uint8_t *parts; /* their numbers (1-based), ascending */
	int missing_count;
	const uint8_t *missing; /* numbers of the parts that never came, ascending */
	int64_t first_ms;       /* when the first part arrived (caller's clock) */
};

struct sms_assembly_cfg {
	/* How long after its first part a message is given up on and delivered incomplete.
	 * Networks deliver parts within seconds, but a phone that is switched off can leave a
	 * gap of hours; 24 h is a sensible default. Must be > 0. */
	int64_t timeout_ms;
	/* Messages assembled at once; a part of a new message beyond this is refused with
	 * -ENOSPC (the application keeps it on the SIM and retries after a timeout freed room). */
	int max_pending;
	/* Called for each new part of a multipart message before it is accepted, with the PDU
	 * hex exactly as given to sms_assembly_add and the arrival time: the application stores
	 * it (e.g. in SQLite). Returns 0, or a negative errno to refuse the part, which
	 * sms_assembly_add then returns; the part is not kept. Not called for duplicates, for
	 * single-part messages, nor by sms_assembly_reload. May be NULL. */
	int (*on_part)(const struct sms_assembly_key *key, const struct sms_decoded *part,
		       const char *pdu_hex, int64_t received_ms, void *user_data);
	/* Called exactly once per message, complete or timed out. Once the application has
	 * stored the message it deletes that key's stored parts (and, for a single-part message,
	 * the copy on the SIM). If it cannot store it, it keeps them: reloading the parts at the
	 * next start offers the message again. Must not call back into the assembly. */
	void (*on_message)(const struct sms_message *msg, void *user_data);
	void *user_data;
};

struct sms_assembly;

/* Returns a new assembly, or NULL when out of memory or `cfg` is invalid (timeout_ms <= 0,
 * max_pending < 1, on_message NULL). `cfg` is copied. */
struct sms_assembly *sms_assembly_new(const struct sms_assembly_cfg *cfg);

/* Frees the assembly and what it holds, without delivering anything (the parts are
 * persisted by the application). NULL is allowed. */
void sms_assembly_free(struct sms_assembly *asm_);

enum sms_assembly_result {
	SMS_ASSEMBLY_STORED,    /* a new part, persisted and waiting for the others */
	SMS_ASSEMBLY_DELIVERED, /* the message is whole (or single-part): on_message was called */
	/* this part is already held, or belongs to a message delivered less than timeout_ms
	 * ago and carries the same text (the network repeated it): nothing changed. The same
	 * reference with other text is a new message (8-bit references wrap). */
	SMS_ASSEMBLY_DUPLICATE,
};
const char *sms_assembly_result_str(enum sms_assembly_result result);

/* Adds one received SMS-DELIVER: `part` is its decoding, `pdu_hex` the hex it was decoded
 * from (handed to on_part). Returns an enum sms_assembly_result (>= 0), or -EINVAL when
 * `part` is not a DELIVER or has an impossible concatenation header (seq 0 or > total),
 * -ENOSPC when max_pending messages are already held, -ENOMEM, or what on_part returned.
 * On any error the part is not kept and the application must keep its copy. */
int sms_assembly_add(struct sms_assembly *asm_, const struct sms_decoded *part, const char *pdu_hex,
		     int64_t now_ms);

/* Puts back one part persisted before a restart, with its original arrival time; on_part is
 * not called. A message whose parts are all reloaded is delivered at once. Returns as
 * sms_assembly_add, plus -EBADMSG when the stored hex no longer decodes. */
int sms_assembly_reload(struct sms_assembly *asm_, const char *pdu_hex, int64_t received_ms);

/* Delivers, incomplete, every message whose first part arrived timeout_ms or more before
 * `now_ms`. Returns how many were delivered. */
int sms_assembly_tick(struct sms_assembly *asm_, int64_t now_ms);

/* The earliest time at which sms_assembly_tick will deliver something, or INT64_MAX when
 * nothing is pending: the application arms its timer with it. */
int64_t sms_assembly_next_deadline(const struct sms_assembly *asm_);

/* Messages currently being assembled. */
int sms_assembly_pending(const struct sms_assembly *asm_);

#endif

/* The AT chat engine: a queue of commands (each one data: request, expected prefix, optional
 * PDU for text entry, timeout), final results classified by at_result, URC handlers by
 * prefix dispatched at any time (mid-command, inside AT+CMGS). Pure: bytes and now_ms in,
 * bytes to write (at_chat_output) and callbacks out; no fd, no clock, no sleeping. */
#ifndef M2_AT_CHAT_H
#define M2_AT_CHAT_H

#include "at_result.h"

#include <stddef.h>
#include <stdint.h>

struct at_chat;

struct at_cmd {
	const char *request; /* e.g. "AT+CMGR=3", without the CR the engine appends */
	const char *prefix;  /* info lines to collect ("+CMGR:"); NULL collects every line that
			      * is not an echo, a final result or a registered URC; "" collects
			      * none */
	const char *pdu;     /* hex written after the `> ` prompt, then Ctrl-Z (TS 27.005 3.5.1
			      * AT+CMGS); NULL for a plain command */
	uint32_t timeout_ms; /* from the write of the request (again from the write of the PDU) */
	bool secret;         /* the request carries a secret (AT+CPIN="1234", AT+CPWD, AT+CLCK):
			      * it appears everywhere, logs and at_response.request included, as
			      * its text up to the first '=' then <hidden> (at_chat_redact) */
};

/* Writes into `out` how `request` appears when it is secret: "AT+CPIN=<hidden>" for
 * AT+CPIN="1234", the whole command hidden ("<hidden>") when it has no '='. Returns `out`. */
#define AT_CHAT_HIDDEN "<hidden>"
char *at_chat_redact(const char *request, char *out, size_t size);

/* Owned by the chat; callbacks see it through struct at_response's const pointer. */
struct at_line {
	char *text; /* the info line, as received */
	char *pdu;  /* the hex PDU line that followed it, or NULL */
};

struct at_response {
	const char *request; /* as written, or redacted when the command is secret */
	struct at_result result;
	size_t n_lines;
	const struct at_line *lines; /* valid only during the callback */
};

typedef void (*at_response_cb)(void *user_data, const struct at_response *resp);
/* `pdu` is the hex line that followed a +CMT:/+CDS: header, NULL otherwise (also when the
 * header announced one and the next line was not hex: the handler says what that means). */
typedef void (*at_urc_cb)(void *user_data, const char *line, const char *pdu);

struct at_chat_stats {
	uint64_t lines;      /* frames received */
	uint64_t unexpected; /* lines nobody claimed: garbage, late answers after a timeout */
	uint64_t timeouts;
};

/* Returns a new engine, or NULL when out of memory. */
struct at_chat *at_chat_new(void);
/* Frees the engine. The callback of every queued command runs once with AT_RESULT_ABORTED
 * first, so that its owner releases its user data; a command queued from such a callback is
 * dropped without its callback. */
void at_chat_free(struct at_chat *chat);

/* Queues `cmd` (copied); it is written when every earlier command has ended. `cb` is called
 * exactly once with the outcome (possibly AT_RESULT_TIMEOUT or _ABORTED). Returns an id > 0,
 * -EINVAL for an empty request, -ENOBUFS when AT_CHAT_QUEUE_MAX commands wait, -ENOMEM. */
#define AT_CHAT_QUEUE_MAX 64
int at_chat_send(struct at_chat *chat, const struct at_cmd *cmd, uint64_t now_ms, at_response_cb cb,
		 void *user_data);

/* Calls `cb` for every line starting with `prefix` ("+CMTI:", "RING") that no running
 * command claims through its own prefix. Returns an id > 0 for at_chat_urc_remove, or
 * -ENOBUFS when AT_CHAT_URC_MAX handlers are registered. */
#define AT_CHAT_URC_MAX 32
int at_chat_urc_add(struct at_chat *chat, const char *prefix, at_urc_cb cb, void *user_data);
void at_chat_urc_remove(struct at_chat *chat, int id);

/* Bytes read from the modem, in any split. */
void at_chat_feed(struct at_chat *chat, const void *buf, size_t len, uint64_t now_ms);
/* Fires what is due at `now_ms`: command timeouts, the flush of a line the modem left
 * without its final CR (after AT_CHAT_FLUSH_MS of silence), the end of a settle.
 * After a timeout the modem may still answer the abandoned command; so that this late
 * answer is not taken for the next command's, nothing is written until the modem has been
 * silent for AT_CHAT_SETTLE_MS (at most AT_CHAT_SETTLE_MAX_MS after the timeout, so that a
 * babbling modem cannot hold the queue); what arrives meanwhile is counted unexpected. */
#define AT_CHAT_FLUSH_MS      100
#define AT_CHAT_SETTLE_MS     1000
#define AT_CHAT_SETTLE_MAX_MS 10000
void at_chat_tick(struct at_chat *chat, uint64_t now_ms);
/* When at_chat_tick must next be called, or UINT64_MAX when nothing is due. */
uint64_t at_chat_next_deadline(const struct at_chat *chat);

/* Bytes waiting to be written to the modem (owned by the engine, valid until the next call
 * into it); at_chat_consume drops the first `n` of them once written. */
const uint8_t *at_chat_output(const struct at_chat *chat, size_t *len);
void at_chat_consume(struct at_chat *chat, size_t n);
/* How many of the first output bytes may carry a secret: whoever logs them shows them as
 * hidden. 0 when none do. */
size_t at_chat_output_secret(const struct at_chat *chat);
/* True while the modem may send back a secret: a secret command is queued or running, or
 * timed out and the line has not settled yet (its echo may still come). Whoever logs the
 * bytes read hides them meanwhile. The engine itself drops such an echo unlogged. */
bool at_chat_secret_pending(const struct at_chat *chat);

/* Ends every command queued at the time of the call with AT_RESULT_ABORTED, drops pending
 * output and any partial line (the port is being closed or the modem reset). Commands that
 * the callbacks queue meanwhile stay queued and are written by the next at_chat_send or
 * at_chat_kick. */
void at_chat_abort_all(struct at_chat *chat);

/* Writes ESC, which ends a text entry the modem may still be in (TS 27.005 3.5.1): a program
 * that died after AT+CMGS's prompt leaves the module waiting for a PDU, and it takes every
 * command as PDU digits until ESC or Ctrl-Z. A module in command mode ignores it. */
void at_chat_escape(struct at_chat *chat);

/* Writes the head of the queue if it is waiting (after at_chat_abort_all). */
void at_chat_kick(struct at_chat *chat, uint64_t now_ms);

size_t at_chat_queue_len(const struct at_chat *chat);
struct at_chat_stats at_chat_stats(const struct at_chat *chat);

#endif

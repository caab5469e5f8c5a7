/* Fuzz target: the modem's side of the line into the AT framer, chat engine and field
 * iterator. The first byte picks the piece size (1..8), the rest is the modem's output; a
 * plain command, an AT+CMGS with its prompt, and a +CMGL listing are queued, URC handlers
 * are registered, and every collected line is read field by field. Time moves with the
 * input so timeouts and the missing-CR flush run too. */
#include "at_chat.h"
#include "at_iter.h"
#include "log.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_fields(const char *line)
{
	struct at_iter it;
	char text[32];
	uint8_t hex[16];
	size_t n;
	int v, lo, hi;

	at_iter_init(&it, line);
	at_iter_prefix(&it, "+");
	for (int i = 0; i < 16 && !at_iter_at_end(&it); i++) {
		if (at_iter_next_int(&it, &v) == 0 || at_iter_next_string(&it, text, sizeof(text)) == 0 ||
		    at_iter_next_hex(&it, hex, sizeof(hex), &n) == 0 ||
		    at_iter_next_range(&it, &lo, &hi) == 0)
			continue;
		if (at_iter_open_list(&it) == 0) {
			at_iter_next_text(&it, text, sizeof(text));
			at_iter_close_list(&it);
			continue;
		}
		if (at_iter_skip(&it) != 0)
			break;
	}
}

static void on_resp(void *user_data, const struct at_response *r)
{
	(void)user_data;
	for (size_t i = 0; i < r->n_lines; i++)
		read_fields(r->lines[i].text);
}

static void on_urc(void *user_data, const char *line, const char *pdu)
{
	(void)user_data;
	(void)pdu;
	read_fields(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	if (!quiet++)
		log_setup(LOG_LEVEL_ERROR, false, "fuzz");
	if (size == 0)
		return 0;
	struct at_chat *chat = at_chat_new();
	if (!chat)
		return 0;
	size_t piece = (size_t)(data[0] % 8) + 1;
	struct at_cmd csq = {"AT+CSQ", "+CSQ:", NULL, 1000, false};
	struct at_cmd cmgs = {"AT+CMGS=5", "+CMGS:", "0001000000", 1000, false};
	struct at_cmd cmgl = {"AT+CMGL=4", "+CMGL:", NULL, 1000, false};
	struct at_cmd cgmm = {"AT+CGMM", NULL, NULL, 1000, false};
	at_chat_send(chat, &csq, 0, on_resp, NULL);
	at_chat_send(chat, &cmgs, 0, on_resp, NULL);
	at_chat_send(chat, &cmgl, 0, on_resp, NULL);
	at_chat_send(chat, &cgmm, 0, on_resp, NULL);
	at_chat_urc_add(chat, "+CMTI:", on_urc, NULL);
	at_chat_urc_add(chat, "+CMT:", on_urc, NULL);
	at_chat_urc_add(chat, "+CDS:", on_urc, NULL);
	uint64_t now = 0;
	for (size_t i = 1; i < size; i += piece) {
		size_t n = size - i < piece ? size - i : piece;
		at_chat_feed(chat, data + i, n, now);
		now += data[i] & 0x7f;
		at_chat_tick(chat, now);
		size_t out;
		at_chat_output(chat, &out);
		at_chat_consume(chat, out);
	}
	at_chat_tick(chat, now + 5000);
	at_chat_free(chat);
	return 0;
}

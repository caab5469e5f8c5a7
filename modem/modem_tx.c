/* Sending: one AT+CMGS per part (TS 27.005 3.5.1, PDU mode), in order, stopping at the
 * first refusal, collecting the TP-MR of each accepted part for status-report matching. */
#include "at_iter.h"
#include "log.h"
#include "modem_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct send_op {
	struct modem *m;
	modem_send_cb cb;
	void *user_data;
	int n, next;
	char *hex[MODEM_SEND_MAX_PARTS];
	int tpdu_len[MODEM_SEND_MAX_PARTS];
	struct modem_send_result res;
};

static void send_op_free(struct send_op *op)
{
	for (int i = 0; i < op->n; i++)
		free(op->hex[i]);
	free(op);
}

static void finish(struct send_op *op, struct at_result result)
{
	op->res.result = result;
	if (result.kind == AT_RESULT_OK)
		log_info("modem", "event=sms_sent parts=%d first_ref=%d", op->res.parts_sent,
			 op->res.refs[0]);
	else
		log_warn("modem", "event=sms_send_failed parts_sent=%d of=%d result=%s code=%d reason=\"%s\"",
			 op->res.parts_sent, op->n, at_result_kind_str(result.kind), result.code,
			 at_result_describe(&result) ? at_result_describe(&result) : "");
	if (op->cb)
		op->cb(op->user_data, &op->res);
	send_op_free(op);
}

static int send_part(struct send_op *op);

static void part_done(void *user_data, const struct at_response *r)
{
	struct send_op *op = user_data;
	struct at_iter it;
	int mr;

	if (r->result.kind != AT_RESULT_ABORTED)
		modem_note_result(op->m, r);
	if (r->result.kind != AT_RESULT_OK) {
		finish(op, r->result);
		return;
	}
	if (r->n_lines == 0) {
		finish(op, (struct at_result){AT_RESULT_ERROR, 0});
		return;
	}
	at_iter_init(&it, r->lines[0].text);
	if (!at_iter_prefix(&it, "+CMGS:") || at_iter_next_int(&it, &mr) != 0 || mr < 0 || mr > 255) {
		log_warn("modem",
			 "event=bad_cmgs line=\"%s\" action=\"sent, but no status report can be matched to "
			 "it\"",
			 r->lines[0].text);
		mr = -1;
	}
	op->res.refs[op->res.parts_sent++] = mr;
	if (op->next == op->n) {
		finish(op, r->result);
		return;
	}
	if (send_part(op) < 0)
		finish(op, (struct at_result){AT_RESULT_ABORTED, 0});
}

static int send_part(struct send_op *op)
{
	char req[32];
	int i = op->next++;

	snprintf(req, sizeof(req), "AT+CMGS=%d", op->tpdu_len[i]);
	struct at_cmd c = {req, "+CMGS:", op->hex[i], op->m->timing.send_ms, false};
	return modem_command(op->m, &c, part_done, op);
}

static bool valid_part(const struct modem_pdu *p)
{
	size_t len = p->hex ? strlen(p->hex) : 0;

	if (len == 0 || len % 2 != 0 || p->tpdu_len <= 0 || (size_t)p->tpdu_len * 2 > len)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = p->hex[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

int modem_send(struct modem *m, const struct modem_pdu *parts, int n, uint64_t now_ms, modem_send_cb cb,
	       void *user_data)
{
	if (now_ms > m->now_ms)
		m->now_ms = now_ms;
	if (m->state != MODEM_STATE_READY)
		return -ENOTCONN;
	if (n <= 0 || n > MODEM_SEND_MAX_PARTS)
		return -EINVAL;
	for (int i = 0; i < n; i++)
		if (!valid_part(&parts[i]))
			return -EINVAL;
	struct send_op *op = calloc(1, sizeof(*op));
	if (!op)
		return -ENOMEM;
	op->m = m;
	op->cb = cb;
	op->user_data = user_data;
	for (int i = 0; i < n; i++) {
		op->hex[i] = strdup(parts[i].hex);
		op->tpdu_len[i] = parts[i].tpdu_len;
		op->n = i + 1;
		if (!op->hex[i]) {
			send_op_free(op);
			return -ENOMEM;
		}
	}
	int rc = send_part(op);
	if (rc < 0) {
		send_op_free(op);
		return rc;
	}
	return 0;
}

/* The message storages (TS 27.005 3.2.2): the table of storages m2mon reads (the profile's,
 * its report storage, any other a URC named), their fill as +CPMS tells it, the storage
 * operations run one at a time (each after selecting its storage as <mem1>), the sweep of
 * every storage with AT+CMGL=4 (one index at a time with AT+CMGR when the listing fails, as
 * gammu does), and what happens when a storage is full. */
#include "at_iter.h"
#include "log.h"
#include "modem_priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void modem_store_reset(struct modem *m)
{
	m->ops_head = m->ops_len = 0;
	m->cur_running = false;
	m->mem1 = -1;
	m->sweeping = false;
	m->sweep_ops = 0;
}

static int find_mem(const struct modem *m, const char *name)
{
	for (int i = 0; i < m->n_mems; i++)
		if (strcmp(m->mems[i].name, name) == 0)
			return i;
	return -1;
}

int modem_store_mem(struct modem *m, const char *name)
{
	int i = find_mem(m, name);

	if (i >= 0 || m->n_mems == MODEM_MEMS_MAX || strlen(name) >= sizeof(m->mems[0].name))
		return i;
	i = m->n_mems++;
	memset(&m->mems[i], 0, sizeof(m->mems[i]));
	snprintf(m->mems[i].name, sizeof(m->mems[i].name), "%s", name);
	m->mems[i].used = m->mems[i].total = -1;
	return i;
}

void modem_store_setup(struct modem *m)
{
	if (m->n_mems == 0 || strcmp(m->mems[0].name, m->profile->storage) != 0)
		m->n_mems = 0; /* another profile: its storages, nothing else */
	modem_store_mem(m, m->profile->storage);
	modem_store_mem(m, m->profile->report_storage);
	for (int i = 0; i < m->n_mems; i++)
		m->mems[i].refused = false;
	m->mem1 = 0;
}

/* ---- +CPMS answers ---- */

static void set_fill(struct modem *m, int mem, int used, int total, bool receiving)
{
	if (mem >= 0) {
		m->mems[mem].used = used;
		m->mems[mem].total = total;
	}
	if (receiving) {
		m->info.storage_used = used;
		m->info.storage_total = total;
	}
}

/* The read form: +CPMS: <mem1>,<used1>,<total1>,<mem2>,...,<mem3>,<used3>,<total3>. */
static int cpms_read_form(struct modem *m, struct at_iter *it)
{
	char name[16];
	int used, total, full = -1;

	for (int k = 0; k < 3; k++) {
		if (at_iter_next_string(it, name, sizeof(name)) != 0 || at_iter_next_int(it, &used) != 0 ||
		    at_iter_next_int(it, &total) != 0)
			return full;
		int mem = find_mem(m, name);
		if (k == 0)
			m->mem1 = mem;
		set_fill(m, mem, used, total, k == 2);
		if (k == 2 && used < total)
			m->full_seen = false;
		if (k != 1 && total > 0 && used >= total && mem >= 0)
			full = mem;
	}
	return full;
}

int modem_store_cpms(struct modem *m, const char *line, int first)
{
	struct at_iter it;
	int used, total;

	at_iter_init(&it, line);
	if (!at_iter_prefix(&it, "+CPMS:"))
		return -1;
	struct at_iter probe = it;
	char name[16];
	if (at_iter_next_string(&probe, name, sizeof(name)) == 0)
		return cpms_read_form(m, &it);
	/* The set form: +CPMS: <used1>,<total1>,<used2>,<total2>,<used3>,<total3>, <mem3> being
	 * the profile's storage that the SMS setup selected. */
	for (int k = 0; k < 3; k++) {
		if (at_iter_next_int(&it, &used) != 0 || at_iter_next_int(&it, &total) != 0)
			break;
		if (k == 0 || k == 2)
			set_fill(m, k == 0 ? first : 0, used, total, k == 2);
	}
	return -1;
}

void modem_storage_full(struct modem *m, const char *mem, const char *seen_by)
{
	int i = find_mem(m, mem);

	if (!m->full_seen) {
		m->full_seen = true;
		log_warn(
			"modem",
			"event=storage_full mem=%s seen_by=%s used=%d total=%d action=\"new messages wait at "
			"the network until there is room (m2mon checks every %u s); m2mon reads every stored "
			"message now and deletes each one the application has stored; if this repeats, "
			"free the storage (m2mon sms list --delete) and check that the application stores "
			"what it is given\"",
			mem, seen_by, i >= 0 ? m->mems[i].used : -1, i >= 0 ? m->mems[i].total : -1,
			m->timing.signal_ms / 1000);
	}
	modem_rx_sweep(m);
}

/* ---- PDU line headers ---- */

int modem_header(const char *line, const char *prefix, int *index, int *stat)
{
	struct at_iter it;
	int v, last = -1;

	at_iter_init(&it, line);
	if (!at_iter_prefix(&it, prefix))
		return -2;
	if (index && at_iter_next_int(&it, index) != 0)
		*index = -1;
	if (stat && at_iter_next_int(&it, stat) != 0)
		*stat = -1;
	for (;;) {
		int rc = at_iter_next_int(&it, &v);
		if (rc == 0)
			last = v;
		else if (rc == -ENODATA) /* an empty field, consumed: e.g. the <alpha> of +CMT: ,26 */
			last = -1;
		else if (rc == -ENOENT || at_iter_skip(&it) != 0)
			break;
		else
			last = -1;
	}
	return last;
}

/* ---- the operations ---- */

static const char *op_str(enum store_op_kind kind)
{
	switch (kind) {
	case STORE_OP_LIST:
		return "list";
	case STORE_OP_SCAN:
		return "scan";
	case STORE_OP_READ:
		return "read";
	case STORE_OP_DELETE:
		return "delete";
	}
	return "unknown";
}

static bool push(struct modem *m, struct store_op op)
{
	if (m->ops_len == MODEM_STORE_OPS) {
		log_warn("modem",
			 "event=storage_busy mem=%s index=%d action=\"none; m2mon has too many storage "
			 "commands waiting; the next sweep does this one\"",
			 m->mems[op.mem].name, op.index);
		return false;
	}
	m->ops[(m->ops_head + m->ops_len++) % MODEM_STORE_OPS] = op;
	return true;
}

static bool queued(const struct modem *m, enum store_op_kind kind, int mem, int index)
{
	for (size_t i = 0; i < m->ops_len; i++) {
		const struct store_op *o = &m->ops[(m->ops_head + i) % MODEM_STORE_OPS];
		if (o->kind == kind && o->mem == mem && o->index == index)
			return true;
	}
	return m->cur_running && m->cur.kind == kind && m->cur.mem == mem && m->cur.index == index;
}

void modem_store_read(struct modem *m, int mem, int index)
{
	struct inbound_slot *s = modem_rx_slot(m, mem, index);

	if ((s && (s->state == INBOUND_HANDED || s->state == INBOUND_DELETING)) ||
	    queued(m, STORE_OP_READ, mem, index))
		return;
	push(m, (struct store_op){STORE_OP_READ, mem, index, 0});
	modem_store_kick(m);
}

void modem_store_delete(struct modem *m, struct inbound_slot *s)
{
	if (m->state != MODEM_STATE_READY ||
	    !push(m, (struct store_op){STORE_OP_DELETE, s->mem, s->index, 0})) {
		s->state = INBOUND_DELETE_FAILED; /* the next sweep deletes it */
		return;
	}
	s->state = INBOUND_DELETING;
	modem_store_kick(m);
}

void modem_rx_sweep(struct modem *m)
{
	if (m->sweeping || m->state != MODEM_STATE_READY || m->n_mems == 0)
		return;
	/* Report and other storages first, the profile's last: the sweep ends with it selected. */
	for (int k = 1; k <= m->n_mems; k++) {
		int mem = k % m->n_mems;
		if (!m->mems[mem].refused && push(m, (struct store_op){STORE_OP_LIST, mem, -1, 0}))
			m->sweep_ops++;
	}
	m->sweeping = m->sweep_ops > 0;
	modem_store_kick(m);
}

static void sweep_op_done(struct modem *m)
{
	if (m->sweep_ops > 0 && --m->sweep_ops == 0) {
		m->sweeping = false;
		log_debug("modem", "event=sweep_done");
	}
}

static void run_op(struct modem *m);

/* The running operation is over: the next one starts. */
static void op_done(struct modem *m)
{
	m->cur_running = false;
	modem_store_kick(m);
}

/* A callback's answer that the lifecycle already acted on: aborted, or a timeout that sent
 * the modem up the ladder (which dropped every operation). */
static bool answer_gone(struct modem *m, const struct at_response *r)
{
	if (r->result.kind == AT_RESULT_ABORTED) {
		m->cur_running = false;
		return true;
	}
	modem_note_result(m, r);
	return !m->cur_running;
}

static void read_lines(struct modem *m, const struct at_response *r, const char *prefix, int index)
{
	for (size_t i = 0; i < r->n_lines; i++) {
		int idx = index, stat = -1, len;
		len = modem_header(r->lines[i].text, prefix, index < 0 ? &idx : NULL, &stat);
		if (!r->lines[i].pdu || idx < 0 || len == -2) {
			if (index < 0)
				log_warn("modem", "event=bad_listing line=\"%s\"", r->lines[i].text);
			continue; /* an empty slot, e.g. "+CMGR: 0,,0" */
		}
		modem_rx_stored(m, m->cur.mem, idx, stat, r->lines[i].pdu, len);
	}
}

static void scan_instead(struct modem *m, const struct at_response *r)
{
	const struct modem_mem *mem = &m->mems[m->cur.mem];
	char res[96];

	modem_result_text(&r->result, res, sizeof(res));
	if (mem->total <= 0) {
		log_warn("modem",
			 "event=sweep_failed mem=%s result=\"%s\" action=\"none; messages stay on the modem; "
			 "next sweep in %u s\"",
			 mem->name, res, m->timing.sweep_ms / 1000);
		sweep_op_done(m);
		op_done(m);
		return;
	}
	log_warn("modem",
		 "event=list_failed mem=%s result=\"%s\" action=\"none; m2mon reads the %d slots one by one "
		 "with AT+CMGR instead\"",
		 mem->name, res, mem->total);
	m->cur = (struct store_op){STORE_OP_SCAN, m->cur.mem, 0, mem->total};
	run_op(m);
}

static void list_done(void *user_data, const struct at_response *r)
{
	struct modem *m = user_data;

	if (answer_gone(m, r))
		return;
	if (r->result.kind != AT_RESULT_OK) {
		scan_instead(m, r);
		return;
	}
	modem_rx_list_begin(m, m->cur.mem);
	read_lines(m, r, "+CMGL:", -1);
	modem_rx_list_end(m, m->cur.mem);
	log_debug("modem", "event=listed mem=%s count=%zu", m->mems[m->cur.mem].name, r->n_lines);
	sweep_op_done(m);
	op_done(m);
}

static void read_done(void *user_data, const struct at_response *r)
{
	struct modem *m = user_data;
	char res[96];

	if (answer_gone(m, r))
		return;
	if (r->result.kind == AT_RESULT_OK)
		read_lines(m, r, "+CMGR:", m->cur.index);
	else
		log_debug("modem", "event=read_failed mem=%s index=%d result=\"%s\"",
			  m->mems[m->cur.mem].name, m->cur.index,
			  modem_result_text(&r->result, res, sizeof(res)));
	if (m->cur.kind == STORE_OP_SCAN && m->cur.index++ < m->cur.end) {
		run_op(m);
		return;
	}
	if (m->cur.kind == STORE_OP_SCAN)
		sweep_op_done(m);
	op_done(m);
}

static void delete_done(void *user_data, const struct at_response *r)
{
	struct modem *m = user_data;

	if (r->result.kind != AT_RESULT_ABORTED)
		modem_note_result(m, r);
	modem_rx_deleted(m, m->cur.mem, m->cur.index, r);
	if (r->result.kind == AT_RESULT_ABORTED || !m->cur_running) {
		m->cur_running = false;
		return;
	}
	op_done(m);
}

/* The storage would not be selected: what was to be done there waits for the next sweep. */
static void select_failed(struct modem *m, const struct at_response *r)
{
	struct modem_mem *mem = &m->mems[m->cur.mem];
	char res[96];

	m->mem1 = -1;
	if (!mem->refused)
		log_warn("modem",
			 "event=storage_refused mem=%s result=\"%s\" action=\"m2mon cannot read what the "
			 "modem keeps there now; if this repeats, set modem.profile for this model\"",
			 mem->name, modem_result_text(&r->result, res, sizeof(res)));
	/* Another storage the modem refuses is not swept again until re-init; the profile's
	 * own, which the SMS setup selected, is tried again at every operation. */
	mem->refused = m->cur.mem != 0;
	if (m->cur.kind == STORE_OP_DELETE) {
		modem_rx_deleted(m, m->cur.mem, m->cur.index, r);
	} else if (m->cur.kind == STORE_OP_LIST || m->cur.kind == STORE_OP_SCAN) {
		sweep_op_done(m);
	}
	op_done(m);
}

static void select_done(void *user_data, const struct at_response *r)
{
	struct modem *m = user_data;

	if (answer_gone(m, r))
		return;
	if (r->result.kind != AT_RESULT_OK) {
		select_failed(m, r);
		return;
	}
	m->mem1 = m->cur.mem;
	for (size_t i = 0; i < r->n_lines; i++)
		modem_store_cpms(m, r->lines[i].text, m->cur.mem);
	/* Another storage just counted empty is not listed; the profile's always is, as the
	 * safety net for whatever a URC or a count missed. */
	if (m->cur.kind == STORE_OP_LIST && m->cur.mem != 0 && m->mems[m->cur.mem].used == 0) {
		sweep_op_done(m);
		op_done(m);
		return;
	}
	run_op(m);
}

/* The command could not even be queued (out of memory): what was to be done waits for the
 * next sweep, which starts afresh. */
static void op_lost(struct modem *m, const char *req, int err)
{
	struct at_response r = {req, {AT_RESULT_ABORTED, 0}, 0, NULL};

	log_error("modem",
		  "event=command_dropped op=%s cmd=\"%s\" error=\"%s\" action=\"none; the next sweep "
		  "does it again\"",
		  op_str(m->cur.kind), req, strerror(-err));
	if (m->cur.kind == STORE_OP_DELETE)
		modem_rx_deleted(m, m->cur.mem, m->cur.index, &r);
	m->cur_running = false;
	m->sweeping = false;
	m->sweep_ops = 0;
}

static void send_op(struct modem *m, const char *req, const char *prefix, uint32_t timeout_ms,
		    at_response_cb cb)
{
	struct at_cmd c = {req, prefix, NULL, timeout_ms, false};
	int rc = modem_command(m, &c, cb, m);

	if (rc < 0)
		op_lost(m, req, rc);
}

/* Writes the command of m->cur, after the AT+CPMS that selects its storage when needed. */
static void run_op(struct modem *m)
{
	char req[48];
	const struct store_op *o = &m->cur;

	if (m->mem1 != o->mem) {
		snprintf(req, sizeof(req), "AT+CPMS=\"%s\"", m->mems[o->mem].name);
		send_op(m, req, "+CPMS:", m->timing.command_ms, select_done);
		return;
	}
	switch (o->kind) {
	case STORE_OP_LIST:
		/* TS 27.005 3.4.2: <stat> 4 lists every message, read or not, in PDU mode. */
		send_op(m, "AT+CMGL=4", "+CMGL:", m->timing.command_ms * 6, list_done);
		return;
	case STORE_OP_SCAN:
	case STORE_OP_READ:
		snprintf(req, sizeof(req), "AT+CMGR=%d", o->index);
		send_op(m, req, "+CMGR:", m->timing.command_ms, read_done);
		return;
	case STORE_OP_DELETE:
		snprintf(req, sizeof(req), "AT+CMGD=%d", o->index);
		send_op(m, req, "", m->timing.command_ms, delete_done);
		return;
	}
}

void modem_store_kick(struct modem *m)
{
	if (m->cur_running || m->state != MODEM_STATE_READY)
		return;
	if (m->ops_len == 0)
		return;
	m->cur = m->ops[m->ops_head];
	m->ops_head = (m->ops_head + 1) % MODEM_STORE_OPS;
	m->ops_len--;
	m->cur_running = true;
	run_op(m);
}

bool modem_store_idle(const struct modem *m)
{
	return m->ops_len == 0 && !m->cur_running;
}

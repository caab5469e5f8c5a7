/* The unsolicited result codes the lifecycle listens to, as one const table registered in
 * one checked loop: message and report indications (+CMTI, +CDSI, TS 27.005 3.4.1), routed
 * messages and reports (+CMT, +CDS), registration (+CREG, +CEREG, TS 27.007 7.2, 10.1.22),
 * incoming calls (RING, answered by hanging up: a unit has no use for calls, and some alarm
 * users ring to test), and the profile's own boot and storage-full indications. */
#include "at_iter.h"
#include "log.h"
#include "modem_priv.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* A storage name as +CPMS knows them ("SM", "ME", "SR", "SM_P"): hostile text stops here. */
static bool mem_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 7)
		return false;
	for (; *s; s++)
		if (!isupper((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static void storage_mismatch(struct modem *m, const char *mem)
{
	if (m->mismatch_logged || strcmp(mem, m->profile->storage) == 0 ||
	    strcmp(mem, m->profile->report_storage) == 0)
		return;
	m->mismatch_logged = true;
	log_warn("modem",
		 "event=storage_mismatch mem=%s expected=%s profile=%s action=\"m2mon reads it from %s and "
		 "sweeps %s too; if this repeats, set modem.profile for this model\"",
		 mem, m->profile->storage, m->profile->name, mem, mem);
}

/* +CMTI: <mem>,<index> and +CDSI: <mem>,<index>: read the message from the storage named. */
static void on_indication(struct modem *m, const char *line, const char *prefix)
{
	struct at_iter it;
	char mem[16];
	int index, slot;

	at_iter_init(&it, line);
	if (!at_iter_prefix(&it, prefix) || at_iter_next_string(&it, mem, sizeof(mem)) != 0 ||
	    !mem_name_ok(mem) || at_iter_next_int(&it, &index) != 0 || index < 0) {
		log_warn("modem",
			 "event=bad_urc line=\"%s\" action=\"ignored; the next sweep reads the message\"",
			 line);
		return;
	}
	if (m->state != MODEM_STATE_READY)
		return; /* the start-up sweep reads it */
	storage_mismatch(m, mem);
	slot = modem_store_mem(m, mem);
	if (slot < 0) {
		log_warn("modem",
			 "event=too_many_storages mem=%s index=%d action=\"m2mon cannot read it; set "
			 "modem.profile for this model\"",
			 mem, index);
		return;
	}
	modem_store_read(m, slot, index);
}

static void on_cmti(void *user_data, const char *line, const char *pdu)
{
	(void)pdu;
	on_indication(user_data, line, "+CMTI:");
}

static void on_cdsi(void *user_data, const char *line, const char *pdu)
{
	(void)pdu;
	on_indication(user_data, line, "+CDSI:");
}

static void on_cmt(void *user_data, const char *line, const char *pdu)
{
	modem_rx_direct(user_data, line, pdu, "+CMT:");
}

static void on_cds(void *user_data, const char *line, const char *pdu)
{
	modem_rx_direct(user_data, line, pdu, "+CDS:");
}

static void on_reg(void *user_data, const char *line, const char *pdu)
{
	(void)pdu;
	modem_reg_line(user_data, line);
}

static void on_boot(void *user_data, const char *line, const char *pdu)
{
	struct modem *m = user_data;

	(void)pdu;
	log_info("modem", "event=boot_indication line=\"%s\"", line);
	modem_post(m, MODEM_EV_BOOTED);
}

static void hung_up(void *user_data, const struct at_response *r)
{
	struct modem *m = user_data;

	m->hanging_up = false;
	if (r->result.kind != AT_RESULT_ABORTED)
		modem_note_result(m, r);
}

static void on_ring(void *user_data, const char *line, const char *pdu)
{
	struct modem *m = user_data;
	struct at_cmd c = {"ATH", "", NULL, m->timing.command_ms, false};

	(void)line;
	(void)pdu;
	if (m->state != MODEM_STATE_READY || m->hanging_up)
		return;
	log_info("modem", "event=call_refused action=\"none; m2mon hangs up every call (ATH)\"");
	if (modem_command(m, &c, hung_up, m) > 0)
		m->hanging_up = true;
}

/* The profile's storage-full indication: +CIEV: "SMSFULL" (SIM800), +QIND: "smsfull","SM"
 * (Quectel), ^SMMEMFULL: "ME" (Huawei). The storage is its last field that names one. */
static void on_full(void *user_data, const char *line, const char *pdu)
{
	struct modem *m = user_data;
	const char *colon = strchr(line, ':');
	char field[8], mem[8];
	struct at_iter it;

	(void)pdu;
	snprintf(mem, sizeof(mem), "%s", m->profile->storage);
	at_iter_init(&it, colon ? colon + 1 : "");
	while (at_iter_next_text(&it, field, sizeof(field)) == 0)
		if (mem_name_ok(field) && strcmp(field, "SMSFULL") != 0)
			snprintf(mem, sizeof(mem), "%s", field);
	if (m->state == MODEM_STATE_READY)
		modem_storage_full(m, mem, "urc");
}

static const struct urc_row {
	const char *prefix;   /* a fixed prefix, or NULL for the profile's */
	size_t profile_field; /* with NULL: offsetof(struct modem_profile, the prefix) */
	at_urc_cb cb;
} urcs[] = {
	{"+CMTI:", 0, on_cmti},
	{"+CDSI:", 0, on_cdsi},
	{"+CMT:", 0, on_cmt},
	{"+CDS:", 0, on_cds},
	{"+CREG:", 0, on_reg},
	{"+CEREG:", 0, on_reg},
	{"RING", 0, on_ring},
	{NULL, offsetof(struct modem_profile, boot_urc), on_boot},
	{NULL, offsetof(struct modem_profile, full_urc), on_full},
};

int modem_urc_register(struct modem *m)
{
	for (int i = 0; i < m->n_urc_ids; i++)
		at_chat_urc_remove(m->chat, m->urc_ids[i]);
	m->n_urc_ids = 0;
	for (size_t i = 0; i < sizeof(urcs) / sizeof(urcs[0]); i++) {
		const char *prefix = urcs[i].prefix;
		if (!prefix)
			prefix = *(const char *const *)((const char *)m->profile + urcs[i].profile_field);
		if (!prefix)
			continue;
		int id = at_chat_urc_add(m->chat, prefix, urcs[i].cb, m);
		if (id < 0 || m->n_urc_ids == MODEM_URC_MAX) {
			log_error("modem", "event=urc_register_failed prefix=\"%s\" error=%d", prefix, id);
			return id < 0 ? id : -ENOBUFS;
		}
		m->urc_ids[m->n_urc_ids++] = id;
	}
	return 0;
}

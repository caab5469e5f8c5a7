/* The store's front: choosing the backend by the store setting, the handle's accessors, and
 * the names of every enum of the record interface as they are stored and logged. */
#include "store_backend.h"
#include "store_pg.h"
#include "store_unit.h"

#include "log.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int store_open(const struct store_open_cfg *cfg, struct store **out)
{
	assert(cfg && cfg->path && out);
	*out = NULL;
	if (strncmp(cfg->path, "postgresql:", 11) == 0 || strncmp(cfg->path, "postgres:", 9) == 0)
		return store_pg_open(cfg, out);
	if (cfg->path[0] == '\0') {
		log_error("store",
			  "event=db_error file=\"\" op=open error=\"no file\" hint=\"set store to the "
			  "database file's path\"");
		return -EINVAL;
	}
	return store_sqlite_open(cfg, out);
}

void store_redact(const char *path, char *out, size_t n)
{
	bool pg = strncmp(path, "postgresql:", 11) == 0 || strncmp(path, "postgres:", 9) == 0;
	char *masked = pg ? store_pg_mask_uri(path) : NULL;
	snprintf(out, n, "%s", masked ? masked : pg ? "postgresql:(unshown)" : path);
	free(masked);
}

void store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}

const char *store_path(const struct store *s)
{
	return s->path;
}

enum store_kind store_kind_of(const struct store *s)
{
	return s->kind;
}

int store_schema_version(const struct store *s)
{
	return s->schema_version;
}

int store_integrity_check(struct store *s, char *detail, size_t n)
{
	if (detail && n)
		detail[0] = '\0';
	return s->ops->integrity_check(s, detail, n);
}

const char *store_kind_str(enum store_kind kind)
{
	switch (kind) {
	case STORE_KIND_UNIT:
		return "unit";
	case STORE_KIND_BASE:
		return "base";
	}
	return "?";
}

const char *store_fault_action_str(enum store_fault_action action)
{
	switch (action) {
	case STORE_FAULT_NONE:
		return "none";
	case STORE_FAULT_FULL:
		return "full";
	case STORE_FAULT_IOERR:
		return "ioerr";
	case STORE_FAULT_KILL:
		return "kill";
	}
	return "?";
}

const char *store_wake_str(enum store_wake wake)
{
	switch (wake) {
	case STORE_WAKE_OUTBOX:
		return "outbox";
	case STORE_WAKE_INBOX:
		return "inbox";
	case STORE_WAKE_RECONNECTED:
		return "reconnected";
	}
	return "?";
}

const char *store_leader_state_str(enum store_leader_state state)
{
	switch (state) {
	case STORE_LEADER_FOLLOWING:
		return "following";
	case STORE_LEADER_WAITING:
		return "waiting";
	case STORE_LEADER_LEADING:
		return "leading";
	case STORE_LEADER_LOST:
		return "lost";
	}
	return "?";
}

const char *store_umsg_state_str(enum store_umsg_state state)
{
	switch (state) {
	case STORE_UMSG_QUEUED:
		return "queued";
	case STORE_UMSG_SENT:
		return "sent";
	}
	return "?";
}

const char *store_inbox_state_str(enum store_inbox_state state)
{
	switch (state) {
	case STORE_INBOX_NEW:
		return "new";
	case STORE_INBOX_PROCESSED:
		return "processed";
	case STORE_INBOX_REJECTED:
		return "rejected";
	}
	return "?";
}

const char *store_out_state_str(enum store_out_state state)
{
	switch (state) {
	case STORE_OUT_QUEUED:
		return "queued";
	case STORE_OUT_SENDING:
		return "sending";
	case STORE_OUT_SENT:
		return "sent";
	case STORE_OUT_FAILED:
		return "failed";
	}
	return "?";
}

const char *store_report_str(enum store_report report)
{
	switch (report) {
	case STORE_REPORT_NONE:
		return "none";
	case STORE_REPORT_DELIVERED:
		return "delivered";
	case STORE_REPORT_FAILED:
		return "failed";
	}
	return "?";
}

const char *store_outcome_str(enum store_outcome outcome)
{
	switch (outcome) {
	case STORE_OUTCOME_SENT:
		return "sent";
	case STORE_OUTCOME_RETRY:
		return "retry";
	case STORE_OUTCOME_UNKNOWN:
		return "unknown";
	case STORE_OUTCOME_FAILED:
		return "failed";
	}
	return "?";
}

const char *store_event_kind_str(enum store_event_kind kind)
{
	switch (kind) {
	case STORE_EVENT_ALARM:
		return "alarm";
	case STORE_EVENT_CLEAR:
		return "clear";
	case STORE_EVENT_INCIDENT:
		return "incident";
	case STORE_EVENT_NOTIFIED:
		return "notified";
	case STORE_EVENT_DELIVERED:
		return "delivered";
	case STORE_EVENT_NOT_SENT:
		return "not_sent";
	case STORE_EVENT_ACK:
		return "ack";
	case STORE_EVENT_MUTE:
		return "mute";
	case STORE_EVENT_UNMUTE:
		return "unmute";
	case STORE_EVENT_COMMAND:
		return "command";
	case STORE_EVENT_CONFIG:
		return "config";
	case STORE_EVENT_SILENT:
		return "silent";
	case STORE_EVENT_HEARD:
		return "heard";
	case STORE_EVENT_FORGED:
		return "forged";
	case STORE_EVENT_REPLAY:
		return "replay";
	case STORE_EVENT_STRANGER:
		return "stranger";
	case STORE_EVENT_MODEM:
		return "modem";
	case STORE_EVENT_PROBE:
		return "probe";
	case STORE_EVENT_POWER:
		return "power";
	case STORE_EVENT_OTHER:
		return "other";
	}
	return "?";
}

int store_event_kind_parse(const char *name, enum store_event_kind *out)
{
	for (int k = 0; k < STORE_EVENT_KIND_COUNT; k++) {
		if (strcmp(name, store_event_kind_str((enum store_event_kind)k)) == 0) {
			*out = (enum store_event_kind)k;
			return 0;
		}
	}
	return -EINVAL;
}

void store_base_name_of(const struct store_open_cfg *cfg, char out[STORE_NAME_MAX])
{
	char host[256] = "base";
	const char *name = cfg->base_name;
	if (!name || !name[0]) {
		gethostname(host, sizeof(host) - 1);
		host[sizeof(host) - 1] = '\0';
		name = host;
	}
	snprintf(out, STORE_NAME_MAX, "%.*s", STORE_NAME_MAX - 1, name);
}

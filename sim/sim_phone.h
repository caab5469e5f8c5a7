/* A simulated handset: it receives SMS parts, reassembles concatenated messages the way a
 * phone does (TS 23.040 9.2.3.24.1: by originator and reference, parts in any order), and
 * keeps an inbox of whole texts, oldest first. Pure: no I/O, times are given. */
#ifndef M2_SIM_PHONE_H
#define M2_SIM_PHONE_H

#include "sim_pdu.h"

#include <stddef.h>
#include <stdint.h>

/* A whole message as the phone shows it. */
struct sim_inbox_msg {
	char from[SIM_NUMBER_MAX];
	char *text; /* UTF-8, owned by the phone */
	int parts;  /* how many SMS it came in */
	enum sim_coding coding;
	uint64_t time_ms; /* wall-clock ms when the last part arrived */
};

struct sim_phone;

/* A phone with subscriber number `number` (copied). NULL when out of memory. */
struct sim_phone *sim_phone_new(const char *name, const char *number);
void sim_phone_free(struct sim_phone *ph);

const char *sim_phone_name(const struct sim_phone *ph);
const char *sim_phone_number(const struct sim_phone *ph);

/* One SMS arrives from `from`. A single SMS goes straight to the inbox; a part of a
 * concatenated message waits for the others (a repeated part is ignored, also one of the
 * last 8 finished messages, so that it cannot join a later message with that reference). Returns 1 when a
 * whole message entered the inbox, 0 when the part is waiting or was a repeat, -ENOMEM. At
 * most 32 messages wait for missing parts; the oldest is dropped (and logged) beyond that. */
int sim_phone_receive(struct sim_phone *ph, const char *from, const struct sim_part *part, uint64_t time_ms);

/* The inbox, oldest first: `*count` messages at the returned address, valid until the next
 * sim_phone_receive() or sim_phone_free(). */
const struct sim_inbox_msg *sim_phone_inbox(const struct sim_phone *ph, size_t *count);

#endif

/* The SIM states as data: one table from what +CPIN: answers (TS 27.007 8.3) to the state it
 * means, the +CME ERROR code that stands for it (9.2.1), whether a person must act, and what
 * that person does. Both the reading of AT+CPIN? and the report of a failed init use it. */
#include "modem_priv.h"

#include <stddef.h>
#include <string.h>

static const struct modem_sim_row rows[] = {
	{MODEM_SIM_READY, "READY", 0, false, "nothing"},
	{MODEM_SIM_PIN, "SIM PIN", 11, true, "the SIM asks for a PIN: set modem.pin in the configuration"},
	{MODEM_SIM_PUK, "SIM PUK", 12, true,
	 "the SIM needs its PUK: unlock it in a phone, then restart m2mon"},
	{MODEM_SIM_PH_SIM_PIN, "PH-SIM PIN", 5, true,
	 "the modem is locked to another SIM: unlock it with its vendor's tool"},
	{MODEM_SIM_NOT_INSERTED, "NOT INSERTED", 10, true, "insert a working SIM card, then restart m2mon"},
	/* Modules answer NOT READY (or +CME ERROR: 14, SIM busy) for seconds after power-on:
	 * waited for, not a reason to stop. */
	{MODEM_SIM_NOT_READY, "NOT READY", 14, false, "nothing; m2mon waits for the SIM to start"},
	{MODEM_SIM_WRONG_PIN, NULL, 16, true,
	 "the configured PIN is wrong: fix modem.pin; m2mon will not try it again (a third wrong "
	 "try locks the SIM)"},
	{MODEM_SIM_FAILURE, NULL, 13, true, "insert a working SIM card, then restart m2mon"},
	{MODEM_SIM_FAILURE, NULL, 15, true, "insert a working SIM card, then restart m2mon"},
};

#define N_ROWS (sizeof(rows) / sizeof(rows[0]))

const char *modem_sim_str(enum modem_sim sim)
{
	switch (sim) {
	case MODEM_SIM_UNKNOWN:
		return "unknown";
	case MODEM_SIM_READY:
		return "ready";
	case MODEM_SIM_PIN:
		return "pin";
	case MODEM_SIM_PUK:
		return "puk";
	case MODEM_SIM_PH_SIM_PIN:
		return "ph_sim_pin";
	case MODEM_SIM_NOT_INSERTED:
		return "not_inserted";
	case MODEM_SIM_NOT_READY:
		return "not_ready";
	case MODEM_SIM_WRONG_PIN:
		return "wrong_pin";
	case MODEM_SIM_FAILURE:
		return "failure";
	}
	return "unknown";
}

const struct modem_sim_row *modem_sim_row(enum modem_sim state)
{
	for (size_t i = 0; i < N_ROWS; i++)
		if (rows[i].state == state)
			return &rows[i];
	return modem_sim_row(MODEM_SIM_FAILURE);
}

const struct modem_sim_row *modem_sim_by_cpin(const char *text)
{
	for (size_t i = 0; i < N_ROWS; i++)
		if (rows[i].cpin && strcmp(rows[i].cpin, text) == 0)
			return &rows[i];
	return modem_sim_row(MODEM_SIM_FAILURE);
}

const struct modem_sim_row *modem_sim_by_cme(int code)
{
	for (size_t i = 0; i < N_ROWS; i++)
		if (rows[i].cme == code && code != 0)
			return &rows[i];
	return NULL;
}

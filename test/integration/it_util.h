/* Integration test helpers: start and stop a real `m2mon sim` child process in a temporary
 * directory, run its subcommands, and talk AT to its modems through their PTYs the way a
 * client would (writes split into pieces of at most 8 bytes, PDUs built and read with gammu). */
#ifndef M2_IT_UTIL_H
#define M2_IT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define IT_TIMEOUT_MS 10000 /* a bound on waiting, never a pause: waits end on what they await */

struct it_sim {
	pid_t pid;
	int out_fd;
	char root[256]; /* the temporary directory */
	char dir[300];  /* DIR given to m2mon sim: root/net */
	const char *m2mon;
};

/* Starts `m2mon --log-level debug sim --dir DIR args...` (NULL-terminated), its log in
 * root/sim.log, and waits for its "ready" line.
 * Aborts the test when it exits or does not get ready. */
/* Milliseconds on the monotonic clock: for a test's bounds, never for what it checks. */
int64_t it_mono_ms(void);

/* splitmix64: the next pseudo-random number of a seed's sequence, the same on every machine. */
uint64_t it_splitmix(uint64_t *state);

void it_sim_start(struct it_sim *sim, const char *m2mon, const char *const *args);

/* SIGTERM, then checks that it exited 0 and removed its links and socket; removes root. */
void it_sim_stop(struct it_sim *sim);

/* Runs `m2mon sim SUB --dir DIR args...`; returns its exit status and its stdout in `out`
 * (NUL-terminated, may be NULL). */
int it_cli(const struct it_sim *sim, const char *sub, const char *const *args, char *out, size_t out_size);

/* Asks the simulator (control socket op "drain") to answer once its SMSC has nothing left to
 * deliver; returns true when it said so within `timeout_ms`. */
bool it_drain(const struct it_sim *sim, int timeout_ms);

/* Path of the modem's link DIR/NAME.tty. */
const char *it_tty(const struct it_sim *sim, const char *name, char *buf, size_t size);

/* Opens a PTY link in raw mode, like a client opening a serial port. */
int it_at_open(const char *path);

/* Writes `s` in pieces of at most 8 bytes. */
void it_at_write(int fd, const char *s);

/* Reads until `want` appears in what was read (kept in `acc`), or `timeout_ms` passes.
 * Returns true when it appeared. */
bool it_at_wait(int fd, const char *want, int timeout_ms, char *acc, size_t acc_size);

/* Waits for a final result (OK or an error) after what `acc` holds; true when one came. */
bool it_at_wait_final(int fd, char *acc, size_t acc_size);

/* Sends `cmd` CR and waits for "OK" or an error result; returns true on OK. The reply (echo
 * included) is left in `reply` when not NULL. */
bool it_at_cmd(int fd, const char *cmd, char *reply, size_t reply_size);

/* Waits until the modem is registered (AT+CREG=1, then +CREG? or the +CREG: 1 URC), as a
 * client does before sending. Returns true when it is. */
bool it_at_registered(int fd);

/* Sends an SMS in PDU mode (AT+CMGF=0 must be set) as gammu would; `report` sets TP-SRR.
 * Long texts go as concatenated parts. Returns the number of parts accepted (+CMGS), or -1. */
int it_at_send_sms(int fd, const char *to, const char *text, bool report);

/* The same, keeping in `seen` (NUL-terminated) everything the modem wrote meanwhile: URCs
 * such as +CDS may come before the +CMGS result (SIM800 answers after a network round trip). */
int it_at_send_sms_seen(int fd, const char *to, const char *text, bool report, char *seen, size_t seen_size);

/* The hex (SMSC octets "00" first) of the single SMS-SUBMIT of a short `text`, as gammu
 * builds it, for AT+CMGS; returns the TPDU length for AT+CMGS=<n>, or -1. */
int it_submit_hex(const char *to, const char *text, char *hex, size_t hex_size);

struct it_sms {
	int index;
	char from[32];
	char text[1024];
	int part, parts; /* 0 when not concatenated */
	bool report;     /* an SMS-STATUS-REPORT: text is empty, status holds TP-Status */
	int status;
};

/* AT+CMGL=4 (PDU mode), every PDU read with gammu. Returns the count (at most `max`), or -1. */
int it_at_list(int fd, struct it_sms *out, int max);

/* Reads one PDU given in hex (with SMSC octets), as from +CMT/+CDS/+CMGL. Returns 0 or -1. */
int it_read_pdu_hex(const char *hex, struct it_sms *out);

/* Counts lines of DIR/sms.jsonl containing every one of `needles` (NULL-terminated). */
int it_jsonl_count(const struct it_sim *sim, const char *const *needles);

/* The same over the simulator's log (root/sim.log, written at debug level): the events of
 * its modems and SMSC, such as "event=hang_end modem=base". */
int it_log_count(const struct it_sim *sim, const char *const *needles);

/* Waits until the simulator's log holds at least `count` such lines, woken by each write to
 * it (inotify); `timeout_ms` only bounds a wait for an event that never comes. Returns true
 * when it does. */
bool it_log_wait(const struct it_sim *sim, const char *const *needles, int count, int timeout_ms);

/* Calls done(ctx) until it returns true or `timeout_ms` passed, waiting between calls for a
 * write to any of `paths` (inotify: a file written, or a file made or written in a folder);
 * the watches are set before the first call, so no write is missed. True when done said so. */
bool it_wait_until(const char *const *paths, int n_paths, bool (*done)(void *ctx), void *ctx, int timeout_ms);

/* Waits until the file at `path` holds at least `count` lines containing every one of
 * `needles`, woken by each write to `watch` (the file itself, or its folder when the file may
 * not be made yet). True when it does. */
bool it_lines_wait(const char *watch, const char *path, const char *const *needles, int count,
		   int timeout_ms);

/* Waits until the file at `path` (it must exist) holds at least `count` lines containing
 * every one of `needles`, woken by each write to it (inotify). True when it does. */
bool it_file_wait(const char *path, const char *const *needles, int count, int timeout_ms);

/* Lines of the file at `path` containing every one of `needles` (0 when it is missing). */
int it_file_count(const char *path, const char *const *needles);

#endif

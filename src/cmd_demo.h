/* `m2mon demo`'s parts, shared by cmd_demo*.c: the site it writes (cmd_demo_site.c), the
 * processes it starts (cmd_demo_proc.c), what it watches: the network's log and the base's
 * events (cmd_demo_watch.c), and the story told through them (cmd_demo_story.c). Everything
 * runs on one libuv loop in the demo's process. */
#ifndef M2_CMD_DEMO_H
#define M2_CMD_DEMO_H

#include "store.h"
#include "store_base.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define DEMO_PATH_MAX  400
#define DEMO_CHILD_MAX 16
#define DEMO_UNITS     3

/* Who is on the simulated network: the base, the units' modems and the phones. */
enum demo_party_kind {
	DEMO_PARTY_BASE,
	DEMO_PARTY_UNIT,
	DEMO_PARTY_PHONE,
};

struct demo_party {
	const char *sim_name; /* the simulator's name, and the file names (unit-chiller.conf) */
	const char *shown;    /* in the transcript */
	const char *number;
	enum demo_party_kind kind;
	const char *unit_id; /* units: the id in the configurations */
};

enum demo_who {
	DEMO_BASE,
	DEMO_CHILLER,
	DEMO_FREEZER,
	DEMO_REEFER,
	DEMO_ALICE,
	DEMO_BOB,
	DEMO_CAROL,
	DEMO_STRANGER,
	DEMO_WHO_COUNT,
};

extern const struct demo_party demo_parties[DEMO_WHO_COUNT];

/* The shown name of `number`, or `number` itself for one that is not on the network. */
const char *demo_party_name(const char *number);

/* One SMS (or delivery report) the network carried, from sms.jsonl, parts joined. */
struct demo_sms {
	int64_t t_ms;      /* delivered (or given up) */
	int64_t submit_ms; /* taken by the network from its sender */
	int from, to;      /* enum demo_who, -1: someone else */
	bool report;       /* a delivery report */
	char status[16];
	char *text;   /* owned */
	int readings; /* a unit's readings message: how many it carried, opened with the unit's key */
};

/* One event of the base's store, as much as the story asks of it. */
struct demo_event {
	int64_t id, t_ms;
	enum store_event_kind kind;
	char unit[STORE_UNIT_MAX];
	char channel[STORE_CHANNEL_MAX];
	uint32_t incident_id;
	char actor[STORE_NUMBER_MAX];
	char text[STORE_EVENT_TEXT_MAX];
};

/* What the demo started. A daemon runs until the demo stops it; a tool (`m2mon sim send`,
 * `history --svg`) runs to its end, and the story waits for its exit. */
struct demo_child {
	struct demo *demo;
	uv_process_t proc;
	char name[24];
	char log[DEMO_PATH_MAX];
	bool daemon;
	bool running;
	bool stopping; /* the demo asked it to stop */
	int64_t exit_status;
	int term_signal;
};

enum demo_probe_mode {
	DEMO_PROBE_NORMAL,
	DEMO_PROBE_FAILING,
	DEMO_PROBE_REPAIRED,
};

struct demo_parts;

struct demo {
	uv_loop_t *loop;
	int speed;
	const char *keep; /* NULL: a temporary folder, removed at the end when all went well */
	bool hold;        /* after the story, keep the site running until a signal */
	bool tty;         /* stdout is a terminal: colour */
	char dir[DEMO_PATH_MAX], net[DEMO_PATH_MAX + 8];
	char keys[DEMO_UNITS][65];
	char m2mon[DEMO_PATH_MAX];
	int64_t start_ms; /* wall clock */

	struct demo_child children[DEMO_CHILD_MAX];
	int n_children;
	uv_timer_t tick, kill_timer;
	uv_signal_t sig_int, sig_term;
	bool stopping; /* the demo is ending: every child is asked to stop */
	int exit_code;

	/* the network's log */
	int64_t sms_offset;
	char *partial; /* an incomplete last line */
	size_t partial_len;
	struct demo_parts *parts; /* multipart SMS not complete yet */
	struct demo_sms *sms;
	size_t n_sms, sms_cap;
	int64_t n_reports;

	/* the base's store */
	struct store *store;
	uint64_t store_version;
	int64_t last_event_id; /* the highest id read */
	int64_t events_t_ms;   /* the latest time of one */
	struct demo_event *events;
	size_t n_events, events_cap;

	/* the chiller's probe, written by the demo */
	enum demo_probe_mode probe_mode;
	int64_t probe_since_ms;
	int32_t probe_from_c10, probe_c10;
	int64_t crossed_ms; /* the first value above the high limit was written, 0: not yet */

	/* the story */
	int step;
	bool step_acted;
	int64_t step_ms; /* when the step began (monotonic) */
	int64_t mark;    /* texts before this index are not the step's answer */
	int tool_pending;
	bool tool_failed;
	int64_t latency_ms;
	int incidents;
	char web_url[128];
	bool story_done;
};

/* ---- cmd_demo_site.c: the folder and its files ---- */

/* Makes the folder (a new temporary one, or `keep`, made if missing, which must hold no demo yet) and
 * writes the configurations, each checked with the loader `m2mon check-config` uses.
 * Returns 0, or -1 after saying why on stderr. */
int demo_site_write(struct demo *d);

/* Writes START.md: the commands that start the same site by hand. */
int demo_site_start_md(const struct demo *d);

/* A duration of the story: `s` seconds at speed 1, shorter with --speed, at least `min_s`. */
int demo_secs(const struct demo *d, int s, int min_s);

/* Writes the chiller's probe file with `c10` tenths of a degree (a rename, so the unit never
 * reads half a number). */
int demo_probe_write(struct demo *d, int32_t c10);

/* Removes the folder and what is in it. */
void demo_site_remove(const struct demo *d);

/* The path of `name` inside the folder. */
void demo_path(const struct demo *d, const char *name, char *out, size_t size);

/* ---- cmd_demo_proc.c: the processes ---- */

/* Starts `m2mon ARGS...` (NULL-terminated) with its output to LOGNAME in the folder, in a
 * process group of its own, told to end with the demo (M2MON_PARENT_PID). Returns the child
 * or NULL after saying why. */
struct demo_child *demo_spawn(struct demo *d, const char *name, bool daemon, const char *log_name,
			      const char *const *args);

/* True while no child has run into trouble. */
bool demo_children_ok(const struct demo *d);

/* Asks every running child to stop (SIGTERM to its group; SIGKILL after a bound). */
void demo_stop_children(struct demo *d);

/* True when no child runs any more. */
bool demo_children_gone(const struct demo *d);

/* Finds the m2mon binary that runs the demo (/proc/self/exe), the one its children run. */
void demo_find_m2mon(struct demo *d);

/* Monotonic and wall-clock milliseconds. */
int64_t demo_mono_ms(void);
int64_t demo_wall_ms(void);

/* ---- cmd_demo_watch.c: the transcript and the base's events ---- */

/* Reads what the network carried since the last call and what the base recorded, printing
 * each as a line of the transcript. */
void demo_watch(struct demo *d);

/* Opens the base's store read-only (once the base has made it). Returns 0 or a negative
 * errno. */
int demo_watch_open(struct demo *d);

/* A story line: a heading, a step's outcome, or the demo's own note. */
void demo_say(const struct demo *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A note on what the demo does, dim on a terminal. */
void demo_note(const struct demo *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The index of the first SMS at or after `from` sent by `who_from` to `who_to` (-1: any)
 * whose text holds `needle`, or -1. */
long demo_sms_find(const struct demo *d, size_t from, int who_from, int who_to, const char *needle);

/* The first event at or after index `from` of `kind` (of `unit` when not NULL, with `needle`
 * in its text when not NULL), or NULL. */
const struct demo_event *demo_event_find(const struct demo *d, size_t from, enum store_event_kind kind,
					 const char *unit, const char *needle);

/* The most readings one SMS from unit `who` carried. */
int demo_batch_max(const struct demo *d, int who);

/* Readings the base holds of `unit`'s first channel. */
int demo_readings(const struct demo *d, const char *unit);

void demo_watch_free(struct demo *d);

/* ---- cmd_demo_story.c ---- */

/* Advances the story: acts, checks, and ends the demo when the story is over or a step did
 * not happen in time. Called on every tick. */
void demo_story_tick(struct demo *d);

/* A tool the story started has ended. */
void demo_story_tool_done(struct demo *d, struct demo_child *c);

/* The story is over: the summary, then the end (or, with --hold, the site runs on). */
void demo_story_end(struct demo *d);

/* The title of the step the story is at, for a message. */
const char *demo_story_step(const struct demo *d);

/* Ends the demo with `code` (0: the story happened; 1 and a reason otherwise). */
void demo_finish(struct demo *d, int code);

#endif

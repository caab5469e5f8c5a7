/* The demo's site on disk: who is on the network, the folder, the configurations of the
 * simulator, the base and the three units (each checked with the loader `m2mon check-config`
 * uses), the chiller's probe file the demo writes, and START.md for running it by hand. */
#include "cmd_demo.h"
#include "config.h"
#include "proto.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const struct demo_party demo_parties[DEMO_WHO_COUNT] = {
	[DEMO_BASE] = {"base", "base", "+15550001000", DEMO_PARTY_BASE, NULL},
	[DEMO_CHILLER] = {"chiller", "CHILLER", "+15550002001", DEMO_PARTY_UNIT, "CHILLER"},
	[DEMO_FREEZER] = {"freezer", "FREEZER", "+15550002002", DEMO_PARTY_UNIT, "FREEZER"},
	[DEMO_REEFER] = {"reefer", "REEFER", "+15550002003", DEMO_PARTY_UNIT, "REEFER"},
	[DEMO_ALICE] = {"alice", "Alice", "+15550003001", DEMO_PARTY_PHONE, NULL},
	[DEMO_BOB] = {"bob", "Bob", "+15550003002", DEMO_PARTY_PHONE, NULL},
	[DEMO_CAROL] = {"carol", "Carol", "+15550003003", DEMO_PARTY_PHONE, NULL},
	[DEMO_STRANGER] = {"stranger", "stranger", "+15550009999", DEMO_PARTY_PHONE, NULL},
};

const char *demo_party_name(const char *number)
{
	for (int i = 0; i < DEMO_WHO_COUNT; i++)
		if (strcmp(demo_parties[i].number, number) == 0)
			return demo_parties[i].shown;
	return number;
}

int demo_secs(const struct demo *d, int s, int min_s)
{
	int v = (s + d->speed / 2) / d->speed;
	return v < min_s ? min_s : v;
}

void demo_path(const struct demo *d, const char *name, char *out, size_t size)
{
	snprintf(out, size, "%s/%s", d->dir, name);
}

__attribute__((format(printf, 3, 4))) static int write_file(const struct demo *d, const char *name,
							    const char *fmt, ...)
{
	char path[DEMO_PATH_MAX + 64];
	demo_path(d, name, path, sizeof(path));
	/* The configurations hold keys and a PIN: for their owner only, as a site's should be. */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		fprintf(stderr, "m2mon demo: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	va_list ap;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	if (fclose(f) != 0) {
		fprintf(stderr, "m2mon demo: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The file as the daemons will read it, or every problem in it. */
static int check(const struct demo *d, const char *name)
{
	char path[DEMO_PATH_MAX + 64];
	demo_path(d, name, path, sizeof(path));
	struct m2_config *cfg = malloc(sizeof(*cfg));
	struct cfg_report *rep = calloc(1, sizeof(*rep));
	int rc = cfg && rep ? m2_config_load(path, cfg, rep) : -ENOMEM;
	if (rc != 0) {
		fprintf(stderr, "m2mon demo: the demo wrote a configuration its loader refuses (a bug):\n");
		for (int k = 0; rep && k < rep->count && k < CFG_MAX_ERRORS; k++)
			fprintf(stderr, "  %s\n", rep->msg[k]);
	}
	free(cfg);
	free(rep);
	return rc == 0 ? 0 : -1;
}

static int write_sim(const struct demo *d)
{
	char list[2048] = "";
	size_t n = 0;
	for (int i = 0; i < DEMO_WHO_COUNT; i++) {
		const struct demo_party *p = &demo_parties[i];
		const char *model = i == DEMO_BASE ? "generic" : i == DEMO_REEFER ? "ec2x" : "sim800";
		bool first_phone =
			p->kind == DEMO_PARTY_PHONE && demo_parties[i - 1].kind != DEMO_PARTY_PHONE;
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s    { name = \"%s\"; number = \"%s\";",
				      first_phone ? "\n  );\n  phones = (\n"
				      : i         ? ",\n"
						  : "",
				      p->sim_name, p->number);
		if (p->kind != DEMO_PARTY_PHONE)
			n += (size_t)snprintf(list + n, sizeof(list) - n, " model = \"%s\";", model);
		n += (size_t)snprintf(list + n, sizeof(list) - n, " }");
	}
	return write_file(d, "sim.conf",
			  "# The demo's virtual cellular network: m2mon sim --dir %s --config sim.conf\n"
			  "sim = {\n  latency_ms = %d;  # each SMS takes this long through the network\n"
			  "  modems = (\n%s\n  );\n};\n",
			  d->net, d->speed > 4 ? 40 : 200 / d->speed, list);
}

static int write_base(const struct demo *d)
{
	const struct demo_party *p = demo_parties;
	int report = demo_secs(d, 10, 3), reefer = demo_secs(d, 5, 3);
	return write_file(
		d, "base.conf",
		"# The demo's base station: m2mon base --config base.conf\n"
		"# The times are a real site's shrunk into a 90-second story (a real one: conf/base.conf).\n"
		"base = {\n  name = \"Cold store North\";\n  store = \"%s/base.db\";\n"
		"  silent_grace = \"%ds\";\n  receipt_delay = \"%ds\";\n  send_timeout = \"5s\";\n"
		"  units = (\n"
		"    { id = \"%s\"; number = \"%s\"; key = \"%s\"; heartbeat = \"%ds\"; channels = [ \"T1\" "
		"]; },\n"
		"    { id = \"%s\"; number = \"%s\"; key = \"%s\"; heartbeat = \"%ds\"; channels = [ \"T1\" "
		"]; },\n"
		"    { id = \"%s\"; number = \"%s\"; key = \"%s\"; heartbeat = \"%ds\"; channels = [ \"T1\" "
		"]; }\n"
		"  );\n  contacts = (   # who is told, tier by tier, until someone replies ACK\n"
		"    { name = \"Alice\"; number = \"%s\"; role = \"admin\"; tier = 1; quiet = \"off\"; },\n"
		"    { name = \"Bob\"; number = \"%s\"; role = \"operator\"; tier = 2; quiet = \"off\"; },\n"
		"    { name = \"Carol\"; number = \"%s\"; role = \"viewer\"; tier = 2; quiet = \"off\"; }\n  "
		");\n"
		"  # A real site gives each tier minutes (tier_delay = \"10m\") and lets a clear settle.\n"
		"  escalation = { tier_delay = \"%ds\"; repeat = \"0s\"; coalesce = \"0s\"; clear_settle = "
		"\"%ds\";"
		" all_clear = true; };\n  caps = { contact = 0; site = 0; };\n};\n"
		"modems = ( { device = \"%s/base.tty\"; command_timeout_ms = 2000; status_reports = true; } "
		");\n",
		d->dir, demo_secs(d, 2, 1), demo_secs(d, 1, 0), p[DEMO_CHILLER].unit_id,
		p[DEMO_CHILLER].number, d->keys[0], report * 6, p[DEMO_FREEZER].unit_id,
		p[DEMO_FREEZER].number, d->keys[1], report * 6, p[DEMO_REEFER].unit_id, p[DEMO_REEFER].number,
		d->keys[2], reefer, p[DEMO_ALICE].number, p[DEMO_BOB].number, p[DEMO_CAROL].number,
		demo_secs(d, 10, 1), demo_secs(d, 2, 1), d->net);
}

struct unit_shape {
	enum demo_who who;
	const char *source; /* a file in the folder when it starts with "file:" */
	const char *limits;
	int report_s, heartbeat_s;
};

static int write_unit(const struct demo *d, const struct unit_shape *u, int k)
{
	const struct demo_party *p = &demo_parties[u->who];
	char name[64], source[DEMO_PATH_MAX + 64];
	snprintf(name, sizeof(name), "unit-%s.conf", p->sim_name);
	if (strncmp(u->source, "file:", 5) == 0)
		snprintf(source, sizeof(source), "file:%s/%s", d->dir, u->source + 5);
	else
		snprintf(source, sizeof(source), "%s", u->source);
	return write_file(
		d, name,
		"# A demo unit: m2mon unit --config %s\n"
		"unit = {\n  id = \"%s\";\n  base_number = \"%s\";\n  key = \"%s\";\n  store = "
		"\"%s/unit-%s.db\";\n"
		"  pin = \"1234\";\n  power = { source = \"none\"; };\n"
		"  sample_interval = \"%ds\";\n  report_interval = \"%ds\";\n  heartbeat = \"%ds\";\n"
		"  # A real room: sample_interval \"1m\", report_interval \"1h\", and a delay longer than a\n"
		"  # defrost (\"30m\"); here every limit crossed is an alarm at once.\n"
		"  channels = ( { name = \"T1\"; source = \"%s\";\n"
		"                 %s hysteresis = 0.5; delay = \"0s\"; off_delay = \"0s\"; } );\n"
		"  phones = ( { number = \"%s\"; role = \"admin\"; }, { number = \"%s\"; role = "
		"\"operator\"; } );\n"
		"};\nmodem = { device = \"%s/%s.tty\"; profile = \"auto\"; };\n",
		name, p->unit_id, demo_parties[DEMO_BASE].number, d->keys[k], d->dir, p->sim_name,
		demo_secs(d, 2, 1), u->report_s, u->heartbeat_s, source, u->limits,
		demo_parties[DEMO_ALICE].number, demo_parties[DEMO_BOB].number, d->net, p->sim_name);
}

static int make_folder(struct demo *d)
{
	if (d->keep) {
		if (mkdir(d->keep, 0755) != 0 && errno != EEXIST) {
			fprintf(stderr, "m2mon demo: cannot make %s: %s\n", d->keep, strerror(errno));
			return -1;
		}
		if (!realpath(d->keep, d->dir)) {
			fprintf(stderr, "m2mon demo: cannot use %s: %s\n", d->keep, strerror(errno));
			return -1;
		}
		char probe[DEMO_PATH_MAX + 16];
		demo_path(d, "sim.conf", probe, sizeof(probe));
		if (access(probe, F_OK) == 0) {
			fprintf(stderr, "m2mon demo: %s already holds a demo; give an empty or new folder\n",
				d->dir);
			return -1;
		}
	} else {
		const char *tmp = getenv("TMPDIR");
		snprintf(d->dir, sizeof(d->dir), "%s/m2mon-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(d->dir)) {
			fprintf(stderr, "m2mon demo: cannot make a folder in %s: %s\n", tmp ? tmp : "/tmp",
				strerror(errno));
			return -1;
		}
	}
	snprintf(d->net, sizeof(d->net), "%s/net", d->dir);
	return 0;
}

int demo_site_write(struct demo *d)
{
	if (make_folder(d) != 0)
		return -1;
	if (sodium_init() < 0) {
		fprintf(stderr, "m2mon demo: libsodium could not start (no random source?)\n");
		return -1;
	}
	for (int k = 0; k < DEMO_UNITS; k++) {
		uint8_t key[PROTO_KEY_LEN];
		randombytes_buf(key, sizeof(key));
		proto_key_format(key, d->keys[k]);
	}
	int report = demo_secs(d, 10, 3), reefer = demo_secs(d, 5, 3);
	const struct unit_shape units[DEMO_UNITS] = {
		{DEMO_CHILLER, "file:chiller-probe", "high = 8.0; low = 2.0;", report, report * 6},
		{DEMO_FREEZER, "sim:freezer,seed=2", "high = -10.0; low = -30.0;", report, report * 6},
		{DEMO_REEFER, "sim:reefer,seed=3", "high = 8.0; low = -2.0;", reefer, reefer},
	};
	if (demo_probe_write(d, 40) != 0 || write_sim(d) != 0 || write_base(d) != 0)
		return -1;
	for (int k = 0; k < DEMO_UNITS; k++)
		if (write_unit(d, &units[k], k) != 0)
			return -1;
	const char *files[] = {"sim.conf", "base.conf", "unit-chiller.conf", "unit-freezer.conf",
			       "unit-reefer.conf"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (check(d, files[i]) != 0)
			return -1;
	return 0;
}

int demo_probe_write(struct demo *d, int32_t c10)
{
	char path[DEMO_PATH_MAX + 32], tmp[DEMO_PATH_MAX + 32];
	demo_path(d, "chiller-probe", path, sizeof(path));
	demo_path(d, ".chiller-probe.new", tmp, sizeof(tmp));
	FILE *f = fopen(tmp, "w");
	if (!f)
		return -1;
	int32_t a = c10 < 0 ? -c10 : c10;
	fprintf(f, "%s%d.%d\n", c10 < 0 ? "-" : "", a / 10, a % 10);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		return -1;
	d->probe_c10 = c10;
	return 0;
}

int demo_site_start_md(const struct demo *d)
{
	const char *net = d->net, *dir = d->dir, *m2mon = d->m2mon;
	return write_file(
		d, "START.md",
		"# The demo's site, by hand\n\n"
		"`m2mon demo --keep %s` wrote this folder: the configurations it used, the databases\n"
		"(`base.db` is the base's history: readings, alarms, texts, ACKs), the chart\n"
		"(`chiller.svg`) and the logs of every process (`*.log`). The same site runs again with\n"
		"these commands, each in a terminal of its own (or end each line with `&`):\n\n"
		"```\ncd %s\n"
		"%s sim --dir %s --config sim.conf            # the network; wait for 'ready'\n"
		"%s base --config base.conf                   # the base station\n"
		"%s unit --config unit-chiller.conf\n%s unit --config unit-freezer.conf\n"
		"%s unit --config unit-reefer.conf\n"
		"%s web --config base.conf --listen 127.0.0.1:8080   # http://127.0.0.1:8080/\n```\n\n"
		"The chiller's probe is the file `chiller-probe` (degrees C); warm it and the alarm runs:\n\n"
		"```\necho 9.5 > %s/chiller-probe                 # the compressor fails\n"
		"%s sim inbox --dir %s %s                   # what Alice got\n"
		"%s sim send --dir %s --from %s --to %s ACK   # Bob takes it\n"
		"echo 4.0 > %s/chiller-probe                 # repaired: the all-clear goes out\n"
		"%s sim fault --dir %s reefer no-network 600000   # the reefer drives out of coverage\n"
		"%s sim send --dir %s --from %s --to %s STATUS\n"
		"%s events --config base.conf --since 1h\n"
		"%s history --config base.conf CHILLER T1 --since 1h --svg chiller.svg\n```\n\n"
		"Stop each with Ctrl-C (or SIGTERM). The keys in the unit files are this demo's own.\n",
		dir, dir, m2mon, net, m2mon, m2mon, m2mon, m2mon, m2mon, dir, m2mon, net,
		demo_parties[DEMO_ALICE].number, m2mon, net, demo_parties[DEMO_BOB].number,
		demo_parties[DEMO_BASE].number, dir, m2mon, net, m2mon, net, demo_parties[DEMO_ALICE].number,
		demo_parties[DEMO_BASE].number, m2mon, m2mon);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void demo_site_remove(const struct demo *d)
{
	if (d->dir[0])
		nftw(d->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

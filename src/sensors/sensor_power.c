/* The unit's power (sensor_power.h): the power_supply class read from sysfs, and the watcher
 * that turns states into mains and battery events. */
#include "sensor_power.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const sensor_power_source_names[] = {"auto", "sysfs", "modem", "none", NULL};

const char *sensor_power_origin_str(enum sensor_power_origin origin)
{
	switch (origin) {
	case SENSOR_POWER_ORIGIN_NONE:
		return "none";
	case SENSOR_POWER_ORIGIN_SYSFS:
		return "sysfs";
	case SENSOR_POWER_ORIGIN_MODEM:
		return "modem";
	}
	return "?";
}

const char *sensor_power_source_str(enum sensor_power_source source)
{
	switch (source) {
	case SENSOR_POWER_SOURCE_AUTO:
	case SENSOR_POWER_SOURCE_SYSFS:
	case SENSOR_POWER_SOURCE_MODEM:
	case SENSOR_POWER_SOURCE_NONE:
		return sensor_power_source_names[source];
	}
	return "?";
}

const char *sensor_battery_status_str(enum sensor_battery_status status)
{
	switch (status) {
	case SENSOR_BATTERY_UNKNOWN:
		return "unknown";
	case SENSOR_BATTERY_CHARGING:
		return "charging";
	case SENSOR_BATTERY_DISCHARGING:
		return "discharging";
	case SENSOR_BATTERY_NOT_CHARGING:
		return "not_charging";
	case SENSOR_BATTERY_FULL:
		return "full";
	}
	return "?";
}

const char *sensor_power_event_str(enum sensor_power_event event)
{
	switch (event) {
	case SENSOR_POWER_MAINS_LOST:
		return "mains_lost";
	case SENSOR_POWER_MAINS_BACK:
		return "mains_back";
	case SENSOR_POWER_BATTERY_LOW:
		return "battery_low";
	case SENSOR_POWER_BATTERY_OK:
		return "battery_ok";
	}
	return "?";
}

/* ROOT/NAME/ATTR's first line without its newline; false when it cannot be read. */
static bool read_attr(const char *root, const char *name, const char *attr, char *buf, size_t size)
{
	char path[4096];
	if (snprintf(path, sizeof(path), "%s/%s/%s", root, name, attr) >= (int)sizeof(path))
		return false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n;
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return true;
}

/* A whole decimal number alone in `s` (sysfs writes them so). */
static bool attr_int(const char *s, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (end == s || *end || errno)
		return false;
	*out = v;
	return true;
}

static enum sensor_battery_status status_of(const char *s)
{
	static const struct {
		const char *text;
		enum sensor_battery_status status;
	} map[] = {
		{"Charging", SENSOR_BATTERY_CHARGING},
		{"Discharging", SENSOR_BATTERY_DISCHARGING},
		{"Not charging", SENSOR_BATTERY_NOT_CHARGING},
		{"Full", SENSOR_BATTERY_FULL},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(s, map[i].text) == 0)
			return map[i].status;
	return SENSOR_BATTERY_UNKNOWN;
}

static void read_battery(const char *root, const char *name, struct sensor_power *out)
{
	char buf[64];
	long long v;
	if (out->battery_known || !read_attr(root, name, "capacity", buf, sizeof(buf)) || !attr_int(buf, &v))
		return;
	out->battery_known = true;
	out->battery_pct = v < 0 ? 0 : v > 100 ? 100 : (int)v;
	if (read_attr(root, name, "status", buf, sizeof(buf)))
		out->battery_status = status_of(buf);
	if (read_attr(root, name, "voltage_now", buf, sizeof(buf)) && attr_int(buf, &v) && v >= 0)
		out->battery_mv = (int32_t)(v / 1000);
}

static void read_supply(const char *root, const char *name, struct sensor_power *out)
{
	char type[32], buf[32];
	long long v;
	if (!read_attr(root, name, "type", type, sizeof(type)))
		return;
	if (strcmp(type, "Mains") == 0 || strcmp(type, "USB") == 0) {
		out->origin = SENSOR_POWER_ORIGIN_SYSFS;
		if (read_attr(root, name, "online", buf, sizeof(buf)) && attr_int(buf, &v)) {
			out->mains_known = true;
			out->mains_online |= v == 1;
		}
	} else if (strcmp(type, "Battery") == 0) {
		out->origin = SENSOR_POWER_ORIGIN_SYSFS;
		read_battery(root, name, out);
	}
}

int sensor_power_read_sysfs(const char *root, struct sensor_power *out)
{
	*out = (struct sensor_power){.battery_mv = -1};
	if (!root)
		root = SENSOR_POWER_ROOT_DEFAULT;
	struct dirent **names;
	int n = scandir(root, &names, NULL, alphasort);
	if (n < 0)
		return errno ? -errno : -EIO;
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.')
			read_supply(root, names[i]->d_name, out);
		free(names[i]);
	}
	free(names);
	return 0;
}

size_t sensor_power_watch_feed(struct sensor_power_watch *w, const struct sensor_power *p, int low_pct,
			       enum sensor_power_event *out)
{
	size_t n = 0;
	if (p->mains_known) {
		bool lost = !p->mains_online;
		if (lost != w->mains_lost)
			out[n++] = lost ? SENSOR_POWER_MAINS_LOST : SENSOR_POWER_MAINS_BACK;
		w->mains_lost = lost;
	}
	if (p->battery_known) {
		bool low = w->battery_low ? p->battery_pct < low_pct + SENSOR_BATTERY_HYST_PCT
					  : p->battery_pct <= low_pct;
		if (low != w->battery_low)
			out[n++] = low ? SENSOR_POWER_BATTERY_LOW : SENSOR_POWER_BATTERY_OK;
		w->battery_low = low;
	}
	return n;
}

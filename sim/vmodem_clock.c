/* The module's clock (27.007 8.15 +CCLK) and the network's time: the clock runs from a
 * power-on default until it is set (AT+CCLK=) or, with the model's switch on (Quectel's
 * AT+CTZU=1, SIMCom's AT+CLTS=1), until the network sends its time (NITZ, TS 24.008
 * 9.2.15a), which a registered modem gets at once and at every registration. */
#include "vmodem_int.h"

#include "log.h"

#include <errno.h>
#include <string.h>
#include <time.h>

/* Where the clock starts at power-on: 2004-01-01 00:00:00 UTC, the SIM800's default, a date
 * clients take as "never set". */
#define VM_RTC_START_MS 1072915200000LL
#define VM_TZ_MAX_MIN   (18 * 60)

void vmodem_clock_init(struct vmodem *vm, int64_t epoch_ms)
{
	vm->epoch_ms = epoch_ms;
	vm->rtc_ms = VM_RTC_START_MS;
	vm->rtc_at = 0;
}

static int64_t rtc_now(const struct vmodem *vm)
{
	return vm->rtc_ms + (int64_t)(vm->now_ms - vm->rtc_at);
}

void vmodem_clock_nitz(struct vmodem *vm)
{
	if (!vm->nitz || !vm->epoch_ms || vm->reg_stat != 1)
		return;
	vm->rtc_ms = vm->epoch_ms + (int64_t)vm->now_ms + vm->net_skew_ms;
	vm->rtc_at = vm->now_ms;
	vm->rtc_tz_min = vm->net_tz_min;
	log_debug("vmodem", "event=network_time modem=%s skew_ms=%lld tz_min=%d", vm->name,
		  (long long)vm->net_skew_ms, vm->net_tz_min);
}

int vmodem_network_time(struct vmodem *vm, int64_t skew_ms, int tz_minutes, uint64_t now_ms)
{
	if (tz_minutes % 15 || tz_minutes < -VM_TZ_MAX_MIN || tz_minutes > VM_TZ_MAX_MIN)
		return -EINVAL;
	vmodem_update(vm, now_ms);
	vm->net_skew_ms = skew_ms;
	vm->net_tz_min = tz_minutes;
	vmodem_clock_nitz(vm);
	return 0;
}

static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400, doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* Two decimal digits at s[at]. */
static int two_digits(const char *s, size_t at)
{
	if (s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9')
		return -1;
	return (s[at] - '0') * 10 + (s[at + 1] - '0');
}

/* "yy/MM/dd,hh:mm:ss±zz", zz in quarter hours (27.007 8.15): the local time and its zone. */
static int parse_time(const char *s, int64_t *utc_ms, int *tz_min)
{
	static const char seps[] = "//,::";
	int f[7];
	for (size_t i = 0; i < 7; i++) {
		size_t at = i * 3;
		if (strlen(s) < at + 2 || (f[i] = two_digits(s, at)) < 0)
			return -EINVAL;
		char sep = s[at + 2];
		if ((i < 5 && sep != seps[i]) || (i == 5 && sep != '+' && sep != '-') || (i == 6 && sep))
			return -EINVAL;
	}
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > mdays[f[1] - 1] ||
	    (f[1] == 2 && f[2] == 29 && f[0] % 4) || f[3] > 23 || f[4] > 59 || f[5] > 59 ||
	    f[6] * 15 > VM_TZ_MAX_MIN)
		return -EINVAL;
	*tz_min = (s[17] == '-' ? -f[6] : f[6]) * 15;
	int64_t local_s = days_from_civil(2000 + f[0], f[1], f[2]) * 86400 + f[3] * 3600 + f[4] * 60 + f[5];
	*utc_ms = (local_s - (int64_t)*tz_min * 60) * 1000;
	return 0;
}

static struct vm_result cmd_cclk(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	char text[32];
	switch (type) {
	case VM_CMD_TEST:
		return vm_ok();
	case VM_CMD_EXEC:
		return vm_cme(50);
	case VM_CMD_READ: {
		int tz = vm->rtc_tz_min;
		time_t t = (time_t)((rtc_now(vm) + (int64_t)tz * 60000) / 1000);
		struct tm tm;
		gmtime_r(&t, &tm);
		vmodem_info(vm, "+CCLK: \"%02d/%02d/%02d,%02d:%02d:%02d%c%02d\"", tm.tm_year % 100,
			    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tz < 0 ? '-' : '+',
			    (tz < 0 ? -tz : tz) / 15);
		return vm_ok();
	}
	case VM_CMD_SET:
		break;
	}
	int64_t utc_ms;
	int tz;
	if (vmodem_arg_str(a, text, sizeof(text)) != 1 || !vmodem_arg_done(a) ||
	    parse_time(text, &utc_ms, &tz))
		return vm_cme(50);
	vm->rtc_ms = utc_ms;
	vm->rtc_at = vm->now_ms;
	vm->rtc_tz_min = tz;
	return vm_ok();
}

/* Quectel AT+CTZU=<0|1> and SIMCom AT+CLTS=<0|1>: the network's time into the clock. */
static struct vm_result nitz_switch(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a,
				    const char *name)
{
	int n = 0;
	switch (type) {
	case VM_CMD_TEST:
		vmodem_info(vm, "%s: (0,1)", name);
		return vm_ok();
	case VM_CMD_READ:
		vmodem_info(vm, "%s: %d", name, vm->nitz ? 1 : 0);
		return vm_ok();
	case VM_CMD_EXEC:
		return vm_cme(50);
	case VM_CMD_SET:
		break;
	}
	if (vmodem_arg_int(a, &n) != 1 || n > 1 || !vmodem_arg_done(a))
		return vm_cme(50);
	vm->nitz = n == 1;
	vmodem_clock_nitz(vm);
	return vm_ok();
}

static struct vm_result cmd_ctzu(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	return nitz_switch(vm, type, a, "+CTZU");
}

static struct vm_result cmd_clts(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	return nitz_switch(vm, type, a, "+CLTS");
}

const struct vm_cmd vmodem_cmds_clock[] = {
	{"+CCLK", cmd_cclk, 0},
	{"+CTZU", cmd_ctzu, 0},
	{"+CLTS", cmd_clts, 0},
	{NULL, NULL, 0},
};

/* The command line of V.250 5.2: character echo and editing (S3, S5), the "AT" prefix and
 * "A/", spaces and case outside quotes, and the execution of basic (E0, &F, S3=13) and
 * extended (+CMGS=23, +CPMS?, +CNMI=?) commands left to right with one final result. */
#include "vmodem_int.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define VM_ESC 0x1b

struct vm_basic {
	char name[3];
	int value; /* -1 when none was given */
	bool query;
};

void vmodem_line_reset(struct vmodem *vm)
{
	vm->line_len = 0;
	vm->line_overflow = false;
}

static const struct vm_cmd *find_cmd(const char *name)
{
	const struct vm_cmd *tables[] = {vmodem_cmds_ident, vmodem_cmds_gsm, vmodem_cmds_reg, vmodem_cmds_sms,
					 vmodem_cmds_store};
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct vm_cmd *c = tables[t]; c->name; c++)
			if (strcasecmp(c->name, name) == 0)
				return c;
	return NULL;
}

static struct vm_result sim_locked(const struct vmodem *vm, unsigned flags)
{
	bool sms = flags & VM_CMD_SMS;
	switch (vm->sim) {
	case VM_SIM_READY:
		return vm_ok();
	case VM_SIM_PIN:
		return sms ? vm_cms(311) : vm_cme(11);
	case VM_SIM_PUK:
		return sms ? vm_cms(316) : vm_cme(12);
	}
	return vm_cme(13);
}

static struct vm_result run_extended(struct vmodem *vm, const char *name, enum vm_cmd_type type,
				     const char *args, size_t args_len)
{
	const struct vm_cmd *c = find_cmd(name);
	if (!c || vmodem_model_unsupported(vm->model, name))
		return vm_cme(4);
	if ((c->flags & VM_CMD_NEEDS_SIM) && type != VM_CMD_TEST) {
		struct vm_result r = sim_locked(vm, c->flags);
		if (r.kind != VM_RES_OK)
			return r;
	}
	struct vm_args a = {args, args + args_len};
	return c->fn(vm, type, &a);
}

enum vm_basic_kind {
	VM_BASIC_ECHO,
	VM_BASIC_VERBOSE,
	VM_BASIC_QUIET,
	VM_BASIC_RESET,
	VM_BASIC_IDENT,
	VM_BASIC_ACCEPT
};

/* Basic commands of V.250 6.1-6.3 with the highest value each takes; ACCEPT ones (speaker,
 * DCD/DTR behaviour, hook, profile store) change nothing a virtual line can show. */
static const struct {
	const char *name;
	enum vm_basic_kind kind;
	int max;
} basics[] = {
	{"E", VM_BASIC_ECHO, 1},    {"V", VM_BASIC_VERBOSE, 1}, {"Q", VM_BASIC_QUIET, 1},
	{"Z", VM_BASIC_RESET, 0},   {"&F", VM_BASIC_RESET, 0},  {"I", VM_BASIC_IDENT, 9},
	{"X", VM_BASIC_ACCEPT, 4},  {"L", VM_BASIC_ACCEPT, 3},  {"M", VM_BASIC_ACCEPT, 2},
	{"H", VM_BASIC_ACCEPT, 0},  {"&C", VM_BASIC_ACCEPT, 1}, {"&D", VM_BASIC_ACCEPT, 2},
	{"&W", VM_BASIC_ACCEPT, 0},
};

static struct vm_result run_basic(struct vmodem *vm, const struct vm_basic *b)
{
	int v = b->value < 0 ? 0 : b->value;
	for (size_t i = 0; i < sizeof(basics) / sizeof(basics[0]); i++) {
		if (strcmp(basics[i].name, b->name) != 0)
			continue;
		if (v > basics[i].max)
			return vm_cme(50);
		switch (basics[i].kind) {
		case VM_BASIC_ECHO:
			vm->echo = v;
			break;
		case VM_BASIC_VERBOSE:
			vm->verbose = v;
			break;
		case VM_BASIC_QUIET:
			vm->quiet = v;
			break;
		case VM_BASIC_RESET:
			vmodem_profile_defaults(vm);
			break;
		case VM_BASIC_IDENT:
			return vmodem_ident_ati(vm, v);
		case VM_BASIC_ACCEPT:
			break;
		}
		return vm_ok();
	}
	return vm_cme(4);
}

/* S-parameters, V.250 5.3.2: "S3=13" sets, "S3?" reads as three decimal digits. */
static struct vm_result run_sreg(struct vmodem *vm, const char **pp)
{
	const char *p = *pp;
	int reg = 0, val = 0;
	if (!isdigit((unsigned char)*p))
		return vm_cme(50);
	while (isdigit((unsigned char)*p))
		reg = reg < 1000 ? reg * 10 + (*p++ - '0') : (p++, reg);
	if (reg >= (int)sizeof(vm->sreg))
		return vm_cme(4);
	if (*p == '?') {
		vmodem_info(vm, "%03d", vm->sreg[reg]);
		*pp = p + 1;
		return vm_ok();
	}
	if (*p != '=')
		return vm_cme(50);
	p++;
	while (isdigit((unsigned char)*p) && val < 256)
		val = val * 10 + (*p++ - '0');
	if (val > 255)
		return vm_cme(50);
	vm->sreg[reg] = (uint8_t)val;
	*pp = p;
	return vm_ok();
}

static struct vm_result step_extended(struct vmodem *vm, const char **pp)
{
	const char *p = *pp;
	char name[24];
	size_t n = 0;
	name[n++] = *p++;
	while (*p && *p != '=' && *p != '?' && *p != ';' && n + 1 < sizeof(name))
		name[n++] = *p++;
	name[n] = '\0';
	enum vm_cmd_type type = VM_CMD_EXEC;
	const char *args = p;
	if (p[0] == '=' && p[1] == '?') {
		type = VM_CMD_TEST;
		p += 2;
	} else if (p[0] == '?') {
		type = VM_CMD_READ;
		p++;
	} else if (p[0] == '=') {
		type = VM_CMD_SET;
		args = ++p;
		bool quoted = false;
		while (*p && (quoted || *p != ';')) {
			quoted ^= *p == '"';
			p++;
		}
	}
	size_t args_len = type == VM_CMD_SET ? (size_t)(p - args) : 0;
	if (*p && *p != ';')
		return vm_cme(50);
	if (*p == ';')
		p++;
	*pp = p;
	return run_extended(vm, name, type, args, args_len);
}

static struct vm_result step_basic(struct vmodem *vm, const char **pp)
{
	const char *p = *pp;
	struct vm_basic b = {{0}, -1, false};
	b.name[0] = *p++;
	if (b.name[0] == '&') {
		if (!isalpha((unsigned char)*p))
			return vm_cme(50);
		b.name[1] = *p++;
	}
	if (b.name[0] == 'S' && b.name[1] == '\0') {
		*pp = p;
		return run_sreg(vm, pp);
	}
	if (isdigit((unsigned char)*p)) {
		b.value = 0;
		while (isdigit((unsigned char)*p) && b.value < 1000)
			b.value = b.value * 10 + (*p++ - '0');
	}
	if (*p == ';')
		p++;
	*pp = p;
	return run_basic(vm, &b);
}

static void execute(struct vmodem *vm, const char *body)
{
	struct vm_result res = vm_ok();
	const char *p = body;
	vm->info_started = false;
	while (*p && res.kind == VM_RES_OK) {
		vm->info_started = false;
		if (*p == ';')
			p++;
		else if (strchr("+^$%*#!", *p))
			res = step_extended(vm, &p);
		else if (isalpha((unsigned char)*p) || *p == '&')
			res = step_basic(vm, &p);
		else
			res = vm_cme(50);
	}
	vmodem_final(vm, res);
	if (res.kind == VM_RES_PROMPT)
		return;
	if (vm->reboot_after_reply) {
		vm->reboot_after_reply = false;
		vmodem_reboot(vm);
		return;
	}
	vmodem_urc_flush(vm);
}

/* Normalises the text after "AT": spaces dropped and letters upper-cased outside quotes. */
static void normalise(const char *in, size_t len, char *out)
{
	bool quoted = false;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (c == '"')
			quoted = !quoted;
		if (!quoted && c == ' ')
			continue;
		out[n++] = quoted ? c : (char)toupper((unsigned char)c);
	}
	out[n] = '\0';
}

static void process_line(struct vmodem *vm)
{
	char body[VM_LINE_MAX];
	const char *l = vm->line;
	size_t len = vm->line_len;
	size_t i = 0;
	while (i + 1 < len &&
	       !(toupper((unsigned char)l[i]) == 'A' && toupper((unsigned char)l[i + 1]) == 'T'))
		i++;
	if (i + 1 >= len)
		return;
	if (vm->line_overflow) {
		vmodem_final(vm, vm_cme(50));
		return;
	}
	normalise(l + i + 2, len - i - 2, body);
	memcpy(vm->last_line, body, strlen(body) + 1);
	execute(vm, body);
}

void vmodem_line_input(struct vmodem *vm, uint8_t c)
{
	if (vm->echo)
		vm->hooks.write(vm->user, &c, 1);
	if (c == vm->sreg[3]) {
		process_line(vm);
		vmodem_line_reset(vm);
	} else if (c == vm->sreg[5]) {
		if (vm->line_len > 0)
			vm->line_len--;
	} else if (c == VM_ESC) {
		vmodem_line_reset(vm);
	} else if (c == vm->sreg[4] || c == 0x1a || c == '\0') {
		return;
	} else if (vm->line_len + 1 < sizeof(vm->line)) {
		vm->line[vm->line_len++] = (char)c;
		if (vm->line_len == 2 && toupper((unsigned char)vm->line[0]) == 'A' && c == '/') {
			vmodem_line_reset(vm);
			execute(vm, vm->last_line);
		}
	} else {
		vm->line_overflow = true;
	}
}

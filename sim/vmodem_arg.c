/* The typed iterator over a command's parameters (V.250 5.4.2): decimal numbers and quoted
 * strings separated by commas, each possibly empty. The line parser has already upper-cased
 * everything outside quotes and removed spaces. */
#include "vmodem_int.h"

#include <errno.h>
#include <string.h>

static void skip_comma(struct vm_args *a)
{
	if (a->p < a->end && *a->p == ',')
		a->p++;
}

bool vmodem_arg_done(const struct vm_args *a)
{
	return a->p >= a->end;
}

int vmodem_arg_int(struct vm_args *a, int *out)
{
	if (a->p >= a->end || *a->p == ',') {
		skip_comma(a);
		return 0;
	}
	long v = 0;
	const char *start = a->p;
	while (a->p < a->end && *a->p >= '0' && *a->p <= '9') {
		v = v * 10 + (*a->p - '0');
		if (v > 100000000)
			return -EINVAL;
		a->p++;
	}
	if (a->p == start || (a->p < a->end && *a->p != ','))
		return -EINVAL;
	skip_comma(a);
	*out = (int)v;
	return 1;
}

int vmodem_arg_int_opt(struct vm_args *a, int min, int max, int *inout)
{
	int v = *inout;
	int rc = vmodem_arg_int(a, &v);
	if (rc < 0 || (rc == 1 && (v < min || v > max)))
		return -EINVAL;
	*inout = v;
	return 0;
}

int vmodem_arg_str(struct vm_args *a, char *out, size_t size)
{
	if (a->p >= a->end || *a->p == ',') {
		skip_comma(a);
		out[0] = '\0';
		return 0;
	}
	if (*a->p != '"')
		return -EINVAL;
	const char *s = a->p + 1;
	const char *q = memchr(s, '"', (size_t)(a->end - s));
	if (!q || (size_t)(q - s) >= size)
		return -EINVAL;
	memcpy(out, s, (size_t)(q - s));
	out[q - s] = '\0';
	a->p = q + 1;
	if (a->p < a->end && *a->p != ',')
		return -EINVAL;
	skip_comma(a);
	return 1;
}

/* The READINGS payload (proto_batch.h): planning how many samples fit, choosing each
 * channel's Rice parameter, and writing and reading the bits. Costs are computed by the same
 * rules the writer follows, so a plan's size is the payload's size to the bit. */
#include "proto_batch.h"
#include "proto_internal.h"

#include <errno.h>
#include <string.h>

#define E     PROTO_BATCH_ESCAPE
#define U_MAX 131071u /* the largest zigzag delta between two 16-bit values */

static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t u)
{
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* Bits of the order-0 exponential-Golomb code of v: 2 * floor(log2(v + 1)) + 1. */
static unsigned eg0_bits(uint64_t v)
{
	unsigned len = 0;
	for (uint64_t m = v + 1; m > 1; m >>= 1)
		len++;
	return 2 * len + 1;
}

/* Bits of one valid sample whose zigzag delta is `u`, with parameter k. */
static unsigned rice_bits(uint64_t u, unsigned k)
{
	uint64_t q = u >> k;
	if (q < E)
		return (unsigned)q + 1 + k;
	return E + 1 + eg0_bits(u - ((uint64_t)E << k));
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int proto_batch_check(const struct proto_series *s)
{
	if (s->n_channels < 1 || s->n_channels > PROTO_CHANNELS_MAX || s->count < 1 || s->interval_s < 1 ||
	    s->interval_s > PROTO_BATCH_INTERVAL_MAX || s->first_ms < 0)
		return -EINVAL;
	for (size_t c = 0; c < s->n_channels; c++) {
		if (!s->temp_c10[c])
			return -EINVAL;
		for (size_t i = 0; i < s->count; i++) {
			int32_t v = s->temp_c10[c][i];
			if (v != PROTO_MISSING && (v < PROTO_TEMP_MIN_C10 || v > PROTO_TEMP_MAX_C10))
				return -EINVAL;
		}
	}
	return 0;
}

/* An interval of whole minutes is a 1 and the minutes less one; any other a 0 and the
 * seconds less one: 8 bits for 10 minutes instead of 19. */
static unsigned interval_bits(uint32_t interval_s)
{
	return 1 + (interval_s % 60 == 0 ? eg0_bits(interval_s / 60 - 1) : eg0_bits(interval_s - 1));
}

/* The header's bits for n samples from `from`: interval, count, and the offset from the
 * message's time to the last sample. -1 when that offset is out of range. */
static long header_bits(const struct proto_series *s, size_t from, size_t n, int64_t time_s)
{
	int64_t last_s = floor_div(s->first_ms, 1000) + (int64_t)(from + n - 1) * s->interval_s;
	int64_t off = time_s - last_s;
	if (off > PROTO_BATCH_OFFSET_MAX || off < -PROTO_BATCH_OFFSET_MAX)
		return -1;
	return (long)(interval_bits(s->interval_s) + eg0_bits(n - 1) + eg0_bits(zigzag(off)));
}

/* One channel's running cost, sample by sample. */
struct chan_cost {
	size_t bits[PROTO_BATCH_K_MAX + 1]; /* valid samples, per k */
	size_t miss_bits;                   /* runs of missing samples (the same for every k) */
	size_t run;                         /* length of the run in progress */
	int32_t prev;
	bool have_prev;
};

static int32_t first_valid(const int32_t *v, size_t from, size_t end)
{
	for (size_t i = from; i < end; i++) {
		if (v[i] != PROTO_MISSING)
			return v[i];
	}
	return 0;
}

static void cost_add(struct chan_cost *cc, int32_t v)
{
	if (v == PROTO_MISSING) {
		cc->miss_bits +=
			cc->run == 0 ? E + 1 + eg0_bits(0) : eg0_bits(cc->run) - eg0_bits(cc->run - 1);
		cc->run++;
		return;
	}
	cc->run = 0;
	uint64_t u = zigzag((int64_t)v - cc->prev);
	for (unsigned k = 0; k <= PROTO_BATCH_K_MAX; k++)
		cc->bits[k] += rice_bits(u, k);
	cc->prev = v;
}

/* The cheapest k so far and its bits, with the channel's k and base fields. */
static size_t cost_best(const struct chan_cost *cc, unsigned *k_out)
{
	unsigned best = 0;
	for (unsigned k = 1; k <= PROTO_BATCH_K_MAX; k++) {
		if (cc->bits[k] < cc->bits[best])
			best = k;
	}
	*k_out = best;
	return 3 + 16 + cc->bits[best] + cc->miss_bits;
}

static int plan_range(const struct proto_series *s, size_t from, size_t n, int64_t time_s, size_t room_chars,
		      struct proto_batch_plan *plan)
{
	if (n < 1 || from >= s->count || n > s->count - from || header_bits(s, from, 1, time_s) < 0)
		return -EINVAL;
	size_t end = from + n;
	if (n * s->n_channels > PROTO_READINGS_MAX)
		end = from + PROTO_READINGS_MAX / s->n_channels;
	struct chan_cost cc[PROTO_CHANNELS_MAX];
	memset(cc, 0, sizeof(cc));
	for (size_t c = 0; c < s->n_channels; c++)
		cc[c].prev = first_valid(s->temp_c10[c], from, s->count);
	memset(plan, 0, sizeof(*plan));
	for (size_t i = from; i < end; i++) {
		struct proto_batch_plan next = {.n = i - from + 1};
		long hdr = header_bits(s, from, next.n, time_s);
		if (hdr < 0)
			break;
		next.bits = (size_t)hdr;
		for (size_t c = 0; c < s->n_channels; c++) {
			cost_add(&cc[c], s->temp_c10[c][i]);
			next.bits += cost_best(&cc[c], &next.k[c]);
		}
		if (plan->n > 0 && proto_batch_chars(next.bits) > room_chars)
			break;
		*plan = next;
	}
	return 0;
}

int proto_batch_plan(const struct proto_series *s, size_t from, size_t n, int64_t time_s,
		     struct proto_batch_plan *plan)
{
	if (n < 1 || from >= s->count || n > s->count - from || n * s->n_channels > PROTO_READINGS_MAX)
		return -EINVAL;
	int rc = plan_range(s, from, n, time_s, SIZE_MAX, plan);
	if (rc == 0 && plan->n != n)
		return -EINVAL; /* the last sample lies too far from time_s */
	return rc;
}

int proto_batch_fit(const struct proto_series *s, size_t from, int64_t time_s, size_t room_chars,
		    struct proto_batch_plan *plan)
{
	if (from >= s->count)
		return -EINVAL;
	return plan_range(s, from, s->count - from, time_s, room_chars, plan);
}

/* The payload's digits: base 81, every protocol character but space, '$', '"' and '\''
 * (docs/protocol.md). 81^3 >= 2^19, so three digits carry 19 bits. */
static const char digits81[PROTO_BATCH_RADIX + 1] =
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#%&()*+,-./:;<=>?_";

static int digit81(char c)
{
	const char *p = c ? strchr(digits81, c) : NULL;
	return p ? (int)(p - digits81) : -1;
}

size_t proto_batch_chars(size_t bits)
{
	static const unsigned char tail[PROTO_BATCH_GROUP_BITS] = {0, 1, 1, 1, 1, 1, 1, 2, 2, 2,
								   2, 2, 2, 3, 3, 3, 3, 3, 3};
	return 3 * (bits / PROTO_BATCH_GROUP_BITS) + tail[bits % PROTO_BATCH_GROUP_BITS];
}

/* MSB-first bits, 19 to a group of three digits; the last group shorter (see flush). */
struct bit_writer {
	char *out;
	size_t size, len;
	uint32_t acc;
	unsigned nacc;
	bool overflow;
};

/* Writes the value `v` of one group as `n` digits, most significant first. */
static void emit(struct bit_writer *w, uint32_t v, unsigned n)
{
	char d[3];
	for (unsigned i = n; i-- > 0;) {
		d[i] = digits81[v % PROTO_BATCH_RADIX];
		v /= PROTO_BATCH_RADIX;
	}
	for (unsigned i = 0; i < n; i++) {
		if (w->len + 1 < w->size)
			w->out[w->len++] = d[i];
		else
			w->overflow = true;
	}
}

static void put_bits(struct bit_writer *w, uint64_t v, unsigned n)
{
	while (n > 0) {
		n--;
		w->acc = (w->acc << 1) | (uint32_t)((v >> n) & 1);
		if (++w->nacc == PROTO_BATCH_GROUP_BITS) {
			emit(w, w->acc, 3);
			w->acc = 0;
			w->nacc = 0;
		}
	}
}

/* The last, partial group: zero bits up to 6 (one digit), 12 (two) or 19 (three). */
static void flush(struct bit_writer *w)
{
	if (w->nacc == 0)
		return;
	unsigned bits = w->nacc <= 6 ? 6 : w->nacc <= 12 ? 12 : PROTO_BATCH_GROUP_BITS;
	unsigned n = bits == 6 ? 1 : bits == 12 ? 2 : 3;
	emit(w, w->acc << (bits - w->nacc), n);
	w->acc = 0;
	w->nacc = 0;
}

static void put_ones(struct bit_writer *w, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		put_bits(w, 1, 1);
}

static void put_eg0(struct bit_writer *w, uint64_t v)
{
	unsigned zeros = (eg0_bits(v) - 1) / 2;
	put_bits(w, 0, zeros);
	put_bits(w, v + 1, zeros + 1);
}

static void put_sample(struct bit_writer *w, uint64_t u, unsigned k)
{
	uint64_t q = u >> k;
	if (q < E) {
		put_ones(w, (unsigned)q);
		put_bits(w, 0, 1);
		put_bits(w, u, k);
		return;
	}
	put_ones(w, E);
	put_bits(w, 0, 1);
	put_eg0(w, u - ((uint64_t)E << k));
}

static void put_channel(struct bit_writer *w, const int32_t *v, size_t from, size_t end, unsigned k)
{
	int32_t prev = first_valid(v, from, end);
	put_bits(w, k, 3);
	put_bits(w, (uint16_t)(int16_t)prev, 16);
	for (size_t i = from; i < end;) {
		if (v[i] == PROTO_MISSING) {
			size_t run = 0;
			while (i + run < end && v[i + run] == PROTO_MISSING)
				run++;
			put_ones(w, E);
			put_bits(w, 1, 1);
			put_eg0(w, run - 1);
			i += run;
			continue;
		}
		put_sample(w, zigzag((int64_t)v[i] - prev), k);
		prev = v[i];
		i++;
	}
}

int proto_batch_pack(const struct proto_series *s, size_t from, const struct proto_batch_plan *plan,
		     int64_t time_s, char *out, size_t size)
{
	struct bit_writer w = {.out = out, .size = size};
	size_t end = from + plan->n;
	int64_t last_s = floor_div(s->first_ms, 1000) + (int64_t)(end - 1) * s->interval_s;
	if (size == 0)
		return -ENOSPC;
	if (s->interval_s % 60 == 0) {
		put_bits(&w, 1, 1);
		put_eg0(&w, s->interval_s / 60 - 1);
	} else {
		put_bits(&w, 0, 1);
		put_eg0(&w, s->interval_s - 1);
	}
	put_eg0(&w, plan->n - 1);
	put_eg0(&w, zigzag(time_s - last_s));
	for (size_t c = 0; c < s->n_channels; c++)
		put_channel(&w, s->temp_c10[c], from, end, plan->k[c]);
	flush(&w);
	out[w.len < size ? w.len : size - 1] = '\0';
	return w.overflow ? -ENOSPC : (int)w.len;
}

struct bit_reader {
	const char *in;
	size_t len, pos; /* characters */
	uint32_t acc;
	unsigned nacc, group; /* bits left in the group, and its size */
	size_t group_at;      /* where the group starts */
	size_t bad_at;        /* the digit that could not be read */
	bool bad;
};

/* The next group: three digits (19 bits), or at the end two (12) or one (6). */
static void load(struct bit_reader *r)
{
	size_t left = r->len - r->pos;
	unsigned n = left >= 3 ? 3 : (unsigned)left;
	unsigned bits = n == 3 ? PROTO_BATCH_GROUP_BITS : n == 2 ? 12 : 6;
	uint32_t v = 0;
	r->bad_at = r->pos;
	if (n == 0) {
		r->bad = true;
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		int d = digit81(r->in[r->pos + i]);
		if (d < 0) {
			r->bad_at = r->pos + i;
			r->bad = true;
			return;
		}
		v = v * PROTO_BATCH_RADIX + (uint32_t)d;
	}
	if (v >> bits) {
		r->bad = true;
		return;
	}
	r->group_at = r->pos;
	r->pos += n;
	r->acc = v;
	r->nacc = r->group = bits;
}

static unsigned get_bit(struct bit_reader *r)
{
	if (r->nacc == 0)
		load(r);
	if (r->bad)
		return 0;
	r->nacc--;
	return (r->acc >> r->nacc) & 1;
}

static uint64_t get_bits(struct bit_reader *r, unsigned n)
{
	uint64_t v = 0;
	while (n-- > 0 && !r->bad)
		v = (v << 1) | get_bit(r);
	return v;
}

/* An order-0 exp-Golomb value of at most 33 significant bits. */
static uint64_t get_eg0(struct bit_reader *r)
{
	unsigned zeros = 0;
	while (!r->bad && get_bit(r) == 0) {
		if (++zeros > 32) {
			r->bad = true;
			return 0;
		}
	}
	if (r->bad)
		return 0;
	return ((uint64_t)1 << zeros) + get_bits(r, zeros) - 1;
}

static bool temp_ok(int64_t v)
{
	return v >= PROTO_TEMP_MIN_C10 && v <= PROTO_TEMP_MAX_C10;
}

static int get_channel(struct bit_reader *r, int32_t *out, size_t count)
{
	unsigned k = (unsigned)get_bits(r, 3);
	int64_t prev = (int16_t)(uint16_t)get_bits(r, 16);
	for (size_t i = 0; i < count && !r->bad;) {
		unsigned q = 0;
		while (q < E && get_bit(r) == 1 && !r->bad)
			q++;
		uint64_t u;
		if (q < E) {
			u = ((uint64_t)q << k) | get_bits(r, k);
		} else if (get_bit(r) == 1) {
			uint64_t run = get_eg0(r) + 1;
			if (r->bad || run > count - i)
				return -EBADMSG;
			for (uint64_t j = 0; j < run; j++)
				out[i++] = PROTO_MISSING;
			continue;
		} else {
			u = get_eg0(r) + ((uint64_t)E << k);
		}
		if (r->bad || u > U_MAX || !temp_ok(prev + unzigzag(u)))
			return -EBADMSG;
		prev += unzigzag(u);
		out[i++] = (int32_t)prev;
	}
	return r->bad ? -EBADMSG : 0;
}

static int unpack_header(struct bit_reader *r, int64_t time_s, struct proto_readings *rd)
{
	bool minutes = get_bit(r) == 1;
	uint64_t interval = get_eg0(r) + 1;
	if (!minutes && interval % 60 == 0)
		return -EBADMSG; /* whole minutes have the shorter form */
	if (minutes)
		interval *= 60;
	uint64_t count = get_eg0(r) + 1;
	int64_t off = unzigzag(get_eg0(r));
	if (r->bad || interval > PROTO_BATCH_INTERVAL_MAX || count * rd->n_channels > PROTO_READINGS_MAX ||
	    off > PROTO_BATCH_OFFSET_MAX || off < -PROTO_BATCH_OFFSET_MAX)
		return -EBADMSG;
	int64_t first_s = time_s - off - (int64_t)(count - 1) * (int64_t)interval;
	if (first_s < 0)
		return -EBADMSG;
	rd->interval_s = (uint32_t)interval;
	rd->count = (size_t)count;
	rd->first_ms = first_s * 1000;
	return 0;
}

int proto_batch_unpack(const char *payload, size_t len, int64_t time_s, struct proto_readings *r,
		       size_t *at_char)
{
	struct bit_reader br = {.in = payload, .len = len};
	int rc = -EBADMSG;
	if (r->n_channels >= 1 && r->n_channels <= PROTO_CHANNELS_MAX && unpack_header(&br, time_s, r) == 0) {
		rc = 0;
		for (size_t c = 0; c < r->n_channels && rc == 0; c++)
			rc = get_channel(&br, r->temp_c10 + c * r->count, r->count);
	}
	/* What is left must be the padding of the last group: zero, and shorter than the step
	 * to the next smaller group, so no digit is there for padding alone. */
	unsigned step = br.group == PROTO_BATCH_GROUP_BITS ? 7 : 6;
	if (rc == 0 && (br.pos != len || br.nacc >= step || (br.acc & ((1u << br.nacc) - 1)) != 0))
		rc = -EBADMSG;
	if (rc != 0 && at_char)
		*at_char = br.bad ? br.bad_at : br.group_at;
	return rc;
}

/* The in-memory back end: a fake modem's bytes pushed in, the engine's bytes taken out,
 * reads capped to force fragmentation. For unit tests, transcripts and the benchmark. */
#include "transport_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct mem_pipe {
	unsigned char *rx, *tx;
	size_t rx_len, rx_cap, tx_len, tx_cap;
	size_t read_cap;
};

static int grow(unsigned char **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 256;
	while (c < need)
		c *= 2;
	unsigned char *b = realloc(*buf, c);
	if (!b)
		return -ENOMEM;
	*buf = b;
	*cap = c;
	return 0;
}

static ssize_t mem_read(struct modem_transport *t, void *buf, size_t len)
{
	struct mem_pipe *m = t->backend;

	if (m->rx_len == 0)
		return -EAGAIN;
	if (m->read_cap && len > m->read_cap)
		len = m->read_cap;
	if (len > m->rx_len)
		len = m->rx_len;
	memcpy(buf, m->rx, len);
	memmove(m->rx, m->rx + len, m->rx_len - len);
	m->rx_len -= len;
	return (ssize_t)len;
}

static ssize_t mem_write(struct modem_transport *t, const void *buf, size_t len)
{
	struct mem_pipe *m = t->backend;

	if (grow(&m->tx, &m->tx_cap, m->tx_len + len) != 0)
		return -ENOMEM;
	memcpy(m->tx + m->tx_len, buf, len);
	m->tx_len += len;
	return (ssize_t)len;
}

static void mem_close(struct modem_transport *t)
{
	struct mem_pipe *m = t->backend;

	free(m->rx);
	free(m->tx);
	free(m);
}

static const struct transport_ops mem_ops = {mem_read, mem_write, mem_close};

int modem_transport_mem_new(size_t read_cap, struct modem_transport **out)
{
	struct mem_pipe *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->read_cap = read_cap;
	*out = transport_new(MODEM_TRANSPORT_MEM, &mem_ops, -1, m);
	if (!*out) {
		free(m);
		return -ENOMEM;
	}
	return 0;
}

int modem_transport_mem_push(struct modem_transport *t, const void *buf, size_t len)
{
	struct mem_pipe *m = t->backend;

	if (grow(&m->rx, &m->rx_cap, m->rx_len + len) != 0)
		return -ENOMEM;
	memcpy(m->rx + m->rx_len, buf, len);
	m->rx_len += len;
	return 0;
}

size_t modem_transport_mem_take(struct modem_transport *t, void *buf, size_t size)
{
	struct mem_pipe *m = t->backend;
	size_t n = m->tx_len < size ? m->tx_len : size;

	memcpy(buf, m->tx, n);
	memmove(m->tx, m->tx + n, m->tx_len - n);
	m->tx_len -= n;
	return n;
}

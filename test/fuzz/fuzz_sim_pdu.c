/* Fuzz target: the simulator's SMS-SUBMIT decoder on arbitrary octets (what a modem client
 * may send after AT+CMGS), and what it decoded re-encoded as the SMS-DELIVER the network
 * would hand on; also the text splitter on the same bytes taken as text. */
#include "sim_pdu.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_submit sub;
	uint8_t out[SIM_TPDU_MAX];
	if (sim_pdu_decode_submit(data, size, &sub) == 0)
		sim_pdu_build_deliver("+15550001000", &sub.part, 0, out);
	if (size > 2000)
		return 0;
	char *text = malloc(size + 1);
	struct sim_part *parts = malloc(SIM_MAX_PARTS * sizeof(*parts));
	if (text && parts) {
		memcpy(text, data, size);
		text[size] = '\0';
		sim_pdu_split(text, size % 2, 1, parts);
	}
	free(text);
	free(parts);
	return 0;
}

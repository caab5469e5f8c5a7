/* `m2mon keygen`: a new random key for one unit, printed as the setting that both the unit's
 * and the base's configuration take. */
#include "cmd.h"
#include "commands.h"
#include "proto.h"

#include <sodium.h>
#include <stdio.h>

const char cmd_keygen_usage[] =
	"Usage: m2mon keygen\n"
	"\n"
	"Prints a new random key for one unit (32 octets from the system's random source, as 64\n"
	"hex digits) in the form the configuration files take:\n"
	"  key = \"3f1c...9a0e\";\n"
	"Put the same line in the unit's `unit` group and in its entry under the base's `units`.\n"
	"Every message between them is signed with it: keep it secret, one key per unit.\n"
	"\n"
	"Exit status: 0 when a key was printed, 1 when the random source failed, 2 on a usage error.\n";

int cmd_keygen(int argc, char **argv)
{
	if (argc > 1)
		return cmd_usage_error("m2mon keygen",
				       argv[1][0] == '-' ? "unknown option '%s'" : "unexpected argument '%s'",
				       argv[1]);
	if (sodium_init() < 0) {
		fprintf(stderr, "m2mon keygen: libsodium could not start (no random source?)\n");
		return M2_EXIT_FAIL;
	}
	uint8_t key[PROTO_KEY_LEN];
	char hex[PROTO_KEY_HEX + 1];
	randombytes_buf(key, sizeof(key));
	proto_key_format(key, hex);
	int rc = printf("key = \"%s\";\n", hex) < 0 || fflush(stdout) != 0 ? M2_EXIT_FAIL : M2_EXIT_OK;
	sodium_memzero(key, sizeof(key));
	sodium_memzero(hex, sizeof(hex));
	return rc;
}

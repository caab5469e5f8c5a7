/* The names that modem settings accept in configuration files. */
#include "modem_settings.h"

const char *const modem_flow_names[] = {"none", "rtscts", "xonxoff", 0};

const char *modem_flow_str(enum modem_flow flow)
{
	switch (flow) {
	case MODEM_FLOW_NONE:
	case MODEM_FLOW_RTSCTS:
	case MODEM_FLOW_XONXOFF:
		return modem_flow_names[flow];
	}
	return "unknown";
}

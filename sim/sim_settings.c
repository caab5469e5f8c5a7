/* The names that simulator settings accept. */
#include "sim_settings.h"

const char *const sim_model_names[] = {"generic", "sim800", "ec2x", "e3372", 0};

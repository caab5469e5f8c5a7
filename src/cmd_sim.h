/* Private to src/cmd_sim*.c: the `m2mon sim` client subcommands and shared parsing. */
#ifndef M2_CMD_SIM_H
#define M2_CMD_SIM_H

/* `m2mon sim send|inbox|fault|drain|battery|clock`: argv[0] is the subcommand; returns an M2_EXIT_*
 * status. */
int cmd_sim_send(int argc, char **argv);
int cmd_sim_inbox(int argc, char **argv);
int cmd_sim_fault(int argc, char **argv);
int cmd_sim_drain(int argc, char **argv);
int cmd_sim_battery(int argc, char **argv);
int cmd_sim_clock(int argc, char **argv);

/* Parses a decimal integer in [min, max]. Returns 0, or -EINVAL. */
int cmd_sim_parse_long(const char *text, long min, long max, long *out);

#endif

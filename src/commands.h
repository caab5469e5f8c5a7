/* The subcommands of `m2mon`, one function each; main.c lists them with their help. */
#ifndef M2_COMMANDS_H
#define M2_COMMANDS_H

int cmd_check_config(int argc, char **argv);
extern const char cmd_check_config_usage[];

int cmd_demo(int argc, char **argv);
extern const char cmd_demo_usage[];

int cmd_sim(int argc, char **argv);
extern const char cmd_sim_usage[];

#endif

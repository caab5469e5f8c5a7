/* The subcommands of `m2mon`, one function each; main.c lists them with their help. */
#ifndef M2_COMMANDS_H
#define M2_COMMANDS_H

int cmd_check_config(int argc, char **argv);
extern const char cmd_check_config_usage[];

int cmd_demo(int argc, char **argv);
extern const char cmd_demo_usage[];

int cmd_ports(int argc, char **argv);
extern const char cmd_ports_usage[];

int cmd_modem(int argc, char **argv);
extern const char cmd_modem_usage[];

int cmd_sms(int argc, char **argv);
extern const char cmd_sms_usage[];

/* Shared by the modem commands (cmd_modem.c). */
struct modem_settings;
/* Technician defaults: 115200 baud, no flow control, profile auto, 5 s command timeout. */
void cmd_modem_defaults(struct modem_settings *s);
/* When argv[*i] is --device, --pin, --profile or --baud, stores its value (advancing *i)
 * and returns 1; returns 0 for any other argument, -1 after a usage message. */
int cmd_modem_option(const char *prog, int argc, char **argv, int *i, struct modem_settings *s);
/* Prints why a modem session ended (an errno from modem_session_run) and returns
 * M2_EXIT_FAIL. */
int cmd_modem_failed(const char *prog, const struct modem_settings *s, int rc);
int cmd_sim(int argc, char **argv);
extern const char cmd_sim_usage[];

int cmd_keygen(int argc, char **argv);
extern const char cmd_keygen_usage[];

int cmd_unit(int argc, char **argv);
extern const char cmd_unit_usage[];

/* The read side: the base's database for people (cmd_view.h). */
int cmd_status(int argc, char **argv);
extern const char cmd_status_usage[];

int cmd_history(int argc, char **argv);
extern const char cmd_history_usage[];

int cmd_events(int argc, char **argv);
extern const char cmd_events_usage[];

int cmd_web(int argc, char **argv);
extern const char cmd_web_usage[];

int cmd_base(int argc, char **argv);
extern const char cmd_base_usage[];

#endif

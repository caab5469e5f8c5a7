/* What a simulator configuration says: the virtual modems and phones, and the faults the
 * network applies. The same settings come from `m2mon sim` options or `--config FILE`. */
#ifndef M2_SIM_SETTINGS_H
#define M2_SIM_SETTINGS_H

#define SIM_MAX_MODEMS 16
#define SIM_MAX_PHONES 32

struct sim_modem_settings {
	char name[33];   /* the PTY link is DIR/NAME.tty */
	char number[21]; /* its subscriber number */
	int model;       /* personality: index into sim_model_names */
	char pin[9];     /* SIM PIN the modem asks for, "" for none */
};

/* Personalities a virtual modem can have, NULL-terminated: "generic" first. Each is named as
 * the modem layer's profile for that module family (modem_profile.h), so that `--modem
 * a=NUMBER:ec2x` and `--profile ec2x` mean the same module; test_modem_profile checks it. */
extern const char *const sim_model_names[];

struct sim_phone_settings {
	char name[33];
	char number[21];
};

struct sim_settings {
	char smsc[21];    /* the service centre number the modems report in +CSCA */
	int latency_ms;   /* delivery latency of every SMS */
	double loss;      /* probability that the network loses an SMS */
	double duplicate; /* probability that it delivers one twice */
	double reorder;   /* probability that parts overtake each other */
	int baud;         /* pace each PTY to this line speed; 0 = unpaced */
	int seed;         /* random seed, so that a faulty run can be repeated */
	int slots;        /* SMS storage slots per SIM */
	int n_modems;
	struct sim_modem_settings modems[SIM_MAX_MODEMS];
	int n_phones;
	struct sim_phone_settings phones[SIM_MAX_PHONES];
};

#endif

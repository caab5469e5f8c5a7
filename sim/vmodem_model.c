/* The personalities: what each module family answers where 27.007/27.005 leave room (names,
 * boot URCs, storage names and defaults, +CNMI ranges, index base, storage-full URC), as
 * data from the vendors' AT manuals and known issues. */
#include "vmodem_int.h"

#include <stddef.h>
#include <strings.h>

static const struct vmodem_mem_name mems_generic[] = {
	{"SM", VM_MEM_SM}, {"ME", VM_MEM_ME}, {"MT", VM_MEM_MT}, {"SR", VM_MEM_SR}, {NULL, VM_MEM_NONE},
};

/* SIM800 Series AT Command Manual, AT+CPMS: "SM_P"/"ME_P" are the preferred variants. */
static const struct vmodem_mem_name mems_sim800[] = {
	{"SM", VM_MEM_SM},   {"ME", VM_MEM_ME}, {"SM_P", VM_MEM_SM},
	{"ME_P", VM_MEM_ME}, {"MT", VM_MEM_MT}, {NULL, VM_MEM_NONE},
};

static const char *const ati_generic[] = {"VirtualGSM", "VM-1", "Revision: VM1.0.0", NULL};
static const char *const ati_sim800[] = {"SIM800 R14.18", NULL};
static const char *const ati_ec25[] = {"Quectel", "EC25", "Revision: EC25EFAR06A06M4G", NULL};
static const char *const ati_e3372[] = {"Manufacturer: huawei", "Model: E3372", "Revision: 22.315.01.00.00",
					NULL};

static const char *const boot_generic[] = {"RDY", NULL};
static const char *const boot_sim800[] = {"RDY", "+CFUN: 1", NULL};
static const char *const boot_ec25[] = {"RDY", NULL};
static const char *const boot_e3372[] = {"^SYSSTART", NULL};

static const char *const ready_sim800[] = {"Call Ready", "SMS Ready", NULL};
static const char *const ready_ec25[] = {"+QUSIM: 1", "+QIND: SMS DONE", "+QIND: PB DONE", NULL};

/* SIM800 is a 2G module: no EPS registration. E3372 is a data stick without a battery. */
static const char *const unsup_none[] = {NULL};
static const char *const unsup_sim800[] = {"+CEREG", NULL};
static const char *const unsup_e3372[] = {"+CBC", NULL};

static const struct vm_model models[] = {
	[VMODEM_MODEL_GENERIC] =
		{
			.key = "generic",
			/* a neutral name: gammu switches on vendor hacks for known vendor names */
			.manufacturer = "VirtualGSM",
			.model = "VM-1",
			.revision = "VM1.0.0",
			.ati = ati_generic,
			.boot_urcs = boot_generic,
			.sim_ready_urcs = NULL,
			.unsupported = unsup_none,
			.mems = mems_generic,
			.cpms_test =
				"+CPMS: "
				"(\"SM\",\"ME\",\"MT\",\"SR\"),(\"SM\",\"ME\",\"MT\"),(\"SM\",\"ME\",\"MT\")",
			/* <ds> offered as (0,1): gammu-smsd then routes reports as +CDS, which it decodes,
			 * where +CDSI trips it (shared/reference/at-clients.md 4.3); ds=2 is still accepted.
			 */
			.cnmi_test = "+CNMI: (0-3),(0-3),(0,2),(0,1),(0,1)",
			.cscs_test = "+CSCS: (\"IRA\",\"GSM\",\"UCS2\")",
			.cbc = "+CBC: 0,100",
			.full_urc = NULL,
			.alpha = "",
			.cnmi_max = {3, 3, 2, 2, 1},
			.default_mem = VM_MEM_SM,
			.mt_forced = VM_MEM_NONE,
			.report_mem = VM_MEM_SR,
			.index_base = 1,
			.empty_read_ok = false,
			.act = 7,
			.boot_ms = 1000,
			.reg_delay_ms = 0,
			.send_ms = 0,
		},
	[VMODEM_MODEL_SIM800] =
		{
			.key = "sim800",
			.manufacturer = "SIMCOM_Ltd",
			.model = "SIMCOM_SIM800",
			.revision = "Revision:1418B04SIM800L24",
			.ati = ati_sim800,
			.boot_urcs = boot_sim800,
			.sim_ready_urcs = ready_sim800,
			.unsupported = unsup_sim800,
			.mems = mems_sim800,
			.cpms_test = "+CPMS: "
				     "(\"SM\",\"ME\",\"SM_P\",\"ME_P\",\"MT\"),(\"SM\",\"ME\",\"SM_P\",\"ME_"
				     "P\",\"MT\"),"
				     "(\"SM\",\"ME\",\"SM_P\",\"ME_P\",\"MT\")",
			.cnmi_test = "+CNMI: (0-3),(0-3),(0,2),(0-2),(0,1)",
			.cscs_test = "+CSCS: (\"IRA\",\"GSM\",\"UCS2\",\"HEX\",\"PCCP\",\"PCDN\",\"8859-1\")",
			.cbc = "+CBC: 0,95,4120",
			/* SIM800 manual, unsolicited codes: the SIM's SMS store is full */
			.full_urc = "+CIEV: \"SMSFULL\"",
			/* SIM800 quotes the empty <alpha>: +CMT: "",24 and +CMGL: 1,0,"",24 */
			.alpha = "\"\"",
			.cnmi_max = {3, 3, 2, 2, 1},
			/* status reports (ds=2) go to <mem3> on SIM800, there is no "SR" store */
			.default_mem = VM_MEM_SM,
			.mt_forced = VM_MEM_NONE,
			.report_mem = VM_MEM_NONE,
			.index_base = 1,
			.empty_read_ok = true,
			.act = 0,
			.boot_ms = 3000,
			.reg_delay_ms = 2000,
			/* the result waits for the network's RP-ACK: seconds on a live network */
			.send_ms = 1500,
		},
	[VMODEM_MODEL_EC2X] =
		{
			.key = "ec2x",
			.manufacturer = "Quectel",
			.model = "EC25",
			.revision = "EC25EFAR06A06M4G",
			.ati = ati_ec25,
			.boot_urcs = boot_ec25,
			.sim_ready_urcs = ready_ec25,
			.unsupported = unsup_none,
			.mems = mems_generic,
			.cpms_test =
				"+CPMS: (\"SM\",\"ME\",\"MT\"),(\"SM\",\"ME\",\"MT\"),(\"SM\",\"ME\",\"MT\")",
			.cnmi_test = "+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)",
			.cscs_test = "+CSCS: (\"GSM\",\"IRA\",\"UCS2\")",
			.cbc = "+CBC: 0,90,3950",
			/* Quectel EC2x AT manual, +QIND: "smsfull",<mem> */
			.full_urc = "+QIND: \"smsfull\",\"%s\"",
			.alpha = "",
			.cnmi_max = {2, 3, 2, 2, 1},
			.default_mem = VM_MEM_SM,
			.mt_forced = VM_MEM_NONE,
			.report_mem = VM_MEM_SR,
			.index_base = 0, /* Quectel numbers its storages from 0: +CMTI: "ME",0 */
			.empty_read_ok = false,
			.act = 7,
			.boot_ms = 5000,
			.reg_delay_ms = 1500,
			.send_ms = 800,
		},
	[VMODEM_MODEL_E3372] =
		{
			.key = "e3372",
			.manufacturer = "huawei",
			.model = "E3372",
			.revision = "22.315.01.00.00",
			.ati = ati_e3372,
			.boot_urcs = boot_e3372,
			.sim_ready_urcs = NULL,
			.unsupported = unsup_e3372,
			.mems = mems_generic,
			.cpms_test = "+CPMS: "
				     "(\"ME\",\"MT\",\"SM\",\"SR\"),(\"ME\",\"MT\",\"SM\",\"SR\"),(\"ME\","
				     "\"MT\",\"SM\",\"SR\")",
			.cnmi_test = "+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)",
			.cscs_test = "+CSCS: (\"IRA\",\"GSM\",\"UCS2\")",
			.cbc = NULL,
			/* Huawei ^SMMEMFULL: <mem> when the message store is full */
			.full_urc = "^SMMEMFULL: \"%s\"",
			.alpha = "",
			.cnmi_max = {2, 3, 2, 2, 1},
			/* Huawei E3372-class sticks store incoming SMS in ME whatever +CPMS says and
			 * announce them as +CMTI: "ME",0 (index from 0): clients that poll SM see nothing. */
			.default_mem = VM_MEM_SM,
			.mt_forced = VM_MEM_ME,
			.report_mem = VM_MEM_SR,
			.index_base = 0,
			.empty_read_ok = false,
			.act = 7,
			.boot_ms = 8000,
			.reg_delay_ms = 3000,
			.send_ms = 1200,
		},
};

const struct vm_model *vmodem_model_get(enum vmodem_model model)
{
	switch (model) {
	case VMODEM_MODEL_GENERIC:
	case VMODEM_MODEL_SIM800:
	case VMODEM_MODEL_EC2X:
	case VMODEM_MODEL_E3372:
		return &models[model];
	}
	return &models[VMODEM_MODEL_GENERIC];
}

bool vmodem_model_unsupported(const struct vm_model *m, const char *name)
{
	for (const char *const *u = m->unsupported; u && *u; u++)
		if (strcasecmp(*u, name) == 0)
			return true;
	return false;
}

enum vm_mem_id vmodem_model_mem(const struct vm_model *m, const char *name)
{
	for (const struct vmodem_mem_name *n = m->mems; n->name; n++)
		if (strcasecmp(n->name, name) == 0)
			return n->id;
	return VM_MEM_NONE;
}

const char *vmodem_mem_name(enum vm_mem_id id)
{
	switch (id) {
	case VM_MEM_SM:
		return "SM";
	case VM_MEM_ME:
		return "ME";
	case VM_MEM_SR:
		return "SR";
	case VM_MEM_MT:
		return "MT";
	case VM_MEM_NONE:
		break;
	}
	return "";
}

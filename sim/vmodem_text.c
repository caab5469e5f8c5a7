/* Text mode (+CMGF=1, 27.005 3.1 and 4): not available until the libgammu helpers of
 * sim_pdu.h exist; every text-mode view answers +CMS ERROR: 303 (operation not supported). */
#include "vmodem_int.h"

struct vm_result vm_text_list(struct vmodem *vm, int stat)
{
	(void)vm;
	(void)stat;
	return vm_cms(303);
}

struct vm_result vm_text_read(struct vmodem *vm, const struct vm_msg *m)
{
	(void)vm;
	(void)m;
	return vm_cms(303);
}

struct vm_result vm_text_submit(struct vmodem *vm)
{
	(void)vm;
	return vm_cms(303);
}

size_t vm_text_urc(struct vmodem *vm, const struct vm_msg *m, bool report, char *out, size_t size)
{
	(void)vm;
	(void)m;
	(void)report;
	(void)out;
	(void)size;
	return 0;
}

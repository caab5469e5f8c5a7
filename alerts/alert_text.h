/* Texts for phones: one GSM 7-bit SMS (3GPP TS 23.038 default alphabet, TS 23.040 9.2.3.24:
 * 160 septets in one segment) that ends with what the reader may reply. */
#ifndef M2_ALERT_TEXT_H
#define M2_ALERT_TEXT_H

#include <stddef.h>
#include <stdint.h>

#define ALERT_SMS_SEPTETS 160
/* Buffer size for one text: a 160-septet text is at most 160 bytes of ASCII; names may carry
 * accented letters of the alphabet (two UTF-8 bytes, one septet each). */
#define ALERT_TEXT_MAX 321

/* Septets `text` (UTF-8) needs in the GSM 7-bit default alphabet, counting the extension-table
 * characters ^ { } \ [ ] ~ | and the euro sign (and form feed) as two (escape + code).
 * Returns the count, or -EILSEQ when a character has no GSM 7-bit form (a degree sign, a
 * backtick, an emoji) or the UTF-8 is malformed: such a text would be sent as UCS-2. */
int alert_text_septets(const char *text);

/* Checks a text meant for a phone: GSM 7-bit only, fits one SMS, and its last sentence (what
 * follows the last ". ") starts with "Reply " and a verb in capitals. Returns 0, -EILSEQ (a character outside
 * the alphabet), -EMSGSIZE (more than 160 septets) or -EBADMSG (does not end with what to reply). */
int alert_text_check(const char *text);

/* Copies `src` into `dst` (size `n`, always NUL-terminated) keeping only characters of the
 * default alphabet that are safe inside a text: others, extension-table characters and
 * control characters become '?'. Truncates at a character boundary. For names that people
 * typed into a config file ("Kühlraum" stays; "Freezer°1" becomes "Freezer?1"). */
void alert_text_clean(char *dst, size_t n, const char *src);

/* Formats tenths of a degree as "9.4C", "-0.5C", "-12.0C" into `dst` (at least 10 bytes). */
void alert_text_temp(char *dst, size_t n, int32_t temp_c10);

#endif

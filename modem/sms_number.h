/* Phone numbers as SMS carries them: the same subscriber appears as "+447700900123",
 * "00447700900123", "447700900123" or "07700900123" depending on the network and on who
 * typed it (TS 23.040 9.1.2.5: type-of-number international vs national/unknown). */
#ifndef M2_SMS_NUMBER_H
#define M2_SMS_NUMBER_H

#include <stdbool.h>

/* True when `a` and `b` name the same subscriber. Digits are compared after dropping
 * spaces, dashes, dots and parentheses; "+" and a leading "00" both mean international.
 * When the forms differ (one international, the other national with one trunk-prefix "0" or
 * none), they match when the national significant number (at least 6 digits) is the same and
 * the international one has 1 to 3 more leading digits, taken as the country code.
 * Alphanumeric senders match only when equal ignoring case. NULL or "" never matches. */
bool sms_number_same(const char *a, const char *b);

#endif

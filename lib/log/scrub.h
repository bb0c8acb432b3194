/* scrub.h - personal data out of customers' words before they are logged
 * or learned (internal to libkb).
 *
 * What an officer types is what the customer said, and customers read out
 * card numbers, e-mail addresses and phone numbers.  The search log, the
 * feedback log and the learned phrasings keep the words with these parts
 * replaced by placeholders:
 *
 *   <email>      name@example.com
 *   <account>    an IBAN (GB29 NWBK 6016 1331 9268 19), or 8 digits (a UK
 *                account number)
 *   <card>       13 to 19 digits, with or without spaces or dashes
 *   <phone>      +44 7700 900123, 07700 900123, (020) 7946 0958: a run
 *                starting with + (7-15 digits) or with 0 (10-11 digits)
 *   <sort-code>  12-34-56 or 12 34 56
 *   <number>     any other run of 6 digits or more (a reference, a
 *                customer number), even inside a word (CUST1234567)
 *   <postcode>   a UK postcode, SW1A 1AA, m1 1ae, EC1A1BB
 *   <secret>     what follows "pin", "passcode", "password", "cvv", "cvc"
 *                or "security code" when it holds a digit ("my pin is
 *                1234")
 *
 * Digits join across single spaces and dashes ("4111 1111-1111 1111"),
 * never across dots or commas, so amounts (£1,500.00, 10000) stay.  Shorter
 * runs stay too: the last four digits of a card, a year, an amount.
 */
#ifndef KB_LOG_SCRUB_H
#define KB_LOG_SCRUB_H

/* TEXT with the personal data above replaced by placeholders (a new
 * string, caller frees; NULL when out of memory or TEXT is NULL).  *FOUND
 * (may be NULL) is set to the number of replacements. */
char *kb_scrub(const char *text, unsigned *found /* OUT */);

/* 1 if TEXT holds one of the placeholders above (a scrubbed text, or a
 * customer who typed one): such text is never learned. */
int kb_scrub_has_placeholder(const char *text);

#endif

/* utf8: the one strict UTF-8 decoder, for the places that must tell text
 * from bytes before it reaches cairo or a JSON file (script values, CSV
 * names, the JSON writer). */
#ifndef UTF8_H
#define UTF8_H

/* Length of the valid UTF-8 sequence at s (NUL-terminated), its code
 * point in *cp; 0 if it is not one. Strict, as cairo is: no overlong forms
 * (so never 0xC0 or 0xC1), no surrogates, nothing past U+10FFFF (so never
 * 0xF5 and up), no sequence cut short (the NUL ends it). */
int utf8_decode(const unsigned char *s, unsigned long *cp);
/* U+FDD0..U+FDEF and the last two code points of every plane: valid UTF-8
 * but not text, and cairo refuses to draw a string holding one. */
int utf8_noncharacter(unsigned long cp);

#endif

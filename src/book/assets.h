/* The book's stylesheet and script (src/book/theme/), compiled in by
 * CMakeLists.txt as NUL-terminated strings. */
#ifndef BOOK_ASSETS_H
#define BOOK_ASSETS_H

extern const char book_book_css[];
extern const char book_book_js[];
#define book_css book_book_css
#define book_js book_book_js

#endif

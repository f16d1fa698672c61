/* check.h: the tiny assertion layer every unit test uses.
 *
 * A test file defines functions named after the behaviour they check and
 * lists them in main() with RUN(). CHECK records a failure with its location
 * and keeps going, so one run reports every broken expectation. The summary
 * line "N passed, N failed" is what CI reads. */
#ifndef CHECK_H
#define CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failures_in_test;
static int check_passed, check_failed;

#define CHECK(cond) do { \
    if (!(cond)) { \
        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        check_failures_in_test++; \
    } } while (0)

#define CHECK_NEAR(a, b, tol) do { \
    double check_a_ = (a), check_b_ = (b); \
    if (!(fabs(check_a_ - check_b_) <= (tol))) { \
        fprintf(stderr, "%s:%d: check failed: %s = %.10g, expected %.10g (tol %g)\n", \
                __FILE__, __LINE__, #a, check_a_, check_b_, (double)(tol)); \
        check_failures_in_test++; \
    } } while (0)

#define CHECK_STR(a, b) do { \
    const char *check_a_ = (a), *check_b_ = (b); \
    if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) { \
        fprintf(stderr, "%s:%d: check failed: %s = \"%s\", expected \"%s\"\n", \
                __FILE__, __LINE__, #a, check_a_ ? check_a_ : "(null)", \
                check_b_ ? check_b_ : "(null)"); \
        check_failures_in_test++; \
    } } while (0)

#define RUN(fn) do { \
    check_failures_in_test = 0; \
    fn(); \
    if (check_failures_in_test) { check_failed++; fprintf(stderr, "FAIL %s\n", #fn); } \
    else { check_passed++; fprintf(stderr, "ok   %s\n", #fn); } \
    } while (0)

#define CHECK_SUMMARY() \
    (printf("%d passed, %d failed\n", check_passed, check_failed), check_failed ? 1 : 0)

#endif

/* check.h — the tests' tiny harness.  Each test program:
 *     int main(void) { ...CHECK(...)...; return check_summary("name"); }
 * A failed CHECK prints where and why, and the program exits non-zero at the end. */
#ifndef BRAIN_CHECK_H
#define BRAIN_CHECK_H
#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond) do { if (cond) check_passed++; else { check_failed++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)

#define CHECK_MSG(cond, ...) do { if (cond) check_passed++; else { check_failed++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

/* |a - b| <= atol + rtol·|b| */
#define CHECK_NEAR(a, b, atol, rtol) do { double a_ = (double)(a), b_ = (double)(b); \
    if (fabs(a_ - b_) <= (atol) + (rtol) * fabs(b_)) check_passed++; else { check_failed++; \
    fprintf(stderr, "%s:%d: CHECK_NEAR failed: %s = %.9g, %s = %.9g (diff %.3g)\n", __FILE__, __LINE__, \
            #a, a_, #b, b_, fabs(a_ - b_)); } } while (0)

/* a brain_status call that must succeed */
#define CHECK_OK(call) do { brain_status s_ = (call); if (s_ == BRAIN_OK) check_passed++; else { check_failed++; \
    fprintf(stderr, "%s:%d: %s returned %d: %s\n", __FILE__, __LINE__, #call, (int)s_, brain_last_error()); } } while (0)

/* a call that must fail with an error message containing `needle` */
#define CHECK_FAILS(call, needle) do { brain_status s_ = (call); \
    if (s_ != BRAIN_OK && strstr(brain_last_error(), (needle))) check_passed++; else { check_failed++; \
    fprintf(stderr, "%s:%d: %s: expected failure mentioning \"%s\", got status %d: \"%s\"\n", __FILE__, __LINE__, \
            #call, (needle), (int)s_, brain_last_error()); } } while (0)

static int check_summary(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
    return check_failed ? 1 : 0;
}
#endif

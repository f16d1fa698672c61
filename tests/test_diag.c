/* Unit tests for diag: the exact text of located and unlocated messages, when
 * colour is used, error counting (also from several threads at once), and
 * the typo suggester. Messages are captured by pointing diag at a memory
 * stream, or at a pseudo-terminal when colour is the point. */
#define _XOPEN_SOURCE 700       /* posix_openpt and friends */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "check.h"
#include "diag.h"
#include "limit.h"

struct capture {
    FILE *f;
    char *buf;
    size_t len;
};

static void capture_start(struct capture *c)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    diag_set_stream(c->f);
    diag_reset();
}

/* Returns the text written since capture_start; free it with capture_end. */
static const char *capture_text(struct capture *c)
{
    fflush(c->f);
    return c->buf ? c->buf : "";
}

static void capture_end(struct capture *c)
{
    diag_set_stream(NULL);
    fclose(c->f);
    free(c->buf);
}

static void located_error_reads_like_a_compiler(void)
{
    struct capture c;
    capture_start(&c);
    struct diag_loc loc = { "scenes/x.yaml", 12, 9 };
    diag_error(&loc, "unknown key '%s'", "lerning_rate");
    CHECK_STR(capture_text(&c), "scenes/x.yaml:12:9: error: unknown key 'lerning_rate'\n");
    capture_end(&c);
}

static void warning_and_note_use_their_own_word(void)
{
    struct capture c;
    capture_start(&c);
    struct diag_loc loc = { "a.yaml", 3, 1 };
    diag_warning(&loc, "fps %d is high", 120);
    diag_note(&loc, "first defined here");
    CHECK_STR(capture_text(&c),
              "a.yaml:3:1: warning: fps 120 is high\n"
              "a.yaml:3:1: note: first defined here\n");
    capture_end(&c);
}

static void missing_location_is_prefixed_with_program_name(void)
{
    struct capture c;
    capture_start(&c);
    struct diag_loc no_file = { NULL, 4, 2 };
    diag_error(NULL, "no scenes");
    diag_error(&no_file, "still no file");
    diag_warning(NULL, "odd");
    CHECK_STR(capture_text(&c),
              "mlanim: error: no scenes\n"
              "mlanim: error: still no file\n"
              "mlanim: warning: odd\n");
    capture_end(&c);
}

static void line_zero_prints_file_without_position(void)
{
    struct capture c;
    capture_start(&c);
    struct diag_loc loc = { "empty.yaml", 0, 0 };
    diag_error(&loc, "script has no scenes");
    CHECK_STR(capture_text(&c), "empty.yaml: error: script has no scenes\n");
    capture_end(&c);
}

static void only_errors_are_counted(void)
{
    struct capture c;
    capture_start(&c);
    struct diag_loc loc = { "a.yaml", 1, 1 };
    CHECK(diag_error_count() == 0);
    diag_warning(&loc, "w");
    diag_note(&loc, "n");
    CHECK(diag_error_count() == 0);
    diag_error(&loc, "e1");
    diag_error(NULL, "e2");
    CHECK(diag_error_count() == 2);
    diag_reset();
    CHECK(diag_error_count() == 0);
    capture_end(&c);
}

static void fail_prints_unlocated_error_counts_and_returns_minus_one(void)
{
    struct capture c;
    capture_start(&c);
    int rc = diag_fail("cannot write '%s'", "out.gif");
    CHECK(rc == -1);
    CHECK(diag_error_count() == 1);
    CHECK_STR(capture_text(&c), "mlanim: error: cannot write 'out.gif'\n");
    capture_end(&c);
}

/* A pty is the only honest way to make isatty() true for the stream. The
 * slave is put in raw output mode so "\n" is not turned into "\r\n". */
struct pty {
    int master;
    FILE *slave;
};

static int pty_open(struct pty *p)
{
    p->master = posix_openpt(O_RDWR | O_NOCTTY);
    if (p->master < 0)
        return -1;
    if (grantpt(p->master) < 0 || unlockpt(p->master) < 0) {
        close(p->master);
        return -1;
    }
    int fd = open(ptsname(p->master), O_RDWR | O_NOCTTY);
    if (fd < 0) {
        close(p->master);
        return -1;
    }
    struct termios t;
    if (tcgetattr(fd, &t) == 0) {
        t.c_oflag &= ~(tcflag_t)OPOST;
        tcsetattr(fd, TCSANOW, &t);
    }
    p->slave = fdopen(fd, "w");
    return 0;
}

/* Reads whatever the slave side has written so far into buf. */
static void pty_read(struct pty *p, char *buf, size_t size)
{
    size_t n = 0;
    struct pollfd pfd = { p->master, POLLIN, 0 };
    while (n + 1 < size && poll(&pfd, 1, 200) > 0) {
        ssize_t r = read(p->master, buf + n, size - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
}

static void pty_close(struct pty *p)
{
    fclose(p->slave);
    close(p->master);
}

static void terminal_output_colours_severity_and_location(void)
{
    struct pty p;
    int opened = pty_open(&p);
    CHECK(opened == 0);
    if (opened < 0)
        return;
    unsetenv("NO_COLOR");
    diag_set_stream(p.slave);
    struct diag_loc loc = { "a.yaml", 2, 3 };
    diag_error(&loc, "bad");
    diag_warning(&loc, "meh");
    diag_note(NULL, "fyi");
    diag_set_stream(NULL);
    char buf[512];
    pty_read(&p, buf, sizeof buf);
    CHECK_STR(buf,
              "\033[1ma.yaml:2:3:\033[0m \033[1;31merror:\033[0m bad\n"
              "\033[1ma.yaml:2:3:\033[0m \033[1;35mwarning:\033[0m meh\n"
              "\033[1mmlanim:\033[0m \033[1;36mnote:\033[0m fyi\n");
    pty_close(&p);
    diag_reset();
}

static void no_color_env_disables_colour_on_terminal(void)
{
    struct pty p;
    int opened = pty_open(&p);
    CHECK(opened == 0);
    if (opened < 0)
        return;
    setenv("NO_COLOR", "1", 1);
    diag_set_stream(p.slave);
    struct diag_loc loc = { "a.yaml", 2, 3 };
    diag_error(&loc, "bad");
    diag_set_stream(NULL);
    unsetenv("NO_COLOR");
    char buf[256];
    pty_read(&p, buf, sizeof buf);
    CHECK_STR(buf, "a.yaml:2:3: error: bad\n");
    pty_close(&p);
    diag_reset();
}

static void non_terminal_output_has_no_colour(void)
{
    struct capture c;
    unsetenv("NO_COLOR");
    capture_start(&c);
    struct diag_loc loc = { "a.yaml", 1, 1 };
    diag_error(&loc, "x");
    CHECK(strchr(capture_text(&c), '\033') == NULL);
    capture_end(&c);
}

#define THREADS 4
#define PER_THREAD 500

static void *report_many(void *arg)
{
    const struct diag_loc *loc = arg;
    for (int i = 0; i < PER_THREAD; i++)
        diag_error(loc, "from a render thread %d", i);
    return NULL;
}

static void errors_from_threads_are_all_counted_on_whole_lines(void)
{
    struct capture c;
    CHECK(limit_set("errors=100000") == 0);     /* every line shown */
    capture_start(&c);
    struct diag_loc loc = { "t.yaml", 1, 1 };
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, report_many, &loc);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    CHECK(diag_error_count() == THREADS * PER_THREAD);

    /* Interleaved output would break the "one message, one line" shape. */
    const char *text = capture_text(&c);
    int lines = 0, well_formed = 0;
    for (const char *line = text; *line; line = strchr(line, '\n') + 1) {
        lines++;
        if (strncmp(line, "t.yaml:1:1: error: from a render thread ", 40) == 0)
            well_formed++;
        if (!strchr(line, '\n'))
            break;
    }
    CHECK(lines == THREADS * PER_THREAD);
    CHECK(well_formed == lines);
    capture_end(&c);
    CHECK(limit_set("errors=100") == 0);
}

/* A script's text reaches messages (keys, values, file names); none of its
 * bytes may act on the terminal or start a line of its own. */
static void control_characters_in_messages_are_escaped(void)
{
    struct capture c;
    capture_start(&c);
    struct diag_loc loc = { "a\033]0;title\007.yaml", 3, 4 };
    diag_error(&loc, "unknown key '%s'", "x\033[2J\nfake.yaml:1:1: error: y\r\t\177\xC2\x9B");
    CHECK_STR(capture_text(&c), "a\\x1B]0;title\\x07.yaml:3:4: error: unknown key "
              "'x\\x1B[2J\\x0Afake.yaml:1:1: error: y\\x0D\\x09\\x7F\\u009B'\n");
    capture_end(&c);
    capture_start(&c);
    diag_error(&loc, "plain UTF-8 stays: '%s'", "\xC3\xA9\xE2\x80\x94");   /* é — */
    CHECK(strstr(capture_text(&c), "'\xC3\xA9\xE2\x80\x94'\n") != NULL);
    capture_end(&c);
}

static void errors_past_the_limit_are_counted_not_printed(void)
{
    struct capture c;
    capture_start(&c);
    struct diag_loc loc = { "t.yaml", 1, 1 };
    for (int i = 0; i < 1000; i++)
        diag_error(&loc, "error %d", i);
    CHECK(diag_error_count() == 1000);
    const char *text = capture_text(&c);
    int lines = 0;
    for (const char *p = text; (p = strchr(p, '\n')); p++)
        lines++;
    CHECK(lines == 101);
    CHECK(strstr(text, "t.yaml:1:1: error: error 99\n") != NULL);
    CHECK(strstr(text, "error 100\n") == NULL);
    CHECK(strstr(text, "mlanim: note: more than 100 errors; the rest are counted but not shown") != NULL);
    capture_end(&c);
}

static const char *const keys[] = { "fps", "learning_rate", "epochs", "momentum" };
#define NKEYS ((int)(sizeof keys / sizeof keys[0]))

static void suggest_finds_the_intended_key(void)
{
    CHECK_STR(diag_suggest("lerning_rate", keys, NKEYS), "learning_rate");
    CHECK_STR(diag_suggest("epoch", keys, NKEYS), "epochs");
    CHECK_STR(diag_suggest("fpz", keys, NKEYS), "fps");
}

static void suggest_rejects_unrelated_word(void)
{
    CHECK(diag_suggest("xyz", keys, NKEYS) == NULL);
    CHECK(diag_suggest("color", keys, NKEYS) == NULL);
}

static void suggest_ignores_case(void)
{
    CHECK_STR(diag_suggest("Learning_Rate", keys, NKEYS), "learning_rate");
    CHECK_STR(diag_suggest("FPS", keys, NKEYS), "fps");
}

static void suggest_limit_grows_with_word_length(void)
{
    const char *const c[] = { "abcdef" };
    /* len 6: up to 2 edits are a typo, 3 are not. */
    CHECK_STR(diag_suggest("abcdxy", c, 1), "abcdef");
    CHECK(diag_suggest("abxyzf", c, 1) == NULL);
    /* Short words still get one edit. */
    const char *const s[] = { "ab" };
    CHECK_STR(diag_suggest("ax", s, 1), "ab");
    CHECK(diag_suggest("xy", s, 1) == NULL);
}

static void suggest_prefers_closest_then_first(void)
{
    const char *const c[] = { "width", "widths", "wide" };
    CHECK_STR(diag_suggest("widths", c, 3), "widths");
    const char *const tie[] = { "mass", "mast" };
    CHECK_STR(diag_suggest("masx", tie, 2), "mass");
}

static void suggest_handles_empty_and_null_input(void)
{
    CHECK(diag_suggest("fps", keys, 0) == NULL);
    CHECK(diag_suggest("fps", NULL, 3) == NULL);
    CHECK(diag_suggest(NULL, keys, NKEYS) == NULL);
    const char *const holes[] = { NULL, "fps" };
    CHECK_STR(diag_suggest("fbs", holes, 2), "fps");
}

int main(void)
{
    RUN(located_error_reads_like_a_compiler);
    RUN(warning_and_note_use_their_own_word);
    RUN(missing_location_is_prefixed_with_program_name);
    RUN(line_zero_prints_file_without_position);
    RUN(only_errors_are_counted);
    RUN(fail_prints_unlocated_error_counts_and_returns_minus_one);
    RUN(terminal_output_colours_severity_and_location);
    RUN(no_color_env_disables_colour_on_terminal);
    RUN(non_terminal_output_has_no_colour);
    RUN(errors_from_threads_are_all_counted_on_whole_lines);
    RUN(suggest_finds_the_intended_key);
    RUN(suggest_rejects_unrelated_word);
    RUN(suggest_ignores_case);
    RUN(suggest_limit_grows_with_word_length);
    RUN(suggest_prefers_closest_then_first);
    RUN(suggest_handles_empty_and_null_input);
    RUN(control_characters_in_messages_are_escaped);
    RUN(errors_past_the_limit_are_counted_not_printed);
    return CHECK_SUMMARY();
}

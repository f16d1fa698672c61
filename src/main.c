/* main: the mlanim command line. A table of commands {name, fn, summary}
 * (git's shape); each command parses its own options, and only main turns
 * results into exit codes: 0 success, 2 bad usage or an invalid script,
 * 1 any other failure. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libavutil/log.h>
#include <math.h>
#include "data.h"
#include "draw.h"
#include "encode.h"
#include "book/book.h"
#include "limit.h"
#include "math/math.h"
#include "model.h"
#include "panel.h"
#include "render.h"
#include "scene.h"
#include "text.h"
#include "trainer.h"
#include "util.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
    const char *usage;
};

static int cmd_render(int argc, char **argv);
static int cmd_check(int argc, char **argv);
static int cmd_list(int argc, char **argv);
static int cmd_help(int argc, char **argv);
static int cmd_formula(int argc, char **argv);
static int cmd_book(int argc, char **argv);

static const struct command commands[] = {
    {"book", cmd_book, "render every lesson of the book that is out of date and write the site",
     "usage: mlanim book [options] [BOOK.yaml]\n"
     "\n"
     "Reads BOOK.yaml (default: book/book.yaml): the title, the parts, their\n"
     "chapters (Markdown prose) and the scenes each embeds (scenes/<id>.yaml\n"
     "beside the book's folder). Validates all of it first, reporting every\n"
     "problem at FILE:LINE:COL, then renders each lesson whose outputs are out\n"
     "of date (their source key: the program, the script, the files it reads),\n"
     "several at once, into OUT/<id>/, and writes the site to OUT/book/: open\n"
     "OUT/book/index.html, from disk or any web server. The new site replaces\n"
     "the old one in one step; a failed or interrupted build leaves the old one.\n"
     "The book's format: docs/book.md.\n"
     "\n"
     "options:\n"
     "  -o, --output DIR    folder for the lessons and the site (default: output)\n"
     "      --force         render every lesson, up to date or not\n"
     "  -j, --jobs N        lessons rendered at once (default: the number of CPUs);\n"
     "                      the site's bytes do not depend on it\n"
     "  -q, --quiet         errors only\n"
     "  -h, --help          show this help\n"
     "\n"
     "Progress: a live line on a terminal, else one line per lesson rendered.\n"
     "Exit status: 0 done, 2 bad usage or an invalid book or script, 1 failed,\n"
     "130 interrupted.\n"},
    {"check", cmd_check, "validate scene scripts and report every error; renders nothing",
     "usage: mlanim check [--limit NAME=N]... [--set PATH=VALUE]... SCENE.yaml...\n"
     "\n"
     "Validates each script (YAML syntax, keys, types, ranges, kinds, what panels\n"
     "need, data files, the limits on size and work) and prints every problem as\n"
     "FILE:LINE:COL: error: ...\n"
     "Writes nothing. Exit status 0 if all scripts are valid, 2 otherwise.\n"
     "\n"
     "options:\n"
     "      --limit NAME=N  raise (or lower) one limit, e.g. --limit frames=50000;\n"
     "                      'mlanim list limits' shows them all\n"
     "      --set PATH=V    check with one value overridden, as 'render --set'\n"},
    {"formula", cmd_formula, "typeset one TeX formula to SVG or PNG, as frames and the book do",
     "usage: mlanim formula [options] [--] TEX\n"
     "\n"
     "Lays out TEX (the TeX subset of docs/scenes.md, e.g. '\\frac{1}{n}\\sum_i x_i')\n"
     "with TeX Gyre DejaVu Math, exactly as a $...$ in a scene's text is drawn,\n"
     "and writes it as SVG (glyph outlines, the TeX as its accessible label) or\n"
     "PNG. No LaTeX is needed. An error points at the column of TEX.\n"
     "\n"
     "options:\n"
     "  -o, --output FILE   FILE.svg or FILE.png (default: SVG on standard output)\n"
     "      --size PX       pixels per em (default 32)\n"
     "      --inline        text style, as inside a sentence (default: display\n"
     "                      style, with limits above and below \\sum)\n"
     "      --color C       #rrggbb (default #000000; SVG also takes currentColor)\n"
     "      --background C  PNG background #rrggbb (default: transparent)\n"
     "      --margin EM     space around the formula (default 0.1)\n"
     "      --list          print the symbol commands and their characters\n"
     "      --repeat N      lay the formula out N times and print the time per\n"
     "                      layout on standard error (for benchmarks)\n"
     "  -h, --help          show this help\n"
     "\n"
     "Exit status: 0 written, 2 bad usage or a formula error, 1 failed.\n"},
    {"help", cmd_help, "show help for mlanim or one of its commands",
     "usage: mlanim help [COMMAND]\n"},
    {"list", cmd_list, "list the kinds (data, env, model, trainer, panel, format) and their parameters",
     "usage: mlanim list [SECTION|KIND]\n"
     "\n"
     "Prints every kind a scene script can name, with each parameter's type,\n"
     "default, range and meaning. These tables are the ones that validate\n"
     "scripts. SECTION is one of: scene, data, env, model, trainer, panel, format,\n"
     "limits; or name a single kind, e.g. 'mlanim list data-fit'.\n"},
    {"render", cmd_render, "render scene scripts to GIF, MP4 and a PNG poster",
     "usage: mlanim render [options] SCENE.yaml...\n"
     "\n"
     "Runs each scene's trainer, draws every frame and writes\n"
     "OUT/<id>/<id>.{gif,mp4,png} (and webm, frames/ when asked for) and\n"
     "OUT/<id>/manifest.json. All scripts are\n"
     "validated first; if any is invalid nothing is rendered. Outputs appear\n"
     "only when complete: a failed render leaves earlier files untouched.\n"
     "\n"
     "options:\n"
     "  -o, --output DIR    folder for the outputs (default: output)\n"
     "  -f, --format LIST   comma-separated formats to write, overriding the\n"
     "                      scripts: gif, mp4, png, webm (VP9, keeps transparency),\n"
     "                      frames (every frame as PNG in OUT/<id>/frames/),\n"
     "                      trace (the recorded steps, OUT/<id>/<id>.trace.json; alone:\n"
     "                      the script's outputs and the trace);\n"
     "                      default: the script's outputs\n"
     "      --trace FILE    write the recorded steps as JSON (one scene only)\n"
     "  -j, --jobs N        drawing threads (default: the number of CPUs, at most 8);\n"
     "                      the output bytes do not depend on it\n"
     "      --scale F       scale the canvas, e.g. 0.5 for half size (0.1 to 4)\n"
     "      --limit NAME=N  raise (or lower) one limit, e.g. --limit frames=50000;\n"
     "                      'mlanim list limits' shows them all\n"
     "      --set PATH=V    override one value of the scripts, e.g.\n"
     "                      --set trainer.learning_rate=0.5 (V is YAML: [0, 5] works);\n"
     "                      the outputs go to OUT/<id>@trainer.learning_rate=0.5/, never\n"
     "                      over the script's own\n"
     "  -q, --quiet         errors only: no progress, summary lines or warnings\n"
     "  -h, --help          show this help\n"
     "\n"
     "Progress: a live bar per scene on a terminal, else one line per scene.\n"
     "Exit status: 0 done, 2 bad usage or invalid script, 1 failed, 130 interrupted.\n"},
};

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(commands); i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void main_usage(FILE *f)
{
    fprintf(f, "usage: mlanim [--version] [--help] COMMAND [ARGS]\n\n"
               "Turns YAML scene scripts into animated machine-learning lessons.\n\n"
               "commands:\n");
    for (size_t i = 0; i < ARRAY_LEN(commands); i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nRun 'mlanim COMMAND --help' for a command's options.\n"
               "Scene script reference: docs/scenes.md\n");
}

/* Arguments are the user's, but may come from a script or a file name:
 * printed with control characters spelled out, as every message is. */
static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    char text[1024];
    snprintf(text, sizeof text, fmt, arg);
    fprintf(stderr, "mlanim %s: ", cmd);
    diag_put(stderr, text);
    fprintf(stderr, "\nTry 'mlanim %s --help'.\n", cmd);
    return EXIT_USAGE;
}

static int is_help(const char *a)
{
    return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0;
}

/* Loads every scene, reporting all errors; -1 if any failed. */
/* --set PATH=VALUE values, for check and render. */
#define MAX_SETS 64     /* as the message says */
struct sets {
    int n;
    struct scene_set v[MAX_SETS];
};

/* One --set value: PATH=VALUE, the value in YAML. */
static int add_set(struct sets *sets, const char *cmd, char *arg)
{
    char *eq = strchr(arg, '=');
    if (!eq || eq == arg)
        return usage_error(cmd, "--set takes PATH=VALUE, such as trainer.learning_rate=0.5, not '%s'",
                           arg);
    if (sets->n == MAX_SETS)
        return usage_error(cmd, "at most 64 --set values%s", "");
    *eq = '\0';
    for (int i = 0; i < sets->n; i++)
        if (strcmp(sets->v[i].path, arg) == 0)
            return usage_error(cmd, "--set %s is given twice", arg);
    sets->v[sets->n++] = (struct scene_set){arg, eq + 1};
    return 0;
}

static int load_scenes(char **paths, int n, struct scene **out, const struct sets *sets)
{
    int bad = 0;
    for (int i = 0; i < n; i++) {
        out[i] = scene_load_set(paths[i], sets->v, sets->n);
        bad |= out[i] == NULL;
    }
    for (int i = 0; i < n && !bad; i++)
        for (int k = 0; k < i; k++)
            if (strcmp(out[i]->out_name, out[k]->out_name) == 0) {
                diag_error(&(struct diag_loc){out[i]->path, 0, 0},
                           "scene id '%s' is also used by %s: outputs would collide",
                           out[i]->id, out[k]->path);
                bad = 1;
            }
    return bad ? -1 : 0;
}

static int cmd_check(int argc, char **argv)
{
    int n = 0;
    struct sets sets = {0};
    char **paths = xmalloc(sizeof(char *) * (size_t)(argc + 1));
    for (int i = 1; i < argc; i++) {
        if (is_help(argv[i])) {
            fputs(find_command("check")->usage, stdout);
            free(paths);
            return EXIT_OK;
        }
        const char *lim = strncmp(argv[i], "--limit=", 8) == 0 ? argv[i] + 8
                        : strcmp(argv[i], "--limit") == 0 && i + 1 < argc ? argv[++i] : NULL;
        if (lim) {
            if (limit_set(lim) != 0) {
                free(paths);
                return EXIT_USAGE;
            }
            continue;
        }
        char *set = strncmp(argv[i], "--set=", 6) == 0 ? argv[i] + 6
                  : strcmp(argv[i], "--set") == 0 && i + 1 < argc ? argv[++i] : NULL;
        if (set) {
            if (add_set(&sets, "check", set) != 0) {
                free(paths);
                return EXIT_USAGE;
            }
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1]) {
            free(paths);
            return usage_error("check", "unknown option '%s'", argv[i]);
        }
        paths[n++] = argv[i];
    }
    if (!n) {
        free(paths);
        return usage_error("check", "%sno scene scripts given", "");
    }
    int bad = 0;
    for (int i = 0; i < n; i++) {
        struct scene *s = scene_load_set(paths[i], sets.v, sets.n);
        if (s) {
            diag_put(stdout, paths[i]);
            printf(": ok ('%s'", s->out_name);
            if (s->nvariants)
                printf(" and %d variant%s", s->nvariants, s->nvariants == 1 ? "" : "s");
            printf(")\n");
        }
        bad |= s == NULL;
        scene_free(s);
    }
    free(paths);
    if (bad)
        fprintf(stderr, "mlanim: %d error%s\n", diag_error_count(), diag_error_count() == 1 ? "" : "s");
    return bad ? EXIT_USAGE : EXIT_OK;
}

static int parse_formats(const char *list, struct render_opts *o)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", list);
    o->nformats = 0;
    int trace = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (strcmp(tok, "trace") == 0) {
            if (trace)
                return usage_error("render", "format '%s' given twice", tok);
            trace = o->trace_in_set = 1;
            continue;
        }
        const struct encoder_kind *k = encoder_find(tok);
        if (!k || o->nformats == 8) {
            fprintf(stderr, "mlanim render: unknown format '");
            diag_put(stderr, tok);
            fprintf(stderr, "'; known formats:");
            for (const struct kind_head *const *e = kind_table(KIND_ENCODER); *e; e++)
                fprintf(stderr, "%s %s", e == kind_table(KIND_ENCODER) ? "" : ",", (*e)->name);
            fprintf(stderr, ", trace\nTry 'mlanim render --help'.\n");
            return EXIT_USAGE;
        }
        for (int i = 0; i < o->nformats; i++)
            if (strcmp(o->formats[i], k->head.name) == 0)
                return usage_error("render", "format '%s' given twice", tok);
        o->formats[o->nformats++] = k->head.name;
    }
    if (!o->nformats && !trace)
        return usage_error("render", "%s--format needs a list such as gif,mp4", "");
    return 0;
}

static void on_signal(int sig)
{
    (void)sig;
    interrupt_request();
}

static int cmd_render(int argc, char **argv)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    struct render_opts o = {
        .out_dir = "output",
        .jobs = cpus < 1 ? 1 : cpus > 8 ? 8 : (int)cpus,
        .scale = 1,
        .progress = isatty(STDERR_FILENO) ? 2 : 1,
    };
    char **paths = xmalloc(sizeof(char *) * (size_t)(argc + 1));
    int n = 0, rc = EXIT_OK;
    struct sets sets = {0};
    for (int i = 1; i < argc && rc == EXIT_OK; i++) {
        /* "--jobs=4" and "-j4" are "--jobs 4" and "-j 4". */
        char name[64];
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1;
        const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
        if (eq && (size_t)(eq - a) < sizeof(name)) {
            snprintf(name, sizeof(name), "%.*s", (int)(eq - a), a);
            a = name;
            val = eq + 1;
            takes = 0;
        } else if (a[0] == '-' && strchr("ojf", a[1]) && a[1] && a[2]) {
            snprintf(name, sizeof(name), "-%c", a[1]);
            val = argv[i] + 2;
            a = name;
            takes = 0;
        }
        if (is_help(a)) {
            fputs(find_command("render")->usage, stdout);
            free(paths);
            return EXIT_OK;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o.progress = 0;
            diag_set_quiet(1);
            takes = 0;
        } else if (argv[i][0] != '-' || !argv[i][1]) {
            paths[n++] = argv[i];
            takes = 0;
        } else if (!val && (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 ||
                            strcmp(a, "-f") == 0 || strcmp(a, "--format") == 0 ||
                            strcmp(a, "--trace") == 0 || strcmp(a, "-j") == 0 ||
                            strcmp(a, "--jobs") == 0 || strcmp(a, "--scale") == 0 ||
                            strcmp(a, "--limit") == 0 || strcmp(a, "--set") == 0)) {
            rc = usage_error("render", "option '%s' needs a value", a);
        } else if (strcmp(a, "--set") == 0) {
            rc = add_set(&sets, "render", (char *)val);
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            o.out_dir = val;
        } else if (strcmp(a, "-f") == 0 || strcmp(a, "--format") == 0) {
            rc = parse_formats(val, &o);
        } else if (strcmp(a, "--limit") == 0) {
            if (limit_set(val) != 0)
                rc = EXIT_USAGE;
        } else if (strcmp(a, "--trace") == 0) {
            o.trace_path = val;
        } else if (strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0) {
            if (param_parse_int(val, &o.jobs) != 0 || o.jobs < 1 || o.jobs > 64)
                rc = usage_error("render", "--jobs takes a whole number from 1 to 64, not '%s'", val);
        } else if (strcmp(a, "--scale") == 0) {
            if (param_parse_double(val, &o.scale) != 0 || o.scale < 0.1 || o.scale > 4)
                rc = usage_error("render", "--scale takes a number from 0.1 to 4, not '%s'", val);
        } else {
            rc = usage_error("render", "unknown option '%s'", a);
        }
        i += takes;
    }
    if (rc == EXIT_OK && !n)
        rc = usage_error("render", "%sno scene scripts given", "");
    if (rc == EXIT_OK && o.trace_path && n != 1)
        rc = usage_error("render", "%s--trace takes exactly one scene", "");
    struct stat tst;
    if (rc == EXIT_OK && o.trace_path && (!o.trace_path[0] ||
                                          (stat(o.trace_path, &tst) == 0 && S_ISDIR(tst.st_mode))))
        rc = usage_error("render", "--trace needs a file name, not '%s'", o.trace_path);
    if (rc != EXIT_OK) {
        free(paths);
        return rc;
    }
    struct scene **scenes = xcalloc((size_t)n, sizeof(*scenes));
    if (load_scenes(paths, n, scenes, &sets) != 0) {
        fprintf(stderr, "mlanim: %d error%s; nothing rendered\n", diag_error_count(),
                diag_error_count() == 1 ? "" : "s");
        rc = EXIT_USAGE;
    }
    /* What --scale makes of each scene, known before anything runs. */
    for (int i = 0; i < n && rc == EXIT_OK; i++) {
        long long w = lround(scenes[i]->canvas.width * o.scale);
        long long h = lround(scenes[i]->canvas.height * o.scale);
        char what[160];
        snprintf(what, sizeof what, "--scale %g makes the frames of '%s' %lldx%lld", o.scale,
                 scenes[i]->id, w, h);
        if (w < 16 || h < 16)
            rc = usage_error("render", "%s, below 16x16", what);
        else if (w * h > limit_get(LIMIT_PIXELS))
            rc = usage_error("render", "%s, more pixels than the 'pixels' limit", what);
    }
    /* Ctrl-C finishes cleanly: temporaries removed, earlier outputs kept. */
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int failed = 0;
    for (int i = 0; i < n && rc == EXIT_OK && !interrupt_requested(); i++)
        failed += render_scene(scenes[i], &o) != 0;
    if (interrupt_requested()) {
        rc = 130;
    } else if (rc == EXIT_OK && failed) {
        fprintf(stderr, "mlanim: %d of %d scene%s failed\n", failed, n, n == 1 ? "" : "s");
        rc = EXIT_FAIL;
    }
    for (int i = 0; i < n; i++)
        scene_free(scenes[i]);
    free(scenes);
    free(paths);
    panel_release();
    text_release();
    math_fonts_release();
    draw_fonts_release();
    return rc;
}

/* #rrggbb to 0xRRGGBB; -1 if it is not one. */
static long parse_hex_color(const char *s)
{
    if (strlen(s) != 7 || s[0] != '#')
        return -1;
    char *end;
    long v = strtol(s + 1, &end, 16);
    return *end ? -1 : v;
}

static int formula_png(const struct math_box *b, const char *path, double size, double margin,
                       long color, long background)
{
    int w = (int)ceil((b->width + 2 * margin) * size);
    int h = (int)ceil((b->ascent + b->descent + 2 * margin) * size);
    if (w < 1)
        w = 1;
    if (h < 1)
        h = 1;
    if ((double)w * h > 64e6)
        return diag_fail("formula image would be %dx%d pixels: lower --size", w, h);
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(sf);
    if (background >= 0) {
        draw_set_color(cr, 0xFF000000u | (uint32_t)background);
        cairo_paint(cr);
    }
    draw_set_color(cr, 0xFF000000u | (uint32_t)color);
    math_draw(cr, b, size, margin * size, (margin + b->ascent) * size);
    cairo_destroy(cr);
    char *tmp = path_temp_for(path);
    int rc = cairo_surface_write_to_png(sf, tmp) == CAIRO_STATUS_SUCCESS ? 0 : -1;
    cairo_surface_destroy(sf);
    if (rc != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        free(tmp);
        return diag_fail("cannot write '%s'", path);
    }
    free(tmp);
    return 0;
}

static int cmd_formula(int argc, char **argv)
{
    const char *out = NULL, *tex = NULL, *color = "#000000", *bg = NULL;
    double size = 32, margin = 0.1;
    int display = 1;
    long repeat = 0;
    int options = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!options || (a[0] != '-' || !a[1])) {
            if (tex)
                return usage_error("formula", "one formula at a time (got '%s' too)", a);
            tex = a;
        } else if (strcmp(a, "--") == 0) {
            options = 0;        /* what follows is the formula, even "-x" */
        } else if (is_help(a)) {
            fputs(find_command("formula")->usage, stdout);
            return EXIT_OK;
        } else if (strcmp(a, "--list") == 0) {
            math_list_commands(stdout);
            return EXIT_OK;
        } else if (strcmp(a, "--inline") == 0) {
            display = 0;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 ||
                   strcmp(a, "--size") == 0 || strcmp(a, "--color") == 0 ||
                   strcmp(a, "--background") == 0 || strcmp(a, "--margin") == 0 ||
                   strcmp(a, "--repeat") == 0) {
            if (!val)
                return usage_error("formula", "%s needs a value", a);
            i++;
            char *end;
            if (a[1] == 'o' || a[2] == 'o') {
                out = val;
            } else if (strcmp(a, "--size") == 0) {
                size = strtod(val, &end);
                if (*end || !(size >= 1 && size <= 1000))
                    return usage_error("formula", "--size takes pixels from 1 to 1000, not '%s'",
                                       val);
            } else if (strcmp(a, "--margin") == 0) {
                margin = strtod(val, &end);
                if (*end || !(margin >= 0 && margin <= 10))
                    return usage_error("formula", "--margin takes em from 0 to 10, not '%s'",
                                       val);
            } else if (strcmp(a, "--repeat") == 0) {
                repeat = strtol(val, &end, 10);
                if (*end || repeat < 1 || repeat > 10000000)
                    return usage_error("formula", "--repeat takes a count from 1 to 10000000, "
                                       "not '%s'", val);
            } else if (strcmp(a, "--color") == 0) {
                color = val;
            } else {
                bg = val;
            }
        } else {
            return usage_error("formula", "unknown option '%s' (a formula that starts with '-' "
                               "goes after --: mlanim formula -- '-x')", a);
        }
    }
    if (!tex || !*tex)
        return usage_error("formula", "no formula given%s", "");
    size_t n = strlen(out ? out : "");
    int png = n > 4 && strcasecmp(out + n - 4, ".png") == 0;
    if (out && !png && !(n > 4 && strcasecmp(out + n - 4, ".svg") == 0))
        return usage_error("formula", "-o takes a .svg or .png file, not '%s'", out);
    long rgb = parse_hex_color(color);
    if (rgb < 0 && !(strcmp(color, "currentColor") == 0 && !png))
        return usage_error("formula", png ? "--color takes #rrggbb for a PNG, not '%s'"
                                          : "--color takes #rrggbb or currentColor, not '%s'",
                           color);
    long bgv = bg ? parse_hex_color(bg) : -1;
    if (bg && bgv < 0)
        return usage_error("formula", "--background takes #rrggbb, not '%s'", bg);

    struct math_error err;
    if (math_check(tex, strlen(tex), 0, &err) != 0) {
        fprintf(stderr, "mlanim formula: 1:%zu: error: ", err.pos + 1);
        diag_put(stderr, err.msg);
        fprintf(stderr, "\n  ");
        diag_put(stderr, tex);
        fprintf(stderr, "\n  %*s^\n", (int)err.pos, "");
        return EXIT_USAGE;
    }
    if (draw_fonts_init() != 0 || math_fonts_init() != 0)
        return EXIT_FAIL;
    if (repeat) {
        double t0 = clock_seconds();
        for (long k = 0; k < repeat; k++)
            math_box_free(math_layout(tex, strlen(tex), display, &err));
        fprintf(stderr, "%.1f us per layout (%ld layouts)\n",
                (clock_seconds() - t0) / (double)repeat * 1e6, repeat);
    }
    struct math_box *b = math_layout(tex, strlen(tex), display, &err);
    if (!b) {
        fprintf(stderr, "mlanim formula: error: %s\n", err.msg);
        return EXIT_FAIL;
    }
    int rc = 0;
    if (png) {
        rc = formula_png(b, out, size, margin, rgb, bgv);
    } else if (!out) {
        rc = math_svg_write(stdout, b, size, margin, color, tex, 0);
        if (fflush(stdout) != 0 || ferror(stdout))
            rc = diag_fail("cannot write the SVG to standard output");
    } else {
        char *tmp = path_temp_for(out);
        FILE *f = fopen(tmp, "w");
        rc = f ? math_svg_write(f, b, size, margin, color, tex, 0) : -1;
        if (f && fclose(f) != 0)
            rc = -1;
        if (rc != 0 || rename(tmp, out) != 0) {
            unlink(tmp);
            rc = diag_fail("cannot write '%s'", out);
        }
        free(tmp);
    }
    math_box_free(b);
    math_fonts_release();
    draw_fonts_release();
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static int cmd_book(int argc, char **argv)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    struct book_options o = {.out_dir = "output", .jobs = cpus > 0 ? (int)cpus : 1,
                             .progress = isatty(2) ? 2 : 1};
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (is_help(a)) {
            fputs(find_command("book")->usage, stdout);
            return EXIT_OK;
        } else if (strcmp(a, "--force") == 0) {
            o.force = 1;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o.progress = 0;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (!val || !*val)
                return usage_error("book", "%s needs a folder", a);
            o.out_dir = val;
            i++;
        } else if (strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0) {
            char *end;
            long j = val ? strtol(val, &end, 10) : 0;
            if (!val || *end || j < 1 || j > 64)
                return usage_error("book", "-j takes a count from 1 to 64, not '%s'",
                                   val ? val : "");
            o.jobs = (int)j;
            i++;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("book", "unknown option '%s'", a);
        } else if (path) {
            return usage_error("book", "one book at a time (got '%s' too)", a);
        } else {
            path = a;
        }
    }
    if (!path)
        path = "book/book.yaml";
    struct book *b = book_load(path);
    if (!b) {
        int n = diag_error_count();
        fprintf(stderr, "mlanim: %d error%s; nothing built\n", n, n == 1 ? "" : "s");
        return EXIT_USAGE;
    }
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int rc = book_build(b, &o);
    book_free(b);
    panel_release();
    text_release();
    math_fonts_release();
    draw_fonts_release();
    if (interrupt_requested())
        return 130;
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static void list_section(const char *title, const char *name, const char *summary,
                         const struct param_spec *params)
{
    printf("%s %s: %s\n", title, name, summary);
    if (params && params->name)
        param_print(stdout, params, "    ");
    else
        printf("    (no parameters)\n");
    printf("\n");
}

static void list_caps(const char *verb, const char *const *caps)
{
    for (int i = 0; caps && caps[i]; i++) {
        const struct capability *c = capability_find(caps[i]);
        printf("    %s %s: %s\n", verb, caps[i], c ? c->words : "?");
    }
}

/* One kind from the shared head: summary, what it provides and requires,
 * its parameters. */
static void list_kind(enum kind_class cls, const struct kind_head *k)
{
    printf("%s %s: %s\n", kind_class_name(cls), k->name, k->summary);
    list_caps("provides", k->provides);
    list_caps("requires", k->requires);
    if (k->params && k->params->name)
        param_print(stdout, k->params, "    ");
    else if (cls != KIND_ENCODER)
        printf("    (no parameters)\n");
    if (cls == KIND_PANEL)
        printf("    %-16s [row, column], default: the next free cell\n"
               "    %-16s where the panel sits in the layout grid\n"
               "    %-16s [rows, columns], default [1, 1]\n"
               "    %-16s how many cells it covers\n", "cell", "", "span", "");
    if (cls == KIND_ENCODER && k->params && k->params->name)
        printf("    (set as outputs.%s in a script)\n", k->name);
    printf("\n");
}

static int cmd_list(int argc, char **argv)
{
    const char *what = NULL;
    for (int i = 1; i < argc; i++) {
        if (is_help(argv[i])) {
            fputs(find_command("list")->usage, stdout);
            return EXIT_OK;
        }
        if (what)
            return usage_error("list", "too many arguments: '%s'", argv[i]);
        what = argv[i];
    }
    int shown = 0;
#define WANT(section, name) (!what || strcmp(what, section) == 0 || strcmp(what, name) == 0)
    if (WANT("scene", "canvas")) {
        list_section("scene section", "canvas", "frame size, rate and theme", scene_canvas_params);
        shown++;
    }
    if (WANT("scene", "frames")) {
        list_section("scene section", "frames",
                     "which recorded steps become frames, and for how long; also 'thin: "
                     "[{below: N, every: K, per_step: T}, ...]'", scene_frames_params);
        shown++;
    }
    if (WANT("scene", "beats")) {
        list_section("scene section", "beats",
                     "a scene without a trainer, told in beats; also 'seconds: T' or "
                     "'seconds: [T, ...]' (required)", scene_beats_params);
        shown++;
    }
    if (WANT("scene", "sweep")) {
        list_section("scene section", "sweep",
                     "one fresh run per value of one option; also 'values: [...]'",
                     scene_sweep_params);
        shown++;
    }
    if (WANT("scene", "clips")) {
        list_section("scene section", "clips",
                     "whole scenes side by side; also 'scenes: [FILE.yaml | {scene}, ...]'",
                     scene_clips_params);
        shown++;
    }
    if (WANT("scene", "layout")) {
        list_section("scene section", "layout", "the grid the panels sit in", scene_layout_params);
        shown++;
    }
    if (WANT("scene", "outputs")) {
        list_section("scene section", "outputs",
                     "what to write: 'formats: [gif, mp4, png]', and each format's settings "
                     "as outputs.<format> (the formats below)", scene_outputs_params);
        shown++;
    }
#undef WANT
    if (what && strcmp(what, "limits") == 0) {
        limits_print(stdout);
        return EXIT_OK;
    }
    /* Every kind of every class, from the same tables validation uses;
     * "outputs.gif" names the gif format's settings. */
    const char *kw = what && strncmp(what, "outputs.", 8) == 0 ? what + 8 : what;
    for (int c = 0; c < KIND_NCLASSES; c++)
        for (const struct kind_head *const *k = kind_table(c); *k; k++)
            if (!kw || strcmp(kw, kind_class_name(c)) == 0 || strcmp(kw, (*k)->name) == 0) {
                list_kind(c, *k);
                shown++;
            }
    if (!what)
        limits_print(stdout);
    if (!shown)
        return usage_error("list", "nothing is called '%s'; try 'mlanim list'", what);
    return EXIT_OK;
}

static int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        main_usage(stdout);
        return EXIT_OK;
    }
    const struct command *c = find_command(argv[1]);
    if (!c)
        return usage_error("help", "no command '%s'", argv[1]);
    fputs(c->usage, stdout);
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    /* The codec libraries' chatter is not for our users; their errors reach
     * them through diag_fail. */
    av_log_set_level(AV_LOG_ERROR);
    if (argc < 2) {
        main_usage(stderr);
        return EXIT_USAGE;
    }
    if (is_help(argv[1])) {
        main_usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("mlanim %s\n", MLANIM_VERSION);
        return EXIT_OK;
    }
    const struct command *c = find_command(argv[1]);
    if (!c) {
        const char *names[ARRAY_LEN(commands)];
        for (size_t i = 0; i < ARRAY_LEN(commands); i++)
            names[i] = commands[i].name;
        const char *s = diag_suggest(argv[1], names, (int)ARRAY_LEN(commands));
        fprintf(stderr, "mlanim: '");
        diag_put(stderr, argv[1]);
        fprintf(stderr, "' is not a command.%s%s%s See 'mlanim --help'.\n",
                s ? " Did you mean '" : "", s ? s : "", s ? "'?" : "");
        return EXIT_USAGE;
    }
    return c->fn(argc - 1, argv + 1);
}

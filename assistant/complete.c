/* complete.c - Tab completion: command names after ':', article ids after
 * the commands that take one, category= and tag= values after :filter,
 * and category:/tag: filters inside a question.  The index's lists are
 * read on the first Tab, not at start-up. */
#include <stdlib.h>
#include <string.h>

#include <readline/readline.h>

#include "assistant.h"

static kba_session_t *session;

/* What the generator offers: a list, or the command names, with a prefix
 * put before each candidate. */
static const kb_strlist_t *cand_list;
static int cand_commands;
static const char *cand_prefix = "";
static const char *const filter_keys[] = {"category=", "tag="};
static int cand_keys;

static char *with_prefix(const char *prefix, const char *s)
{
    size_t a = strlen(prefix), b = strlen(s);
    char *r = malloc(a + b + 1);
    if (r) {
        memcpy(r, prefix, a);
        memcpy(r + a, s, b + 1);
    }
    return r;
}

static char *generator(const char *text, int state)
{
    static size_t i;
    if (!state)
        i = 0;
    size_t plen = strlen(cand_prefix), tlen = strlen(text);
    for (;;) {
        const char *c;
        if (cand_commands)
            c = kba_command_name(i);
        else if (cand_keys)
            c = i < 2 ? filter_keys[i] : NULL;
        else
            c = cand_list && i < cand_list->n ? cand_list->items[i] : NULL;
        if (!c)
            return NULL;
        i++;
        /* TEXT includes the prefix (":op", "category:pr"). */
        if (tlen < plen) {
            if (!strncmp(cand_prefix, text, tlen))
                return with_prefix(cand_prefix, c);
            continue;
        }
        if (!strncmp(text, cand_prefix, plen) && !strncmp(c, text + plen, tlen - plen))
            return with_prefix(cand_prefix, c);
    }
}

static char **matches(const char *text, const char *prefix, const kb_strlist_t *list, int commands,
                      int keys)
{
    cand_prefix = prefix;
    cand_list = list;
    cand_commands = commands;
    cand_keys = keys;
    if (keys)
        rl_completion_append_character = '\0';
    return rl_completion_matches(text, generator);
}

static int takes_id(const char *cmd)
{
    static const char *const cmds[] = {"open", "related", "esc", "steps", "why", "good", "bad"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(cmd, cmds[i]))
            return 1;
    return 0;
}

static char **complete(const char *text, int start, int end)
{
    (void)end;
    rl_attempted_completion_over = 1; /* never fall back to file names */
    const char *line = rl_line_buffer;
    size_t lead = strspn(line, " \t");
    if ((size_t)start <= lead) {
        /* The first word: a command, or the start of a question. */
        if (text[0] == ':' || !text[0])
            return matches(text, ":", NULL, 1, 0);
        return NULL;
    }
    kba_load_lists(session);
    if (line[lead] == ':') {
        /* The command word, resolved as the dispatcher would. */
        size_t n = strcspn(line + lead + 1, " \t");
        char word[32];
        if (n >= sizeof word)
            return NULL;
        memcpy(word, line + lead + 1, n);
        word[n] = '\0';
        const char *cmd = kba_command_resolve(word);
        if (!cmd)
            return NULL;
        if (takes_id(cmd))
            return matches(text, "", &session->known_ids, 0, 0);
        if (!strcmp(cmd, "help"))
            return matches(text, "", NULL, 1, 0);
        if (!strcmp(cmd, "filter")) {
            /* '=' breaks words: look at what precedes TEXT. */
            if (start > 0 && line[start - 1] == '=') {
                int k = start - 1;
                while (k > 0 && line[k - 1] != ' ' && line[k - 1] != '\t')
                    k--;
                if (!strncmp(line + k, "category=", 9))
                    return matches(text, "", &session->known_categories, 0, 0);
                if (!strncmp(line + k, "tag=", 4))
                    return matches(text, "", &session->known_tags, 0, 0);
                return NULL;
            }
            return matches(text, "", NULL, 0, 1);
        }
        return NULL;
    }
    /* Inside a question: category:NAME and tag:NAME filters. */
    if (!strncmp(text, "category:", 9))
        return matches(text, "category:", &session->known_categories, 0, 0);
    if (!strncmp(text, "tag:", 4))
        return matches(text, "tag:", &session->known_tags, 0, 0);
    return NULL;
}

void kba_complete_init(kba_session_t *S)
{
    session = S;
    rl_attempted_completion_function = complete;
}

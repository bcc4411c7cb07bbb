/*
 * categories.c — category schemes as data: each profile maps a list's raw code to a label and
 * says which codes are non-pertinent (never an illegal match). Sources, HASHLISTS.md §2, §3.5,
 * §6: Project VIC US profile (Autopsy ImageGalleryService PV_US_CAT0..4), the older DHS scheme
 * (Autopsy DhsImageCategory), UK sentencing categories A/B/C (IWF, HMICFRS). Profiles whose
 * codes are not public (VICS UK, Canada, Default, ...) have no table: their codes are kept raw
 * and counted as unmapped, never guessed.
 */
#include "import_impl.h"

#include <string.h>
#include <strings.h>

static const cat_def vics_us[] = {
    {"0", "Non-Pertinent", true},
    {"1", "Child Abuse Material (CAM)", false},
    {"2", "Child Exploitive (Non-CAM) Age Difficult", false},
    {"3", "CGI/Animation - Child Exploitive", false},
    {"4", "Comparison Images", false},
};

static const cat_def dhs[] = {
    {"0", "CAT-0 Uncategorized", false},
    {"1", "CAT-1 Child Exploitation (Illegal)", false},
    {"2", "CAT-2 Child Exploitation (Non-Illegal/Age Difficult)", false},
    {"3", "CAT-3 CGI/Animation (Child Exploitive)", false},
    {"4", "CAT-4 Exemplar/Comparison (Internal Use Only)", false},
    {"5", "CAT-5 Non-pertinent", true},
};

static const cat_def uk_abc[] = {
    {"A", "Category A: penetrative sexual activity; sexual activity with an animal or sadism",
     false},
    {"B", "Category B: non-penetrative sexual activity", false},
    {"C", "Category C: other indecent images not falling within A or B", false},
};

#define TABLE(t) (t), sizeof(t) / sizeof((t)[0])

static const cat_profile profiles[] = {
    {"vics-us", TABLE(vics_us), false}, {"dhs", TABLE(dhs), false},
    {"uk-abc", TABLE(uk_abc), false},   {"nsrl", NULL, 0, true},
    {"vics-uk", NULL, 0, false},        {"vics-ca", NULL, 0, false},
    {"vics-default", NULL, 0, false},   {"vics-custom", NULL, 0, false},
    {"vics-unknown", NULL, 0, false},   {"vics-1", NULL, 0, false},
    {"list", NULL, 0, false},
};
#define NPROFILES (sizeof profiles / sizeof profiles[0])

static const char *const profile_names[NPROFILES + 1] = {
    "vics-us",      "dhs",         "uk-abc",       "nsrl",   "vics-uk", "vics-ca",
    "vics-default", "vics-custom", "vics-unknown", "vics-1", "list",    NULL};

const char *const *vg_hset_category_profiles(void) {
    return profile_names;
}

const cat_profile *cat_find(const char *name) {
    for (size_t i = 0; i < NPROFILES; i++)
        if (!strcmp(profiles[i].name, name))
            return &profiles[i];
    return NULL;
}

const cat_def *cat_lookup(const cat_profile *p, const char *code) {
    size_t n = strlen(code);
    while (n > 0 && (code[n - 1] == ' ' || code[n - 1] == '\t'))
        n--;
    for (size_t i = 0; i < p->n; i++)
        if (strlen(p->defs[i].code) == n && !strncasecmp(p->defs[i].code, code, n))
            return &p->defs[i];
    return NULL;
}

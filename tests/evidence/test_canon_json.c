/* test_canon_json.c — the canonical JSON builder and checker (EVIDENCE.md §5.3, RFC 8785). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "vigil/ev_json.h"

static vg_ev_json *j;

static void setup(void) {
    j = vg_ev_json_new();
    cr_assert(j != NULL);
}

static void teardown(void) {
    vg_ev_json_free(j);
}

TestSuite(canon_json, .init = setup, .fini = teardown);

static const char *finish(void) {
    const char *out = NULL;
    size_t n = 0;
    cr_assert_eq(vg_ev_json_finish(j, &out, &n), VG_OK);
    cr_assert_eq(strlen(out), n);
    return out;
}

static void assert_canonical(const char *s) {
    const char *why = NULL;
    vg_status st = vg_ev_json_check(s, strlen(s), NULL, &why);
    cr_assert_eq(st, VG_OK, "%s rejected: %s", s, why ? why : "?");
}

static void assert_rejected(const char *s) {
    const char *why = NULL;
    cr_assert_eq(vg_ev_json_check(s, strlen(s), NULL, &why), VG_E_FORMAT, "accepted: %s", s);
    cr_assert(why != NULL);
}

Test(canon_json, sorts_members_at_every_level) {
    vg_ev_json_obj(j, NULL);
    vg_ev_json_int(j, "zeta", 1);
    vg_ev_json_obj(j, "inner");
    vg_ev_json_bool(j, "b", true);
    vg_ev_json_bool(j, "a", false);
    vg_ev_json_end(j);
    vg_ev_json_arr(j, "arr");
    vg_ev_json_int(j, NULL, 3);
    vg_ev_json_obj(j, NULL);
    vg_ev_json_str(j, "y", "2");
    vg_ev_json_str(j, "x", "1");
    vg_ev_json_end(j);
    vg_ev_json_end(j);
    vg_ev_json_int(j, "a_b", -7);
    vg_ev_json_int(j, "a", 0);
    vg_ev_json_end(j);
    const char *out = finish();
    cr_assert_str_eq(out, "{\"a\":0,\"a_b\":-7,\"arr\":[3,{\"x\":\"1\",\"y\":\"2\"}],"
                          "\"inner\":{\"a\":false,\"b\":true},\"zeta\":1}");
    assert_canonical(out);
}

/* RFC 8785 §3.2.2.2 string example: only '"', '\\' and controls are escaped; '/' and non-ASCII
 * are literal; controls use \b \t \n \f \r or lower-case \u00xx. */
Test(canon_json, rfc8785_string_escaping) {
    const char in[] = "\xe2\x82\xac$\x0f\nA'B\"\\\\\"/";
    vg_ev_json_obj(j, NULL);
    vg_ev_json_str(j, "string", in);
    vg_ev_json_end(j);
    cr_assert_str_eq(finish(), "{\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
    /* The RFC's input (with needless escapes) is not canonical; its output is. */
    assert_rejected("{\"string\":\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\"}");
    assert_canonical("{\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

Test(canon_json, every_control_character) {
    char in[33];
    for (int i = 0; i < 32; i++)
        in[i] = (char)(i + 1 == 32 ? 0x7f : i + 1);
    in[32] = '\0';
    vg_ev_json_obj(j, NULL);
    vg_ev_json_str(j, "c", in);
    vg_ev_json_end(j);
    const char *out = finish();
    cr_assert_str_eq(out, "{\"c\":\"\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n"
                          "\\u000b\\f\\r\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015"
                          "\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"
                          "\x7f\"}");
    assert_canonical(out);
    /* NUL inside a counted string */
    vg_ev_json_reset(j);
    vg_ev_json_obj(j, NULL);
    vg_ev_json_strn(j, "n", "a\0b", 3);
    vg_ev_json_end(j);
    out = finish();
    cr_assert_str_eq(out, "{\"n\":\"a\\u0000b\"}");
    assert_canonical(out);
}

/* RFC 8785 number serialisation restricted to integers: 2^53-1 bounds, no -0. */
Test(canon_json, integers_within_2_53) {
    vg_ev_json_obj(j, NULL);
    vg_ev_json_int(j, "max", VG_EV_JSON_MAX_INT);
    vg_ev_json_int(j, "min", -VG_EV_JSON_MAX_INT);
    vg_ev_json_int(j, "zero", 0);
    vg_ev_json_end(j);
    const char *out = finish();
    cr_assert_str_eq(out, "{\"max\":9007199254740991,\"min\":-9007199254740991,\"zero\":0}");
    assert_canonical(out);
    vg_ev_json_reset(j);
    vg_ev_json_obj(j, NULL);
    cr_assert_eq(vg_ev_json_int(j, "big", VG_EV_JSON_MAX_INT + 1), VG_E_INVAL);
    const char *o2;
    size_t n2;
    cr_assert_eq(vg_ev_json_finish(j, &o2, &n2), VG_E_INVAL, "errors are sticky");
}

Test(canon_json, invalid_utf8_name_gets_b64_twin) {
    /* the name from evidence-test-vectors/records.jsonl line 3 */
    const char path[] = "/home/user/odd\xffname";
    vg_ev_json_obj(j, NULL);
    vg_ev_json_name(j, "path", path, strlen(path));
    vg_ev_json_name(j, "ok", "plain", 5);
    vg_ev_json_end(j);
    const char *out = finish();
    cr_assert_str_eq(out, "{\"ok\":\"plain\",\"path\":\"/home/user/odd\xef\xbf\xbdname\","
                          "\"path_b64\":\"L2hvbWUvdXNlci9vZGT/bmFtZQ==\"}");
    assert_canonical(out);
}

Test(canon_json, builder_refuses_bad_input) {
    vg_ev_json_obj(j, NULL);
    cr_assert_eq(vg_ev_json_str(j, "Upper", "x"), VG_E_INVAL);
    vg_ev_json_reset(j);
    vg_ev_json_obj(j, NULL);
    cr_assert_eq(vg_ev_json_str(j, "s", "bad\xff"), VG_E_INVAL);
    vg_ev_json_reset(j);
    vg_ev_json_obj(j, NULL);
    vg_ev_json_int(j, "a", 1);
    vg_ev_json_int(j, "a", 2);
    cr_assert_eq(vg_ev_json_end(j), VG_E_INVAL, "duplicate names");
    vg_ev_json_reset(j);
    cr_assert_eq(vg_ev_json_int(j, "k", 1), VG_E_INVAL, "a key at the top level");
    vg_ev_json_reset(j);
    vg_ev_json_obj(j, NULL);
    const char *o;
    size_t n;
    cr_assert_eq(vg_ev_json_finish(j, &o, &n), VG_E_INVAL, "unclosed object");
    vg_ev_json_reset(j);
    vg_ev_json_arr(j, NULL);
    cr_assert_eq(vg_ev_json_int(j, "k", 1), VG_E_INVAL, "a key inside an array");
}

struct bad {
    char text[96];
};

static struct bad bad_lines[] = {
    {"{\"a\":1, \"b\":2}"},              /* whitespace */
    {" {\"a\":1}"},                      /* leading whitespace */
    {"{\"a\":1}\r"},                     /* CR */
    {"{\"b\":1,\"a\":2}"},               /* unsorted */
    {"{\"a\":1,\"a\":1}"},               /* duplicate name */
    {"{\"a\":1.0}"},                     /* float */
    {"{\"a\":1e3}"},                     /* exponent */
    {"{\"a\":-0}"},                      /* minus zero */
    {"{\"a\":01}"},                      /* leading zero */
    {"{\"a\":9007199254740992}"},        /* over 2^53-1 */
    {"{\"a\":99999999999999999999999}"}, /* over int64 */
    {"{\"a\":null}"},                    /* null */
    {"{\"a\":\"\\/\"}"},                 /* needless escape */
    {"{\"a\":\"\\u0041\"}"},             /* needless escape */
    {"{\"a\":\"\\u001F\"}"},             /* upper-case hex */
    {"{\"a\":\"\\u001f\"}x"},            /* trailing bytes */
    {"{\"a\":\"\xff\"}"},                /* invalid UTF-8 */
    {"{\"a\":\"\\ud800\"}"},             /* lone surrogate */
    {"\xef\xbb\xbf{\"a\":1}"},           /* BOM */
    {"{\"A\":1}"},                       /* name outside [a-z0-9_] */
    {"{\"a-b\":1}"},                     /* name outside [a-z0-9_] */
    {"[1,2]"},                           /* not an object */
    {"{\"a\":true"},                     /* truncated */
    {"{'a':1}"},                         /* not JSON */
    {"{\"a\":[1,]}"},                    /* trailing comma */
    {"{\"a\":+1}"},                      /* plus sign */
    {"{\"a\":\"\t\"}"},                  /* raw control in a string */
};

Test(canon_json, rejects_non_canonical) {
    for (size_t i = 0; i < sizeof bad_lines / sizeof bad_lines[0]; i++)
        assert_rejected(bad_lines[i].text);
}

Test(canon_json, test_vector_lines_are_canonical) {
    FILE *f = fopen(VIGIL_TEST_DATA "/evidence/vectors/records.jsonl", "r");
    cr_assert(f != NULL);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int n = 0;
    while ((len = getline(&line, &cap, f)) > 0) {
        line[--len] = '\0';
        assert_canonical(line);
        n++;
    }
    free(line);
    fclose(f);
    cr_assert_eq(n, 4);
}

Test(canon_json, canon_of_parsed_value_and_parsed_out) {
    void *parsed = NULL;
    const char s[] = "{\"a\":[true,false,\"x\"],\"b\":{\"c\":-1}}";
    cr_assert_eq(vg_ev_json_check(s, strlen(s), &parsed, NULL), VG_OK);
    char *out = NULL;
    size_t n = 0;
    cr_assert_eq(vg_ev_json_canon(parsed, &out, &n, NULL), VG_OK);
    cr_assert_str_eq(out, s);
    free(out);
    json_object_put(parsed);
    json_object *d = json_object_new_double(1.5);
    const char *why = NULL;
    cr_assert_eq(vg_ev_json_canon(d, &out, &n, &why), VG_E_FORMAT);
    json_object_put(d);
}

/* test_case.c — the CASE/UCO export: golden file, determinism, and a structural self-check of
 * what we emit (EVIDENCE.md §1.1: IRI @id on every typed node ending in a UUID, only known
 * CASE/UCO terms, typed hex digests and dateTimes, never dataPayload). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "vigil/evidence.h"

#define DIR VIGIL_TEST_DATA "/evidence/case/"

static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    cr_assert(f != NULL, "%s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)len + 1);
    *n = fread(p, 1, (size_t)len, f);
    p[*n] = '\0';
    fclose(f);
    return p;
}

static char *render(size_t *len) {
    size_t n;
    char *recs = slurp(DIR "records.jsonl", &n), *out = NULL;
    cr_assert_eq(vg_ev_case_export(recs, n, &out, len), VG_OK);
    free(recs);
    return out;
}

Test(case_export, matches_golden_file) {
    size_t len, glen;
    char *out = render(&len);
    if (getenv("VIGIL_UPDATE_GOLDEN")) {
        FILE *f = fopen(DIR "case.jsonld", "wb");
        cr_assert(f != NULL);
        fwrite(out, 1, len, f);
        fclose(f);
    }
    char *golden = slurp(DIR "case.jsonld", &glen);
    cr_assert_str_eq(out, golden, "case.jsonld differs from the golden file");
    size_t len2;
    char *again = render(&len2);
    cr_assert_str_eq(again, out, "the export is deterministic");
    free(again);
    free(golden);
    free(out);
}

/* Every CASE/UCO term the export may use (checked against the 1.4.0 shapes via the validated
 * example in shared/case-minimal-example.jsonld). */
static const char *const allowed[] = {
    "uco-core:name", "uco-core:description", "uco-core:hasFacet", "uco-core:source",
    "uco-core:target", "uco-core:kindOfRelationship", "uco-core:isDirectional",
    "uco-core:statement", "uco-core:tag", "uco-core:object", "uco-tool:toolType",
    "uco-tool:version", "uco-configuration:usesConfiguration",
    "uco-configuration:configurationEntry", "uco-configuration:itemName",
    "uco-configuration:itemValue", "uco-observable:hostname", "uco-observable:fileName",
    "uco-observable:filePath", "uco-observable:sizeInBytes", "uco-observable:modifiedTime",
    "uco-observable:metadataChangeTime", "uco-observable:accessedTime", "uco-observable:hash",
    "uco-types:hashMethod", "uco-types:hashValue", "uco-action:startTime", "uco-action:endTime",
    "uco-action:instrument", "uco-action:environment", "uco-action:object", "uco-action:result",
    "case-investigation:exhibitNumber",
    /* classes */
    "uco-tool:AnalyticTool", "uco-tool:ConfiguredTool", "uco-configuration:Configuration",
    "uco-configuration:ConfigurationEntry", "uco-observable:Device",
    "uco-observable:ComputerSpecificationFacet", "uco-observable:File", "uco-observable:FileFacet",
    "uco-observable:ContentDataFacet", "uco-types:Hash", "uco-observable:ObservableRelationship",
    "uco-core:Annotation", "case-investigation:InvestigativeAction",
    "case-investigation:ProvenanceRecord", "xsd:hexBinary", "xsd:dateTime", NULL};

static bool is_allowed(const char *term) {
    for (const char *const *a = allowed; *a; a++)
        if (!strcmp(*a, term))
            return true;
    return false;
}

static bool uuid_tail(const char *id) {
    size_t n = strlen(id);
    if (n < 36 || strncmp(id, "kb:", 3) != 0)
        return false;
    const char *u = id + n - 36;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? u[i] != '-' : !strchr("0123456789abcdef", u[i]))
            return false;
    }
    return u[14] == '5' && u[-1] == '-';
}

static int nodes, hashes;

static void walk(json_object *v) {
    if (json_object_is_type(v, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(v); i++)
            walk(json_object_array_get_idx(v, i));
        return;
    }
    if (!json_object_is_type(v, json_type_object))
        return;
    json_object *type = NULL, *id = NULL, *val = NULL;
    bool has_type = json_object_object_get_ex(v, "@type", &type);
    bool has_value = json_object_object_get_ex(v, "@value", &val);
    if (has_type && !has_value) { /* a node: needs an IRI ending in a UUIDv5 */
        cr_assert(json_object_object_get_ex(v, "@id", &id), "typed node without @id");
        cr_assert(uuid_tail(json_object_get_string(id)), "%s", json_object_get_string(id));
        nodes++;
    }
    if (has_value) {
        const char *t = json_object_get_string(type), *s = json_object_get_string(val);
        if (!strcmp(t, "xsd:hexBinary")) {
            cr_assert(strlen(s) % 2 == 0 && strspn(s, "0123456789abcdef") == strlen(s), "%s", s);
            hashes++;
        } else {
            cr_assert_str_eq(t, "xsd:dateTime");
            cr_assert(strlen(s) >= 20 && s[strlen(s) - 1] == 'Z', "%s", s);
        }
    }
    json_object_object_foreach(v, key, child) {
        cr_assert(strstr(key, "dataPayload") == NULL, "never dataPayload");
        if (key[0] != '@')
            cr_assert(is_allowed(key), "unexpected term %s", key);
        if (!strcmp(key, "@type")) {
            if (json_object_is_type(child, json_type_array))
                for (size_t i = 0; i < json_object_array_length(child); i++)
                    cr_assert(
                        is_allowed(json_object_get_string(json_object_array_get_idx(child, i))));
            else
                cr_assert(is_allowed(json_object_get_string(child)), "%s",
                          json_object_get_string(child));
        }
        if (!strcmp(key, "uco-types:hashMethod"))
            cr_assert(strcmp(json_object_get_string(child), "PDQ") != 0, "PDQ kept out of Hash");
        walk(child);
    }
}

Test(case_export, structure_follows_the_shapes) {
    size_t len;
    char *out = render(&len);
    json_object *doc = json_tokener_parse(out);
    cr_assert(doc != NULL, "valid JSON");
    json_object *graph = NULL;
    cr_assert(json_object_object_get_ex(doc, "@graph", &graph));
    walk(graph);
    cr_assert_eq(hashes, 2 * 3 + 2, "3 digests for each of 2 files, 1 per list");
    cr_assert(nodes > 20);
    cr_assert(strstr(out, "Exact digest match; content not viewed.") != NULL);
    cr_assert(strstr(out, "Probable match, for an authorised investigator to confirm") != NULL);
    cr_assert(strstr(out, "holiday.zip!/2019/beach.png") != NULL, "archive member path");
    cr_assert(strstr(out, "notes.txt") == NULL, "clean files are not exported");
    json_object_put(doc);
    free(out);
}

Test(case_export, refuses_non_records) {
    char *out = NULL;
    size_t len;
    cr_assert_eq(vg_ev_case_export("{}\n", 3, &out, &len), VG_E_FORMAT);
    cr_assert_eq(vg_ev_case_export("not json", 8, &out, &len), VG_E_FORMAT);
}

/* Records of one matched image embedded in a JPEG that is itself a member of a zip. */
static const char embedded_records[] =
    "{\"lists\":[{\"name\":\"L\",\"sha256\":\"00\"}],\"report_id\":"
    "\"5b1f6c1e-2f0a-4d57-9c3e-0d7c2a9e8a11\",\"seq\":1,\"type\":\"scan_start\"}\n"
    "{\"inner\":[{\"name\":\"dir/photo.jpg\"},{\"name\":\"#exif-thumbnail\"}],\"md5\":"
    "\"d41d8cd98f00b204e9800998ecf8427e\",\"outcome\":\"matched\",\"path\":\"/home/u/a.zip\","
    "\"seq\":2,\"size\":10,\"type\":\"file\"}\n"
    "{\"entry\":\"1\",\"file_seq\":2,\"how\":\"md5\",\"kind\":\"confirmed\",\"list\":\"L\","
    "\"seq\":3,\"type\":\"match\"}\n"
    "{\"seq\":4,\"type\":\"scan_end\"}\n";

Test(case_export, embedded_item_path_has_no_archive_separator) {
    char *out = NULL;
    size_t len;
    cr_assert_eq(vg_ev_case_export(embedded_records, sizeof embedded_records - 1, &out, &len),
                 VG_OK);
    cr_assert(strstr(out, "\"uco-observable:filePath\": \"/home/u/a.zip!/dir/photo.jpg"
                          "#exif-thumbnail\"") != NULL,
              "%s", out);
    cr_assert(strstr(out, "\"uco-observable:fileName\": \"photo.jpg#exif-thumbnail\"") != NULL,
              "%s", out);
    cr_assert(strstr(out, "!/#") == NULL, "no stray archive separator before an embedded item");
    free(out);
}

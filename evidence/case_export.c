/*
 * case_export.c — case.jsonld: the findings of a report as CASE 1.4 / UCO 1.4 JSON-LD, derived
 * only from records.jsonl (so `vigil verify` can re-derive it and compare). Structure after
 * shared/case-minimal-example.jsonld, which passed the CASE 1.4.0 SHACL shapes: the tool
 * (AnalyticTool + ConfiguredTool), the device (ComputerSpecificationFacet), each hash list (File
 * with its SHA-256), each matched file (File with FileFacet and ContentDataFacet hashes,
 * Contained_Within the device), one Annotation per match, the InvestigativeAction and a
 * ProvenanceRecord of the matched files.
 *
 * Rules from the shapes (EVIDENCE.md §1.1): every node, facet and hash has an IRI @id (no blank
 * nodes), ending in a UUID — derived deterministically (UUIDv5 over report id, role and record
 * number) so the same report always exports the same bytes; hashValue typed xsd:hexBinary;
 * hashMethod a plain string; PDQ kept out of uco-types:Hash (stated in the annotation instead);
 * never dataPayload. Only matched files are exported, not the whole inventory.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "report_impl.h"

#define CTX_CORE "https://ontology.unifiedcyberontology.org/uco/"

struct cx {
    uint8_t ns[16]; /* report id: the UUIDv5 namespace */
    char rid[37];
    json_object *graph;
};

/* ---- identifiers ---- */

/* "kb:<role>-<UUIDv5(report id, role/seq)>" */
static json_object *iri(const struct cx *c, const char *role, int64_t seq) {
    char name[96], out[160];
    uint8_t h[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    int k = snprintf(name, sizeof name, "%s/%lld", role, (long long)seq);
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    if (!m || !EVP_DigestInit_ex(m, EVP_sha1(), NULL) || !EVP_DigestUpdate(m, c->ns, 16) ||
        !EVP_DigestUpdate(m, name, (size_t)k) || !EVP_DigestFinal_ex(m, h, &len))
        memset(h, 0, 20);
    EVP_MD_CTX_free(m);
    h[6] = (uint8_t)((h[6] & 0x0f) | 0x50); /* version 5 */
    h[8] = (uint8_t)((h[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    char hex[33];
    vg_ev_hex(h, 16, hex);
    snprintf(out, sizeof out, "kb:%s-%.8s-%.4s-%.4s-%.4s-%.12s", role, hex, hex + 8, hex + 12,
             hex + 16, hex + 20);
    return json_object_new_string(out);
}

static json_object *node(const struct cx *c, const char *role, int64_t seq, const char *type) {
    json_object *o = json_object_new_object();
    json_object_object_add(o, "@id", iri(c, role, seq));
    json_object_object_add(o, "@type", json_object_new_string(type));
    return o;
}

static json_object *ref(const struct cx *c, const char *role, int64_t seq) {
    json_object *o = json_object_new_object();
    json_object_object_add(o, "@id", iri(c, role, seq));
    return o;
}

static json_object *typed(const char *type, const char *value) {
    json_object *o = json_object_new_object();
    json_object_object_add(o, "@type", json_object_new_string(type));
    json_object_object_add(o, "@value", json_object_new_string(value));
    return o;
}

static void put_str(json_object *o, const char *key, const char *v) {
    if (v)
        json_object_object_add(o, key, json_object_new_string(v));
}

static const char *jstr(json_object *o, const char *key) {
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static int64_t jint(json_object *o, const char *key, int64_t dflt) {
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
        return dflt;
    return json_object_get_int64(v);
}

static json_object *jget(json_object *o, const char *key) {
    json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* ---- nodes ---- */

/* A Hash node for one digest of record seq. */
static json_object *hash_node(const struct cx *c, const char *method, const char *hex,
                              int64_t seq) {
    char role[32];
    snprintf(role, sizeof role, "hash-%s", method);
    for (char *p = role; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    json_object *h = node(c, role, seq, "uco-types:Hash");
    put_str(h, "uco-types:hashMethod", method);
    json_object_object_add(h, "uco-types:hashValue", typed("xsd:hexBinary", hex));
    return h;
}

static void add_tool(struct cx *c, json_object *start) {
    json_object *tool = jget(start, "tool"), *cfg = jget(start, "config");
    json_object *t = json_object_new_object();
    json_object_object_add(t, "@id", iri(c, "tool", 1));
    json_object *types = json_object_new_array();
    json_object_array_add(types, json_object_new_string("uco-tool:AnalyticTool"));
    json_object_array_add(types, json_object_new_string("uco-tool:ConfiguredTool"));
    json_object_object_add(t, "@type", types);
    put_str(t, "uco-core:name", "vigil");
    put_str(t, "uco-tool:toolType", "hash-matching scanner");
    put_str(t, "uco-tool:version", jstr(tool, "version"));
    char desc[256];
    snprintf(desc, sizeof desc, "build %s; SHA-256 of the binary %s",
             jstr(tool, "build") ? jstr(tool, "build") : "unknown",
             jstr(tool, "exe_sha256") ? jstr(tool, "exe_sha256") : "unknown");
    put_str(t, "uco-core:description", desc);
    size_t n = cfg ? json_object_array_length(cfg) : 0;
    if (n > 0) {
        json_object *conf = node(c, "configuration", 1, "uco-configuration:Configuration");
        json_object *entries = json_object_new_array();
        for (size_t i = 0; i < n; i++) {
            json_object *e = json_object_array_get_idx(cfg, i);
            json_object *ce = node(c, "configuration-entry", (int64_t)i + 1,
                                   "uco-configuration:ConfigurationEntry");
            put_str(ce, "uco-configuration:itemName", jstr(e, "name"));
            put_str(ce, "uco-configuration:itemValue", jstr(e, "value"));
            json_object_array_add(entries, ce);
        }
        json_object_object_add(conf, "uco-configuration:configurationEntry", entries);
        json_object_object_add(t, "uco-configuration:usesConfiguration", conf);
    }
    json_object_array_add(c->graph, t);
}

static void add_device(struct cx *c, json_object *start) {
    json_object *host = jget(start, "host");
    json_object *d = node(c, "device", 1, "uco-observable:Device");
    char desc[1024];
    snprintf(desc, sizeof desc, "machine-id %s; %s; %s", jstr(host, "machine_id"), jstr(host, "os"),
             jstr(host, "kernel"));
    put_str(d, "uco-core:description", desc);
    json_object *facets = json_object_new_array();
    json_object *cs =
        node(c, "computer-specification-facet", 1, "uco-observable:ComputerSpecificationFacet");
    put_str(cs, "uco-observable:hostname", jstr(host, "hostname"));
    json_object_array_add(facets, cs);
    json_object_object_add(d, "uco-core:hasFacet", facets);
    json_object_array_add(c->graph, d);
}

static void add_lists(struct cx *c, json_object *start) {
    json_object *lists = jget(start, "lists");
    size_t n = lists ? json_object_array_length(lists) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *l = json_object_array_get_idx(lists, i);
        int64_t k = (int64_t)i + 1;
        json_object *f = node(c, "hashlist", k, "uco-observable:File");
        put_str(f, "uco-core:name", jstr(l, "name"));
        char desc[256];
        snprintf(desc, sizeof desc, "Hash list, version %s, %lld entries",
                 jstr(l, "version") ? jstr(l, "version") : "unknown",
                 (long long)jint(l, "entries", -1));
        put_str(f, "uco-core:description", desc);
        json_object *facets = json_object_new_array();
        const char *src = jstr(l, "source");
        if (src) {
            json_object *ff = node(c, "hashlist-file-facet", k, "uco-observable:FileFacet");
            const char *base = strrchr(src, '/');
            put_str(ff, "uco-observable:fileName", base ? base + 1 : src);
            put_str(ff, "uco-observable:filePath", src);
            json_object_array_add(facets, ff);
        }
        json_object *cd =
            node(c, "hashlist-content-data-facet", k, "uco-observable:ContentDataFacet");
        json_object *hs = json_object_new_array();
        json_object_array_add(hs, hash_node(c, "SHA256", jstr(l, "sha256"), -k));
        json_object_object_add(cd, "uco-observable:hash", hs);
        json_object_array_add(facets, cd);
        json_object_object_add(f, "uco-core:hasFacet", facets);
        json_object_array_add(c->graph, f);
    }
}

/* Number of the list named name in scan_start (1-based), 0 if absent. */
static int64_t list_index(json_object *start, const char *name) {
    json_object *lists = jget(start, "lists");
    size_t n = lists ? json_object_array_length(lists) : 0;
    for (size_t i = 0; i < n && name; i++) {
        const char *ln = jstr(json_object_array_get_idx(lists, i), "name");
        if (ln && !strcmp(ln, name))
            return (int64_t)i + 1;
    }
    return 0;
}

/* The full path of a file record ("disk/a.zip!/dir/b.jpg") and its last name ("b.jpg"). An
 * image embedded in its parent is named by a "#" suffix that is appended to the parent without
 * a separator: "photo.jpg#exif-thumbnail", "a.zip!/doc.pdf#jpeg@1234". */
static void file_path(json_object *f, char *out, size_t cap, char *name, size_t name_cap) {
    const char *path = jstr(f, "path");
    json_object *inner = jget(f, "inner");
    size_t k = (size_t)snprintf(out, cap, "%s", path ? path : "");
    size_t base = 0; /* start of the last name in out */
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (slash)
        base = (size_t)(slash - path) + 1;
    for (size_t i = 0; inner && i < json_object_array_length(inner) && k < cap; i++) {
        const char *n = jstr(json_object_array_get_idx(inner, i), "name");
        bool embedded = n && n[0] == '#';
        size_t at = k + (embedded ? 0 : 2);
        k += (size_t)snprintf(out + k, cap - k, "%s%s", embedded ? "" : "!/", n ? n : "");
        slash = n ? strrchr(n, '/') : NULL;
        if (!embedded)
            base = slash ? at + (size_t)(slash - n) + 1 : at;
    }
    snprintf(name, name_cap, "%s", base < cap ? out + base : "");
}

static void add_file(struct cx *c, json_object *f, int64_t seq) {
    json_object *o = node(c, "file", seq, "uco-observable:File");
    json_object *facets = json_object_new_array();
    json_object *ff = node(c, "file-facet", seq, "uco-observable:FileFacet");
    char path[4096], name[4096];
    file_path(f, path, sizeof path, name, sizeof name);
    put_str(ff, "uco-observable:fileName", name);
    put_str(ff, "uco-observable:filePath", path);
    json_object_object_add(ff, "uco-observable:sizeInBytes",
                           json_object_new_int64(jint(f, "size", 0)));
    static const char *const times[][2] = {{"mtime", "uco-observable:modifiedTime"},
                                           {"ctime", "uco-observable:metadataChangeTime"},
                                           {"atime", "uco-observable:accessedTime"}};
    /* the recorded times are the outer file's: not stated for a member of an archive */
    for (size_t i = 0; i < 3 && !jget(f, "inner"); i++)
        if (jstr(f, times[i][0]))
            json_object_object_add(ff, times[i][1], typed("xsd:dateTime", jstr(f, times[i][0])));
    json_object_array_add(facets, ff);
    json_object *cd = node(c, "content-data-facet", seq, "uco-observable:ContentDataFacet");
    json_object_object_add(cd, "uco-observable:sizeInBytes",
                           json_object_new_int64(jint(f, "size", 0)));
    json_object *hs = json_object_new_array();
    static const char *const algs[][2] = {{"md5", "MD5"}, {"sha1", "SHA1"}, {"sha256", "SHA256"}};
    for (size_t i = 0; i < 3; i++)
        if (jstr(f, algs[i][0]))
            json_object_array_add(hs, hash_node(c, algs[i][1], jstr(f, algs[i][0]), seq));
    json_object_object_add(cd, "uco-observable:hash", hs);
    json_object_array_add(facets, cd);
    json_object_object_add(o, "uco-core:hasFacet", facets);
    json_object_array_add(c->graph, o);
    json_object *rel = node(c, "relationship", seq, "uco-observable:ObservableRelationship");
    json_object_object_add(rel, "uco-core:source", ref(c, "file", seq));
    json_object_object_add(rel, "uco-core:target", ref(c, "device", 1));
    put_str(rel, "uco-core:kindOfRelationship", "Contained_Within");
    json_object_object_add(rel, "uco-core:isDirectional", json_object_new_boolean(1));
    json_object_array_add(c->graph, rel);
}

static json_object *annotation(struct cx *c, json_object *start, json_object *m, int64_t seq) {
    const char *how = jstr(m, "how"), *kind = jstr(m, "kind"), *list = jstr(m, "list");
    const char *entry = jstr(m, "entry"), *cat = jstr(m, "category");
    bool pdq = how && !strcmp(how, "pdq");
    char method[16], stmt[512], tag[3][160];
    snprintf(method, sizeof method, "%s", how ? how : "?");
    for (char *p = method; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
    if (pdq)
        snprintf(stmt, sizeof stmt,
                 "PDQ perceptual hash of the file is within distance %lld of entry %s of hash list "
                 "%s (list category: %s). Probable match, for an authorised investigator to "
                 "confirm; content not viewed.",
                 (long long)jint(m, "distance", -1), entry, list, cat ? cat : "none");
    else
        snprintf(stmt, sizeof stmt,
                 "%s of the file equals entry %s of hash list %s (list category: %s). Exact digest "
                 "match; content not viewed.",
                 method, entry, list, cat ? cat : "none");
    json_object *a = node(c, "annotation", seq, "uco-core:Annotation");
    put_str(a, "uco-core:statement", stmt);
    json_object *tags = json_object_new_array();
    snprintf(tag[0], sizeof tag[0], "vigil:match=%s", kind ? kind : "?");
    snprintf(tag[1], sizeof tag[1], "vigil:method=%s", method);
    snprintf(tag[2], sizeof tag[2], "vigil:list-entry=%s", entry ? entry : "?");
    for (int i = 0; i < 3; i++)
        json_object_array_add(tags, json_object_new_string(tag[i]));
    json_object_object_add(a, "uco-core:tag", tags);
    json_object *objs = json_object_new_array();
    json_object_array_add(objs, ref(c, "file", jint(m, "file_seq", 0)));
    json_object_array_add(objs, ref(c, "hashlist", list_index(start, list)));
    json_object_object_add(a, "uco-core:object", objs);
    return a;
}

/* ---- the document ---- */

static json_object *context(const struct cx *c) {
    static const char *const ns[][2] = {
        {"case-investigation", "https://ontology.caseontology.org/case/investigation/"},
        {"uco-action", CTX_CORE "action/"},
        {"uco-configuration", CTX_CORE "configuration/"},
        {"uco-core", CTX_CORE "core/"},
        {"uco-observable", CTX_CORE "observable/"},
        {"uco-tool", CTX_CORE "tool/"},
        {"uco-types", CTX_CORE "types/"},
        {"xsd", "http://www.w3.org/2001/XMLSchema#"}};
    json_object *o = json_object_new_object();
    char kb[96];
    snprintf(kb, sizeof kb, "urn:vigil:report:%s:", c->rid);
    put_str(o, "kb", kb);
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
        put_str(o, ns[i][0], ns[i][1]);
    return o;
}

/* The records the export needs: scan_start (line 1), the last record (scan_end), matches and
 * matched file records, each with its line number; everything else is dropped as it is read, so
 * memory grows with the findings, not with the inventory. */
struct parsed {
    json_object **rec; /* kept records in line order */
    int64_t *line;     /* their line numbers */
    size_t n, cap;
    json_object *last;   /* the last record read */
    int64_t lines;       /* lines read */
    size_t kept, budget; /* bytes of kept lines, and the most that may be kept */
};

static void parsed_free(struct parsed *p) {
    for (size_t i = 0; i < p->n; i++)
        json_object_put(p->rec[i]);
    json_object_put(p->last);
    free(p->rec);
    free(p->line);
}

static bool wanted(json_object *o, int64_t line) {
    const char *t = jstr(o, "type"), *out = jstr(o, "outcome");
    return line == 1 || (t && !strcmp(t, "match")) ||
           (t && !strcmp(t, "file") && out && !strcmp(out, "matched"));
}

/* Parse one record line and keep it if the export needs it. */
static vg_status take_line(struct parsed *p, const char *line, size_t n) {
    json_tokener *tok = json_tokener_new();
    json_object *o = tok && n <= INT_MAX ? json_tokener_parse_ex(tok, line, (int)n) : NULL;
    json_tokener_free(tok);
    if (!o)
        return VG_E_FORMAT;
    p->lines++;
    json_object_put(p->last);
    p->last = json_object_get(o);
    if (!wanted(o, p->lines)) {
        json_object_put(o);
        return VG_OK;
    }
    if ((p->kept += n) > p->budget) {
        json_object_put(o);
        return VG_E_LIMIT;
    }
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 64;
        json_object **g = realloc(p->rec, cap * sizeof(json_object *));
        int64_t *gl = g ? realloc(p->line, cap * sizeof *gl) : NULL;
        if (g)
            p->rec = g;
        if (!gl) {
            json_object_put(o);
            return VG_E_NOMEM;
        }
        p->line = gl;
        p->cap = cap;
    }
    p->rec[p->n] = o;
    p->line[p->n++] = p->lines;
    return VG_OK;
}

static vg_status parse_all(const char *records, size_t len, struct parsed *p) {
    const char *line = records, *end = records + len;
    vg_status st = VG_OK;
    while (st == VG_OK && line < end) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        if (!nl)
            return VG_E_FORMAT;
        st = take_line(p, line, (size_t)(nl - line));
        line = nl + 1;
    }
    return st;
}

/* The kept record at line number line, or NULL. */
static json_object *kept_at(const struct parsed *p, int64_t line, size_t *idx) {
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->line[mid] == line) {
            *idx = mid;
            return p->rec[mid];
        }
        if (p->line[mid] < line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void build(struct cx *c, struct parsed *p) {
    json_object *start = p->rec[0], *end = p->last;
    json_object *results = json_object_new_array(), *files = json_object_new_array();
    add_tool(c, start);
    add_device(c, start);
    add_lists(c, start);
    bool *done = calloc(p->n + 1, sizeof(bool));
    for (size_t i = 0; i < p->n; i++) { /* matched files, in record order */
        const char *t = jstr(p->rec[i], "type");
        int64_t fs = jint(p->rec[i], "file_seq", 0);
        size_t k = 0;
        json_object *f = t && !strcmp(t, "match") ? kept_at(p, fs, &k) : NULL;
        const char *ft = f ? jstr(f, "type") : NULL;
        if (!ft || strcmp(ft, "file") != 0 || !done || done[k])
            continue;
        done[k] = true;
        add_file(c, f, fs);
        json_object_array_add(files, ref(c, "file", fs));
    }
    free(done);
    bool any = json_object_array_length(files) > 0;
    if (any)
        json_object_array_add(results, ref(c, "provenance-record", 1));
    json_object *notes = json_object_new_array();
    for (size_t i = 0; i < p->n; i++) {
        const char *t = jstr(p->rec[i], "type");
        if (t && !strcmp(t, "match")) {
            json_object_array_add(notes, annotation(c, start, p->rec[i], p->line[i]));
            json_object_array_add(results, ref(c, "annotation", p->line[i]));
        }
    }
    json_object *act = node(c, "investigative-action", 1, "case-investigation:InvestigativeAction");
    put_str(act, "uco-core:name", "hash-scan");
    put_str(act, "uco-core:description",
            "Scan of the device against the hash lists; no file content was displayed.");
    if (jstr(start, "start"))
        json_object_object_add(act, "uco-action:startTime",
                               typed("xsd:dateTime", jstr(start, "start")));
    if (jstr(end, "end"))
        json_object_object_add(act, "uco-action:endTime", typed("xsd:dateTime", jstr(end, "end")));
    json_object_object_add(act, "uco-action:instrument", ref(c, "tool", 1));
    json_object_object_add(act, "uco-action:environment", ref(c, "device", 1));
    json_object *objs = json_object_new_array();
    json_object_array_add(objs, ref(c, "device", 1));
    json_object *lists = jget(start, "lists");
    for (size_t i = 0; lists && i < json_object_array_length(lists); i++)
        json_object_array_add(objs, ref(c, "hashlist", (int64_t)i + 1));
    json_object_object_add(act, "uco-action:object", objs);
    json_object_object_add(act, "uco-action:result", results);
    json_object_array_add(c->graph, act);
    if (any) {
        json_object *pr = node(c, "provenance-record", 1, "case-investigation:ProvenanceRecord");
        put_str(pr, "uco-core:description", "Files whose digests matched the hash lists");
        put_str(pr, "case-investigation:exhibitNumber", jstr(jget(start, "case"), "exhibit"));
        json_object_object_add(pr, "uco-core:object", files);
        json_object_array_add(c->graph, pr);
    } else {
        json_object_put(files);
    }
    for (size_t i = 0; i < json_object_array_length(notes); i++)
        json_object_array_add(c->graph, json_object_get(json_object_array_get_idx(notes, i)));
    json_object_put(notes);
}

/* Render the document from the records kept in p. */
static vg_status render(struct parsed *p, vg_ev_buf *out) {
    struct cx c = {0};
    const char *rid = p->n && p->line[0] == 1 ? jstr(p->rec[0], "report_id") : NULL;
    if (p->lines < 2 || !rid || !vg_ev_uuid_parse(rid, c.ns))
        return VG_E_FORMAT;
    snprintf(c.rid, sizeof c.rid, "%s", rid);
    json_object *doc = json_object_new_object();
    json_object_object_add(doc, "@context", context(&c));
    c.graph = json_object_new_array();
    json_object_object_add(doc, "@graph", c.graph);
    build(&c, p);
    const char *s = json_object_to_json_string_ext(
        doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
    vg_status st = s ? vg_ev_buf_str(out, s) : VG_E_NOMEM;
    if (st == VG_OK)
        st = vg_ev_buf_add(out, "\n", 1);
    json_object_put(doc);
    return st;
}

vg_status vg_ev_case_render(const char *records, size_t n, vg_ev_buf *out) {
    struct parsed p = {.budget = VG_EV_CASE_MAX_KEPT};
    vg_status st = parse_all(records, n, &p);
    if (st == VG_OK)
        st = render(&p, out);
    parsed_free(&p);
    return st;
}

vg_status vg_ev_case_render_file(int dirfd, const char *name, size_t budget, vg_ev_buf *out) {
    struct parsed p = {.budget = budget};
    vg_ev_lines in;
    const char *line;
    size_t n;
    bool lf = true;
    vg_status st = vg_ev_lines_open(&in, dirfd, name, VG_EV_MAX_LINE);
    while (st == VG_OK && (st = vg_ev_lines_next(&in, &line, &n, &lf)) == VG_OK)
        st = lf ? take_line(&p, line, n) : VG_E_FORMAT;
    vg_ev_lines_close(&in);
    if (st == VG_E_NOTFOUND && p.lines > 0)
        st = render(&p, out);
    parsed_free(&p);
    return st;
}

vg_status vg_ev_case_export(const char *records, size_t n, char **out, size_t *len) {
    vg_ev_buf b = {0};
    vg_status st = vg_ev_case_render(records, n, &b);
    if (st != VG_OK) {
        vg_ev_buf_free(&b);
        return st;
    }
    *out = b.p;
    *len = b.n;
    return VG_OK;
}

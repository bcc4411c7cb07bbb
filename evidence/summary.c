/*
 * summary.c — sealing a report: summary.txt (for people), case.jsonld (optional),
 * summary.json (pins counts, chain head, Merkle root and the SHA-256 of every other file),
 * summary.tsq (optional RFC 3161 request over summary.json), then report.sig (minisign "ED" over
 * summary.json with a trusted comment binding the report id, the summary's SHA-256 and the
 * request's SHA-256 — so every byte of every file is covered by the signature).
 * Each is written to a temporary name, fsynced and renamed (ev_util.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"

/* ---- summary.txt ---- */

/* Append s for a person: printable ASCII/UTF-8 as is, control bytes and invalid UTF-8 as \xHH. */
static vg_status put_safe(vg_ev_buf *b, const char *s) {
    vg_status st = VG_OK;
    size_t n = strlen(s);
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n && st == VG_OK;) {
        size_t k = vg_ev_utf8_seq(p + i, n - i);
        if (k == 0 || (k == 1 && (p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\'))) {
            st = vg_ev_buf_printf(b, "\\x%02x", p[i]);
            i++;
        } else {
            st = vg_ev_buf_add(b, p + i, k);
            i += k;
        }
    }
    return st;
}

static vg_status summary_txt(vg_ev_report *r, vg_ev_buf *t) {
    const vg_ev_counts *c = &r->counts;
    char key[17];
    vg_ev_pubkey pub;
    vg_ev_signer_pubkey(r->signer, &pub);
    vg_ev_keyid_text(pub.key_id, key);
    vg_ev_buf_str(t, "vigil evidence report\n=====================\n\nReport id:  ");
    vg_ev_buf_str(t, r->id_text);
    vg_ev_buf_str(t, "\nHost:       ");
    put_safe(t, r->host.hostname);
    vg_ev_buf_str(t, " (machine-id ");
    put_safe(t, r->host.machine_id);
    vg_ev_buf_str(t, ")\nScanned:   ");
    for (size_t i = 0; i < r->n_roots; i++) {
        vg_ev_buf_str(t, i ? ", " : " ");
        put_safe(t, r->roots[i]);
    }
    if (r->case_ref || r->exhibit) {
        vg_ev_buf_str(t, "\nCase:       ");
        put_safe(t, r->case_ref ? r->case_ref : "-");
        vg_ev_buf_str(t, ", exhibit ");
        put_safe(t, r->exhibit ? r->exhibit : "-");
    }
    vg_ev_buf_printf(t,
                     "\nScan (UTC): %s to %s, %lld s%s\nClock:      %s\nTool:       vigil %s "
                     "(build %s)\nLists:\n",
                     r->start, r->end, (long long)(r->duration_ms / 1000),
                     r->interrupted ? ", INTERRUPTED" : "", r->host.clock_status, r->tool_version,
                     r->tool_build);
    for (size_t i = 0; i < r->n_lists; i++) {
        char h[65];
        vg_ev_hex(r->lists[i].sha256, 32, h);
        vg_ev_buf_str(t, "  - ");
        put_safe(t, r->lists[i].name);
        vg_ev_buf_printf(t, " %s (sha256 %s)\n", r->lists[i].version ? r->lists[i].version : "", h);
    }
    vg_ev_buf_printf(
        t,
        "\nFiles examined:            %lld\n"
        "  by outcome:              %lld clean, %lld matched, %lld skipped, %lld error, "
        "%lld limit\n"
        "Matched files:             %lld\n"
        "  confirmed matches:       %lld (exact digest)\n"
        "  probable matches:        %lld (perceptual; for an authorised investigator "
        "to confirm)\nErrors:                    %lld\nLimits hit:                %lld\n"
        "Preserved (encrypted):     %lld\nNot preserved:             %lld\n",
        (long long)c->examined, (long long)c->outcomes[VG_EV_OUT_CLEAN],
        (long long)c->outcomes[VG_EV_OUT_MATCHED], (long long)c->outcomes[VG_EV_OUT_SKIPPED],
        (long long)c->outcomes[VG_EV_OUT_ERROR], (long long)c->outcomes[VG_EV_OUT_LIMIT],
        (long long)c->matched_files, (long long)c->matches_confirmed,
        (long long)c->matches_probable, (long long)c->errors, (long long)c->limits,
        (long long)c->preserved, (long long)c->not_preserved);
    if (r->matched.n) {
        vg_ev_buf_str(t, "\nMatched files by record number in records.jsonl:\n");
        for (char *line = r->matched.p; line && *line;) {
            char *nl = strchr(line, '\n'), *tab = strchr(line, '\t');
            *tab = *nl = '\0';
            vg_ev_buf_printf(t, "  record %s", line);
            if (r->opts.summary_names) {
                vg_ev_buf_str(t, ": ");
                put_safe(t, tab + 1);
            }
            vg_ev_buf_str(t, "\n");
            *tab = '\t';
            *nl = '\n';
            line = nl + 1;
        }
    }
    if (c->preserved)
        vg_ev_buf_str(t,
                      "\nThe files in preserved/ are encrypted to the investigator's certificate:\n"
                      "nobody else can open them. The investigator decrypts one with\n"
                      "  openssl cms -decrypt -binary -inform DER -in preserved/000001.cms \\\n"
                      "      -inkey INVESTIGATOR.key -recip INVESTIGATOR.crt -out 000001.bin\n"
                      "and compares its SHA-256 with plain_sha256 of its record in records.jsonl\n"
                      "(or checks them all: vigil verify ... --decrypt-key INVESTIGATOR.key).\n");
    return vg_ev_buf_printf(
        t,
        "\nNo image content, thumbnail or EXIF value appears in this report. Do not open the\n"
        "matched files: hand this folder to the police unchanged.\n\n"
        "To check that nothing in this folder has changed since it was sealed:\n"
        "  vigil verify THIS-FOLDER --pubkey KEY.pub     (key id %s)\n"
        "or with standard tools:\n"
        "  minisign -V -x report.sig -m summary.json -p KEY.pub\n"
        "  then compare the SHA-256 of each file listed in summary.json (sha256sum).\n"
        "Use the public key registered for this device, not one found in the folder.\n",
        key);
}

/* ---- summary.json ---- */

static int cmp_pinned(const void *a, const void *b) {
    return strcmp(((const vg_ev_pinned *)a)->name, ((const vg_ev_pinned *)b)->name);
}

static vg_status summary_json(vg_ev_report *r, vg_ev_json *j, const uint8_t rec_sha[32],
                              uint64_t rec_size) {
    uint8_t root[32];
    vg_ev_pubkey pub;
    char key[17];
    vg_status st = vg_ev_merkle_root(&r->merkle, root);
    if (st != VG_OK)
        return st;
    vg_ev_signer_pubkey(r->signer, &pub);
    vg_ev_keyid_text(pub.key_id, key);
    vg_ev_json_reset(j);
    vg_ev_json_obj(j, NULL);
    vg_ev_emit_facts(r, j);
    vg_ev_json_str(j, "end", r->end);
    vg_ev_json_int(j, "duration_ms", r->duration_ms);
    vg_ev_json_bool(j, "interrupted", r->interrupted);
    vg_ev_counts_emit(j, &r->counts);
    vg_ev_json_obj(j, "chain");
    vg_ev_json_hex(j, "genesis", r->genesis, 32);
    vg_ev_json_hex(j, "head", r->prev, 32);
    vg_ev_json_hex(j, "merkle_root", root, 32);
    vg_ev_json_int(j, "records", (int64_t)r->seq);
    vg_ev_json_end(j);
    if ((st = vg_ev_report_pin(r, "records.jsonl", rec_sha, rec_size)) != VG_OK)
        return st;
    qsort(r->pinned, r->n_pinned, sizeof *r->pinned, cmp_pinned);
    vg_ev_json_arr(j, "files");
    for (size_t i = 0; i < r->n_pinned; i++) {
        vg_ev_json_obj(j, NULL);
        vg_ev_json_str(j, "name", r->pinned[i].name);
        vg_ev_json_hex(j, "sha256", r->pinned[i].sha256, 32);
        vg_ev_json_int(j, "size", (int64_t)r->pinned[i].size);
        vg_ev_json_end(j);
    }
    vg_ev_json_end(j);
    vg_ev_json_obj(j, "signing_key");
    vg_ev_json_str(j, "alg", "Ed25519");
    vg_ev_json_str(j, "key_id", key);
    vg_ev_json_hex(j, "public_key", pub.pk, 32);
    vg_ev_json_end(j);
    return vg_ev_json_end(j);
}

/* Write name from buffer b and pin it. */
static vg_status write_pinned(vg_ev_report *r, const char *name, const vg_ev_buf *b) {
    uint8_t h[32];
    vg_status st = vg_ev_write_atomic(r->dirfd, name, b->p, b->n);
    if (st != VG_OK)
        return vg_ev_report_fail(r, st, "cannot write %s", name);
    if ((st = vg_ev_sha256(b->p, b->n, NULL, 0, NULL, 0, h)) == VG_OK)
        st = vg_ev_report_pin(r, name, h, b->n);
    return st;
}

/* case.jsonld, derived from records.jsonl as written. When the findings are too many for the
 * export's memory budget it is left out (the report is still sealed; records.jsonl holds every
 * match) rather than losing the seal. */
static vg_status write_case(vg_ev_report *r) {
    vg_ev_buf out = {0};
    vg_status st = vg_ev_case_render_file(r->dirfd, "records.jsonl", VG_EV_CASE_MAX_KEPT, &out);
    if (st == VG_OK)
        st = write_pinned(r, "case.jsonld", &out);
    vg_ev_buf_free(&out);
    if (st == VG_E_LIMIT)
        return VG_OK;
    return st == VG_OK ? VG_OK : vg_ev_report_fail(r, st, "cannot write case.jsonld");
}

/* The trusted comment pins the summary and, when written, the time-stamp request. */
static vg_status write_sig(vg_ev_report *r, const vg_ev_buf *summary, const vg_ev_buf *tsq) {
    uint8_t h[32], th[32];
    char hex[65], thex[80] = "", when[31], key[17], trusted[512], untrusted[96], *sig = NULL;
    size_t siglen = 0;
    vg_ev_pubkey pub;
    vg_status st = vg_ev_sha256(summary->p, summary->n, NULL, 0, NULL, 0, h);
    if (st != VG_OK)
        return st;
    vg_ev_hex(h, 32, hex);
    if (tsq->n) {
        if ((st = vg_ev_sha256(tsq->p, tsq->n, NULL, 0, NULL, 0, th)) != VG_OK)
            return st;
        char th_hex[65];
        vg_ev_hex(th, 32, th_hex);
        snprintf(thex, sizeof thex, " tsq_sha256=%s", th_hex);
    }
    vg_ev_time_now(when, NULL);
    vg_ev_signer_pubkey(r->signer, &pub);
    vg_ev_keyid_text(pub.key_id, key);
    snprintf(trusted, sizeof trusted, "%s report_id=%s summary_sha256=%s%s signed=%s", VG_EV_FORMAT,
             r->id_text, hex, thex, when);
    snprintf(untrusted, sizeof untrusted, "vigil report signature, key %s", key);
    st = vg_ev_minisign_sign(r->signer, summary->p, summary->n, untrusted, trusted, &sig, &siglen);
    if (st == VG_OK)
        st = vg_ev_write_atomic(r->dirfd, "report.sig", sig, siglen);
    free(sig);
    return st;
}

vg_status vg_ev_report_write_seal(vg_ev_report *r) {
    vg_ev_buf txt = {0}, sum = {0};
    uint8_t rec_sha[32];
    uint64_t rec_size = 0;
    const char *line;
    size_t n;
    vg_status st = summary_txt(r, &txt);
    if (st == VG_OK)
        st = write_pinned(r, "summary.txt", &txt);
    if (st == VG_OK && r->opts.write_case)
        st = write_case(r);
    if (st == VG_OK)
        st = vg_ev_sha256_file(r->dirfd, "records.jsonl", rec_sha, &rec_size);
    if (st == VG_OK)
        st = summary_json(r, r->j, rec_sha, rec_size);
    if (st == VG_OK)
        st = vg_ev_json_finish(r->j, &line, &n);
    if (st == VG_OK && (st = vg_ev_buf_add(&sum, line, n)) == VG_OK)
        st = vg_ev_buf_add(&sum, "\n", 1);
    if (st == VG_OK && (st = vg_ev_write_atomic(r->dirfd, "summary.json", sum.p, sum.n)) != VG_OK)
        vg_ev_report_fail(r, st, "cannot write summary.json");
    vg_ev_buf der = {0};
    if (st == VG_OK && r->opts.write_tsq) {
        st = vg_ev_tsq_make(sum.p, sum.n, &der);
        if (st == VG_OK)
            st = vg_ev_write_atomic(r->dirfd, "summary.tsq", der.p, der.n);
        if (st != VG_OK)
            vg_ev_report_fail(r, st, "cannot write summary.tsq");
    }
    if (st == VG_OK && (st = write_sig(r, &sum, &der)) != VG_OK)
        vg_ev_report_fail(r, st, "cannot write report.sig");
    vg_ev_buf_free(&der);
    if (st != VG_OK && !r->errmsg[0])
        vg_ev_report_fail(r, st, "sealing failed: %s", vg_status_str(st));
    vg_ev_buf_free(&txt);
    vg_ev_buf_free(&sum);
    return st;
}

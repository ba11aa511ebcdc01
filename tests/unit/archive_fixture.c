/* archive_fixture.c - archives written at test time (archive_fixture.h). */
#include "archive_fixture.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const struct {
    const char *kind;
    int (*format)(struct archive *);
    int (*filter)(struct archive *);
} kinds[] = {
    {"zip", archive_write_set_format_zip, NULL},
    {"zip-store", archive_write_set_format_zip, NULL},
    {"zip-encrypted", archive_write_set_format_zip, NULL},
    {"tar", archive_write_set_format_pax_restricted, NULL},
    {"tar.gz", archive_write_set_format_pax_restricted, archive_write_add_filter_gzip},
    {"tar.xz", archive_write_set_format_pax_restricted, archive_write_add_filter_xz},
    {"gz", archive_write_set_format_raw, archive_write_add_filter_gzip},
    {"bz2", archive_write_set_format_raw, archive_write_add_filter_bzip2},
    {"xz", archive_write_set_format_raw, archive_write_add_filter_xz},
    {"zst", archive_write_set_format_raw, archive_write_add_filter_zstd},
};

#define REPEAT_CHUNK (64 * 1024)

/* Writes one member's data: once, or repeated up to m->size bytes (in
 * chunks of whole repetitions, so that a short text makes a big member fast). */
static int write_data(struct archive *ar, const ta_member_t *m)
{
    if (!m->size)
        return m->len && archive_write_data(ar, m->data, m->len) < 0 ? -1 : 0;
    if (!m->len)
        return -1;
    static char chunk[REPEAT_CHUNK];
    size_t per = m->len < REPEAT_CHUNK ? REPEAT_CHUNK / m->len * m->len : m->len;
    const char *unit = m->data;
    if (m->len < REPEAT_CHUNK) {
        for (size_t off = 0; off < per; off += m->len)
            memcpy(chunk + off, m->data, m->len);
        unit = chunk;
    }
    for (uint64_t done = 0; done < m->size;) {
        size_t n = m->size - done < per ? (size_t)(m->size - done) : per;
        if (archive_write_data(ar, unit, n) < 0)
            return -1;
        done += n;
    }
    return 0;
}

int ta_write(const char *path, const char *kind, const ta_member_t *members, size_t n,
             char *why, size_t cap)
{
    size_t k = 0;
    while (k < sizeof kinds / sizeof kinds[0] && strcmp(kinds[k].kind, kind) != 0)
        k++;
    if (k == sizeof kinds / sizeof kinds[0]) {
        snprintf(why, cap, "unknown archive kind '%s'", kind);
        return -1;
    }
    struct archive *ar = archive_write_new();
    struct archive_entry *entry = archive_entry_new();
    int rc = ar && entry ? 0 : -1;
    if (rc == 0 && (kinds[k].format(ar) != ARCHIVE_OK ||
                    (kinds[k].filter && kinds[k].filter(ar) != ARCHIVE_OK)))
        rc = -1;
    if (rc == 0 && strcmp(kind, "zip-store") == 0 &&
        archive_write_set_format_option(ar, "zip", "compression", "store") != ARCHIVE_OK)
        rc = -1;
    if (rc == 0 && strcmp(kind, "zip-encrypted") == 0 &&
        (archive_write_set_format_option(ar, "zip", "encryption", "zipcrypt") != ARCHIVE_OK ||
         archive_write_set_passphrase(ar, "secret") != ARCHIVE_OK))
        rc = -1;
    if (rc == 0 && archive_write_open_filename(ar, path) != ARCHIVE_OK)
        rc = -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const ta_member_t *m = &members[i];
        archive_entry_clear(entry);
        archive_entry_set_pathname(entry, m->name);
        archive_entry_set_filetype(entry, m->directory ? AE_IFDIR : AE_IFREG);
        archive_entry_set_perm(entry, m->directory ? 0755 : 0644);
        archive_entry_set_mtime(entry, 1793534400, 0); /* 2026-11-01: stable output */
        if (!m->directory)
            archive_entry_set_size(entry, (la_int64_t)(m->size ? m->size : m->len));
        if (m->sparse) {
            la_int64_t half = (la_int64_t)m->len / 2;
            archive_entry_set_size(entry, (la_int64_t)m->len + TA_HOLE);
            archive_entry_sparse_add_entry(entry, 0, half);
            archive_entry_sparse_add_entry(entry, half + TA_HOLE, (la_int64_t)m->len - half);
        }
        if (archive_write_header(ar, entry) != ARCHIVE_OK ||
            (!m->directory && write_data(ar, m) != 0))
            rc = -1;
    }
    if (rc == 0 && archive_write_close(ar) != ARCHIVE_OK)
        rc = -1;
    if (rc != 0)
        snprintf(why, cap, "%s: %s", path,
                 ar && archive_error_string(ar) ? archive_error_string(ar) : "out of memory");
    archive_entry_free(entry);
    if (ar)
        archive_write_free(ar);
    return rc;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny streaming JSON writer for kn-ctl's -j output.
 *
 * The writer tracks nesting and commas so the commands only say what they
 * print.  Output is compact, one document per line, for jq and scripts.
 * A key must precede every value inside an object (kn_json_key(), or the
 * kn_json_kv_*() shorthands); values inside arrays take no key.
 */
#ifndef KN_CTL_JSON_H
#define KN_CTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define KN_JSON_MAX_DEPTH	16

struct kn_json {
	FILE *out;
	unsigned int depth;
	/* Per nesting level: has a member been written, so a comma is due? */
	bool has_members[KN_JSON_MAX_DEPTH];
	/* A key was just written: the next value follows its colon. */
	bool after_key;
};

void kn_json_init(struct kn_json *json, FILE *out);
/* Ends the document with a newline. */
void kn_json_finish(struct kn_json *json);

void kn_json_object_start(struct kn_json *json);
void kn_json_object_end(struct kn_json *json);
void kn_json_array_start(struct kn_json *json);
void kn_json_array_end(struct kn_json *json);

void kn_json_key(struct kn_json *json, const char *key);
void kn_json_string(struct kn_json *json, const char *value);
void kn_json_uint(struct kn_json *json, uint64_t value);
void kn_json_int(struct kn_json *json, int64_t value);
void kn_json_bool(struct kn_json *json, bool value);
void kn_json_null(struct kn_json *json);

void kn_json_kv_string(struct kn_json *json, const char *key, const char *value);
void kn_json_kv_uint(struct kn_json *json, const char *key, uint64_t value);

#endif /* KN_CTL_JSON_H */

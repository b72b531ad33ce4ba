// SPDX-License-Identifier: GPL-2.0
/*
 * A tiny streaming JSON writer; see json.h.
 */

#include <assert.h>
#include <inttypes.h>

#include "json.h"

void kn_json_init(struct kn_json *json, FILE *out)
{
	*json = (struct kn_json){ .out = out };
}

void kn_json_finish(struct kn_json *json)
{
	assert(json->depth == 0);
	fputc('\n', json->out);
}

/* Everything a value needs before it: a comma after a sibling. */
static void begin_value(struct kn_json *json)
{
	if (json->after_key) {
		json->after_key = false;
		return;
	}
	if (json->has_members[json->depth])
		fputc(',', json->out);
	json->has_members[json->depth] = true;
}

static void write_escaped(FILE *out, const char *s)
{
	const unsigned char *p;

	fputc('"', out);
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\b':
			fputs("\\b", out);
			break;
		case '\f':
			fputs("\\f", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			/*
			 * Other control characters must be escaped; bytes from
			 * 0x80 up pass through, as the kernel's strings are
			 * UTF-8 or plain ASCII.
			 */
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

static void open_container(struct kn_json *json, char bracket)
{
	begin_value(json);
	fputc(bracket, json->out);
	assert(json->depth + 1 < KN_JSON_MAX_DEPTH);
	json->depth++;
	json->has_members[json->depth] = false;
}

static void close_container(struct kn_json *json, char bracket)
{
	assert(json->depth > 0 && !json->after_key);
	json->depth--;
	fputc(bracket, json->out);
}

void kn_json_object_start(struct kn_json *json)
{
	open_container(json, '{');
}

void kn_json_object_end(struct kn_json *json)
{
	close_container(json, '}');
}

void kn_json_array_start(struct kn_json *json)
{
	open_container(json, '[');
}

void kn_json_array_end(struct kn_json *json)
{
	close_container(json, ']');
}

void kn_json_key(struct kn_json *json, const char *key)
{
	assert(!json->after_key);
	begin_value(json);
	write_escaped(json->out, key);
	fputc(':', json->out);
	json->after_key = true;
}

void kn_json_string(struct kn_json *json, const char *value)
{
	begin_value(json);
	write_escaped(json->out, value);
}

void kn_json_uint(struct kn_json *json, uint64_t value)
{
	begin_value(json);
	fprintf(json->out, "%" PRIu64, value);
}

void kn_json_int(struct kn_json *json, int64_t value)
{
	begin_value(json);
	fprintf(json->out, "%" PRId64, value);
}

void kn_json_bool(struct kn_json *json, bool value)
{
	begin_value(json);
	fputs(value ? "true" : "false", json->out);
}

void kn_json_null(struct kn_json *json)
{
	begin_value(json);
	fputs("null", json->out);
}

void kn_json_kv_string(struct kn_json *json, const char *key, const char *value)
{
	kn_json_key(json, key);
	kn_json_string(json, value);
}

void kn_json_kv_uint(struct kn_json *json, const char *key, uint64_t value)
{
	kn_json_key(json, key);
	kn_json_uint(json, value);
}

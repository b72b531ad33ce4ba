// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the JSON writer: every case writes a document into memory
 * and compares it with the exact text expected.  Run from parse_test's main().
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "harness.h"

typedef void (*json_writer)(struct kn_json *json);

static void empty_object(struct kn_json *json)
{
	kn_json_object_start(json);
	kn_json_object_end(json);
}

static void empty_array(struct kn_json *json)
{
	kn_json_array_start(json);
	kn_json_array_end(json);
}

static void flat_object(struct kn_json *json)
{
	kn_json_object_start(json);
	kn_json_kv_string(json, "version", "0.1.0");
	kn_json_kv_uint(json, "links", 2);
	kn_json_object_end(json);
}

static void nested_containers(struct kn_json *json)
{
	kn_json_object_start(json);
	kn_json_key(json, "range");
	kn_json_object_start(json);
	kn_json_kv_uint(json, "min", 30000);
	kn_json_kv_uint(json, "max", 32767);
	kn_json_object_end(json);
	kn_json_key(json, "list");
	kn_json_array_start(json);
	kn_json_uint(json, 1);
	kn_json_array_start(json);
	kn_json_array_end(json);
	kn_json_object_start(json);
	kn_json_object_end(json);
	kn_json_string(json, "x");
	kn_json_array_end(json);
	kn_json_kv_uint(json, "after", 3);
	kn_json_object_end(json);
}

static void scalars(struct kn_json *json)
{
	kn_json_array_start(json);
	kn_json_bool(json, true);
	kn_json_bool(json, false);
	kn_json_null(json);
	kn_json_int(json, -42);
	kn_json_uint(json, UINT64_MAX);
	kn_json_array_end(json);
}

static void escapes(struct kn_json *json)
{
	kn_json_array_start(json);
	kn_json_string(json, "quote\" backslash\\ slash/");
	kn_json_string(json, "\b\f\n\r\t");
	kn_json_string(json, "\x01\x1f\x7f");
	kn_json_string(json, "caf\xc3\xa9");
	kn_json_string(json, "");
	kn_json_array_end(json);
}

static void escaped_key(struct kn_json *json)
{
	kn_json_object_start(json);
	kn_json_kv_string(json, "a\"b", "c");
	kn_json_object_end(json);
}

static const struct {
	const char *name;
	json_writer write;
	const char *expected;
} json_cases[] = {
	{ "empty object", empty_object, "{}\n" },
	{ "empty array", empty_array, "[]\n" },
	{ "members are separated by commas", flat_object,
	  "{\"version\":\"0.1.0\",\"links\":2}\n" },
	{ "commas are tracked per nesting level", nested_containers,
	  "{\"range\":{\"min\":30000,\"max\":32767},\"list\":[1,[],{},\"x\"],\"after\":3}\n" },
	{ "booleans, null, signed and 64-bit numbers", scalars,
	  "[true,false,null,-42,18446744073709551615]\n" },
	{ "strings escape quotes, backslashes and control characters", escapes,
	  "[\"quote\\\" backslash\\\\ slash/\",\"\\b\\f\\n\\r\\t\","
	  "\"\\u0001\\u001f\x7f\",\"caf\xc3\xa9\",\"\"]\n" },
	{ "keys are escaped like strings", escaped_key, "{\"a\\\"b\":\"c\"}\n" },
};

void json_tests(void)
{
	size_t i;

	for (i = 0; i < sizeof(json_cases) / sizeof(json_cases[0]); i++) {
		struct kn_json json;
		char *text = NULL;
		size_t len = 0;
		FILE *out;
		bool ok;

		out = open_memstream(&text, &len);
		if (!out) {
			test_case(false, "json: %s (open_memstream failed)", json_cases[i].name);
			continue;
		}
		kn_json_init(&json, out);
		json_cases[i].write(&json);
		kn_json_finish(&json);
		fclose(out);

		ok = !strcmp(text, json_cases[i].expected);
		test_case(ok, "json: %s", json_cases[i].name);
		if (!ok)
			printf("     got:      %s     expected: %s", text, json_cases[i].expected);
		free(text);
	}
}

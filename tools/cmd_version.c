// SPDX-License-Identifier: GPL-2.0
/*
 * kn-ctl version: kn-ctl's own version and the loaded module's.
 *
 * Unlike every other command, a missing module is an answer here, not a
 * failure: "which versions are installed" is exactly what someone checks
 * before loading it.  So "not loaded" goes to stdout and exits 0.
 */

#include <errno.h>
#include <stdio.h>

#include "uapi/kn.h"
#include "json.h"
#include "kn-ctl.h"

/* Returns 0 with status filled, -ENOENT when the module is not loaded. */
static int fetch_module_status(struct kn_genl *genl, struct kn_status *status)
{
	int err;

	err = kn_genl_open(genl, KN_GENL_NAME, KN_GENL_VERSION);
	if (err)
		return err;
	err = kn_status_fetch(genl, status);
	kn_genl_close(genl);
	return err;
}

static int version_run(const struct kn_invocation *inv)
{
	struct kn_status status;
	struct kn_genl genl;
	int err;

	/* kn-ctl's own version is worth printing even if the rest fails. */
	if (!inv->json)
		printf(KN_CTL_NAME " %s\n", KN_CTL_VERSION);

	err = fetch_module_status(&genl, &status);
	if (err && err != -ENOENT)
		return kn_ctl_report_error(&genl, err);

	if (inv->json) {
		struct kn_json json;

		kn_json_init(&json, stdout);
		kn_json_object_start(&json);
		kn_json_kv_string(&json, "kn_ctl", KN_CTL_VERSION);
		kn_json_key(&json, "module");
		if (err)
			kn_json_null(&json);
		else
			kn_json_string(&json, status.version);
		kn_json_object_end(&json);
		kn_json_finish(&json);
	} else if (err) {
		printf("kn module not loaded (load it with: modprobe kn)\n");
	} else {
		printf("kn module %s\n", status.version);
	}
	return KN_EXIT_OK;
}

static const struct kn_command version_commands[] = {
	{
		.description = "Show the versions of kn-ctl and of the loaded kn module",
		.run = version_run,
	},
};

const struct kn_object kn_object_version = {
	.name = "version",
	.description = "the versions of kn-ctl and of the kn module",
	.commands = version_commands,
	.n_commands = ARRAY_SIZE(version_commands),
};

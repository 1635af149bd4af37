/* Modules in dependency order, or the sentence that says why there is none. */
#include "platform/app/module_order.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/alloc.h"

/* The index of the module called name, or count when none is. */
static size_t find(const struct erp_module *const *modules, size_t count, const char *name)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (strcmp(modules[i]->name, name) == 0)
			break;
	return i;
}

static int check_names(const struct erp_module *const *modules, size_t count, char *err,
		       size_t err_size)
{
	for (size_t i = 0; i < count; i++) {
		const struct erp_module *m = modules[i];

		if (!m->name || !*m->name) {
			snprintf(err, err_size, "module #%zu has no name", i + 1);
			return -1;
		}
		if (find(modules, count, m->name) != i) {
			snprintf(err, err_size, "two modules are called \"%s\"", m->name);
			return -1;
		}
	}
	for (size_t i = 0; i < count; i++) {
		const struct erp_module *m = modules[i];

		for (size_t d = 0; d < m->depends_on_count; d++) {
			const char *need = m->depends_on[d];

			if (need && strcmp(need, m->name) == 0) {
				snprintf(err, err_size, "module %s depends on itself", m->name);
				return -1;
			}
			if (!need || find(modules, count, need) == count) {
				snprintf(err, err_size,
					 "module %s depends on \"%s\", which no module of this build is",
					 m->name, need ? need : "(null)");
				return -1;
			}
		}
	}
	return 0;
}

static bool ready(const struct erp_module *m, const struct erp_module *const *modules,
		  size_t count, const bool *placed)
{
	for (size_t d = 0; d < m->depends_on_count; d++)
		if (!placed[find(modules, count, m->depends_on[d])])
			return false;
	return true;
}

/* The first dependency of module at that has not started (one exists while it waits). */
static size_t waiting_on(const struct erp_module *const *modules, size_t count,
			 const bool *placed, size_t at)
{
	const struct erp_module *m = modules[at];

	for (size_t d = 0; d < m->depends_on_count; d++) {
		size_t next = find(modules, count, m->depends_on[d]);

		if (!placed[next])
			return next;
	}
	return at;
}

/*
 * Every module left waits for another one left, so following what each
 * waits on comes back round: count steps from any of them end in the
 * cycle, which is then named from there until it closes.
 */
static void describe_cycle(const struct erp_module *const *modules, size_t count,
			   const bool *placed, char *err, size_t err_size)
{
	size_t at = 0, start, used;

	while (placed[at])
		at++;
	for (size_t steps = 0; steps < count; steps++)
		at = waiting_on(modules, count, placed, at);
	start = at;
	used = (size_t)snprintf(err, err_size, "the modules depend on each other in a cycle: %s",
				modules[at]->name);
	for (size_t hops = 0; hops < count && used < err_size; hops++) {
		at = waiting_on(modules, count, placed, at);
		used += (size_t)snprintf(err + used, err_size - used, " -> %s", modules[at]->name);
		if (at == start)
			break;
	}
}

int module_order(const struct erp_module *const *modules, size_t count,
		 const struct erp_module **out, char *err, size_t err_size)
{
	bool *placed;
	size_t done = 0;
	int rc = -1;

	if (check_names(modules, count, err, err_size))
		return -1;
	placed = erp_calloc(count ? count : 1, sizeof(*placed));
	if (!placed) {
		snprintf(err, err_size, "out of memory ordering the modules");
		return -1;
	}
	while (done < count) {
		size_t i;

		/* The first module, in the order given, whose dependencies have all started. */
		for (i = 0; i < count; i++)
			if (!placed[i] && ready(modules[i], modules, count, placed))
				break;
		if (i == count) {
			describe_cycle(modules, count, placed, err, err_size);
			goto out;
		}
		placed[i] = true;
		out[done++] = modules[i];
	}
	rc = 0;
out:
	erp_free(placed);
	return rc;
}

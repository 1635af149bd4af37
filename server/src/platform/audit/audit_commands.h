#ifndef ERP_PLATFORM_AUDIT_COMMANDS_H
#define ERP_PLATFORM_AUDIT_COMMANDS_H

#include <stddef.h>

struct erp_config;
struct erp_module;

/*
 * `erp-server audit ...`: the read-only verifiers of the two audit trails.
 *
 *   audit verify-scripts [--head ID:HEX]   the scripts' hash chain (platform/audit/script_audit.h)
 *   audit verify-events                    the audit events' MACs (platform/audit/event_audit.h)
 *   audit <command>                        a module's check of its books (erp_module.verifiers,
 *                                          platform/http/route.h), e.g. verify-ledger
 *
 * argv holds the words after "audit" (argc of them). Returns the exit
 * status: 0 sound; 64 usage; 65 the trail fails (rows named); 69 the
 * database cannot be read; 70 out of memory; 78 no usable key file
 * (verify-events reads ERP_AUDIT_KEY_FILE).
 */
int audit_command(const struct erp_config *config, const struct erp_module *const *modules,
		  size_t module_count, int argc, char **argv);

#endif

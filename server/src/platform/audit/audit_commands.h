#ifndef ERP_PLATFORM_AUDIT_COMMANDS_H
#define ERP_PLATFORM_AUDIT_COMMANDS_H

struct erp_config;

/*
 * `erp-server audit ...`: the read-only verifiers of the two audit trails.
 *
 *   audit verify-scripts [--head ID:HEX]   the scripts' hash chain (platform/audit/script_audit.h)
 *   audit verify-events                    the audit events' MACs (platform/audit/event_audit.h)
 *
 * argv holds the words after "audit" (argc of them). Returns the exit
 * status: 0 sound; 64 usage; 65 the trail fails (rows named); 69 the
 * database cannot be read; 70 out of memory; 78 no usable key file
 * (verify-events reads ERP_AUDIT_KEY_FILE).
 */
int audit_command(const struct erp_config *config, int argc, char **argv);

#endif

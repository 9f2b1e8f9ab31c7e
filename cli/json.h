/* The JSON writer moved to common/json.h (issue 15: the daemon's event
 * payloads use it too); this name stays for cli/. */
#include "common/json.h"

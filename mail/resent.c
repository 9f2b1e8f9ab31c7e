/* mail/resent.h -- being written (issue 5) */
#include "resent.h"

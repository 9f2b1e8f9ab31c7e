/* resend worker -- being written (issue 5) */
#include "resend.h"

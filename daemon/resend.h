#ifndef BD_RESEND_H
#define BD_RESEND_H
#endif

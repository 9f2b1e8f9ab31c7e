# IMAP source against a real Dovecot (issue 4)

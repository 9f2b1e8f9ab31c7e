# Resend over SMTP against real servers (issue 5)

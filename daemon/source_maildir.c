/* placeholder: being written */
extern int bd_placeholder_source_maildir;

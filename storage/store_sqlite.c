/* placeholder: being written */
extern int bd_placeholder_store_sqlite;

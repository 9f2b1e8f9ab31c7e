/* placeholder: being written */
extern int bd_placeholder_config_check;

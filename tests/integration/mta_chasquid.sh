#!/bin/sh
echo "SKIP: not yet" >&2
exit 77

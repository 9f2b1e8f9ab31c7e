# tests for systemd

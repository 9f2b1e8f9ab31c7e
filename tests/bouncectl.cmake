# tests for bouncectl

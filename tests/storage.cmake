# tests for storage

//! Integration tests of the application layer.

//! Integration tests of the `hogo` binary (assert_cmd).

mod check;

//! Integration tests of hogo-domain: property tests of the number rules and the
//! table-driven policy matrix.

mod my_number_props;
mod policy_matrix;

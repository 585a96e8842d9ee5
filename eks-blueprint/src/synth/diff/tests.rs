//! Unit tests of the diff.

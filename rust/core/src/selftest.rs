//! Power-on known-answer self-tests.

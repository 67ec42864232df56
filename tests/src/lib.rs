//! Support for the end-to-end suites: starting the sandbox binary and reading its start-up line.

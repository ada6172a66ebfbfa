"""End-to-end tests that drive Debian's chromium through Playwright (issue 2), and the catalog checks."""

// Package junit writes test results as JUnit XML, the report format that
// CI test views read: GitLab's merge request test widget
// (artifacts:reports:junit) and the test-report tools of GitHub Actions.
//
// Every name, message and output in a report may come from the
// repository (a test's name, what it printed), so all text is made safe
// twice: terminal controls and escape sequences are neutralised
// (termtext), and the characters XML 1.0 forbids (C0 controls but tab,
// newline and carriage return, U+FFFE, U+FFFF, invalid UTF-8) are replaced
// by U+FFFD before encoding/xml escapes the markup. The output is always
// well-formed XML, whatever the input.
package junit

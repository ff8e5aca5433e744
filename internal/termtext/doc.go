// Package termtext makes untrusted text safe to write where a terminal or a
// CI log viewer interprets control characters: a stack's status line on a
// live console, an error message, a policy test's output, a finding in a
// GitLab job log.
//
// Text that a change, a tool, a chart or a cluster controls can hold escape
// sequences that a terminal obeys: OSC 0/2 set the window title, OSC 52
// writes the clipboard, OSC 8 makes links, cursor movement and erase
// sequences hide or rewrite lines already shown, and a lone carriage return
// overwrites the start of a line. GitLab's log viewer reads its collapsible
// sections from `section_start:`/`section_end:` markers that end in "\r" and
// an escape sequence. Line and Block remove CSI sequences (colours, cursor
// movement) whole and replace every other control character, C0 (but tab
// and, for Block, newline), DEL and C1 (U+0080 to U+009F, which some
// terminals read as ESC [ and the like), and the line and paragraph
// separators U+2028 and U+2029 (which some log viewers and editors break
// lines at, so that a forged line seems to start there), with U+FFFD, so
// that what was hidden is shown and nothing is obeyed. Invalid UTF-8
// becomes U+FFFD too. JSON escapes what encoding/json leaves raw in
// strings instead, so that JSON stays lossless.
package termtext

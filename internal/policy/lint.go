package policy

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Problem is one thing wrong with a policy document.
type Problem struct {
	// Line and Column are 1-based; 0 when unknown (YAML syntax errors have
	// no column; a default made inconsistent by an override elsewhere has
	// no place at all).
	Line   int `json:"line"`
	Column int `json:"column"`
	// Path is the setting, as the document spells it:
	// "categories.cars.listing.price.min", "rules[1].expr".
	Path string `json:"path,omitempty"`
	// Message says what is wrong and, where it can, what to write instead.
	Message string `json:"message"`
}

// String renders "line:column: path: message", the way compilers do, so
// editors and people can jump to it.
func (p Problem) String() string {
	var b strings.Builder
	switch {
	case p.Line > 0 && p.Column > 0:
		fmt.Fprintf(&b, "%d:%d: ", p.Line, p.Column)
	case p.Line > 0:
		fmt.Fprintf(&b, "%d: ", p.Line)
	}
	if p.Path != "" {
		b.WriteString(p.Path + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems is a list of problems; as an error it is what Parse and Compile
// return for a faulty document.
type Problems []Problem

// Error lists the problems one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// add records a problem at a path of the resolved policy; Compile places
// it in the document.
func (ps *Problems) add(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// tidy sorts problems by position, those without one last, and drops
// repeats: a marketplace-wide mistake shows up again in every category.
func (ps Problems) tidy() Problems {
	slices.SortFunc(ps, func(a, b Problem) int {
		if (a.Line == 0) != (b.Line == 0) {
			return cmp.Compare(b.Line, a.Line) // the one with a line first
		}
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Path, b.Path), cmp.Compare(a.Message, b.Message))
	})
	return slices.Compact(ps)
}

// Lint checks a policy document the way saving it would, and returns every
// problem at once: YAML syntax, unknown keys, wrong types, invalid values
// and thresholds, and rules that do not compile, are not bool or cost too
// much. It returns nil for a clean document.
func Lint(data []byte) Problems {
	doc, probs := parse(data)
	if doc != nil {
		_, more := compile(doc)
		probs = append(probs, more...)
	}
	if len(probs) == 0 {
		return nil
	}
	return probs.tidy()
}

// syntaxProblem turns a YAML syntax error ("yaml: line 3: could not find
// expected ':'") in data into a problem.
func syntaxProblem(err error, data []byte) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	p := Problem{Message: "YAML syntax: " + msg}
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, text, ok := strings.Cut(rest, ": "); ok {
			if line, err := strconv.Atoi(num); err == nil {
				p.Line, p.Message = line, "YAML syntax: "+text
			}
		}
	}
	if p.Line == 0 {
		// YAML names no line for the first one, and none for bytes it
		// cannot read: those are found here.
		p.Line = 1 + bytes.Count(data[:unreadable(data)], []byte("\n"))
	}
	return p
}

// unreadable returns the offset of the first byte of data that YAML
// refuses to read (invalid UTF-8 or a control character), or 0.
func unreadable(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
		case r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0x7e || r == 0x85 ||
			r >= 0xa0 && r <= 0xd7ff || r >= 0xe000 && r <= 0xfffd || r >= 0x10000:
			i += size
			continue
		}
		return i
	}
	return 0
}

package console

import (
	"fmt"
	"slices"
	"strings"
)

// A line diff for the policy editor's review: the shortest edit script
// between two texts, line by line (Myers' greedy algorithm, "An O(ND)
// Difference Algorithm and Its Variations", 1986), and its grouping into
// the hunks of a unified diff as diff -u writes them.

// diffOp is what a line of a diff does.
type diffOp int

const (
	diffEqual  diffOp = iota // in both texts
	diffDelete               // only in the old text
	diffInsert               // only in the new text
)

// String names the operation: "equal", "delete" or "insert".
func (o diffOp) String() string {
	switch o {
	case diffDelete:
		return "delete"
	case diffInsert:
		return "insert"
	}
	return "equal"
}

// Sign is the operation's mark in a unified diff: " ", "-" or "+".
func (o diffOp) Sign() string {
	switch o {
	case diffDelete:
		return "-"
	case diffInsert:
		return "+"
	}
	return " "
}

// diffLine is one line of a diff.
type diffLine struct {
	Op diffOp
	// Text is the line without its newline.
	Text string
	// Old and New are the line's 1-based numbers in the old and the new
	// text; 0 in the text it is not in.
	Old, New int
	// NoNewline is set on a text's last line when the text does not end
	// in a newline.
	NoNewline bool
}

// maxDiffEdits bounds the work of a diff: two texts that differ by more
// lines than this, after their common beginning and end, are shown as the
// one's middle removed and the other's added. It keeps the algorithm's
// memory (quadratic in the number of edits) to a few megabytes.
const maxDiffEdits = 1000

// lineDiff returns the lines of a and b in order as a shortest edit script
// turning a into b: every line of a once, kept or deleted, and every line
// of b once, kept or inserted. Lines compare with their newline, so a text
// that gains or loses its final newline changes its last line.
func lineDiff(a, b string) []diffLine {
	x, y := splitLines(a), splitLines(b)
	// Lines become numbers, so that the algorithm compares ints.
	ids := map[string]int{}
	intern := func(lines []string) []int {
		out := make([]int, len(lines))
		for i, l := range lines {
			id, ok := ids[l]
			if !ok {
				id = len(ids)
				ids[l] = id
			}
			out[i] = id
		}
		return out
	}
	ops := editScript(intern(x), intern(y), maxDiffEdits)
	out := make([]diffLine, 0, len(ops))
	i, j := 0, 0
	line := func(op diffOp, s string) diffLine {
		text, nl := strings.CutSuffix(s, "\n")
		return diffLine{Op: op, Text: text, NoNewline: !nl}
	}
	for _, op := range ops {
		switch op {
		case diffEqual:
			l := line(op, x[i])
			i, j = i+1, j+1
			l.Old, l.New = i, j
			out = append(out, l)
		case diffDelete:
			l := line(op, x[i])
			i++
			l.Old = i
			out = append(out, l)
		case diffInsert:
			l := line(op, y[j])
			j++
			l.New = j
			out = append(out, l)
		}
	}
	return out
}

// splitLines cuts s into lines, each with its newline but perhaps the last.
func splitLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// editScript returns a shortest edit script from a to b: diffEqual takes
// the next element of both, diffDelete the next of a, diffInsert the next
// of b. Their common beginning and end are set aside first; if what is
// left needs more than maxEdits edits, it is all deleted and inserted.
func editScript(a, b []int, maxEdits int) []diffOp {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ops := make([]diffOp, 0, len(a)+len(b))
	ops = append(ops, slices.Repeat([]diffOp{diffEqual}, pre)...)
	ops = append(ops, myers(a[pre:len(a)-suf], b[pre:len(b)-suf], maxEdits)...)
	return append(ops, slices.Repeat([]diffOp{diffEqual}, suf)...)
}

// myers is Myers' greedy algorithm. On diagonal k (x-y = k) of the edit
// graph, v[k] is the furthest x reached with d edits; each round extends
// every diagonal by one edit and then along equal elements. Each round's
// v is kept, around the diagonals it uses, to walk the path back.
func myers(a, b []int, maxEdits int) []diffOp {
	n, m := len(a), len(b)
	replace := func() []diffOp {
		return append(slices.Repeat([]diffOp{diffDelete}, n), slices.Repeat([]diffOp{diffInsert}, m)...)
	}
	if n == 0 || m == 0 {
		return replace()
	}
	limit := min(n+m, maxEdits)
	// v is indexed by k+base for k in [-limit-1, limit+1]; v[1] = 0 is the
	// virtual point the first round starts from.
	base := limit + 1
	v := make([]int, 2*limit+3)
	// trace[d] is v before round d for k in [-d-1, d+1], offset by d+1.
	var trace [][]int
	for d := 0; d <= limit; d++ {
		trace = append(trace, slices.Clone(v[base-d-1:base+d+2]))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[base+k-1] < v[base+k+1]) {
				x = v[base+k+1] // down from diagonal k+1: an insertion
			} else {
				x = v[base+k-1] + 1 // right from diagonal k-1: a deletion
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[base+k] = x
			if x >= n && y >= m {
				return backtrack(trace, n, m)
			}
		}
	}
	return replace()
}

// backtrack walks the path that reached (n, m) back to (0, 0) through the
// rounds' saved v, and returns its operations from the start.
func backtrack(trace [][]int, n, m int) []diffOp {
	var ops []diffOp
	x, y := n, m
	for d := len(trace) - 1; d > 0; d-- {
		at := func(k int) int { return trace[d][k+d+1] }
		k := x - y
		prev := k - 1
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prev = k + 1
		}
		px := at(prev)
		py := px - prev
		for x > px && y > py {
			ops = append(ops, diffEqual)
			x, y = x-1, y-1
		}
		if x == px {
			ops = append(ops, diffInsert)
			y--
		} else {
			ops = append(ops, diffDelete)
			x--
		}
	}
	// Round 0 is the equal run from the start.
	for ; x > 0; x-- {
		ops = append(ops, diffEqual)
	}
	slices.Reverse(ops)
	return ops
}

// diffHunk is a run of changed lines with unchanged lines around them, as
// a unified diff shows it.
type diffHunk struct {
	// OldStart and OldLines are the lines of the old text the hunk spans
	// (OldStart is the line before the hunk when it spans none), and
	// NewStart and NewLines those of the new text.
	OldStart, OldLines, NewStart, NewLines int
	Lines                                  []diffLine
}

// Header is the hunk's "@@ -1,3 +1,4 @@" line; as diff -u writes it, a
// count of one is left out.
func (h diffHunk) Header() string {
	span := func(start, n int) string {
		if n == 1 {
			return fmt.Sprint(start)
		}
		return fmt.Sprintf("%d,%d", start, n)
	}
	return "@@ -" + span(h.OldStart, h.OldLines) + " +" + span(h.NewStart, h.NewLines) + " @@"
}

// unified groups a diff's changes into hunks with up to context unchanged
// lines before and after each; changes closer together than twice that
// share a hunk. A diff without changes has no hunks.
func unified(lines []diffLine, context int) []diffHunk {
	var hunks []diffHunk
	oldBefore, newBefore := 0, 0 // lines of each text before lines[i]
	count := func(ls []diffLine) (o, n int) {
		for _, l := range ls {
			if l.Op != diffInsert {
				o++
			}
			if l.Op != diffDelete {
				n++
			}
		}
		return o, n
	}
	for i := 0; i < len(lines); {
		if lines[i].Op == diffEqual {
			oldBefore, newBefore = oldBefore+1, newBefore+1
			i++
			continue
		}
		start := max(0, i-context)
		o, n := count(lines[start:i])
		oldBefore, newBefore = oldBefore-o, newBefore-n
		end := i // just after the last change
		for j := i; j < len(lines); j++ {
			if lines[j].Op != diffEqual {
				end = j + 1
			} else if j-end+1 > 2*context {
				break
			}
		}
		stop := min(len(lines), end+context)
		h := diffHunk{Lines: lines[start:stop]}
		h.OldLines, h.NewLines = count(h.Lines)
		h.OldStart, h.NewStart = oldBefore, newBefore
		if h.OldLines > 0 {
			h.OldStart++
		}
		if h.NewLines > 0 {
			h.NewStart++
		}
		hunks = append(hunks, h)
		oldBefore, newBefore = oldBefore+h.OldLines, newBefore+h.NewLines
		i = stop
	}
	return hunks
}

// diffStat counts a diff's added and removed lines.
func diffStat(lines []diffLine) (added, removed int) {
	for _, l := range lines {
		switch l.Op {
		case diffInsert:
			added++
		case diffDelete:
			removed++
		}
	}
	return added, removed
}

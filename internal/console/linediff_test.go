package console

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// renderUnified writes a diff the way diff -u does, without the file header.
func renderUnified(hunks []diffHunk) string {
	var b strings.Builder
	for _, h := range hunks {
		b.WriteString(h.Header() + "\n")
		for _, l := range h.Lines {
			b.WriteString(l.Op.Sign() + l.Text + "\n")
			if l.NoNewline {
				b.WriteString("\\ No newline at end of file\n")
			}
		}
	}
	return b.String()
}

// TestUnifiedDiff compares diffs of known texts with what diff -u writes
// for them.
func TestUnifiedDiff(t *testing.T) {
	tests := []struct {
		name, a, b, want string
	}{
		{"same", "a\nb\n", "a\nb\n", ""},
		{"both empty", "", "", ""},
		{"from nothing", "", "a\nb\n", "@@ -0,0 +1,2 @@\n+a\n+b\n"},
		{"to nothing", "a\n", "", "@@ -1 +0,0 @@\n-a\n"},
		{"one line changed", "a\nb\nc\n", "a\nB\nc\n", "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"},
		{"inserted in the middle", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\n5\nnew\n6\n7\n8\n9\n",
			"@@ -3,6 +3,7 @@\n 3\n 4\n 5\n+new\n 6\n 7\n 8\n"},
		{"removed at the start", "x\n1\n2\n3\n4\n5\n", "1\n2\n3\n4\n5\n", "@@ -1,4 +1,3 @@\n-x\n 1\n 2\n 3\n"},
		{"appended at the end", "1\n2\n3\n4\n5\n", "1\n2\n3\n4\n5\n6\n", "@@ -3,3 +3,4 @@\n 3\n 4\n 5\n+6\n"},
		{"a newline at the end added", "a\nb", "a\nb\n", "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"},
		{"changes six lines apart share a hunk", "a\n1\n2\n3\n4\n5\n6\nb\n", "A\n1\n2\n3\n4\n5\n6\nB\n",
			"@@ -1,8 +1,8 @@\n-a\n+A\n 1\n 2\n 3\n 4\n 5\n 6\n-b\n+B\n"},
		{"changes seven lines apart do not", "a\n1\n2\n3\n4\n5\n6\n7\nb\n", "A\n1\n2\n3\n4\n5\n6\n7\nB\n",
			"@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n@@ -6,4 +6,4 @@\n 5\n 6\n 7\n-b\n+B\n"},
		{"a rule's expression fixed", "rules:\n  - name: cheap\n    expr: listing.price <\n    outcome: hold\n",
			"rules:\n  - name: cheap\n    expr: listing.price < 100\n    outcome: hold\n",
			"@@ -1,4 +1,4 @@\n rules:\n   - name: cheap\n-    expr: listing.price <\n+    expr: listing.price < 100\n     outcome: hold\n"},
		{"lines moved", "a\nb\nc\n", "c\na\nb\n", "@@ -1,3 +1,3 @@\n+c\n a\n b\n-c\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := renderUnified(unified(lineDiff(tt.a, tt.b), 3)); got != tt.want {
				t.Errorf("diff %q %q:\n%s\nwant\n%s", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// TestLineDiffNumbers checks the line numbers and counts a diff carries.
func TestLineDiffNumbers(t *testing.T) {
	lines := lineDiff("a\nb\nc\n", "a\nc\nd\n")
	want := []diffLine{{Op: diffEqual, Text: "a", Old: 1, New: 1}, {Op: diffDelete, Text: "b", Old: 2},
		{Op: diffEqual, Text: "c", Old: 3, New: 2}, {Op: diffInsert, Text: "d", New: 3}}
	if len(lines) != len(want) {
		t.Fatalf("got %+v", lines)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d: %+v, want %+v", i, lines[i], want[i])
		}
	}
	if added, removed := diffStat(lines); added != 1 || removed != 1 {
		t.Errorf("stat +%d -%d", added, removed)
	}
}

// TestEditScriptShortest checks random sequences: the script turns a into
// b, and has exactly as many edits as the longest common subsequence
// leaves (so it is a shortest one), also past the edit limit, where it
// must still be correct.
func TestEditScriptShortest(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	seq := func() []int {
		s := make([]int, rng.IntN(14))
		for i := range s {
			s[i] = rng.IntN(4)
		}
		return s
	}
	for range 3000 {
		a, b := seq(), seq()
		ops := editScript(a, b, maxDiffEdits)
		checkScript(t, a, b, ops)
		if edits, want := len(a)+len(b)-2*lcs(a, b), countEdits(ops); edits != want {
			t.Fatalf("%v → %v: %d edits, a shortest script has %d", a, b, want, edits)
		}
		checkScript(t, a, b, editScript(a, b, 2))
	}
}

// checkScript fails unless ops turns a into b.
func checkScript(t *testing.T, a, b []int, ops []diffOp) {
	t.Helper()
	i, j := 0, 0
	for _, op := range ops {
		switch op {
		case diffEqual:
			if i >= len(a) || j >= len(b) || a[i] != b[j] {
				t.Fatalf("%v → %v: %v keeps a[%d] as b[%d], which differ", a, b, ops, i, j)
			}
			i, j = i+1, j+1
		case diffDelete:
			i++
		case diffInsert:
			j++
		}
	}
	if i != len(a) || j != len(b) {
		t.Fatalf("%v → %v: %v uses %d of a and %d of b", a, b, ops, i, j)
	}
}

func countEdits(ops []diffOp) int {
	n := 0
	for _, op := range ops {
		if op != diffEqual {
			n++
		}
	}
	return n
}

// lcs is the length of the longest common subsequence, by the textbook
// table.
func lcs(a, b []int) int {
	t := make([][]int, len(a)+1)
	for i := range t {
		t[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	return t[0][0]
}

// TestLineDiffLarge diffs texts far apart, beyond the edit limit: the
// common ends are kept and the rest replaced.
func TestLineDiffLarge(t *testing.T) {
	var a, b strings.Builder
	a.WriteString("head\n")
	b.WriteString("head\n")
	for i := range 3 * maxDiffEdits {
		a.WriteString("old " + string(rune('a'+i%26)) + "\n")
		b.WriteString("new " + string(rune('a'+i%26)) + "\n")
	}
	a.WriteString("tail\n")
	b.WriteString("tail\n")
	lines := lineDiff(a.String(), b.String())
	if added, removed := diffStat(lines); added != 3*maxDiffEdits || removed != 3*maxDiffEdits {
		t.Errorf("stat +%d -%d", added, removed)
	}
	if lines[0].Op != diffEqual || lines[len(lines)-1].Op != diffEqual {
		t.Errorf("the common ends are not kept")
	}
	if h := unified(lines, 3); len(h) != 1 || h[0].Header() != "@@ -1,3002 +1,3002 @@" {
		t.Errorf("hunks %d, first %s", len(h), h[0].Header())
	}
}

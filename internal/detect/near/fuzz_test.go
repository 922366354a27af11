package near

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// FuzzIndex runs a script of adds, removes and queries on an index of
// short texts (so that every sketch is full and similarities are exact)
// and checks it against brute force: Similarity is symmetric, in [0, 1]
// and 1 for a text with itself; a query returns only live texts, with
// their exact similarity, at least the minimum asked, most similar first,
// honouring ExcludeID, ExcludeGroup and Limit; a query for an indexed
// text finds it; a SameGroup query (compared text by text) finds exactly
// the group's texts that are similar enough; and the index's structure
// stays consistent.
func FuzzIndex(f *testing.F) {
	f.Add(false, "iPhone 13 Pro 128GB blue\nIPHONE 13-Pro, 128 GB  Blue!\niPhone 13 Pro 128GB bleu\nIKEA Kallax Regal weiß\n\n!!!\ntv", []byte{0, 1, 2, 3, 4, 5, 6, 0x81, 0x42, 0x13, 0xf0, 0x33})
	f.Add(true, "one two three four five six\none two three four five seven\nsix five four three two one\nCafé Ｎｅｓｐｒｅｓｓｏ\ncafe nespresso", []byte{0, 1, 2, 3, 4, 0x10, 0x20, 0x90, 0x31, 0xe2})
	f.Add(false, "a\na\na\nb", []byte{0, 0x10, 0x20, 0x30, 0x80, 0x91, 0xc0, 0x40})
	f.Fuzz(func(t *testing.T, words bool, corpus string, script []byte) {
		texts := strings.Split(corpus, "\n")
		if len(texts) > 64 || len(script) > 256 {
			return
		}
		for _, s := range texts {
			if len(s) > 100 {
				return // keep sketches full: similarities are then exact
			}
		}
		kind := Chars
		if words {
			kind = Words
		}
		ix := New(Options{Kind: kind, Threshold: 0.5})
		live := map[string]fuzzDoc{}
		text := func(b byte) string { return texts[int(b)%len(texts)] }
		for k, op := range script {
			id, group := fmt.Sprint("id", op%8), fmt.Sprint("g", op%3)
			switch op >> 6 {
			case 0, 1:
				ix.Add(id, group, text(op+byte(k)))
				live[id] = fuzzDoc{group, text(op + byte(k))}
			case 2:
				ix.Remove(id)
				delete(live, id)
			case 3:
				q := text(op)
				opts := QueryOpts{MinSimilarity: float64(op%4+1) / 4, Limit: int(op % 5)}
				switch op % 3 {
				case 0:
					opts.SameGroup = group
				case 1:
					opts.ExcludeGroup = group
				}
				if op%2 == 0 {
					opts.ExcludeID = id
				}
				checkQuery(t, ix, q, opts, live)
			}
		}
		if ix.Len() != len(live) {
			t.Fatalf("Len = %d, want %d", ix.Len(), len(live))
		}
		checkInvariants(t, ix)
		for id, d := range live {
			if self := ix.Similarity(d.text, d.text); self != 0 && self != 1 {
				t.Fatalf("Similarity(%q, itself) = %v", d.text, self)
			}
			if ix.Similarity(d.text, d.text) == 1 && !slices.ContainsFunc(ix.Query(d.text, QueryOpts{MinSimilarity: 1}), func(m Match) bool { return m.ID == id }) {
				t.Fatalf("query for %q does not find it (%s)", d.text, id)
			}
		}
		for i, a := range texts {
			b := texts[(i+1)%len(texts)]
			s, back := ix.Similarity(a, b), ix.Similarity(b, a)
			if s != back || s < 0 || s > 1 || math.IsNaN(s) {
				t.Fatalf("Similarity(%q, %q) = %v, back %v", a, b, s, back)
			}
		}
	})
}

// fuzzDoc is an indexed text and its group.
type fuzzDoc struct{ group, text string }

// checkQuery checks one query against brute force over the live texts.
func checkQuery(t *testing.T, ix *Index, q string, opts QueryOpts, live map[string]fuzzDoc) {
	t.Helper()
	got := ix.Query(q, opts)
	want := map[string]float64{}
	for id, d := range live {
		if opts.SameGroup != "" && d.group != opts.SameGroup || opts.ExcludeGroup != "" && d.group == opts.ExcludeGroup || id == opts.ExcludeID {
			continue
		}
		if s := ix.Similarity(q, d.text); s >= opts.MinSimilarity && s > 0 {
			want[id] = s
		}
	}
	for i, m := range got {
		s, ok := want[m.ID]
		if !ok || s != m.Similarity {
			t.Fatalf("Query(%q, %+v): %+v, exact %v (%v); want %v", q, opts, m, s, ok, want)
		}
		if i > 0 && got[i-1].Similarity < m.Similarity {
			t.Fatalf("Query(%q, %+v) not sorted: %+v", q, opts, got)
		}
	}
	if opts.Limit > 0 && len(got) > opts.Limit {
		t.Fatalf("Query(%q, %+v): %d matches over the limit", q, opts, len(got))
	}
	n := len(want)
	if opts.Limit > 0 {
		n = min(n, opts.Limit)
	}
	if opts.SameGroup != "" && len(got) != n {
		t.Fatalf("Query(%q, %+v) = %+v, want all of %v", q, opts, got, want)
	}
}

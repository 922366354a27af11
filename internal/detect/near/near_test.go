package near

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

func TestSimilarity(t *testing.T) {
	titles := New(Options{})
	descs := New(Options{Kind: Words})
	tests := []struct {
		name    string
		ix      *Index
		a, b    string
		want    float64 // exact, or the lower bound when atLeast is set
		atLeast bool
	}{
		{"same", titles, "iPhone 13 Pro 128GB blue", "iPhone 13 Pro 128GB blue", 1, false},
		{"case spacing punctuation", titles, "iPhone 13 Pro 128GB blue", "IPHONE 13-Pro, 128 GB  Blue!", 1, false},
		{"full-width and accents", titles, "Café Ｎｅｓｐｒｅｓｓｏ", "cafe nespresso", 1, false},
		{"ligature and stacked accents", titles, "Ǖber ﬁne ①", "uber fine 1", 1, false},
		{"one typo in a short title", titles, "iPhone 13 Pro 128GB blue", "iPhone 13 Pro 128GB bleu", 0.7, true},
		{"unrelated", titles, "iPhone 13 Pro 128GB blue", "IKEA Kallax Regal weiß", 0, false},
		{"empty", titles, "", "", 0, false},
		{"only punctuation", titles, "!!!", "!!!", 0, false},
		{"shorter than a shingle", titles, "tv", "TV", 1, false},
		{"words: same words other order", descs, "a b c d", "d c b a", 0, false},
		{"words: one of four shingles", descs, "one two three four five six", "one two three four five seven", 0.6, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.ix.Similarity(tt.a, tt.b)
			if tt.atLeast && (got < tt.want || got >= 0.9) || !tt.atLeast && math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("Similarity(%q, %q) = %v, want %v (atLeast %v)", tt.a, tt.b, got, tt.want, tt.atLeast)
			}
			if back := tt.ix.Similarity(tt.b, tt.a); back != got {
				t.Errorf("not symmetric: %v vs %v", got, back)
			}
		})
	}
}

func TestTune(t *testing.T) {
	for _, th := range []float64{0.5, 0.8, 0.9, 0.95, 1} {
		b, r := tune(th)
		if p := candidateProbability(th, b, r); p < targetRecall || b > maxBands {
			t.Errorf("tune(%v) = %d×%d: P(candidate) %.4f", th, b, r, p)
		}
	}
	if b, r := tune(0.9); b != 10 || r != 9 {
		t.Errorf("tune(0.9) = %d×%d, the package doc says 10×9", b, r)
	}
}

// TestMinHashUnbiased checks the cheap permutation family: the share of
// equal signature values must estimate the Jaccard similarity.
func TestMinHashUnbiased(t *testing.T) {
	ix := New(Options{Kind: Words})
	r := rand.New(rand.NewPCG(1, 2))
	var sumErr, n float64
	for i := range 400 {
		a := genListing(i).description
		b := variant(r, a, 1+r.IntN(12))
		want := ix.Similarity(a, b)
		sa, sb := ix.signatureOf(a), ix.signatureOf(b)
		equal := 0
		for k := range sa {
			if sa[k] == sb[k] {
				equal++
			}
		}
		sumErr += float64(equal)/float64(len(sa)) - want
		n++
	}
	bias := sumErr / n
	t.Logf("bias %.4f over %v pairs", bias, n)
	if math.Abs(bias) > 0.01 {
		t.Errorf("MinHash estimate is biased by %.4f", bias)
	}
}

func (ix *Index) signatureOf(text string) []uint64 {
	sc := ix.scratch.Get().(*scratch)
	defer ix.scratch.Put(sc)
	ix.prepare(sc, text)
	return slices.Clone(sc.sig)
}

func (ix *Index) keysOf(text string) []uint32 {
	sc := ix.scratch.Get().(*scratch)
	defer ix.scratch.Put(sc)
	ix.prepare(sc, text)
	return slices.Clone(sc.keys)
}

// TestRecall indexes background listings plus originals, queries edited
// copies whose true similarity is at least 0.9, and needs ≥ 95% of the
// originals back.
func TestRecall(t *testing.T) {
	for _, kind := range []Kind{Chars, Words} {
		t.Run(kind.String(), func(t *testing.T) {
			ix := New(Options{Kind: kind})
			text := func(i int) string {
				if kind == Words {
					return genListing(i).description
				}
				// Long titles, so one edit can stay above 0.9.
				return genListing(i).title + " " + genListing(i+1_000_000).title
			}
			const background = 3000
			for i := range background {
				l := genListing(i)
				ix.Add(l.id, l.seller, text(i))
			}
			r := rand.New(rand.NewPCG(3, 4))
			pairs, edited, found := 0, 0, 0
			for i := background; pairs < 1200; i++ {
				l := genListing(i)
				orig := text(i)
				v := variant(r, orig, 1+r.IntN(3))
				sim := ix.Similarity(orig, v)
				if sim < 0.9 {
					continue
				}
				ix.Add(l.id, l.seller, orig)
				pairs++
				if sim < 1 {
					edited++
				}
				for _, m := range ix.Query(v, QueryOpts{MinSimilarity: 0.9}) {
					if m.ID == l.id {
						found++
						if m.Similarity != sim {
							t.Fatalf("similarity %v, exact %v", m.Similarity, sim)
						}
					}
				}
			}
			recall := float64(found) / float64(pairs)
			t.Logf("%d pairs (%d edited below 1.0), recall %.4f", pairs, edited, recall)
			if recall < 0.95 {
				t.Errorf("recall %.4f < 0.95", recall)
			}
			if edited < pairs/4 {
				t.Errorf("only %d of %d pairs differ: the test is too easy", edited, pairs)
			}
		})
	}
}

// TestCandidates measures the LSH filter itself: pairs near 0.5 must rarely
// share a band, pairs near 0.9 almost always.
func TestCandidates(t *testing.T) {
	ix := New(Options{Kind: Words})
	r := rand.New(rand.NewPCG(5, 6))
	var low, lowHit, high, highHit int
	for i := 0; low < 500 || high < 500; i++ {
		a := genListing(i).description
		edits := 1 + r.IntN(2) // near 0.9
		if low < 500 && i%2 == 0 {
			edits = 8 + r.IntN(10) // near 0.5
		}
		b := variant(r, a, edits)
		sim := ix.Similarity(a, b)
		ka, kb := ix.keysOf(a), ix.keysOf(b)
		shared := false
		for j := range ka {
			shared = shared || ka[j] == kb[j]
		}
		switch {
		case sim >= 0.45 && sim <= 0.55:
			low++
			if shared {
				lowHit++
			}
		case sim >= 0.9 && sim <= 0.93:
			high++
			if shared {
				highHit++
			}
		}
	}
	lowRate, highRate := float64(lowHit)/float64(low), float64(highHit)/float64(high)
	t.Logf("candidate rate: %.3f at ~0.5 (%d pairs), %.3f at 0.90–0.93 (%d pairs)", lowRate, low, highRate, high)
	if lowRate > 0.06 {
		t.Errorf("pairs near 0.5 become candidates at rate %.3f", lowRate)
	}
	if highRate < 0.97 {
		t.Errorf("pairs at 0.90–0.93 become candidates at rate %.3f", highRate)
	}
}

func TestQueryFilters(t *testing.T) {
	ix := New(Options{})
	ix.Add("a1", "alice", "Apple iPhone 13 Pro 128GB Sierra Blue")
	ix.Add("a2", "alice", "Apple iPhone 13 Pro 128 GB sierra blue!")
	ix.Add("b1", "bob", "APPLE iPhone 13 Pro 128GB Sierra-Blue")
	ix.Add("c1", "carol", "IKEA Kallax Regal 4x4 weiß")
	q := "apple iphone 13 pro 128gb sierra blue"
	ids := func(ms []Match) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.ID+"/"+m.Group)
		}
		return out
	}
	tests := []struct {
		name string
		opts QueryOpts
		want []string
	}{
		{"all", QueryOpts{}, []string{"a1/alice", "a2/alice", "b1/bob"}},
		{"same group", QueryOpts{SameGroup: "alice"}, []string{"a1/alice", "a2/alice"}},
		{"same group excluding itself", QueryOpts{SameGroup: "alice", ExcludeID: "a1"}, []string{"a2/alice"}},
		{"other groups", QueryOpts{ExcludeGroup: "alice"}, []string{"b1/bob"}},
		{"unknown group", QueryOpts{SameGroup: "dave"}, nil},
		{"excluding an unknown group", QueryOpts{ExcludeGroup: "dave"}, []string{"a1/alice", "a2/alice", "b1/bob"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ix.Query(q, tt.opts)
			if !slices.Equal(ids(got), tt.want) {
				t.Errorf("Query = %v, want %v", ids(got), tt.want)
			}
			for _, m := range got {
				if m.Similarity != 1 {
					t.Errorf("%s similarity %v, want 1", m.ID, m.Similarity)
				}
			}
		})
	}
	if got := ix.Query(q, QueryOpts{Limit: 2}); len(got) != 2 || got[0].ID == got[1].ID || got[0].Group == "carol" {
		t.Errorf("Limit 2 = %v", got)
	}
	if got := ix.Query("", QueryOpts{}); got != nil {
		t.Errorf("empty query matched %v", got)
	}
	// Below the default threshold only when asked.
	typo := "Apple iPhone 13 Pro 128GB Sierra Bleu"
	if got := ix.Query(typo, QueryOpts{SameGroup: "alice"}); len(got) != 0 {
		t.Errorf("typo matched at the 0.9 default: %v", got)
	}
	if got := ix.Query(typo, QueryOpts{SameGroup: "alice", MinSimilarity: 0.7}); len(got) != 2 {
		t.Errorf("typo at 0.7 = %v, want both of alice's titles", got)
	}
}

// TestLimitKeepsTheBest fills the limit with weaker matches first and
// checks that stronger ones found later displace them.
func TestLimitKeepsTheBest(t *testing.T) {
	const base = "Samsung Galaxy S23 Ultra 256GB Phantom Black mint condition with invoice and box"
	ix := New(Options{})
	weaker := []string{
		"Samsung Galaxy S23 Ultra 256GB Phantom Black mint condition with invoice and boxes",
		"Samsung Galaxy S23 Ultra 256GB Phantom Black mint condition with invoice and bx",
		"Samsung Galaxy S23 Ultra 256GB Phantom Black mint condition with invoice and bix",
		"Samsung Galaxy S23 Ultra 256GB Phantom Black mint condition with an invoice and box",
	}
	for i, text := range weaker {
		ix.Add(fmt.Sprint("w", i), "s", text)
	}
	ix.Add("exact", "s", base)
	all := ix.Query(base, QueryOpts{})
	if len(all) != 5 || all[0].ID != "exact" {
		t.Fatalf("unlimited: %v", all)
	}
	for limit := 1; limit <= 5; limit++ {
		for _, opts := range []QueryOpts{{Limit: limit}, {Limit: limit, SameGroup: "s"}} {
			got := ix.Query(base, opts)
			if len(got) != limit {
				t.Fatalf("%+v: %d matches", opts, len(got))
			}
			for i := range got {
				if got[i].Similarity != all[i].Similarity {
					t.Errorf("%+v: match %d has similarity %v, want %v", opts, i, got[i].Similarity, all[i].Similarity)
				}
			}
		}
	}
}

func TestReplaceRemove(t *testing.T) {
	ix := New(Options{})
	ix.Add("x", "alice", "Nike Air Max 90 Größe 42 weiß")
	ix.Add("x", "bob", "Dyson V11 Absolute Staubsauger")
	if ix.Len() != 1 {
		t.Fatalf("Len = %d after replace, want 1", ix.Len())
	}
	if got := ix.Query("Nike Air Max 90 Größe 42 weiß", QueryOpts{}); len(got) != 0 {
		t.Errorf("old text still found: %v", got)
	}
	got := ix.Query("dyson v11 absolute staubsauger", QueryOpts{})
	if len(got) != 1 || got[0].Group != "bob" {
		t.Errorf("new text: %v, want x in bob", got)
	}
	if got := ix.Query("dyson v11 absolute staubsauger", QueryOpts{SameGroup: "alice"}); len(got) != 0 {
		t.Errorf("old group kept: %v", got)
	}
	ix.Remove("x")
	ix.Remove("never added")
	if ix.Len() != 0 || len(ix.Query("dyson v11 absolute staubsauger", QueryOpts{})) != 0 {
		t.Errorf("removed text still indexed")
	}
	ix.Add("empty", "alice", "---")
	if ix.Len() != 1 {
		t.Errorf("an empty text is still an entry")
	}
	ix.Remove("empty")
	checkInvariants(t, ix)
}

// TestTwins covers identical texts sharing one place in the band chains:
// each is still returned, and removing the one in the chains hands the
// place on.
func TestTwins(t *testing.T) {
	ix := New(Options{})
	const title = "PlayStation 5 Digital Edition"
	for i := range 50 {
		ix.Add(fmt.Sprint("p", i), fmt.Sprint("s", i%7), title)
	}
	if got := ix.Query(title, QueryOpts{}); len(got) != 50 {
		t.Fatalf("%d matches, want 50", len(got))
	}
	// One rep in the chains, the others in its ring: adding a copy of a
	// text indexed many times costs what adding the first did.
	reps := 0
	for s := range ix.slots {
		if ix.entry(s).is(flagRep) {
			reps++
		}
	}
	if reps != 1 {
		t.Fatalf("%d of 50 twins are in the chains, want 1", reps)
	}
	checkInvariants(t, ix)
	for i := range 49 {
		ix.Remove(fmt.Sprint("p", i))
		checkInvariants(t, ix)
	}
	got := ix.Query(title, QueryOpts{})
	if len(got) != 1 || got[0].ID != "p49" {
		t.Errorf("after removing 49 twins: %v", got)
	}
}

// TestAgainstBruteForce churns the index (adds, replaces, removes, enough
// to grow the tables and compact the arena) and compares queries with an
// exact scan.
func TestAgainstBruteForce(t *testing.T) {
	ix := New(Options{})
	live := map[string]listing{}
	r := rand.New(rand.NewPCG(7, 8))
	for step := range 12000 {
		l := genListing(r.IntN(6000))
		switch op := r.IntN(10); {
		case op < 6:
			l.id = fmt.Sprint("id", r.IntN(4000))
			ix.Add(l.id, l.seller, l.title)
			live[l.id] = l
		default:
			id := fmt.Sprint("id", r.IntN(4000))
			ix.Remove(id)
			delete(live, id)
		}
		if step%4000 == 3999 {
			checkInvariants(t, ix)
		}
	}
	if ix.Len() != len(live) {
		t.Fatalf("Len %d, want %d", ix.Len(), len(live))
	}
	titles := make([]string, 0, len(live))
	for _, l := range live {
		titles = append(titles, l.title)
	}
	slices.Sort(titles)
	want, got := 0, 0
	for range 100 {
		q := variant(r, titles[r.IntN(len(titles))], r.IntN(2))
		exact := map[string]float64{}
		for id, l := range live {
			if s := ix.Similarity(q, l.title); s >= 0.9 {
				exact[id] = s
			}
		}
		want += len(exact)
		for _, m := range ix.Query(q, QueryOpts{}) {
			s, ok := exact[m.ID]
			if !ok || s != m.Similarity || live[m.ID].seller != m.Group {
				t.Fatalf("query %q: %+v, exact %v (%v)", q, m, s, ok)
			}
			got++
		}
	}
	if float64(got) < 0.95*float64(want) {
		t.Errorf("found %d of %d", got, want)
	}
	t.Logf("found %d of %d", got, want)
}

func TestConcurrent(t *testing.T) {
	ix := New(Options{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 300 {
				l := genListing(w*1000 + i)
				ix.Add(l.id, l.seller, l.title)
				if i%3 == 0 {
					ix.Remove(l.id)
				}
			}
		})
		wg.Go(func() {
			for i := range 300 {
				ix.Query(genListing(i).title, QueryOpts{ExcludeGroup: "seller-1"})
				ix.Len()
			}
		})
	}
	wg.Wait()
	if ix.Len() != 4*200 {
		t.Errorf("Len = %d, want 800", ix.Len())
	}
	checkInvariants(t, ix)
}

// checkInvariants verifies the index's internal structure.
func checkInvariants(t *testing.T, ix *Index) {
	t.Helper()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	size := int(ix.mask) + 1
	inChains := map[uint32]int{}
	for j := range ix.lanes {
		for h := range size {
			for s := ix.heads[j*size+h]; s != none; s = ix.row(s)[j].next {
				if int(ix.row(s)[j].key&ix.mask) != h {
					t.Fatalf("slot %d in the wrong chain", s)
				}
				inChains[s]++
			}
		}
	}
	live, ids, members := 0, 0, 0
	for s := range ix.slots {
		e := ix.entry(s)
		if !e.is(flagLive) {
			if inChains[s] != 0 || e.flags != 0 {
				t.Fatalf("free slot %d in chains or flagged", s)
			}
			continue
		}
		live++
		if got, ok := ix.ids.find(e.id, ix.slotID); !ok || got != s {
			t.Fatalf("slot %d: id %q maps to %d, %v", s, e.id, got, ok)
		}
		g := &ix.groups[e.grp]
		if got, ok := ix.names.find(g.name, ix.groupName); int(e.gpos) >= len(g.members) || g.members[e.gpos] != s || !ok || got != e.grp {
			t.Fatalf("slot %d: group or name table out of step", s)
		}
		if want := map[bool]int{true: ix.lanes}[e.is(flagRep)]; inChains[s] != want {
			t.Fatalf("slot %d (rep %v) in %d chains", s, e.is(flagRep), inChains[s])
		}
		if ix.entry(e.twinNext).twinPrev != s {
			t.Fatalf("slot %d: broken twin ring", s)
		}
		reps := 0
		for u := s; ; {
			if ix.entry(u).is(flagRep) {
				reps++
			}
			if !slices.Equal(ix.sketchOf(u), ix.sketchOf(s)) {
				t.Fatalf("twins %d and %d differ", u, s)
			}
			if u = ix.entry(u).twinNext; u == s {
				break
			}
		}
		if e.n > 0 && reps != 1 {
			t.Fatalf("slot %d: %d reps in its ring", s, reps)
		}
	}
	for g := range ix.groups {
		members += len(ix.groups[g].members)
		if len(ix.groups[g].members) == 0 && !slices.Contains(ix.freeGroups, uint32(g)) {
			t.Fatalf("empty group %d not free", g)
		}
	}
	ids = ix.ids.n
	if live != ix.live || live != ids || live != members || live+len(ix.free) != int(ix.slots) ||
		ix.names.n+len(ix.freeGroups) != len(ix.groups) {
		t.Fatalf("%d live (%d counted), %d ids, %d members, %d free, %d slots; %d names, %d free groups, %d groups",
			live, ix.live, ids, members, len(ix.free), ix.slots, ix.names.n, len(ix.freeGroups), len(ix.groups))
	}
}

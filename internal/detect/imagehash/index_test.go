package imagehash

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// flip returns h with n distinct random bits flipped.
func flip(r *rand.Rand, h uint64, n int) uint64 {
	for _, b := range r.Perm(64)[:n] {
		h ^= 1 << b
	}
	return h
}

// TestIndexAgainstBruteForce stores 10,000 random hashes (and near copies of
// some), churns them, and compares every query with a scan.
func TestIndexAgainstBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ix := NewIndex()
	type stored struct {
		group string
		hash  uint64
	}
	live := map[string]stored{}
	var hashes []uint64
	for i := range 10_000 {
		h := r.Uint64()
		if i > 0 && i%3 == 0 {
			h = flip(r, hashes[r.IntN(len(hashes))], r.IntN(12))
		}
		hashes = append(hashes, h)
		id, group := fmt.Sprint("img", i), fmt.Sprint("seller", r.IntN(500))
		ix.Add(id, group, h)
		live[id] = stored{group, h}
	}
	for range 2000 { // replace and remove some
		id := fmt.Sprint("img", r.IntN(10_000))
		if r.IntN(2) == 0 {
			ix.Remove(id)
			delete(live, id)
		} else {
			s := stored{fmt.Sprint("seller", r.IntN(500)), flip(r, hashes[r.IntN(len(hashes))], r.IntN(6))}
			ix.Add(id, s.group, s.hash)
			live[id] = s
		}
	}
	if ix.Len() != len(live) {
		t.Fatalf("Len %d, want %d", ix.Len(), len(live))
	}
	total := 0
	for i := range 400 {
		q := flip(r, hashes[r.IntN(len(hashes))], r.IntN(10))
		if i%4 == 0 {
			q = r.Uint64()
		}
		maxDist := []int{0, 1, 3, 4, 5, 7, 8, 10, 11, 12, 15, 16, 19, 20, 24, 40}[i%16]
		exclude := ""
		if i%2 == 0 {
			exclude = fmt.Sprint("seller", r.IntN(500))
		}
		var want []Match
		for id, s := range live {
			if d := Distance(q, s.hash); d <= maxDist && s.group != exclude {
				want = append(want, Match{ID: id, Group: s.group, Distance: d})
			}
		}
		slices.SortFunc(want, func(a, b Match) int {
			return cmp.Or(cmp.Compare(a.Distance, b.Distance), strings.Compare(a.ID, b.ID))
		})
		total += len(want)
		if got := ix.Query(q, maxDist, exclude); !slices.Equal(got, want) {
			t.Fatalf("Query(%016x, %d, %q): %d matches, want %d\n got %v\nwant %v", q, maxDist, exclude, len(got), len(want), got, want)
		}
	}
	if total < 1000 {
		t.Errorf("only %d matches in all: the queries test too little", total)
	}
	t.Logf("%d matches", total)
}

func TestIndexBasics(t *testing.T) {
	ix := NewIndex()
	ix.Add("a", "alice", 0xff)
	ix.Add("b", "bob", 0xfe)
	ix.Add("c", "carol", 0xffff_0000_0000_0000)
	if got := ix.Query(0xff, 1, ""); len(got) != 2 || got[0] != (Match{"a", "alice", 0}) || got[1] != (Match{"b", "bob", 1}) {
		t.Errorf("Query = %v", got)
	}
	if got := ix.Query(0xff, 1, "alice"); len(got) != 1 || got[0].ID != "b" {
		t.Errorf("excluding alice: %v", got)
	}
	if got := ix.Query(0xff, -1, ""); got != nil {
		t.Errorf("negative distance: %v", got)
	}
	ix.Add("a", "dave", 0xffff_0000_0000_0000) // replace
	if got := ix.Query(0xffff_0000_0000_0000, 0, ""); len(got) != 2 || got[0].ID != "a" || got[0].Group != "dave" {
		t.Errorf("after replace: %v", got)
	}
	if ix.Len() != 3 {
		t.Errorf("Len = %d", ix.Len())
	}
	ix.Remove("a")
	ix.Remove("a")
	if ix.Len() != 2 || len(ix.Query(0xffff_0000_0000_0000, 0, "")) != 1 {
		t.Errorf("after remove: Len %d", ix.Len())
	}
	if _, ok := ix.groups.ids["alice"]; ok {
		t.Errorf("group alice kept after its last image went")
	}
	if got := ix.Query(0, 64, ""); len(got) != 2 {
		t.Errorf("distance 64 matches %d, want all 2", len(got))
	}
}

func TestIndexConcurrent(t *testing.T) {
	ix := NewIndex()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 0))
			for i := range 500 {
				id := fmt.Sprint(w, "/", i)
				ix.Add(id, fmt.Sprint("s", w), r.Uint64())
				if i%2 == 0 {
					ix.Remove(id)
				}
			}
		})
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for range 500 {
				ix.Query(r.Uint64(), 8, "s1")
			}
		})
	}
	wg.Wait()
	if ix.Len() != 1000 {
		t.Errorf("Len = %d, want 1000", ix.Len())
	}
}

// BenchmarkQuery1M stores 1,000,000 random hashes and queries near copies
// of stored ones at several distances. Real pHashes cluster more than
// random ones (plain backgrounds), which makes some buckets fuller.
func BenchmarkQuery1M(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	before := heapInUse()
	ix := NewIndex()
	hashes := make([]uint64, 1_000_000)
	for i := range hashes {
		hashes[i] = r.Uint64()
		ix.Add(fmt.Sprintf("0190a1b2-c3d4-7e5f-8a9b-%012d", i), fmt.Sprint("seller-", i%200_000), hashes[i])
	}
	perEntry := float64(heapInUse()-before) / float64(len(hashes))
	for _, maxDist := range []int{4, 8, 10, 12, 16, 19, 20} {
		b.Run(fmt.Sprint("dist", maxDist), func(b *testing.B) {
			i := 0
			for b.Loop() {
				ix.Query(flip(r, hashes[i%len(hashes)], maxDist/2), maxDist, "seller-1")
				i += 7919
			}
			b.ReportMetric(perEntry, "B/entry")
		})
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

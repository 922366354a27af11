package near

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestStrTable runs random inserts and removes, enough to grow and shrink
// the table, against a map.
func TestStrTable(t *testing.T) {
	tab := newStrTable()
	var keys []string // by value
	keyOf := func(v uint32) string { return keys[v] }
	want := map[string]uint32{}
	r := rand.New(rand.NewPCG(1, 1))
	// checkAll finds every key: a remove that shifted cells wrongly would
	// lose one further along its run.
	checkAll := func(step int) {
		for k, v := range want {
			if got, ok := tab.find(k, keyOf); !ok || got != v {
				t.Fatalf("step %d: find(%q) = %d, %v; want %d", step, k, got, ok, v)
			}
		}
	}
	for step := range 60_000 {
		k := fmt.Sprint("k", r.IntN(3000))
		if step > 40_000 {
			k = fmt.Sprint("k", r.IntN(300)) // fewer keys: the table shrinks
		}
		v, ok := want[k]
		if got, found := tab.find(k, keyOf); found != ok || found && got != v {
			t.Fatalf("step %d: find(%q) = %d, %v; want %d, %v", step, k, got, found, v, ok)
		}
		if ok && r.IntN(2) == 0 || step > 40_000 && ok {
			tab.remove(k, keyOf)
			delete(want, k)
		} else if !ok {
			keys = append(keys, k)
			tab.insert(k, uint32(len(keys)-1))
			want[k] = uint32(len(keys) - 1)
		}
		if tab.n != len(want) || 4*tab.n > 3*len(tab.cells) {
			t.Fatalf("step %d: %d keys in %d cells, want %d", step, tab.n, len(tab.cells), len(want))
		}
		if step%5000 == 0 {
			checkAll(step)
		}
	}
	checkAll(-1)
	if len(tab.cells) > 16*max(len(want), 1) {
		t.Errorf("%d cells for %d keys: the table did not shrink", len(tab.cells), len(want))
	}
	empty := newStrTable()
	if _, ok := empty.find("x", keyOf); ok {
		t.Error("empty table found a key")
	}
}

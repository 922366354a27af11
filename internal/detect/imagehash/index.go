package imagehash

import (
	"cmp"
	"math/bits"
	"slices"
	"sync"
)

// Multi-index hashing: each hash is filed under each of its four 16-bit
// chunks. Write a distance limit d as 4r + a (0 ≤ a < 4). If two hashes are
// within d, then one of the first a+1 chunks differs in at most r bits or
// one of the others in at most r-1 (otherwise the differences would add up
// to at least (a+1)(r+1) + (3-a)r = d+1). So probing, per chunk, the
// buckets within that radius of the query's chunk finds every hash within
// d: lookups are exact at any distance. Buckets probed per query: 4 for
// d = 0, 20 for d = 4, 68 for d = 7, 188 for d = 8, 548 for d = 11, 1108
// for d = 12, 2788 for d = 15; from d = 20 on a scan of all hashes is
// cheaper and Query does that instead.
const (
	chunks     = 4
	chunkBits  = 64 / chunks
	maxRadius  = 4 // probe radius up to which probing beats a scan (d ≤ 19)
	noGroup    = ^uint32(0)
	bucketSize = 1 << chunkBits
)

// Match is a stored hash near the query.
type Match struct {
	ID       string `json:"id"`
	Group    string `json:"group"`
	Distance int    `json:"distance"`
}

// Index finds stored hashes within a Hamming distance of a query. It is
// safe for concurrent use: queries run in parallel, changes one at a time.
//
// Memory is about 240 bytes per hash (measured at a million, 36-byte ids):
// four postings of 12 bytes — the hash itself, so candidates are filtered
// without touching their entries, and the entry's slot — with slice slack,
// a 32-byte entry, the id and its map slot, the interned group; plus 12.6 MB
// of bucket headers per index, whatever its size.
type Index struct {
	// masks lists the 16-bit masks by popcount: the first ends[r] of them
	// are the offsets within r bits.
	masks []uint16
	ends  [maxRadius + 1]int

	mu      sync.RWMutex
	entries []entry
	free    []uint32
	ids     map[string]uint32
	groups  groups
	buckets *[chunks][bucketSize]bucket
}

type entry struct {
	hash  uint64
	id    string
	group uint32
	live  bool
}

// bucket holds the hashes filed under one chunk value, with their slots.
type bucket struct {
	hashes []uint64
	slots  []uint32
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	ix := &Index{
		ids:     make(map[string]uint32),
		groups:  groups{ids: make(map[string]uint32)},
		buckets: new([chunks][bucketSize]bucket),
	}
	for m := range bucketSize {
		if bits.OnesCount16(uint16(m)) <= maxRadius {
			ix.masks = append(ix.masks, uint16(m))
		}
	}
	slices.SortStableFunc(ix.masks, func(a, b uint16) int {
		return cmp.Compare(bits.OnesCount16(a), bits.OnesCount16(b))
	})
	for r := range ix.ends {
		ix.ends[r], _ = slices.BinarySearchFunc(ix.masks, r+1, func(m uint16, n int) int {
			return cmp.Compare(bits.OnesCount16(m), n)
		})
	}
	return ix
}

// chunk returns chunk c of h.
func chunk(h uint64, c int) uint16 { return uint16(h >> (c * chunkBits)) }

// Len returns the number of stored hashes.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.ids)
}

// Add stores hash h of image id (say "listing-id/2"), belonging to group
// (the seller). Adding an id again replaces its hash and group.
func (ix *Index) Add(id, group string, h uint64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if slot, ok := ix.ids[id]; ok {
		ix.remove(slot)
	}
	var slot uint32
	if n := len(ix.free); n > 0 {
		slot, ix.free = ix.free[n-1], ix.free[:n-1]
	} else {
		slot = uint32(len(ix.entries))
		ix.entries = append(ix.entries, entry{})
	}
	ix.entries[slot] = entry{hash: h, id: id, group: ix.groups.acquire(group), live: true}
	ix.ids[id] = slot
	for c := range chunks {
		b := &ix.buckets[c][chunk(h, c)]
		b.hashes = append(b.hashes, h)
		b.slots = append(b.slots, slot)
	}
}

// Remove drops id; unknown ids are ignored.
func (ix *Index) Remove(id string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if slot, ok := ix.ids[id]; ok {
		ix.remove(slot)
	}
}

// remove drops the entry in slot from its buckets, the id map and its group.
func (ix *Index) remove(slot uint32) {
	e := &ix.entries[slot]
	for c := range chunks {
		b := &ix.buckets[c][chunk(e.hash, c)]
		i := slices.Index(b.slots, slot)
		last := len(b.slots) - 1
		b.hashes[i], b.slots[i] = b.hashes[last], b.slots[last]
		b.hashes, b.slots = b.hashes[:last], b.slots[:last]
	}
	delete(ix.ids, e.id)
	ix.groups.release(e.group)
	*e = entry{}
	ix.free = append(ix.free, slot)
}

// Query returns the stored hashes within maxDist bits of h, nearest first
// (ties by id), leaving out those of excludeGroup when it is not empty
// (a seller's own photos on their other listings). Results are exact: every
// stored hash within maxDist is returned.
func (ix *Index) Query(h uint64, maxDist int, excludeGroup string) []Match {
	if maxDist < 0 {
		return nil
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	exclude := noGroup
	if excludeGroup != "" {
		if g, ok := ix.groups.ids[excludeGroup]; ok {
			exclude = g
		}
	}
	var out []Match
	emit := func(slot uint32, d int) {
		if e := &ix.entries[slot]; e.group != exclude {
			out = append(out, Match{ID: e.id, Group: ix.groups.names[e.group], Distance: d})
		}
	}
	r, a := maxDist/chunks, maxDist%chunks
	if r > maxRadius {
		// Every hash is in exactly one bucket of chunk 0.
		for i := range ix.buckets[0] {
			b := &ix.buckets[0][i]
			for k, x := range b.hashes {
				if d := bits.OnesCount64(x ^ h); d <= maxDist {
					emit(b.slots[k], d)
				}
			}
		}
	} else {
		var radius [chunks]int
		for c := range radius {
			radius[c] = r
			if c > a {
				radius[c] = r - 1
			}
		}
		for c := range chunks {
			if radius[c] < 0 {
				break
			}
			q := chunk(h, c)
			for _, m := range ix.masks[:ix.ends[radius[c]]] {
				b := &ix.buckets[c][q^m]
				for k, x := range b.hashes {
					d := bits.OnesCount64(x ^ h)
					if d <= maxDist && !foundBefore(x^h, radius[:c]) {
						emit(b.slots[k], d)
					}
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b Match) int {
		return cmp.Or(cmp.Compare(a.Distance, b.Distance), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// foundBefore reports whether a hash differing from the query by diff was
// already found under one of the chunks probed before, with the radii
// given, so each is reported once.
func foundBefore(diff uint64, radius []int) bool {
	for p, r := range radius {
		if bits.OnesCount16(chunk(diff, p)) <= r {
			return true
		}
	}
	return false
}

// groups interns group names: entries hold a small number instead of a
// string, and a name is kept while any entry uses it.
type groups struct {
	ids   map[string]uint32
	names []string
	refs  []int
	free  []uint32
}

// acquire returns the number of name, counting one more user.
func (g *groups) acquire(name string) uint32 {
	if id, ok := g.ids[name]; ok {
		g.refs[id]++
		return id
	}
	var id uint32
	if n := len(g.free); n > 0 {
		id, g.free = g.free[n-1], g.free[:n-1]
		g.names[id], g.refs[id] = name, 1
	} else {
		id = uint32(len(g.names))
		g.names, g.refs = append(g.names, name), append(g.refs, 1)
	}
	g.ids[name] = id
	return id
}

// release counts one user less, forgetting the name after the last.
func (g *groups) release(id uint32) {
	if g.refs[id]--; g.refs[id] == 0 {
		delete(g.ids, g.names[id])
		g.names[id] = ""
		g.free = append(g.free, id)
	}
}

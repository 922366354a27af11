// Package near finds near-duplicate texts among many: listing titles copied
// by the same seller, descriptions copied across sellers (R-L4) and reviews
// pasted again and again (R-V2), without comparing a text with every other.
//
// # Similarity
//
// The similarity of two texts is the Jaccard similarity |A∩B| / |A∪B| of
// their shingle sets after normalisation (NFKD, accents dropped, lower case,
// punctuation and spacing reduced to word breaks). With Kind Chars (the
// default, for titles) a shingle is K=3 consecutive characters of the text
// with the word breaks removed; with Kind Words (for descriptions and
// reviews) it is K=3 consecutive words. Similarity 1 means the same
// normalised text; empty texts are similar to nothing.
//
// On short titles character shingles are strict: one typo in a 25-letter
// title changes 3 of about 23 shingles, Jaccard ≈ 0.77; a swapped pair of
// words costs about as much. Policies that want such variants caught should
// query below 0.9 and build the index for that threshold (Options.Threshold).
//
// # How lookups stay fast
//
// Each indexed text keeps a MinHash signature of bands×rows hashes, of which
// only one 32-bit key per band is stored; a query looks at the texts that
// share at least one band key with it (locality-sensitive hashing) and
// verifies each candidate on the stored shingle hashes. For the default
// threshold 0.9 the index uses 10 bands of 9 rows: a pair at similarity 0.9
// becomes a candidate with probability 0.9925, at 0.8 with 0.76, at 0.7 with
// 0.34 and at 0.5 with 0.019. Verification is exact Jaccard when both texts
// have at most SketchSize (128) distinct shingles, which covers titles and
// short descriptions; longer texts are compared on their bottom-128 sketches
// (standard error about 0.03 at similarity 0.9). Entries with the same
// shingle set share one place in the band tables and are verified once, and
// a query with a Limit stops as soon as nothing can beat what it holds, so
// a title listed a thousand times does not cost a thousand comparisons.
//
// # Memory
//
// About 300 bytes per entry plus 4 per distinct shingle stored (at most
// SketchSize), measured at a million entries with 36-byte ids: 80 for band
// keys and chain links, 42 for the band tables, 56 for the entry record,
// ~90 for the id and its map slot, the rest for groups and slack. Titles
// (~39 characters, 30 shingles) take about 430 bytes, so a million fit in
// about 410 MiB; descriptions of 128 or more distinct word shingles take
// about 820.
package near

import (
	"cmp"
	"fmt"
	"math/bits"
	"slices"
	"sync"
)

// Defaults for zero Options fields.
const (
	defaultK          = 3
	defaultThreshold  = 0.9
	defaultSketchSize = 128
	minTableSize      = 64
)

// groupScanMax is the largest group a SameGroup query compares one by one
// instead of using the band tables: up to here the scan costs well under a
// millisecond, and it is exact at any similarity, not only above the tuned
// threshold.
const groupScanMax = 1024

// none marks the end of a chain.
const none = ^uint32(0)

// Options configures an Index. The zero value suits listing titles:
// character 3-shingles, tuned for similarity 0.9.
type Options struct {
	// Kind is how texts are cut into shingles: Chars (default) or Words.
	Kind Kind
	// K is the shingle length in characters or words; 0 means 3.
	K int
	// Threshold is the similarity the band tables are tuned for: pairs at
	// or above it are found with probability ≥ 0.99. 0 means 0.9; it is also
	// the default QueryOpts.MinSimilarity. Below about 0.5 the tuning cannot
	// reach 0.99 within 10 bands and recall falls.
	Threshold float64
	// SketchSize caps the shingle hashes stored per text; texts with more
	// distinct shingles are compared by estimate. 0 means 128.
	SketchSize int
	// ExpectedSize presizes the tables for that many texts, which avoids
	// rebuilding them as the index grows.
	ExpectedSize int
}

// QueryOpts narrows a Query.
type QueryOpts struct {
	// MinSimilarity is the lowest similarity returned; 0 means the index's
	// Threshold. Below the threshold results are exact but recall drops.
	MinSimilarity float64
	// SameGroup, when not empty, returns only texts of that group (the
	// same seller's other titles). A group of up to 1024 texts is compared
	// text by text, so its results are exact at any MinSimilarity.
	SameGroup string
	// ExcludeGroup, when not empty, leaves out texts of that group (copies
	// by other sellers).
	ExcludeGroup string
	// ExcludeID leaves out one text, typically the one being checked when it
	// is already indexed.
	ExcludeID string
	// Limit caps the number of matches; 0 means no cap.
	Limit int
}

// Match is one indexed text similar to the query.
type Match struct {
	ID         string  `json:"id"`
	Group      string  `json:"group"`
	Similarity float64 `json:"similarity"`
}

// Index is a near-duplicate index. It is safe for concurrent use: queries
// run in parallel, changes one at a time.
type Index struct {
	sh         shingler
	mh         minhasher
	bands      int
	rows       int
	threshold  float64
	sketchSize int
	scratch    sync.Pool // *scratch

	mu      sync.RWMutex
	ids     map[string]uint32
	groups  map[string]*group
	entries []entry  // by slot
	free    []uint32 // slots of removed entries
	links   []link   // slot*bands + band
	heads   []uint32 // band*tableSize + key&mask: first slot of a chain
	mask    uint32   // tableSize-1
	arena   arena    // every entry's sketch
}

// entry is one indexed text.
type entry struct {
	id  string
	grp *group
	off int    // sketch position in arena
	n   uint32 // sketch length
	// gpos is the entry's position in grp.members.
	gpos uint32
	// twinPrev and twinNext ring the entries with the same sketch; only one
	// of them, the rep, is in the band chains.
	twinPrev, twinNext uint32
	full               bool // the sketch is the whole shingle set
	rep                bool // linked into the band chains
	live               bool
}

// link is an entry's place in one band: its key there and the next entry
// in the same chain.
type link struct {
	key  uint32
	next uint32
}

// group is the entries of one seller or account.
type group struct {
	name    string
	members []uint32
}

// scratch holds one operation's buffers.
type scratch struct {
	tokens   []uint64
	shingles []uint64
	sig      []uint64
	keys     []uint32
	sketch   []uint32
	full     bool
}

// New returns an empty index. Zero fields of opts take their defaults; it
// panics on values out of range (a Threshold above 1, a negative size).
func New(opts Options) *Index {
	if opts.K < 0 || opts.Threshold < 0 || opts.Threshold > 1 || opts.SketchSize < 0 || opts.ExpectedSize < 0 || opts.Kind > Words {
		panic(fmt.Sprintf("near: invalid options %+v", opts))
	}
	ix := &Index{
		sh:         shingler{kind: opts.Kind, k: cmp.Or(opts.K, defaultK)},
		threshold:  cmp.Or(opts.Threshold, defaultThreshold),
		sketchSize: cmp.Or(opts.SketchSize, defaultSketchSize),
		ids:        make(map[string]uint32, opts.ExpectedSize),
		groups:     make(map[string]*group),
	}
	ix.bands, ix.rows = tune(ix.threshold)
	ix.mh = newMinhasher(ix.bands * ix.rows)
	ix.scratch.New = func() any {
		return &scratch{sig: make([]uint64, ix.bands*ix.rows), keys: make([]uint32, ix.bands)}
	}
	size := minTableSize
	for size < opts.ExpectedSize {
		size *= 2
	}
	ix.entries = make([]entry, 0, opts.ExpectedSize)
	ix.links = make([]link, 0, opts.ExpectedSize*ix.bands)
	ix.arena.shift = uint(max(chunkShift, bits.Len(uint(ix.sketchSize))))
	ix.rehash(size)
	return ix
}

// prepare computes the text's sketch, signature and band keys into sc.
func (ix *Index) prepare(sc *scratch, text string) {
	sc.shingles, sc.tokens = ix.sh.shingles(sc.shingles[:0], sc.tokens, text)
	sc.sketch, sc.full = sketch(sc.sketch, sc.shingles, ix.sketchSize)
	if len(sc.shingles) > 0 {
		ix.mh.signature(sc.sig, sc.shingles)
		bandKeys(sc.keys, sc.sig, ix.rows)
	}
}

// Similarity returns the exact Jaccard similarity of two texts' shingle
// sets, as the index defines it: the evidence behind a match.
func (ix *Index) Similarity(a, b string) float64 {
	sa, sb := ix.scratch.Get().(*scratch), ix.scratch.Get().(*scratch)
	defer ix.scratch.Put(sa)
	defer ix.scratch.Put(sb)
	sa.shingles, sa.tokens = ix.sh.shingles(sa.shingles[:0], sa.tokens, a)
	sb.shingles, sb.tokens = ix.sh.shingles(sb.shingles[:0], sb.tokens, b)
	all := max(len(sa.shingles), len(sb.shingles))
	sa.sketch, _ = sketch(sa.sketch, sa.shingles, all)
	sb.sketch, _ = sketch(sb.sketch, sb.shingles, all)
	sim, _ := exactJaccard(sa.sketch, sb.sketch, 0)
	return sim
}

// Len returns the number of indexed texts.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.ids)
}

// Add indexes text under id, belonging to group (a seller or account id).
// Adding an id again replaces its text and group.
func (ix *Index) Add(id, group, text string) {
	sc := ix.scratch.Get().(*scratch)
	defer ix.scratch.Put(sc)
	ix.prepare(sc, text)

	ix.mu.Lock()
	defer ix.mu.Unlock()
	if old, ok := ix.ids[id]; ok {
		ix.remove(old)
	}
	slot := ix.alloc()
	e := &ix.entries[slot]
	*e = entry{
		id: id, off: ix.arena.add(sc.sketch), n: uint32(len(sc.sketch)), full: sc.full,
		twinPrev: slot, twinNext: slot, live: true,
	}
	ix.ids[id] = slot
	ix.join(slot, group)
	if len(sc.sketch) == 0 {
		return // similar to nothing: kept only so Len, Remove and replace hold
	}
	l := ix.links[int(slot)*ix.bands:][:ix.bands]
	for j, k := range sc.keys {
		l[j].key = k
	}
	if t := ix.twin(slot); t != none {
		ix.ringInsert(t, slot)
		return
	}
	e.rep = true
	for j := range ix.bands {
		ix.push(j, slot)
	}
}

// Remove drops id from the index; unknown ids are ignored.
func (ix *Index) Remove(id string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if slot, ok := ix.ids[id]; ok {
		ix.remove(slot)
	}
}

// Query returns the indexed texts at least opts.MinSimilarity similar to
// text, most similar first. Without a Limit ties are ordered by id; with
// one, which of several equally similar texts make the cut is unspecified,
// so that a query for a text listed a thousand times can stop after Limit.
func (ix *Index) Query(text string, opts QueryOpts) []Match {
	sc := ix.scratch.Get().(*scratch)
	defer ix.scratch.Put(sc)
	ix.prepare(sc, text)
	if len(sc.sketch) == 0 {
		return nil
	}

	ix.mu.RLock()
	defer ix.mu.RUnlock()
	q := query{ix: ix, sc: sc, minSim: opts.MinSimilarity, limit: max(opts.Limit, 0), excludeID: opts.ExcludeID}
	if q.minSim <= 0 {
		q.minSim = ix.threshold
	}
	if opts.SameGroup != "" {
		if q.same = ix.groups[opts.SameGroup]; q.same == nil {
			return nil
		}
	}
	if opts.ExcludeGroup != "" {
		q.exclude = ix.groups[opts.ExcludeGroup]
	}
	if q.same != nil && len(q.same.members) <= groupScanMax {
		q.scan()
	} else {
		q.lookup()
	}
	slices.SortFunc(q.out, func(a, b Match) int {
		return cmp.Or(cmp.Compare(b.Similarity, a.Similarity), cmp.Compare(a.ID, b.ID))
	})
	return q.out
}

// query is one Query's state while the read lock is held. With a limit, out
// is a min-heap on similarity holding the best matches so far, and
// candidates that cannot beat its weakest are not verified in full.
type query struct {
	ix        *Index
	sc        *scratch
	minSim    float64
	limit     int
	same      *group
	exclude   *group
	excludeID string
	out       []Match
}

// full reports whether the query holds limit matches already.
func (q *query) full() bool { return q.limit > 0 && len(q.out) == q.limit }

// done reports whether no further match can improve the result.
func (q *query) done() bool { return q.full() && q.out[0].Similarity >= 1 }

// compare returns the similarity of the query and the entry in slot, and
// whether it earns a place in the result.
func (q *query) compare(slot uint32) (float64, bool) {
	need := q.minSim
	if q.full() {
		need = q.out[0].Similarity
	}
	e := &q.ix.entries[slot]
	sim, ok := similarity(q.ix.arena.get(e.off, e.n), e.full, q.sc.sketch, q.sc.full, q.ix.sketchSize, need)
	return sim, ok && q.beats(sim)
}

// beats reports whether a match of similarity sim would enter the result.
func (q *query) beats(sim float64) bool { return !q.full() || sim > q.out[0].Similarity }

// emit adds the entry in slot, matched with similarity sim, if the filters
// let it through.
func (q *query) emit(slot uint32, sim float64) {
	e := &q.ix.entries[slot]
	if (q.same != nil && e.grp != q.same) || (q.exclude != nil && e.grp == q.exclude) || e.id == q.excludeID {
		return
	}
	m := Match{ID: e.id, Group: e.grp.name, Similarity: sim}
	switch {
	case q.limit == 0:
		q.out = append(q.out, m)
	case len(q.out) < q.limit:
		q.out = append(q.out, m)
		for i := len(q.out) - 1; i > 0; {
			parent := (i - 1) / 2
			if q.out[parent].Similarity <= q.out[i].Similarity {
				break
			}
			q.out[parent], q.out[i] = q.out[i], q.out[parent]
			i = parent
		}
	default:
		q.out[0] = m
		for i := 0; ; {
			least := i
			for _, c := range []int{2*i + 1, 2*i + 2} {
				if c < len(q.out) && q.out[c].Similarity < q.out[least].Similarity {
					least = c
				}
			}
			if least == i {
				break
			}
			q.out[least], q.out[i] = q.out[i], q.out[least]
			i = least
		}
	}
}

// scan compares the query with every member of the SameGroup group.
func (q *query) scan() {
	for _, slot := range q.same.members {
		if sim, ok := q.compare(slot); ok {
			q.emit(slot, sim)
			if q.done() {
				return
			}
		}
	}
}

// lookup verifies the entries sharing a band key with the query. An entry
// that shares several bands is verified only in the first: when it turns
// up in band j, its keys in bands before j say whether it was seen already.
// A verified entry stands for its twins, which share its similarity.
func (q *query) lookup() {
	ix, keys := q.ix, q.sc.keys
	size := uint32(len(ix.heads) / ix.bands)
	for j, key := range keys {
		for slot := ix.heads[uint32(j)*size+key&ix.mask]; slot != none; {
			l := ix.links[int(slot)*ix.bands:][:ix.bands]
			next := l[j].next
			if l[j].key == key && !seenBefore(l[:j], keys) {
				if sim, ok := q.compare(slot); ok {
					for t := slot; q.beats(sim); {
						q.emit(t, sim)
						if t = ix.entries[t].twinNext; t == slot {
							break
						}
					}
					if q.done() {
						return
					}
				}
			}
			slot = next
		}
	}
}

// seenBefore reports whether an entry's keys in the bands of l match the
// query's in any of them.
func seenBefore(l []link, keys []uint32) bool {
	for t, x := range l {
		if x.key == keys[t] {
			return true
		}
	}
	return false
}

// alloc returns a free slot, growing the tables when none is left.
func (ix *Index) alloc() uint32 {
	if n := len(ix.free); n > 0 {
		slot := ix.free[n-1]
		ix.free = ix.free[:n-1]
		return slot
	}
	slot := uint32(len(ix.entries))
	if slot == none {
		panic("near: index full")
	}
	ix.entries = append(ix.entries, entry{})
	for range ix.bands {
		ix.links = append(ix.links, link{})
	}
	if size := int(ix.mask) + 1; len(ix.entries) > size {
		ix.rehash(2 * size)
	}
	return slot
}

// rehash rebuilds the band tables with size heads per band, keeping the
// average chain at most one entry long.
func (ix *Index) rehash(size int) {
	ix.mask = uint32(size - 1)
	ix.heads = slices.Grow(ix.heads[:0], ix.bands*size)[:ix.bands*size]
	for i := range ix.heads {
		ix.heads[i] = none
	}
	for slot := range ix.entries {
		if ix.entries[slot].rep {
			for j := range ix.bands {
				ix.push(j, uint32(slot))
			}
		}
	}
}

// push puts slot at the front of its chain in band j.
func (ix *Index) push(j int, slot uint32) {
	l := &ix.links[int(slot)*ix.bands+j]
	h := &ix.heads[j*(int(ix.mask)+1)+int(l.key&ix.mask)]
	l.next, *h = *h, slot
}

// chainRef returns the reference to slot in its chain in band j (the head
// or the previous entry's next), so it can be unlinked or replaced.
func (ix *Index) chainRef(j int, slot uint32) *uint32 {
	key := ix.links[int(slot)*ix.bands+j].key
	p := &ix.heads[j*(int(ix.mask)+1)+int(key&ix.mask)]
	for *p != slot {
		p = &ix.links[int(*p)*ix.bands+j].next
	}
	return p
}

// twin returns the rep already indexed with the same sketch and band keys
// as slot, or none.
func (ix *Index) twin(slot uint32) uint32 {
	mine := ix.links[int(slot)*ix.bands:][:ix.bands]
	sk := ix.sketchOf(slot)
	for t := ix.heads[int(mine[0].key&ix.mask)]; t != none; {
		theirs := ix.links[int(t)*ix.bands:][:ix.bands]
		if sameKeys(mine, theirs) && ix.entries[t].full == ix.entries[slot].full && slices.Equal(ix.sketchOf(t), sk) {
			return t
		}
		t = theirs[0].next
	}
	return none
}

// sameKeys reports whether two entries have the same key in every band.
func sameKeys(a, b []link) bool {
	for i := range a {
		if a[i].key != b[i].key {
			return false
		}
	}
	return true
}

// sketchOf returns the stored sketch of the entry in slot.
func (ix *Index) sketchOf(slot uint32) []uint32 {
	e := &ix.entries[slot]
	return ix.arena.get(e.off, e.n)
}

// ringInsert adds slot to the twin ring of t.
func (ix *Index) ringInsert(t, slot uint32) {
	next := ix.entries[t].twinNext
	ix.entries[slot].twinPrev, ix.entries[slot].twinNext = t, next
	ix.entries[t].twinNext = slot
	ix.entries[next].twinPrev = slot
}

// remove drops the entry in slot: from its twin ring (handing its place in
// the chains to a twin if it was the rep), its chains, its group and the id
// map. Its sketch stays in the arena as garbage until the next compaction.
func (ix *Index) remove(slot uint32) {
	e := &ix.entries[slot]
	switch {
	case e.twinNext != slot:
		prev, next := e.twinPrev, e.twinNext
		ix.entries[prev].twinNext, ix.entries[next].twinPrev = next, prev
		if e.rep {
			for j := range ix.bands {
				p := ix.chainRef(j, slot)
				*p = next
				ix.links[int(next)*ix.bands+j].next = ix.links[int(slot)*ix.bands+j].next
			}
			ix.entries[next].rep = true
		}
	case e.rep:
		for j := range ix.bands {
			p := ix.chainRef(j, slot)
			*p = ix.links[int(slot)*ix.bands+j].next
		}
	}
	delete(ix.ids, e.id)
	ix.leave(slot)
	ix.arena.garbage += int(e.n)
	*e = entry{} // drop the strings for the collector
	ix.free = append(ix.free, slot)
	if ix.arena.garbage > 1<<15 && ix.arena.garbage > ix.arena.used/2 {
		ix.compact()
	}
}

// compact copies the live sketches into a new arena.
func (ix *Index) compact() {
	fresh := arena{shift: ix.arena.shift}
	for i := range ix.entries {
		if e := &ix.entries[i]; e.live {
			e.off = fresh.add(ix.arena.get(e.off, e.n))
		}
	}
	ix.arena = fresh
}

// chunkShift sizes arena chunks: 2^20 words, 4 MiB.
const chunkShift = 20

// arena stores sketches in fixed-size chunks, each sketch within one chunk.
// Growing it never moves what is stored, where one slice holding a million
// sketches would be copied again and again as it grew.
type arena struct {
	chunks  [][]uint32
	shift   uint // log2 of the chunk size, which is at least the sketch size
	used    int  // words stored, live or not
	garbage int  // words of removed entries
}

// add stores s and returns its position: chunk<<shift | offset.
func (a *arena) add(s []uint32) int {
	n := len(a.chunks)
	if n == 0 || len(a.chunks[n-1])+len(s) > 1<<a.shift {
		a.chunks = append(a.chunks, make([]uint32, 0, 1<<a.shift))
		n++
	}
	c := &a.chunks[n-1]
	pos := (n-1)<<a.shift | len(*c)
	*c = append(*c, s...)
	a.used += len(s)
	return pos
}

// get returns the n words stored at pos.
func (a *arena) get(pos int, n uint32) []uint32 {
	off := pos & (1<<a.shift - 1)
	return a.chunks[pos>>a.shift][off : off+int(n)]
}

// join adds slot to the group called name.
func (ix *Index) join(slot uint32, name string) {
	g := ix.groups[name]
	if g == nil {
		g = &group{name: name}
		ix.groups[name] = g
	}
	e := &ix.entries[slot]
	e.grp, e.gpos = g, uint32(len(g.members))
	g.members = append(g.members, slot)
}

// leave removes slot from its group, dropping the group when it empties.
func (ix *Index) leave(slot uint32) {
	e := &ix.entries[slot]
	g := e.grp
	last := g.members[len(g.members)-1]
	g.members[e.gpos] = last
	ix.entries[last].gpos = e.gpos
	g.members = g.members[:len(g.members)-1]
	if len(g.members) == 0 {
		delete(ix.groups, g.name)
	}
}

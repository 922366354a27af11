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
// 0.34 and at 0.5 with 0.019; for 0.8 it uses 9 bands of 4 rows. Verification
// is exact Jaccard when both texts have at most SketchSize (128) distinct
// shingles, which covers titles and short descriptions; longer texts are
// compared on their bottom-128 sketches (standard error about 0.03 at
// similarity 0.9). Entries with the same shingle set share one place in the
// band tables and are verified once, and a query with a Limit stops as soon
// as nothing can beat what it holds, so a title listed a thousand times does
// not cost a thousand comparisons.
//
// Short bands make keys that thousands of texts share: four rows that all
// fall on a common phrase ("smoke-free home", shipping terms) give the same
// key to every text containing it. A query walks in full only the chains of
// at most 64 entries; longer ones it skips when the others alone would find
// a pair at the asked similarity with probability 0.99, and otherwise walks
// them newest first within 2,048 steps, verifying only entries that share
// enough bands to be that similar. A query thus costs at most a few
// thousand steps however repetitive the texts. With a million marketplace
// listings indexed (BenchmarkLookup1M) the 99th percentile is under 350
// chain steps, 100 to 300 µs on a busy two-core machine, and recall of
// copies at 0.9 or more similar above 0.99, at either tuning.
//
// # Memory
//
// About 170 bytes per entry for a 0.8 index (180 for 0.9), plus 4 per
// distinct shingle stored (at most SketchSize), plus the id, measured at a
// million entries: 80 for band keys and chain links (90 for 0.9), 10 for the
// band tables, 40 for the entry record, 17 for the id table, about 20 for
// groups. Ids are kept as given, so indexes fed the same id strings share
// them. With 36-byte ids, titles (~40 shingles) take about 380 bytes and
// descriptions (~75) about 515: a million listings' titles and descriptions
// hold about 800 MiB of heap, ids included once.
package near

import (
	"cmp"
	"fmt"
	"math"
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

// maxChain is the average chain length at which the band tables grow:
// four entries per head cost a few steps more per query than one, and a
// quarter of the memory.
const maxChain = 4

// heavyChain and heavyBudget bound the work on band keys many texts share
// (see lookup): a chain longer than heavyChain is walked only within
// heavyBudget steps per query, shared by all such bands of the query.
// In those chains an entry is verified only if it shares enough bands
// with the query that a pair at the asked similarity falls short with
// probability at most heavyMissRate.
const (
	heavyChain    = 64
	heavyBudget   = 2048
	heavyMissRate = 0.01
)

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
	// distinct shingles are compared by estimate. 0 means 128; at most
	// 65,535.
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
// run in parallel, changes one at a time. Add normalises, shingles and
// hashes its text, most of its cost, before it takes the lock, so a load
// from several goroutines uses several cores.
type Index struct {
	sh         shingler
	mh         minhasher
	bands      int
	rows       int
	threshold  float64
	sketchSize int
	scratch    sync.Pool // *scratch

	// lanes is bands+1: every rep is also chained in a last lane, by a
	// hash of its sketch and band keys, where an Add finds its twins.
	lanes int

	expected int // Options.ExpectedSize

	mu         sync.RWMutex
	ids        strTable  // id → slot
	names      strTable  // group name → number
	groups     []group   // by number
	freeGroups []uint32  // numbers of empty groups
	entries    [][]entry // slabs of slots (see entry)
	links      [][]link  // the same slabs, lanes links per slot (see row)
	slots      uint32    // slots allocated
	live       int       // entries
	free       []uint32  // slots of removed entries
	heads      []uint32  // lane*tableSize + key&mask: first slot of a chain
	mask       uint32    // tableSize-1
	arena      arena     // every entry's sketch
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
	if opts.K < 0 || opts.Threshold < 0 || opts.Threshold > 1 || opts.SketchSize < 0 || opts.SketchSize > math.MaxUint16 ||
		opts.ExpectedSize < 0 || opts.Kind > Words {
		panic(fmt.Sprintf("near: invalid options %+v", opts))
	}
	ix := &Index{
		sh:         shingler{kind: opts.Kind, k: cmp.Or(opts.K, defaultK)},
		threshold:  cmp.Or(opts.Threshold, defaultThreshold),
		sketchSize: cmp.Or(opts.SketchSize, defaultSketchSize),
		expected:   opts.ExpectedSize,
		ids:        newStrTable(),
		names:      newStrTable(),
	}
	ix.bands, ix.rows = tune(ix.threshold)
	ix.lanes = ix.bands + 1
	ix.mh = newMinhasher(ix.bands * ix.rows)
	ix.scratch.New = func() any {
		return &scratch{sig: make([]uint64, ix.bands*ix.rows), keys: make([]uint32, ix.bands)}
	}
	size := minTableSize
	for size*maxChain < opts.ExpectedSize {
		size *= 2
	}
	if opts.ExpectedSize > 0 {
		ix.ids.resize(1 << bits.Len(uint(opts.ExpectedSize*4/3)))
	}
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
	return ix.live
}

// Add indexes text under id, belonging to group (a seller or account id).
// Adding an id again replaces its text and group.
func (ix *Index) Add(id, group, text string) {
	sc := ix.scratch.Get().(*scratch)
	defer ix.scratch.Put(sc)
	ix.prepare(sc, text)

	ix.mu.Lock()
	defer ix.mu.Unlock()
	if old, ok := ix.ids.find(id, ix.slotID); ok {
		ix.remove(old)
	}
	slot := ix.alloc()
	e := ix.entry(slot)
	*e = entry{id: id, off: ix.arena.add(sc.sketch), n: uint16(len(sc.sketch)), twinPrev: slot, twinNext: slot, flags: flagLive}
	if sc.full {
		e.flags |= flagFull
	}
	ix.ids.insert(id, slot)
	ix.live++
	ix.join(slot, group)
	if len(sc.sketch) == 0 {
		return // similar to nothing: kept only so Len, Remove and replace hold
	}
	l := ix.row(slot)
	for j, k := range sc.keys {
		l[j].key = k
	}
	l[ix.bands].key = twinKey(sc.sketch, sc.keys, sc.full)
	if t := ix.twin(slot); t != none {
		ix.ringInsert(t, slot)
		return
	}
	e.flags |= flagRep
	for j := range ix.lanes {
		ix.push(j, slot)
	}
}

// twinKey hashes what twins share: sketch, band keys and fullness.
func twinKey(sketch, keys []uint32, full bool) uint32 {
	h := uint64(hashSeed)
	if full {
		h = ^h
	}
	for _, x := range sketch {
		h = (h ^ uint64(x)) * hashPrime
	}
	for _, x := range keys {
		h = (h ^ uint64(x)) * hashPrime
	}
	return uint32(mix64(h))
}

// Remove drops id from the index; unknown ids are ignored.
func (ix *Index) Remove(id string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if slot, ok := ix.ids.find(id, ix.slotID); ok {
		ix.remove(slot)
	}
}

// Query returns the indexed texts at least opts.MinSimilarity similar to
// text, most similar first. Without a Limit ties are ordered by id; with
// one, which of several equally similar texts make the cut is unspecified,
// so that a query for a text listed a thousand times can stop after Limit.
func (ix *Index) Query(text string, opts QueryOpts) []Match {
	out, _ := ix.query(text, opts)
	return out
}

// work counts what a query did, for tests and benchmarks: chain steps
// taken, of them in heavy chains past the count, and candidates verified.
type work struct{ steps, heavySteps, verified int }

// query is Query, also returning its work.
func (ix *Index) query(text string, opts QueryOpts) ([]Match, work) {
	sc := ix.scratch.Get().(*scratch)
	defer ix.scratch.Put(sc)
	ix.prepare(sc, text)
	if len(sc.sketch) == 0 {
		return nil, work{}
	}

	ix.mu.RLock()
	defer ix.mu.RUnlock()
	q := query{ix: ix, sc: sc, minSim: opts.MinSimilarity, limit: max(opts.Limit, 0), excludeID: opts.ExcludeID}
	if q.minSim <= 0 {
		q.minSim = ix.threshold
	}
	q.same, q.exclude = none, none
	if opts.SameGroup != "" {
		g, ok := ix.names.find(opts.SameGroup, ix.groupName)
		if !ok {
			return nil, work{}
		}
		q.same = g
	}
	if opts.ExcludeGroup != "" {
		if g, ok := ix.names.find(opts.ExcludeGroup, ix.groupName); ok {
			q.exclude = g
		}
	}
	if q.same != none && len(ix.groups[q.same].members) <= groupScanMax {
		q.scan()
	} else {
		q.lookup()
	}
	slices.SortFunc(q.out, func(a, b Match) int {
		return cmp.Or(cmp.Compare(b.Similarity, a.Similarity), cmp.Compare(a.ID, b.ID))
	})
	return q.out, q.work
}

// query is one Query's state while the read lock is held. With a limit, out
// is a min-heap on similarity holding the best matches so far, and
// candidates that cannot beat its weakest are not verified in full.
type query struct {
	ix        *Index
	sc        *scratch
	minSim    float64
	limit     int
	same      uint32 // group number, or none
	exclude   uint32
	excludeID string
	out       []Match
	work      work
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
	q.work.verified++
	e := q.ix.entry(slot)
	sim, ok := similarity(q.ix.arena.get(e.off, e.n), e.is(flagFull), q.sc.sketch, q.sc.full, q.ix.sketchSize, need)
	return sim, ok && q.beats(sim)
}

// beats reports whether a match of similarity sim would enter the result.
func (q *query) beats(sim float64) bool { return !q.full() || sim > q.out[0].Similarity }

// emit adds the entry in slot, matched with similarity sim, if the filters
// let it through.
func (q *query) emit(slot uint32, sim float64) {
	e := q.ix.entry(slot)
	if (q.same != none && e.grp != q.same) || e.grp == q.exclude || e.id == q.excludeID {
		return
	}
	m := Match{ID: e.id, Group: q.ix.groups[e.grp].name, Similarity: sim}
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
	for _, slot := range q.ix.groups[q.same].members {
		if sim, ok := q.compare(slot); ok {
			q.emit(slot, sim)
			if q.done() {
				return
			}
		}
	}
}

// lookup verifies the entries sharing a band key with the query, in two
// rounds. Bands whose chain for the query's key is at most heavyChain long
// (light bands) are walked in full. The others hold a key that many texts
// share, mostly from common boilerplate (opening lines, shipping and
// payment terms), and are walked only when needed and within a budget, so
// that a query costs a bounded number of steps however popular its keys:
//
//   - A pair at the asked similarity shares each band with probability
//     p = sim^rows, independently. If the light bands alone give it a miss
//     rate (1-p)^light of at most heavyMissRate, the heavy ones are skipped.
//   - Otherwise they are walked, newest entries first, within heavyBudget
//     steps shared between them. Most entries there share only that one
//     band with the query and are far less similar than asked; an entry is
//     verified only if it shares as many bands as a pair at the asked
//     similarity nearly always does (minSharedBands), so that most steps
//     cost one read. Texts made only of common phrases (short reviews)
//     thus still find their most recent near-copies.
//
// An entry that shares several bands is verified only in the first walked:
// when it turns up in band j, its keys in the bands walked before say
// whether it was seen already. A verified entry stands for its twins,
// which share its similarity.
func (q *query) lookup() {
	ix, keys := q.ix, q.sc.keys
	all := uint32(1)<<len(keys) - 1
	var heavy uint32
	for j := range keys {
		if ix.chainLonger(j, keys[j], heavyChain) {
			heavy |= 1 << j
			q.work.steps += heavyChain
		}
	}
	light := all &^ heavy
	for j := range keys {
		if light>>j&1 == 1 {
			steps, done := q.walk(j, light&(1<<j-1), 1, -1)
			if q.work.steps += steps; done {
				return
			}
		}
	}
	p := math.Pow(q.minSim, float64(ix.rows)) // P(a pair at minSim shares a band)
	if heavy == 0 || math.Pow(1-p, float64(bits.OnesCount32(light))) <= heavyMissRate {
		return
	}
	budget, left := heavyBudget, bits.OnesCount32(heavy)
	minBands := ix.minSharedBands(q.minSim)
	for j := range keys {
		if heavy>>j&1 == 1 {
			steps, done := q.walk(j, light|heavy&(1<<j-1), minBands, budget/left)
			q.work.steps += steps
			q.work.heavySteps += steps
			if done {
				return
			}
			budget, left = budget-steps, left-1
		}
	}
}

// minSharedBands returns the most bands m such that a pair at similarity
// sim, given that it shares a band, shares fewer than m with probability
// at most heavyMissRate. A pair shares each band with probability
// p = sim^rows, so the number shared is binomial(bands, p).
func (ix *Index) minSharedBands(sim float64) int {
	p := math.Pow(sim, float64(ix.rows))
	atLeastOne := 1 - math.Pow(1-p, float64(ix.bands))
	m, below := 1, 0.0 // below: P(shared < m+1, shared ≥ 1)
	for k := 1; k < ix.bands; k++ {
		below += binomial(ix.bands, k) * math.Pow(p, float64(k)) * math.Pow(1-p, float64(ix.bands-k))
		if below > heavyMissRate*atLeastOne {
			break
		}
		m = k + 1
	}
	return m
}

// binomial returns n choose k.
func binomial(n, k int) float64 {
	c := 1.0
	for i := range k {
		c = c * float64(n-i) / float64(i+1)
	}
	return c
}

// chainLonger reports whether the chain holding key in band j has more
// than n entries.
func (ix *Index) chainLonger(j int, key uint32, n int) bool {
	slot := *ix.head(j, key)
	for ; slot != none && n >= 0; n-- {
		slot = ix.row(slot)[j].next
	}
	return n < 0
}

// walk verifies the entries in the query's chain of band j that share its
// key there and in none of the bands of the mask before, and in at least
// minBands bands in all, for at most limit steps (no limit if negative). It
// returns the steps taken and whether nothing can improve the result any
// more.
func (q *query) walk(j int, before uint32, minBands, limit int) (steps int, done bool) {
	ix, keys := q.ix, q.sc.keys
	key := keys[j]
	for slot := *ix.head(j, key); slot != none && steps != limit; steps++ {
		l := ix.row(slot)[:ix.bands]
		next := l[j].next
		if l[j].key == key && !matchesIn(l, keys, before) && (minBands <= 1 || sharedBands(l, keys) >= minBands) {
			if sim, ok := q.compare(slot); ok {
				for t := slot; q.beats(sim); {
					q.emit(t, sim)
					if t = ix.entry(t).twinNext; t == slot {
						break
					}
				}
				if q.done() {
					return steps, true
				}
			}
		}
		slot = next
	}
	return steps, false
}

// sharedBands counts the bands in which an entry's keys in l match the
// query's.
func sharedBands(l []link, keys []uint32) int {
	n := 0
	for t := range l {
		if l[t].key == keys[t] {
			n++
		}
	}
	return n
}

// matchesIn reports whether an entry's keys in l match the query's in any
// band of the mask.
func matchesIn(l []link, keys []uint32, mask uint32) bool {
	for t := range l {
		if mask>>t&1 == 1 && l[t].key == keys[t] {
			return true
		}
	}
	return false
}

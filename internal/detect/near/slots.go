package near

import "slices"

// This file is the index's storage: entries and their band links in slabs
// of slots, the band chains, twin rings, groups and the sketch arena.

// slabShift sizes the slabs entries and links are stored in: 2^13 slots,
// 320 KiB of entries and 8 KiB of links per lane. Growing the index adds a
// slab and never copies the ones before, where one slice would be copied
// again and again as it grew and carry up to a quarter unused.
const (
	slabShift = 13
	slabMask  = 1<<slabShift - 1
)

// entry is one indexed text, in 40 bytes.
type entry struct {
	id   string
	off  uint32 // sketch position in the arena
	grp  uint32 // group number
	gpos uint32 // position in the group's members
	// twinPrev and twinNext ring the entries with the same sketch; only one
	// of them, the rep, is in the band chains.
	twinPrev, twinNext uint32
	n                  uint16 // sketch length
	flags              uint8
}

// Entry flags.
const (
	flagLive uint8 = 1 << iota // the slot holds an entry
	flagRep                    // linked into the band chains
	flagFull                   // the sketch is the whole shingle set
)

func (e *entry) is(f uint8) bool { return e.flags&f != 0 }

// link is an entry's place in one lane: its key there and the next entry
// in the same chain.
type link struct {
	key  uint32
	next uint32
}

// group is the entries of one seller or account; a free number has none.
type group struct {
	name    string
	members []uint32
}

// entry returns the entry in slot.
func (ix *Index) entry(slot uint32) *entry {
	return &ix.entries[slot>>slabShift][slot&slabMask]
}

// row returns the links of the entry in slot, one per lane.
func (ix *Index) row(slot uint32) []link {
	i := int(slot&slabMask) * ix.lanes
	return ix.links[slot>>slabShift][i : i+ix.lanes : i+ix.lanes]
}

// slotID returns the id of the entry in slot, for the id table.
func (ix *Index) slotID(slot uint32) string { return ix.entry(slot).id }

// groupName returns the name of group g, for the name table.
func (ix *Index) groupName(g uint32) string { return ix.groups[g].name }

// alloc returns a free slot, growing the tables when none is left.
func (ix *Index) alloc() uint32 {
	if n := len(ix.free); n > 0 {
		slot := ix.free[n-1]
		ix.free = ix.free[:n-1]
		return slot
	}
	slot := ix.slots
	if slot == none {
		panic("near: index full")
	}
	s := int(slot >> slabShift)
	if s == len(ix.entries) {
		// The first slab grows like a slice, so that small indexes stay
		// small; the others are allocated whole.
		size := 1 << slabShift
		if s == 0 {
			size = min(size, max(ix.expected, 16))
		}
		ix.entries = append(ix.entries, make([]entry, 0, size))
		ix.links = append(ix.links, make([]link, 0, size*ix.lanes))
	}
	ix.entries[s] = append(ix.entries[s], entry{})
	ix.links[s] = append(ix.links[s], make([]link, ix.lanes)...)
	ix.slots++
	if size := int(ix.mask) + 1; int(ix.slots) > maxChain*size {
		ix.rehash(2 * size)
	}
	return slot
}

// rehash rebuilds the band tables with size heads per lane, keeping the
// average chain at most maxChain entries long.
func (ix *Index) rehash(size int) {
	ix.mask = uint32(size - 1)
	ix.heads = slices.Grow(ix.heads[:0], ix.lanes*size)[:ix.lanes*size]
	for i := range ix.heads {
		ix.heads[i] = none
	}
	for slot := range ix.slots {
		if ix.entry(slot).is(flagRep) {
			for j := range ix.lanes {
				ix.push(j, slot)
			}
		}
	}
}

// head returns the head of the chain holding key in lane j.
func (ix *Index) head(j int, key uint32) *uint32 {
	return &ix.heads[j*(int(ix.mask)+1)+int(key&ix.mask)]
}

// push puts slot at the front of its chain in lane j.
func (ix *Index) push(j int, slot uint32) {
	l := &ix.row(slot)[j]
	h := ix.head(j, l.key)
	l.next, *h = *h, slot
}

// chainRef returns the reference to slot in its chain in lane j (the head
// or the previous entry's next), so it can be unlinked or replaced.
func (ix *Index) chainRef(j int, slot uint32) *uint32 {
	p := ix.head(j, ix.row(slot)[j].key)
	for *p != slot {
		p = &ix.row(*p)[j].next
	}
	return p
}

// twin returns the rep already indexed with the same sketch and band keys
// as slot, or none: it walks the twin lane's chain.
func (ix *Index) twin(slot uint32) uint32 {
	tl := ix.bands
	mine, e := ix.row(slot), ix.entry(slot)
	sk := ix.sketchOf(slot)
	for t := *ix.head(tl, mine[tl].key); t != none; {
		theirs := ix.row(t)
		if sameKeys(mine, theirs) && ix.entry(t).flags&flagFull == e.flags&flagFull && slices.Equal(ix.sketchOf(t), sk) {
			return t
		}
		t = theirs[tl].next
	}
	return none
}

// sameKeys reports whether two rows have the same key in every lane; their
// chain links differ, as the new row is not linked yet.
func sameKeys(a, b []link) bool {
	return slices.EqualFunc(a, b, func(x, y link) bool { return x.key == y.key })
}

// sketchOf returns the stored sketch of the entry in slot.
func (ix *Index) sketchOf(slot uint32) []uint32 {
	e := ix.entry(slot)
	return ix.arena.get(e.off, e.n)
}

// ringInsert adds slot to the twin ring of t.
func (ix *Index) ringInsert(t, slot uint32) {
	next := ix.entry(t).twinNext
	e := ix.entry(slot)
	e.twinPrev, e.twinNext = t, next
	ix.entry(t).twinNext = slot
	ix.entry(next).twinPrev = slot
}

// remove drops the entry in slot: from its twin ring (handing its place in
// the chains to a twin if it was the rep), its chains, its group and the id
// table. Its sketch stays in the arena as garbage until the next
// compaction.
func (ix *Index) remove(slot uint32) {
	e := ix.entry(slot)
	mine := ix.row(slot)
	switch {
	case e.twinNext != slot:
		prev, next := e.twinPrev, e.twinNext
		ix.entry(prev).twinNext, ix.entry(next).twinPrev = next, prev
		if e.is(flagRep) {
			theirs := ix.row(next)
			for j := range ix.lanes {
				*ix.chainRef(j, slot) = next
				theirs[j].next = mine[j].next
			}
			ix.entry(next).flags |= flagRep
		}
	case e.is(flagRep):
		for j := range ix.lanes {
			*ix.chainRef(j, slot) = mine[j].next
		}
	}
	ix.ids.remove(e.id, ix.slotID)
	ix.leave(slot)
	ix.arena.garbage += int(e.n)
	*e = entry{} // drop the id for the collector
	ix.free = append(ix.free, slot)
	ix.live--
	if ix.arena.garbage > 1<<15 && ix.arena.garbage > ix.arena.used/2 {
		ix.compact()
	}
}

// compact copies the live sketches into a new arena.
func (ix *Index) compact() {
	fresh := arena{shift: ix.arena.shift}
	for slot := range ix.slots {
		if e := ix.entry(slot); e.is(flagLive) {
			e.off = fresh.add(ix.arena.get(e.off, e.n))
		}
	}
	ix.arena = fresh
}

// join adds slot to the group called name.
func (ix *Index) join(slot uint32, name string) {
	g, ok := ix.names.find(name, ix.groupName)
	if !ok {
		if n := len(ix.freeGroups); n > 0 {
			g, ix.freeGroups = ix.freeGroups[n-1], ix.freeGroups[:n-1]
			ix.groups[g].name = name
		} else {
			g = uint32(len(ix.groups))
			ix.groups = append(ix.groups, group{name: name})
		}
		ix.names.insert(name, g)
	}
	e, grp := ix.entry(slot), &ix.groups[g]
	e.grp, e.gpos = g, uint32(len(grp.members))
	grp.members = append(grp.members, slot)
}

// leave removes slot from its group, freeing the group's number when it
// empties.
func (ix *Index) leave(slot uint32) {
	e := ix.entry(slot)
	g := &ix.groups[e.grp]
	last := g.members[len(g.members)-1]
	g.members[e.gpos] = last
	ix.entry(last).gpos = e.gpos
	g.members = g.members[:len(g.members)-1]
	if len(g.members) == 0 {
		ix.names.remove(g.name, ix.groupName)
		*g = group{}
		ix.freeGroups = append(ix.freeGroups, e.grp)
	}
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
func (a *arena) add(s []uint32) uint32 {
	n := len(a.chunks)
	if n == 0 || len(a.chunks[n-1])+len(s) > 1<<a.shift {
		if (n+1)<<a.shift > 1<<32 {
			panic("near: sketch arena full")
		}
		// The first chunk grows like a slice, so that small indexes stay
		// small; the others are allocated whole.
		size := 1 << a.shift
		if n == 0 {
			size = 1 << 10
		}
		a.chunks = append(a.chunks, make([]uint32, 0, size))
		n++
	}
	c := &a.chunks[n-1]
	pos := uint32((n-1)<<a.shift | len(*c))
	*c = append(*c, s...)
	a.used += len(s)
	return pos
}

// get returns the n words stored at pos.
func (a *arena) get(pos uint32, n uint16) []uint32 {
	off := pos & (1<<a.shift - 1)
	return a.chunks[pos>>a.shift][off : off+uint32(n)]
}
